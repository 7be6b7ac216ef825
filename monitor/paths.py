"""Where Media Monitor keeps its data: the platform's user data folder unless told otherwise."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

from monitor.errors import ConfigError

APP_NAME = "media-monitor"
HOME_VARIABLE = "MEDIA_MONITOR_HOME"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` first, then ``$MEDIA_MONITOR_HOME``, then the platform's user data folder."""
    chosen = (
        explicit
        or os.environ.get(HOME_VARIABLE)
        or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    )
    path = Path(chosen).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot use {path} as the data folder: {error.strerror}") from error
    if not os.access(path, os.W_OK):
        raise ConfigError(f"the data folder {path} is read-only; choose another with --data-dir")
    return path


def store_path(data_dir: Path) -> Path:
    return data_dir / "monitor.sqlite3"


def index_dir(data_dir: Path) -> Path:
    return data_dir / "index"


def models_dir(data_dir: Path) -> Path:
    return data_dir / "models"


def error_log_path(data_dir: Path) -> Path:
    """Where the command line writes the traceback of an error it did not expect."""
    return data_dir / "errors.log"


def file_problem(path: Path, *, limit: int, what: str) -> str | None:
    """Why ``path`` cannot be read as ``what`` ("OPML file"), or ``None`` when it can.

    Looked at without opening it: a device (``/dev/zero``) would be read until memory runs
    out, and opening a named pipe waits for a writer that may never come.
    """
    try:
        status = path.stat()
    except OSError as error:
        return f"cannot read {path}: {error.strerror or error}"
    if stat.S_ISDIR(status.st_mode):
        return f"{path} is a folder; give the {what} itself"
    if not stat.S_ISREG(status.st_mode):
        return f"{path} is not a regular file (a device or a pipe); give the {what} itself"
    if status.st_size > limit:
        return f"{path} is {status.st_size / 1024**2:,.0f} MB, larger than any {what}"
    return None
