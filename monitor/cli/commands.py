"""What the commands on sources and articles do once :mod:`monitor.cli` has parsed them and
opened a Monitor: ``sources …``, ``update``, ``articles list``, ``articles mark-read``,
``show`` and ``demo``.

Each ``run_*`` function is the handler its parser names (:mod:`monitor.cli` imports this
module only when one of them runs); it takes the Monitor and the parsed arguments and returns
the exit status.

``sources add`` exits with status 3 (:data:`UNCHECKED`) when it followed an address it
could not reach: the source is kept (field users prepare sources offline) and is tried at
the next update, but a script learns that the address is unproven. ``--no-check`` adds
without trying and exits with 0.

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

from monitor.cli.arguments import PROGRAM, one_line
from monitor.cli.output import (
    ProgressLine,
    article_json,
    cells,
    column_width,
    counted,
    fit,
    format_article,
    format_sources,
    format_summary,
    post_json,
    print_json,
    source_json,
    table_width,
    translation_json,
)
from monitor.errors import MonitorError
from monitor.sources.catalog import affiliation_label
from monitor.types import ProgressKind, SourceReport, WorkerStage

if TYPE_CHECKING:
    from monitor.app import Monitor

UNCHECKED = 3  # `sources add`: followed, but the address could not be reached to check it


def run_sources_list(monitor: Monitor, args: argparse.Namespace) -> int:
    sources = monitor.sources()
    if args.json:
        print_json([source_json(source) for source in sources])
        return 0
    print(
        format_sources(sources, table_width())
        if sources
        else "No sources yet: try `sources catalog`."
    )
    last = monitor.last_update()
    if last is not None:
        finished = last.finished_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"\nLast update finished {finished}: {last.describe()}.")
    return 0


def run_sources_add(monitor: Monitor, args: argparse.Namespace) -> int:
    result = monitor.add_source(
        args.url, name=args.name, language=args.lang, check=not args.no_check
    )
    source = result.source
    if args.no_check or not source.last_error:
        print(f"Added source {source.id}: {source.name} ({result.note})")
        return 0
    # Reached for the check and not found there: followed all the same, said as unproven.
    print(f"Added source {source.id}: {source.name}, not checked")
    print(
        f"{PROGRAM}: warning: could not reach {one_line(source.url)} to check it: "
        f"{one_line(source.last_error)}. It is followed and will be tried at the next update; "
        "remove it with `sources remove` if the address is wrong.",
        file=sys.stderr,
    )
    return UNCHECKED


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
    print(f"Wrote {counted(count, 'feed')} to {args.file}")
    return 0


def run_sources_set_zone(monitor: Monitor, args: argparse.Namespace) -> int:
    zone = None if args.zone.strip().lower() == "auto" else args.zone.strip()
    moved = monitor.set_source_time_zone(args.id, zone)
    said = f"the zone {zone}" if zone else "the zone its feed, country or language point to"
    print(
        f"Source {args.id} now places dates written without a zone in {said};"
        f" {counted(moved, 'article')} placed again"
    )
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
            f"Following {counted(len(added), 'new outlet')}"
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
                    "kind": o.kind.value,  # "feed" or "telegram"
                    "owner": o.owner or None,
                    "affiliation": affiliation_label(o) or None,
                    "state_affiliated": o.state_affiliated,
                    "affiliation_basis": o.affiliation_basis or None,
                    "confirmed": o.confirmed,
                    "note": o.note or None,
                    "evidence": [
                        {"source": e.source, "shows": e.shows, "date": e.date or None}
                        for e in o.evidence
                    ],
                }
                for o in outlets
            ]
        )
        return 0
    for outlet in outlets:
        label = affiliation_label(outlet) or "—"
        evidence = "" if outlet.confirmed else "  (feed not confirmed)"
        print(
            f"{outlet.key:24} {outlet.language}  {outlet.country}  {fit(outlet.name, 28)} "
            f"{fit(label, 22)} {outlet.feed_url}{evidence}"
        )
    return 0


def run_update(monitor: Monitor, args: argparse.Namespace) -> int:
    return _update(monitor, args.source, as_json=args.json)


def run_articles_list(monitor: Monitor, args: argparse.Namespace) -> int:
    language = args.lang.strip().lower() if args.lang is not None else None
    if args.source is not None and all(s.id != args.source for s in monitor.sources()):
        raise MonitorError(f"no source with id {args.source} (see `sources list`)")
    found = monitor.articles(source_id=args.source, language=language, limit=args.limit)
    if language is not None and not found:
        _refuse_unknown_language(monitor, language)
    if args.json:
        print_json([article_json(article, with_text=False) for article in found])
        return 0
    width = table_width()
    # Id, language and time take 31 cells; the outlet gets half of the rest at most.
    share = None if width is None else max(24, (width - 31) // 2)
    outlet_width = column_width([a.source_name for a in found], share)
    for article in found:
        published = article.published.strftime("%Y-%m-%d %H:%M") if article.published else ""
        code = article.language or "??"
        print(
            f"{article.id:>5}  {code}{' ' * max(0, 2 - cells(code))}  {published:16}  "
            f"{fit(article.source_name, outlet_width)}  {article.title}"
        )
    return 0


def run_articles_mark_read(monitor: Monitor, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from monitor.types import SearchRequest

    language = args.lang.strip().lower() if args.lang is not None else None
    if args.source is not None and all(s.id != args.source for s in monitor.sources()):
        raise MonitorError(f"no source with id {args.source} (see `sources list`)")
    if language is not None:
        _refuse_unknown_language(monitor, language)
    marked = monitor.mark_read(
        source_id=args.source,
        language=language,
        request=SearchRequest(args.query) if args.query is not None else None,
        starred=args.starred,
        older_than=None if args.older_than is None else timedelta(days=args.older_than),
    )
    print(f"Marked {counted(marked, 'article')} read")
    return 0


def _refuse_unknown_language(monitor: Monitor, language: str) -> None:
    """Raise when no article of the collection is in ``language``, naming the ones there are
    (a mistyped code would otherwise list nothing and look like an empty collection)."""
    present = sorted({a.language for a in monitor.articles() if a.language})
    if language in present:
        return
    if not present:
        raise MonitorError(f"no articles in {language!r}: the collection has no articles yet")
    raise MonitorError(
        f"no articles in {language!r}: the collection has articles in {', '.join(present)}"
    )


def run_show(monitor: Monitor, args: argparse.Namespace) -> int:
    article = monitor.article(args.id)
    translation = monitor.translation(article.id)
    post = monitor.post_details(article.id) if article.guid else None
    if args.json:
        shown = article_json(article, with_text=True) | post_json(article, post)
        print_json(shown | translation_json(translation))
    else:
        print(format_article(article, translation, post))
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
    left: list[WorkerStage] = []  # the stages a team's workers run (a shared store)
    updating = monitor.update_iter(source_ids, cancel=cancel)
    try:
        with _cancelled_by_ctrl_c(cancel):
            for progress in updating:
                line.show(progress)
                if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
                    reports.append(progress.report)
                elif progress.kind is ProgressKind.TRANSLATED:
                    translated += 1
                elif progress.kind is ProgressKind.LEFT_TO_WORKERS:
                    left.append(WorkerStage(progress.message))
    finally:
        line.clear()
        if isinstance(updating, Generator):  # stopped by an error: its fetches stop too
            updating.close()
    if cancel.is_set():
        new = sum(report.new for report in reports)
        if as_json:
            print_json({"stopped": True, "new": new, "sources": [_report_json(r) for r in reports]})
        else:
            print(f"Stopped: {counted(new, 'new article')} kept; the rest next update")
        return 130
    # The team's translation workers may have the models this machine lacks.
    waiting = {} if WorkerStage.TRANSLATE in left else monitor.waiting_by_language()
    if as_json:
        print_json(
            {
                "sources": [_report_json(report) for report in reports],
                "left_to_workers": left,
                "translated": translated,
                "waiting_for_translation": {
                    language or "unknown": count for language, count in waiting.items()
                },
            }
        )
        return 0
    if WorkerStage.COLLECT not in left:
        print(format_summary(reports, table_width()))
    for stage in left:
        work = {WorkerStage.COLLECT: "Collection", WorkerStage.TRANSLATE: "Translation"}[stage]
        print(f"{work} is done by the team's workers, which are running; not here.")
    if translated:
        print(f"Translated {counted(translated, 'article')}.")
    target = monitor.target_language()
    for language, count in sorted(waiting.items(), key=lambda item: str(item[0])):
        waits = "waits" if count == 1 else "wait"
        print(
            f"{counted(count, 'article')} {waits} for a {language}→{target} model "
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
