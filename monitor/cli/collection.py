"""``media-monitor watch …``, ``export`` and the bundle commands: the collection as a whole.

The parser half imports nothing but argparse and names each command's handler (a ``run_*``
function below); each handler imports the part of the core it runs (watchlists, exports,
bundles) when it runs, so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.cli.arguments import output_file

if TYPE_CHECKING:
    from monitor.app import Monitor


def add_collection_commands(commands: Any) -> None:
    watch = commands.add_parser("watch", help="watchlists: saved searches that count new matches")
    actions = watch.add_subparsers(dest="watch_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="watchlists with their new matches")
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=run_watch_list)
    add = actions.add_parser("add", help="save a search as a watchlist")
    add.add_argument("name")
    add.add_argument("query")
    add.set_defaults(run=run_watch_add)
    remove = actions.add_parser("remove", help="remove a watchlist")
    remove.add_argument("name")
    remove.set_defaults(run=run_watch_remove)

    bundle_out = commands.add_parser(
        "export-bundle", help="write the collection (or a search's matches) as one bundle file"
    )
    bundle_out.add_argument("out", type=output_file)
    bundle_out.add_argument("--query", help="only the articles this search finds")
    bundle_out.add_argument(
        "--with-models", action="store_true", help="include the installed translation models"
    )
    bundle_out.set_defaults(run=run_export_bundle)
    bundle_in = commands.add_parser(
        "import-bundle", help="merge a bundle into this collection (nothing local is overwritten)"
    )
    bundle_in.add_argument("file", type=Path)
    bundle_in.set_defaults(run=run_import_bundle)

    export = commands.add_parser("export", help="export articles (all, or a search's matches)")
    export.add_argument("--format", choices=["csv", "jsonl", "html", "pdf"], required=True)
    export.add_argument("--query", help="only the articles this search finds")
    export.add_argument("out", type=output_file)
    export.set_defaults(run=run_export)


def run_watch_list(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json

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
        return 0
    if not statuses:
        print('No watchlists yet: `media-monitor watch add NAME "QUERY"`.')
    for status in statuses:
        note = f"  ({status.error})" if status.error else ""
        print(
            f"{status.name:24} {status.new_matches:>4} new  {status.total_matches:>5} "
            f"matches  {status.watchlist.query}{note}"
        )
    return 0


def run_watch_add(monitor: Monitor, args: argparse.Namespace) -> int:
    status = monitor.add_watchlist(args.name, args.query)
    print(f"Watching {status.name!r}: {status.total_matches} matches so far")
    return 0


def run_watch_remove(monitor: Monitor, args: argparse.Namespace) -> int:
    removed = monitor.remove_watchlist(args.name)
    print(f"Removed the watchlist {removed.name!r}")
    return 0


def run_export(monitor: Monitor, args: argparse.Namespace) -> int:
    """``export``; a PDF is drawn by ``args.pdf_renderer``, which the launcher passes in."""
    from monitor.types import SearchRequest

    pdf_renderer = args.pdf_renderer
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
