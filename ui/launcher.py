"""The installed ``media-monitor`` script: the core's CLI, with the desktop app as its default.

Qt is imported only when the app is opened, so CLI commands start fast and work on machines
where Qt cannot load.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from monitor.cli import main as cli_main


def open_app(data_dir: str | None) -> int:
    # Qt aborts the process when its platform plugin cannot load, naming a library that may
    # not be the missing one: look first, and say which library and package it is.
    from ui.system_libraries import start_problem

    problem = start_problem()
    if problem is None:
        try:
            from ui.app import run
        except ImportError as error:  # PySide6 missing, or a library its modules need
            problem = str(error)
        else:
            return run(data_dir)
    print(f"media-monitor: error: the desktop app cannot start: {problem}", file=sys.stderr)
    return 1


def render_pdf(html: str, out: Path) -> None:
    """PDF dossiers are drawn by Qt, imported only when one is asked for."""
    from ui.pdf import render_pdf as qt_render_pdf

    qt_render_pdf(html, out)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, open_app=open_app, pdf_renderer=render_pdf)


if __name__ == "__main__":
    sys.exit(main())
