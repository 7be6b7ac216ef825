"""What the command line says when a command fails: one line on stderr, never a traceback.

An error the core raises on purpose (:class:`~monitor.errors.MonitorError`) is its message.
Anything else is a bug: the user reads one line naming the error and the log file that holds
its traceback (``errors.log`` in the data folder, else in the temporary folder), which is
what a bug report needs.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from monitor import __version__
from monitor.cli.arguments import PROGRAM, one_line

MAX_LOG_BYTES = 1024 * 1024  # then the log is moved to errors.log.1 and a new one begun
_FALLBACK_LOG = "media-monitor-errors.log"


def say_error(message: str) -> int:
    """``message`` as the one line of a failed command; the exit status to return."""
    print(f"{PROGRAM}: error: {one_line(message)}", file=sys.stderr)
    return 1


def report_internal_error(error: BaseException, data_dir: str | None) -> int:
    """An unexpected ``error``: its traceback to the log, one line to the user, status 1."""
    entry = (
        f"--- {datetime.now(UTC).isoformat(timespec='seconds')} {PROGRAM} {__version__}\n"
        f"arguments: {sys.argv[1:]!r}\n" + "".join(traceback.format_exception(error))
    )
    try:
        where = f"details in {_append_to_log(entry, data_dir)}"
    except Exception as problem:  # the report must reach the user whatever the disk says
        where = f"its details could not be saved: {problem}"
    name = type(error).__name__
    message = one_line(f"{name}: {error}" if str(error) else name, limit=300)
    print(f"{PROGRAM}: internal error: {message} ({one_line(where)})", file=sys.stderr)
    return 1


@contextmanager
def log_records_to_file(data_dir: str | None) -> Iterator[None]:
    """While a command runs, what the core logs goes to the error log, not the terminal.

    The core logs a bug it contains (one source's unexpected error) with its traceback;
    with no handler configured Python would print that on stderr. The command's own output
    already names the failure in one line.
    """
    handler = _ErrorLogHandler(data_dir)
    handler.setFormatter(logging.Formatter("--- %(asctime)s %(name)s %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


class _ErrorLogHandler(logging.Handler):
    """Appends each record, traceback included, to the error log (made on the first record)."""

    def __init__(self, data_dir: str | None) -> None:
        super().__init__(logging.WARNING)
        self._data_dir = data_dir

    def emit(self, record: logging.LogRecord) -> None:
        # With nowhere to write, the record is lost: never shown as a traceback.
        with suppress(Exception):
            _append_to_log(self.format(record) + "\n", self._data_dir)


def _append_to_log(entry: str, data_dir: str | None) -> Path:
    try:
        from monitor.paths import error_log_path, resolve_data_dir

        log = error_log_path(resolve_data_dir(data_dir))
        _append(log, entry)
    except Exception:  # no usable data folder (it may be the failure being reported)
        log = Path(tempfile.gettempdir()) / _FALLBACK_LOG
        _append(log, entry)
    return log


def _append(log: Path, entry: str) -> None:
    try:
        if log.stat().st_size > MAX_LOG_BYTES:
            os.replace(log, log.with_name(log.name + ".1"))
    except FileNotFoundError:
        pass
    with log.open("a", encoding="utf-8", errors="backslashreplace") as stream:
        stream.write(entry)
