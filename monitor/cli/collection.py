"""``media-monitor watch …``, ``export`` and the bundle commands: the collection as a whole.

The parser half imports nothing but argparse and names each command's handler (a ``run_*``
function below); each handler imports the part of the core it runs (watchlists, exports,
bundles) when it runs, so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.cli.arguments import calendar_day, output_file

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
    rename = actions.add_parser("rename", help="give a watchlist another name")
    rename.add_argument("name")
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.set_defaults(run=run_watch_rename)
    edit = actions.add_parser(
        "edit",
        help="change a watchlist's query or filters",
        description="Options given replace the watchlist's query or that filter; the others "
        "are kept (--clear-filters drops them all first). Its present matches count as seen.",
    )
    edit.add_argument("name")
    edit.add_argument("--query", help="the new query")
    edit.add_argument("--lang", action="append", help="only this language (repeatable)")
    edit.add_argument("--outlet", action="append", help="only this outlet (repeatable)")
    edit.add_argument("--since", type=calendar_day, help="published on or after (YYYY-MM-DD)")
    edit.add_argument("--until", type=calendar_day, help="published on or before (YYYY-MM-DD)")
    edit.add_argument("--clear-filters", action="store_true", help="drop every filter first")
    edit.set_defaults(run=run_watch_edit)
    mute = actions.add_parser("mute", help="count a watchlist's matches without notifying")
    mute.add_argument("name")
    mute.set_defaults(run=run_watch_mute, muted=True)
    unmute = actions.add_parser("unmute", help="notify of a watchlist's new matches again")
    unmute.add_argument("name")
    unmute.set_defaults(run=run_watch_mute, muted=False)

    bundle_out = commands.add_parser(
        "export-bundle", help="write the collection (or a search's matches) as one bundle file"
    )
    bundle_out.add_argument("out", type=output_file)
    bundle_out.add_argument("--query", help="only the articles this search finds")
    bundle_out.add_argument(
        "--with-models", action="store_true", help="include the installed translation models"
    )
    bundle_out.add_argument(
        "--without-notes",
        action="store_true",
        help="leave out your notes on the articles (a Media Monitor older than notes needs this)",
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


def run_watch_rename(monitor: Monitor, args: argparse.Namespace) -> int:
    renamed = monitor.rename_watchlist(args.name, args.new_name)
    print(f"Renamed the watchlist {args.name!r} to {renamed.name!r}")
    return 0


def run_watch_edit(monitor: Monitor, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from monitor.watchlists import WatchFilters

    watchlist = monitor.watchlist(args.name)
    filters = WatchFilters() if args.clear_filters else watchlist.filters
    if args.lang is not None:
        filters = replace(filters, languages=tuple(code.strip().lower() for code in args.lang))
    if args.outlet is not None:
        filters = replace(filters, outlets=tuple(args.outlet))
    if args.since is not None:
        filters = replace(filters, since=args.since)
    if args.until is not None:
        filters = replace(filters, until=args.until)
    query = watchlist.query if args.query is None else args.query
    status = monitor.edit_watchlist(watchlist.name, query, filters)
    print(
        f"Watching {status.name!r} for {status.watchlist.query!r}: {status.total_matches} matches"
    )
    return 0


def run_watch_mute(monitor: Monitor, args: argparse.Namespace) -> int:
    changed = monitor.mute_watchlist(args.name, args.muted)
    said = "muted: its matches are counted without a notification" if args.muted else "unmuted"
    print(f"The watchlist {changed.name!r} is {said}")
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
    report = monitor.export_bundle(
        args.out, article_ids=ids, with_models=args.with_models, with_notes=not args.without_notes
    )
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
