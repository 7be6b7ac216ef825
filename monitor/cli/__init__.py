"""The ``media-monitor`` command line. With no command it opens the desktop app.

Errors a user can cause are one line on stderr and exit status 1, never a traceback.
``--json`` output is for scripts: stable keys, UTC ISO times.

The parser is built from argparse and the parser halves of this package's modules alone.
Every subcommand's parser names its handler (``set_defaults(run=…)``, see
:mod:`monitor.cli.handlers`), and :func:`main` calls it with an opened Monitor. The core is
imported once a command runs, and a Monitor builds only the parts a command uses (see
:mod:`monitor.app`): ``--help`` starts in a few tens of milliseconds, and ``articles list``
never loads httpx, Whoosh or CTranslate2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor import __version__
from monitor.cli.collection import add_collection_commands
from monitor.cli.compare import add_compare_command
from monitor.cli.handlers import Later
from monitor.cli.models import add_model_commands
from monitor.cli.search import add_search_commands

if TYPE_CHECKING:
    from monitor.cli.handlers import Handler
    from monitor.export import PdfRenderer


def _commands(function: str) -> Later:
    """A handler of :mod:`monitor.cli.commands`, which imports the store at its top."""
    return Later("monitor.cli.commands", function)


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
    listing.set_defaults(run=_commands("run_sources_list"))
    add = source_commands.add_parser("add", help="follow a feed or page URL")
    add.add_argument("url")
    add.add_argument("--name", help="display name (default: the feed's title)")
    add.add_argument("--lang", help="the language the source usually writes in (a hint)")
    add.add_argument("--no-check", action="store_true", help="add without fetching it now")
    add.set_defaults(run=_commands("run_sources_add"))
    remove = source_commands.add_parser("remove", help="stop following a source, drop its articles")
    remove.add_argument("id", type=int)
    remove.set_defaults(run=_commands("run_sources_remove"))
    import_opml = source_commands.add_parser(
        "import-opml", help="follow every feed in an OPML file"
    )
    import_opml.add_argument("file", type=Path)
    import_opml.set_defaults(run=_commands("run_import_opml"))
    export_opml = source_commands.add_parser("export-opml", help="write followed feeds as OPML")
    export_opml.add_argument("file", type=Path)
    export_opml.set_defaults(run=_commands("run_export_opml"))
    catalog = source_commands.add_parser("catalog", help="the built-in catalog of outlets")
    catalog.add_argument("--lang", help="only outlets in this language (ko, ru, zh, uk, en)")
    catalog.add_argument("--add-all", action="store_true", help="follow every listed outlet")
    catalog.add_argument("--add", nargs="+", metavar="KEY", help="follow these outlets")
    catalog.add_argument("--json", action="store_true", help="JSON output")
    catalog.set_defaults(run=_commands("run_catalog"))

    update = commands.add_parser("update", help="fetch new articles from sources")
    update.add_argument(
        "--source", type=int, action="append", metavar="ID", help="only this source (repeatable)"
    )
    update.add_argument("--json", action="store_true", help="JSON summary")
    update.set_defaults(run=_commands("run_update"))

    articles = commands.add_parser("articles", help="list stored articles")
    article_commands = articles.add_subparsers(
        dest="articles_command", metavar="ACTION", required=True
    )
    article_list = article_commands.add_parser("list", help="list articles, newest first")
    article_list.add_argument("--json", action="store_true", help="JSON output")
    article_list.add_argument("--source", type=int, metavar="ID")
    article_list.add_argument("--lang")
    article_list.add_argument("--limit", type=int, default=None)
    article_list.set_defaults(run=_commands("run_articles_list"))

    show = commands.add_parser("show", help="show one article")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="JSON output")
    show.set_defaults(run=_commands("run_show"))

    demo = commands.add_parser("demo", help="load the bundled demo collection (no network needed)")
    demo.set_defaults(run=_commands("run_demo"))
    add_model_commands(commands)
    add_search_commands(commands)
    add_compare_command(commands)
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
    # Imported only now that a command runs: the parser above needs none of the core.
    from monitor.app import open_monitor
    from monitor.disk_errors import describe_os_error
    from monitor.errors import MonitorError

    args.pdf_renderer = pdf_renderer  # the launcher's, for `export --format pdf`
    run: Handler = args.run
    try:
        with open_monitor(args.data_dir) as monitor:
            return run(monitor, args)
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


if __name__ == "__main__":
    sys.exit(main())
