"""The ``media-monitor`` command line. With no command it opens the desktop app.

Errors a user can cause are one line on stderr and exit status 1, never a traceback.
``--json`` output is for scripts: stable keys, UTC ISO times.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from monitor import __version__
from monitor.app import Monitor, open_monitor
from monitor.cli_collection import (
    add_collection_commands,
    run_export,
    run_export_bundle,
    run_import_bundle,
    run_watch,
)
from monitor.cli_models import add_model_commands, run_models, run_translate
from monitor.cli_output import (
    ProgressLine,
    article_json,
    format_article,
    format_sources,
    format_summary,
    source_json,
    translation_json,
)
from monitor.cli_search import add_search_commands, run_reindex, run_related, run_search
from monitor.disk_errors import describe_os_error
from monitor.errors import MonitorError
from monitor.export import PdfRenderer
from monitor.types import ProgressKind


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="media-monitor",
        description="Collect, translate and search news in Korean, Russian, Chinese and "
        "Ukrainian, offline. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the collection lives (default: $MEDIA_MONITOR_HOME, else the user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sources = commands.add_parser("sources", help="list, add and remove followed sources")
    source_commands = sources.add_subparsers(
        dest="sources_command", metavar="ACTION", required=True
    )
    listing = source_commands.add_parser("list", help="list followed sources")
    listing.add_argument("--json", action="store_true", help="JSON output")
    add = source_commands.add_parser("add", help="follow a feed or page URL")
    add.add_argument("url")
    add.add_argument("--name", help="display name (default: the feed's title)")
    add.add_argument("--lang", help="the language the source usually writes in (a hint)")
    add.add_argument("--no-check", action="store_true", help="add without fetching it now")
    remove = source_commands.add_parser("remove", help="stop following a source, drop its articles")
    remove.add_argument("id", type=int)
    import_opml = source_commands.add_parser(
        "import-opml", help="follow every feed in an OPML file"
    )
    import_opml.add_argument("file", type=Path)
    export_opml = source_commands.add_parser("export-opml", help="write followed feeds as OPML")
    export_opml.add_argument("file", type=Path)
    catalog = source_commands.add_parser("catalog", help="the built-in catalog of outlets")
    catalog.add_argument("--lang", help="only outlets in this language (ko, ru, zh, uk, en)")
    catalog.add_argument("--add-all", action="store_true", help="follow every listed outlet")
    catalog.add_argument("--add", nargs="+", metavar="KEY", help="follow these outlets")
    catalog.add_argument("--json", action="store_true", help="JSON output")

    update = commands.add_parser("update", help="fetch new articles from sources")
    update.add_argument(
        "--source", type=int, action="append", metavar="ID", help="only this source (repeatable)"
    )
    update.add_argument("--json", action="store_true", help="JSON summary")

    articles = commands.add_parser("articles", help="list stored articles")
    article_commands = articles.add_subparsers(
        dest="articles_command", metavar="ACTION", required=True
    )
    article_list = article_commands.add_parser("list", help="list articles, newest first")
    article_list.add_argument("--json", action="store_true", help="JSON output")
    article_list.add_argument("--source", type=int, metavar="ID")
    article_list.add_argument("--lang")
    article_list.add_argument("--limit", type=int, default=None)

    show = commands.add_parser("show", help="show one article")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="JSON output")

    commands.add_parser("demo", help="load the bundled demo collection (no network needed)")
    add_model_commands(commands)
    add_search_commands(commands)
    add_collection_commands(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    open_app: Callable[[str | None], int] | None = None,
    pdf_renderer: PdfRenderer | None = None,
) -> int:
    """Run a command. With none, ``open_app(data_dir)`` starts the desktop app.

    The app is passed in by ``ui.launcher`` (the installed ``media-monitor`` script), so the
    core never imports the UI layer.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        if open_app is None:
            parser.print_help()
            return 0
        return open_app(args.data_dir)
    try:
        with open_monitor(args.data_dir) as monitor:
            return _run(monitor, args, pdf_renderer)
    except MonitorError as error:
        print(f"media-monitor: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("media-monitor: interrupted; what was stored is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0  # the reader of our output went away (e.g. `| head`)
    except OSError as error:  # a full disk or read-only folder met where no code expected it
        print(f"media-monitor: error: {describe_os_error(error)}", file=sys.stderr)
        return 1


def _run(monitor: Monitor, args: argparse.Namespace, pdf_renderer: PdfRenderer | None) -> int:
    if args.command == "sources":
        return _sources(monitor, args)
    if args.command == "update":
        return _update(monitor, args.source, as_json=args.json)
    if args.command == "articles":
        found = monitor.articles(source_id=args.source, language=args.lang, limit=args.limit)
        if args.json:
            _print_json([article_json(article, with_text=False) for article in found])
        else:
            for article in found:
                published = (
                    article.published.strftime("%Y-%m-%d %H:%M") if article.published else ""
                )
                print(
                    f"{article.id:>5}  {article.language or '??':2}  {published:16}  "
                    f"{article.source_name[:24]:24}  {article.title}"
                )
        return 0
    if args.command == "show":
        article = monitor.article(args.id)
        translation = monitor.translation(article.id)
        if args.json:
            _print_json(article_json(article, with_text=True) | translation_json(translation))
        else:
            print(format_article(article, translation))
        return 0
    if args.command == "watch":
        return run_watch(monitor, args, _print_json)
    if args.command == "export-bundle":
        return run_export_bundle(monitor, args)
    if args.command == "import-bundle":
        return run_import_bundle(monitor, args)
    if args.command == "export":
        return run_export(monitor, args, pdf_renderer)
    if args.command == "search":
        return run_search(monitor, args, _print_json)
    if args.command == "related":
        return run_related(monitor, args, _print_json)
    if args.command == "reindex":
        return run_reindex(monitor)
    if args.command == "models":
        return run_models(monitor, args, _print_json)
    if args.command == "translate":
        return run_translate(monitor, args)
    if args.command == "demo":
        sources = monitor.add_demo_sources()
        print(f"Loading the demo collection: {len(sources)} outlets, served from the app itself.")
        return _update(monitor, [s.id for s in sources], as_json=False)
    raise AssertionError(f"unhandled command {args.command}")


def _sources(monitor: Monitor, args: argparse.Namespace) -> int:
    action = args.sources_command
    if action == "list":
        sources = monitor.sources()
        if args.json:
            _print_json([source_json(source) for source in sources])
        else:
            print(format_sources(sources) if sources else "No sources yet: try `sources catalog`.")
    elif action == "add":
        result = monitor.add_source(
            args.url, name=args.name, language=args.lang, check=not args.no_check
        )
        print(f"Added source {result.source.id}: {result.source.name} ({result.note})")
    elif action == "remove":
        removed = monitor.remove_source(args.id)
        print(f"Removed source {removed.id}: {removed.name} and its articles")
    elif action == "import-opml":
        imported, known = monitor.import_opml(args.file)
        print(
            f"Imported {len(imported)} sources from {args.file}"
            + (f"; {known} were already followed" if known else "")
        )
    elif action == "export-opml":
        count = monitor.export_opml(args.file)
        print(f"Wrote {count} feeds to {args.file}")
    elif action == "catalog":
        return _catalog(monitor, args)
    return 0


def _catalog(monitor: Monitor, args: argparse.Namespace) -> int:
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
        _print_json(
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


def _update(monitor: Monitor, source_ids: list[int] | None, *, as_json: bool) -> int:
    cancel = threading.Event()
    line = ProgressLine(sys.stderr, enabled=not as_json)
    reports = []
    translated = 0
    try:
        for progress in monitor.update_iter(source_ids, cancel=cancel):
            line.show(progress)
            if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
                reports.append(progress.report)
            elif progress.kind is ProgressKind.TRANSLATED:
                translated += 1
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        line.clear()
    waiting = monitor.translations.waiting_by_language()
    if as_json:
        _print_json(
            {
                "sources": [
                    {
                        "source_id": r.source_id,
                        "source": r.source_name,
                        "new": r.new,
                        "updated": r.updated,
                        "failed": r.failed,
                        "not_modified": r.not_modified,
                        "error": r.error,
                    }
                    for r in reports
                ],
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
    target = monitor.settings.target_language
    for language, count in sorted(waiting.items(), key=lambda item: str(item[0])):
        print(
            f"{count} articles wait for a {language}→{target} model "
            "(see `media-monitor models list`)"
        )
    return 0


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
