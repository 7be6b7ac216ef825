"""The ``media-monitor`` command line. With no command it opens the desktop app.

Every error is one line on stderr and exit status 1, never a traceback: a mistake on the
command line (:class:`~monitor.cli.arguments.Parser`), an error the core raises on purpose,
and a bug, whose traceback goes to a log file (:mod:`monitor.cli.failures`).
``sources add`` exits with status 3 when it followed an address it could not reach to check
(:data:`monitor.cli.commands.UNCHECKED`). ``--json`` output is for scripts: stable keys, UTC
ISO times, nothing cut to fit a terminal.

The parser is built from argparse and the parser halves of this package's modules alone.
Every subcommand's parser names its handler (``set_defaults(run=…)``, see
:mod:`monitor.cli.handlers`), and :func:`main` calls it with an opened Monitor. The core is
imported once a command runs, and a Monitor builds only the parts a command uses (see
:mod:`monitor.app`): ``--help`` starts in a few tens of milliseconds, and ``articles list``
never loads httpx, Whoosh or CTranslate2.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor import __version__
from monitor.cli.arguments import Parser, WholeNumber, article_id, output_file, source_id
from monitor.cli.collection import add_collection_commands
from monitor.cli.compare import add_compare_command
from monitor.cli.handlers import Later
from monitor.cli.models import add_model_commands
from monitor.cli.names import add_names_commands
from monitor.cli.notes import add_notes_commands
from monitor.cli.search import add_search_commands
from monitor.cli.stories import add_stories_commands
from monitor.cli.worker import add_worker_command

if TYPE_CHECKING:
    from monitor.cli.handlers import Handler
    from monitor.export import PdfRenderer


def _commands(function: str) -> Later:
    """A handler of :mod:`monitor.cli.commands`, which imports the store at its top."""
    return Later("monitor.cli.commands", function)


# `articles list --limit`: more than any screen or script reads at once; omit it for all.
MAX_LISTED = 1_000_000
MAX_DAYS = 36_500  # `articles mark-read --older-than`: a century


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    parser.add_argument(
        "--store",
        metavar="URL",
        help="a team's shared store, postgresql://user@host/database (default: the data "
        "folder's setting, else its own SQLite file); the search index stays in the data folder",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="whose read marks, stars, notes and watchlists (default: $MEDIA_MONITOR_USER, "
        "else the data folder's setting, else the login name on a shared store)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sources = commands.add_parser("sources", help="list, add and remove followed sources")
    source_commands = sources.add_subparsers(
        dest="sources_command", metavar="ACTION", required=True
    )
    listing = source_commands.add_parser("list", help="list followed sources")
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=_commands("run_sources_list"))
    add = source_commands.add_parser(
        "add",
        help="follow a feed or page URL, or a Telegram channel (@name)",
        description="Follow a feed, or a page (its advertised feed is found, else the page is "
        "followed as one article), or a public Telegram channel given as @name, t.me/name or "
        "t.me/s/name (each post an article). An address that cannot be reached now is "
        "followed all the same, tried at the next update, and said on stderr with exit "
        "status 3; --no-check adds without trying (exit status 0).",
    )
    add.add_argument("url")
    add.add_argument("--name", help="display name (default: the feed's title)")
    add.add_argument("--lang", help="the language the source usually writes in (a hint)")
    add.add_argument("--no-check", action="store_true", help="add without fetching it now")
    add.set_defaults(run=_commands("run_sources_add"))
    remove = source_commands.add_parser("remove", help="stop following a source, drop its articles")
    remove.add_argument("id", type=source_id)
    remove.set_defaults(run=_commands("run_sources_remove"))
    import_opml = source_commands.add_parser(
        "import-opml", help="follow every feed in an OPML file"
    )
    import_opml.add_argument("file", type=Path)
    import_opml.set_defaults(run=_commands("run_import_opml"))
    export_opml = source_commands.add_parser("export-opml", help="write followed feeds as OPML")
    export_opml.add_argument("file", type=output_file)
    export_opml.set_defaults(run=_commands("run_export_opml"))
    zone = source_commands.add_parser(
        "set-zone",
        help="the time zone of dates the source writes without one",
        description="Dates a feed writes without a zone (2018-09-18 14:38) are placed in the "
        "zone its other dates, its country or its language point to; set the zone here when "
        "that guess is wrong ('auto' goes back to guessing). The source's assumed times are "
        "placed again.",
    )
    zone.add_argument("id", type=source_id)
    zone.add_argument("zone", help="an IANA name (Asia/Shanghai, Europe/Kyiv), UTC+03:00, or auto")
    zone.set_defaults(run=_commands("run_sources_set_zone"))
    catalog = source_commands.add_parser("catalog", help="the built-in catalog of outlets")
    catalog.add_argument("--lang", help="only outlets in this language (ko, ru, zh, uk, en)")
    catalog.add_argument("--add-all", action="store_true", help="follow every listed outlet")
    catalog.add_argument("--add", nargs="+", metavar="KEY", help="follow these outlets")
    catalog.add_argument("--json", action="store_true", help="JSON output")
    catalog.set_defaults(run=_commands("run_catalog"))

    update = commands.add_parser("update", help="fetch new articles from sources")
    update.add_argument(
        "--source",
        type=source_id,
        action="append",
        metavar="ID",
        help="only this source (repeatable)",
    )
    update.add_argument("--json", action="store_true", help="JSON summary")
    update.set_defaults(run=_commands("run_update"))

    articles = commands.add_parser("articles", help="list stored articles")
    article_commands = articles.add_subparsers(
        dest="articles_command", metavar="ACTION", required=True
    )
    article_list = article_commands.add_parser("list", help="list articles, newest first")
    article_list.add_argument("--json", action="store_true", help="JSON output")
    article_list.add_argument("--source", type=source_id, metavar="ID")
    article_list.add_argument("--lang")
    article_list.add_argument(
        "--limit",
        type=WholeNumber("the number of articles", 1, MAX_LISTED),
        default=None,
        help="at most this many (default: all)",
    )
    article_list.set_defaults(run=_commands("run_articles_list"))
    mark_read = article_commands.add_parser(
        "mark-read",
        help="mark articles read: all, or those of a source, a language, a search, an age",
        description="Mark read every unread article that meets all the options given (every "
        "article when none is). Which articles are new since you last looked at an outlet is "
        "not changed: seen is not read.",
    )
    mark_read.add_argument("--source", type=source_id, metavar="ID", help="only this source")
    mark_read.add_argument("--lang", help="only articles in this language (ko, ru, zh, uk, en)")
    mark_read.add_argument("--query", help="only the articles this search finds")
    mark_read.add_argument("--starred", action="store_true", help="only starred articles")
    mark_read.add_argument(
        "--older-than",
        type=WholeNumber("the number of days", 0, MAX_DAYS),
        metavar="DAYS",
        help="only articles published more than DAYS days ago",
    )
    mark_read.set_defaults(run=_commands("run_articles_mark_read"))

    show = commands.add_parser("show", help="show one article")
    show.add_argument("id", type=article_id)
    show.add_argument("--json", action="store_true", help="JSON output")
    show.set_defaults(run=_commands("run_show"))

    demo = commands.add_parser("demo", help="load the bundled demo collection (no network needed)")
    demo.set_defaults(run=_commands("run_demo"))
    add_model_commands(commands)
    add_search_commands(commands)
    add_compare_command(commands)
    add_collection_commands(commands)
    add_notes_commands(commands)
    add_names_commands(commands)
    add_stories_commands(commands)
    add_worker_command(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    open_app: Callable[[str | None], int] | None = None,
    pdf_renderer: PdfRenderer | None = None,
) -> int:
    """Run a command and return its exit status. With none, ``open_app(data_dir)`` starts the
    desktop app.

    The app is passed in by ``ui.launcher`` (the installed ``media-monitor`` script), so the
    core never imports the UI layer. Nothing but ``SystemExit`` from a handler leaves this
    function: every failure is one line on stderr and status 1 (130 when interrupted).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as leaving:  # --help, --version, or a mistake already said in one line
        return leaving.code if isinstance(leaving.code, int) else 1
    if args.command is None:
        if open_app is None:
            parser.print_help()
            return 0
        return _open_app(open_app, args)
    args.pdf_renderer = pdf_renderer  # the launcher's, for `export --format pdf`
    _escape_what_the_terminal_cannot_show()
    return _run(args)


def _open_app(open_app: Callable[[str | None], int], args: argparse.Namespace) -> int:
    """Open the desktop app, on the shared store and as the user given on the command line
    (passed on as the environment, which every Monitor the window opens reads)."""
    from monitor.app import STORE_VARIABLE
    from monitor.cli.failures import say_error
    from monitor.errors import ConfigError
    from monitor.settings import checked_store
    from monitor.users import USER_VARIABLE, checked_user_name

    try:  # checked as open_monitor checks them, before the window opens
        if args.store is not None:
            os.environ[STORE_VARIABLE] = checked_store(args.store)
        if args.user is not None:
            os.environ[USER_VARIABLE] = checked_user_name(args.user, "given with --user")
    except ConfigError as error:
        return say_error(str(error))
    return open_app(args.data_dir)


def _escape_what_the_terminal_cannot_show() -> None:
    """A terminal set to ASCII (PYTHONIOENCODING, an old locale) gets Cyrillic and Han as
    ``\\u0441`` escapes rather than an error halfway through a listing."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def _run(args: argparse.Namespace) -> int:
    # Imported only now that a command runs: the parser needs none of the core.
    from monitor.cli.failures import log_records_to_file, report_internal_error, say_error
    from monitor.disk_errors import describe_os_error
    from monitor.errors import MonitorError

    run: Handler = args.run
    try:
        from monitor.app import open_monitor  # fails in a damaged install: said in one line

        opened = open_monitor(args.data_dir, store=args.store, user=args.user)
        with log_records_to_file(args.data_dir), opened as monitor:
            return run(monitor, args)
    except MonitorError as error:
        return say_error(str(error))
    except KeyboardInterrupt:
        print("media-monitor: interrupted; what was stored is kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0  # the reader of our output went away (e.g. `| head`)
    except OSError as error:  # a full disk or read-only folder met where no code expected it
        return say_error(describe_os_error(error))
    except Exception as error:  # a bug: one line for the user, the traceback to a log file
        return report_internal_error(error, args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
