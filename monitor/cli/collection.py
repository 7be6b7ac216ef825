"""``media-monitor watch …``, ``export`` and the bundle commands: the collection as a whole.

The parser half imports nothing but argparse; each command imports the part of the core it
runs (watchlists, exports, bundles) when it runs, so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.app import Monitor
    from monitor.export import PdfRenderer


def add_collection_commands(commands: Any) -> None:
    watch = commands.add_parser("watch", help="watchlists: saved searches that count new matches")
    actions = watch.add_subparsers(dest="watch_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="watchlists with their new matches")
    listing.add_argument("--json", action="store_true", help="JSON output")
    add = actions.add_parser("add", help="save a search as a watchlist")
    add.add_argument("name")
    add.add_argument("query")
    remove = actions.add_parser("remove", help="remove a watchlist")
    remove.add_argument("name")

    bundle_out = commands.add_parser(
        "export-bundle", help="write the collection (or a search's matches) as one bundle file"
    )
    bundle_out.add_argument("out", type=Path)
    bundle_out.add_argument("--query", help="only the articles this search finds")
    bundle_out.add_argument(
        "--with-models", action="store_true", help="include the installed translation models"
    )
    bundle_in = commands.add_parser(
        "import-bundle", help="merge a bundle into this collection (nothing local is overwritten)"
    )
    bundle_in.add_argument("file", type=Path)

    export = commands.add_parser("export", help="export articles (all, or a search's matches)")
    export.add_argument("--format", choices=["csv", "jsonl", "html", "pdf"], required=True)
    export.add_argument("--query", help="only the articles this search finds")
    export.add_argument("out", type=Path)


def run_watch(monitor: Monitor, args: argparse.Namespace, print_json: Callable[[Any], None]) -> int:
    if args.watch_command == "add":
        status = monitor.add_watchlist(args.name, args.query)
        print(f"Watching {status.name!r}: {status.total_matches} matches so far")
    elif args.watch_command == "remove":
        removed = monitor.remove_watchlist(args.name)
        print(f"Removed the watchlist {removed.name!r}")
    else:
        statuses = monitor.check_watchlists()
        if args.json:
            print_json(
                [
                    {
                        "name": s.name,
                        "query": s.watchlist.query,
                        "matches": s.total_matches,
                        "new": s.new_matches,
                        "muted": s.watchlist.muted,
                        "error": s.error,
                    }
                    for s in statuses
                ]
            )
        elif not statuses:
            print('No watchlists yet: `media-monitor watch add NAME "QUERY"`.')
        for status in [] if args.json else statuses:
            note = f"  ({status.error})" if status.error else ""
            print(
                f"{status.name:24} {status.new_matches:>4} new  {status.total_matches:>5} "
                f"matches  {status.watchlist.query}{note}"
            )
    return 0


def run_export(monitor: Monitor, args: argparse.Namespace, pdf_renderer: PdfRenderer | None) -> int:
    from monitor.types import SearchRequest

    if args.query:
        for _ in monitor.sync_index():
            pass
        count = monitor.export_search(
            SearchRequest(args.query), args.out, args.format, pdf_renderer=pdf_renderer
        )
    else:
        count = monitor.export_articles(None, args.out, args.format, pdf_renderer=pdf_renderer)
    print(f"Exported {count} articles to {args.out}")
    return 0


def run_export_bundle(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.types import SearchRequest

    ids = None
    if args.query:
        for _ in monitor.sync_index():
            pass
        ids = monitor.matching_ids(SearchRequest(args.query))
    report = monitor.export_bundle(args.out, article_ids=ids, with_models=args.with_models)
    print(f"Wrote {args.out}:")
    for line in report.lines():
        print(f"  {line}")
    return 0


def run_import_bundle(monitor: Monitor, args: argparse.Namespace) -> int:
    report = monitor.import_bundle(args.file)
    for _ in monitor.sync_index():
        pass
    print(f"Imported {args.file}:")
    for line in report.lines():
        print(f"  {line}")
    return 0
