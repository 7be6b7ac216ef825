"""What the commands on sources and articles do once :mod:`monitor.cli` has parsed them and
opened a Monitor: ``sources …``, ``update``, ``articles list``, ``show`` and ``demo``.

Each ``run_*`` function is the handler its parser names (:mod:`monitor.cli` imports this
module only when one of them runs); it takes the Monitor and the parsed arguments and returns
the exit status.

Ctrl+C during an update cancels it rather than tearing through it: the update stops within
two seconds, keeps what it stored, says so in one line and exits with status 130. A second
Ctrl+C interrupts at once (what was committed is kept all the same).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from monitor.cli.output import (
    ProgressLine,
    article_json,
    format_article,
    format_sources,
    format_summary,
    print_json,
    source_json,
    translation_json,
)
from monitor.errors import MonitorError
from monitor.types import ProgressKind, SourceReport

if TYPE_CHECKING:
    from monitor.app import Monitor


def run_sources_list(monitor: Monitor, args: argparse.Namespace) -> int:
    sources = monitor.sources()
    if args.json:
        print_json([source_json(source) for source in sources])
        return 0
    print(format_sources(sources) if sources else "No sources yet: try `sources catalog`.")
    last = monitor.last_update()
    if last is not None:
        finished = last.finished_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"\nLast update finished {finished}: {last.describe()}.")
    return 0


def run_sources_add(monitor: Monitor, args: argparse.Namespace) -> int:
    result = monitor.add_source(
        args.url, name=args.name, language=args.lang, check=not args.no_check
    )
    print(f"Added source {result.source.id}: {result.source.name} ({result.note})")
    return 0


def run_sources_remove(monitor: Monitor, args: argparse.Namespace) -> int:
    removed = monitor.remove_source(args.id)
    print(f"Removed source {removed.id}: {removed.name} and its articles")
    return 0


def run_import_opml(monitor: Monitor, args: argparse.Namespace) -> int:
    result = monitor.import_opml(args.file)
    print(result.summary())
    for line in result.details():
        print(line)
    return 0


def run_export_opml(monitor: Monitor, args: argparse.Namespace) -> int:
    count = monitor.export_opml(args.file)
    print(f"Wrote {count} feeds to {args.file}")
    return 0


def run_catalog(monitor: Monitor, args: argparse.Namespace) -> int:
    outlets = [o for o in monitor.catalog() if args.lang in (None, o.language)]
    if args.add:
        by_key = {o.key: o for o in monitor.catalog()}
        unknown = [key for key in args.add if key not in by_key]
        if unknown:
            raise MonitorError(
                f"not in the catalog: {', '.join(unknown)} (see `sources catalog` for keys)"
            )
        outlets = [by_key[key] for key in args.add]
    if args.add or args.add_all:
        added = monitor.add_outlets(outlets)
        print(
            f"Following {len(added)} new outlets"
            + (
                f" ({len(outlets) - len(added)} already followed)"
                if len(added) < len(outlets)
                else ""
            )
        )
        return 0
    if args.json:
        print_json(
            [
                {
                    "key": o.key,
                    "name": o.name,
                    "lang": o.language,
                    "country": o.country,
                    "homepage": o.homepage,
                    "url": o.feed_url,
                }
                for o in outlets
            ]
        )
        return 0
    for outlet in outlets:
        print(
            f"{outlet.key:24} {outlet.language}  {outlet.country}  {outlet.name:28} "
            f"{outlet.feed_url}"
        )
    return 0


def run_update(monitor: Monitor, args: argparse.Namespace) -> int:
    return _update(monitor, args.source, as_json=args.json)


def run_articles_list(monitor: Monitor, args: argparse.Namespace) -> int:
    found = monitor.articles(source_id=args.source, language=args.lang, limit=args.limit)
    if args.json:
        print_json([article_json(article, with_text=False) for article in found])
        return 0
    for article in found:
        published = article.published.strftime("%Y-%m-%d %H:%M") if article.published else ""
        print(
            f"{article.id:>5}  {article.language or '??':2}  {published:16}  "
            f"{article.source_name[:24]:24}  {article.title}"
        )
    return 0


def run_show(monitor: Monitor, args: argparse.Namespace) -> int:
    article = monitor.article(args.id)
    translation = monitor.translation(article.id)
    if args.json:
        print_json(article_json(article, with_text=True) | translation_json(translation))
    else:
        print(format_article(article, translation))
    return 0


def run_demo(monitor: Monitor, args: argparse.Namespace) -> int:
    sources = monitor.add_demo_sources()
    print(f"Loading the demo collection: {len(sources)} outlets, served from the app itself.")
    return _update(monitor, [s.id for s in sources], as_json=False)


def _update(monitor: Monitor, source_ids: list[int] | None, *, as_json: bool) -> int:
    cancel = threading.Event()
    line = ProgressLine(sys.stderr, enabled=not as_json)
    reports = []
    translated = 0
    updating = monitor.update_iter(source_ids, cancel=cancel)
    try:
        with _cancelled_by_ctrl_c(cancel):
            for progress in updating:
                line.show(progress)
                if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
                    reports.append(progress.report)
                elif progress.kind is ProgressKind.TRANSLATED:
                    translated += 1
    finally:
        line.clear()
        if isinstance(updating, Generator):  # stopped by an error: its fetches stop too
            updating.close()
    if cancel.is_set():
        new = sum(report.new for report in reports)
        if as_json:
            print_json({"stopped": True, "new": new, "sources": [_report_json(r) for r in reports]})
        else:
            print(f"Stopped: {new} new articles kept; the rest next update")
        return 130
    waiting = monitor.waiting_by_language()
    if as_json:
        print_json(
            {
                "sources": [_report_json(report) for report in reports],
                "translated": translated,
                "waiting_for_translation": {
                    language or "unknown": count for language, count in waiting.items()
                },
            }
        )
        return 0
    print(format_summary(reports))
    if translated:
        print(f"Translated {translated} articles.")
    target = monitor.target_language()
    for language, count in sorted(waiting.items(), key=lambda item: str(item[0])):
        print(
            f"{count} articles wait for a {language}→{target} model "
            "(see `media-monitor models list`)"
        )
    return 0


def _report_json(report: SourceReport) -> dict[str, object]:
    return {
        "source_id": report.source_id,
        "source": report.source_name,
        "new": report.new,
        "updated": report.updated,
        "failed": report.failed,
        "not_modified": report.not_modified,
        "queued": report.queued,
        "error": report.error,
    }


@contextmanager
def _cancelled_by_ctrl_c(cancel: threading.Event) -> Iterator[None]:
    """Within the block, the first Ctrl+C (SIGINT) sets ``cancel``; a second one raises
    ``KeyboardInterrupt`` as usual. Elsewhere than on the main thread nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def stop(signum: int, frame: FrameType | None) -> None:
        cancel.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
