"""User settings, kept as ``settings.json`` in the data folder (readable, hand-editable)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError
from monitor.users import MAX_USER_NAME, valid_user_name
from translations.types import TranslationSettings

SETTINGS_FILE = "settings.json"
MAX_SETTINGS_BYTES = 64 * 1024  # a handful of keys; a bigger file is not ours
COMPUTE_TYPES = ("int8", "float32", "auto")
COMPUTE_DEVICES = ("auto", "cpu", "cuda")
# What each number may be: the settings dialog offers the same ranges. A hand-edited file
# beyond them (threads -1 or 10**30) would fail deep in the translation engine instead.
RANGES = {
    "update_interval_minutes": (5, 7 * 24 * 60),
    "translation_threads": (0, 256),  # 0: automatic (see Settings.translation)
    "beam_size": (1, 8),
    "telegram_pages_back": (0, 50),
    "recheck_days": (0, 30),
}
_DEFAULT_TRANSLATION = TranslationSettings()


@dataclass(frozen=True, slots=True)
class Settings:
    target_language: str = "en"
    update_interval_minutes: int = 60
    # 0: automatic, every core for the command line and one fewer beside the window.
    translation_threads: int = 0
    beam_size: int = _DEFAULT_TRANSLATION.beam_size
    compute_type: str = _DEFAULT_TRANSLATION.compute_type
    # "auto": a CUDA GPU when CTranslate2 sees one, else the CPU (unchanged without a GPU).
    compute_device: str = _DEFAULT_TRANSLATION.device
    # Pages of older posts a Telegram channel's first update reads beyond its latest page
    # (about twenty posts a page: a few days of a busy news channel).
    telegram_pages_back: int = 5
    # Pages of articles first seen in the last this many days are fetched again, once an
    # update interval, to catch stealth edits; 0 leaves stored pages alone.
    recheck_days: int = 0
    # Where the articles are stored: "" for this folder's own SQLite file, or a team's shared
    # store on a PostgreSQL server ("postgresql://user@host/database").
    store: str = ""
    # Whose marks, notes and saved searches these are on a shared store (see monitor.users):
    # "" for the login name there, and for the single user of this folder's own SQLite file.
    user: str = ""

    def translation(self, *, interactive: bool = False) -> TranslationSettings:
        """The engine's settings; ``interactive``: the window is open, so automatic threads
        leave a core for it (the command line uses every core, up to eight)."""
        return replace(
            _DEFAULT_TRANSLATION,
            threads=self.translation_threads or automatic_threads(interactive=interactive),
            beam_size=self.beam_size,
            compute_type=self.compute_type,
            device=self.compute_device,
        )


def automatic_threads(*, interactive: bool) -> int:
    """Translation threads when the user has not chosen: every core (up to eight) for the
    command line; beside the window one fewer (up to four), so it stays responsive."""
    cores = os.cpu_count() or 2
    return max(1, min(4, cores - 1)) if interactive else max(1, min(8, cores))


def load_settings(data_dir: Path) -> Settings:
    path = data_dir / SETTINGS_FILE
    try:
        with path.open("rb") as file:
            data = file.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise ConfigError(
            f"cannot read the settings in {path}: {error.strerror or error}; fix or delete it"
        ) from error
    if len(data) > MAX_SETTINGS_BYTES:
        raise ConfigError(
            f"the settings in {path} are over {MAX_SETTINGS_BYTES // 1024} KB, which no"
            " settings file is; fix or delete it"
        )
    try:
        raw: Any = json.loads(data.decode("utf-8"))
    # RecursionError: nesting thousands deep; ValueError: a number of thousands of digits.
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
        raise ConfigError(
            f"cannot read the settings in {path}: {reason}; fix or delete it"
        ) from None
    if not isinstance(raw, dict):
        raise ConfigError(f"the settings in {path} must be a JSON object")
    known = {f.name for f in fields(Settings)}
    values = {key: value for key, value in raw.items() if key in known}
    defaults = Settings()
    for key, value in values.items():
        if type(value) is not type(getattr(defaults, key)):
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:59] + "…"
            raise ConfigError(f"setting {key!r} in {path} has the wrong type: {shown}")
        problem = _out_of_range(key, value)
        if problem:
            raise ConfigError(f"setting {key!r} in {path} {problem}; fix or delete it")
    return replace(defaults, **values)


def _out_of_range(key: str, value: object) -> str | None:
    if key in RANGES and isinstance(value, int):
        low, high = RANGES[key]
        if not low <= value <= high:
            return f"must be from {low} to {high}, not {value}"
    if key == "compute_type" and value not in COMPUTE_TYPES:
        return f"must be one of {', '.join(COMPUTE_TYPES)}, not {value!r}"
    if key == "compute_device" and value not in COMPUTE_DEVICES:
        return f"must be one of {', '.join(COMPUTE_DEVICES)}, not {value!r}"
    if key == "store" and not valid_store(str(value)):
        return f"must be empty or a postgresql:// address, not {value!r}"
    if key == "user" and not valid_user(str(value)):
        return f"must be empty or a name of 1 to {MAX_USER_NAME} printable characters"
    return None


# How the address of a team's shared store begins (a PostgreSQL database).
SERVER_SCHEMES = ("postgresql://", "postgres://")


def valid_store(location: str) -> bool:
    """Empty (this folder's SQLite file) or the address of a PostgreSQL database."""
    return location == "" or location.startswith(SERVER_SCHEMES)


def checked_store(location: str) -> str:
    """``location`` if :func:`valid_store`, else :class:`ConfigError` saying what it must be."""
    if not valid_store(location):
        raise ConfigError(f"the store must be a postgresql:// address, not {location!r}")
    return location


def valid_user(name: str) -> bool:
    """Empty (the login name, or the single user) or a user's name (see monitor.users)."""
    return name == "" or valid_user_name(name)


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write ``settings``; values the next load would refuse are refused now instead."""
    for key, value in asdict(settings).items():
        problem = _out_of_range(key, value)
        if problem:
            raise ConfigError(f"setting {key!r} {problem}")
    path = data_dir / SETTINGS_FILE
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(json.dumps(asdict(settings), indent=2), "utf-8")
    os.replace(temporary, path)


def is_language_code(value: object) -> bool:
    """Whether ``value`` looks like a language code translation packages use ("ru", "pt-BR").

    The packages' module is imported only when a setting is checked: listing articles must
    not pay for it.
    """
    from translations.packages import is_language_code as looks_like_one

    return looks_like_one(value)
