"""Where Media Monitor keeps its data: the platform's user data folder unless told otherwise."""

from __future__ import annotations

import os
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
