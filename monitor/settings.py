"""User settings, kept as ``settings.json`` in the data folder (readable, hand-editable)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError
from translations.types import TranslationSettings

SETTINGS_FILE = "settings.json"
_DEFAULT_TRANSLATION = TranslationSettings()


@dataclass(frozen=True, slots=True)
class Settings:
    target_language: str = "en"
    update_interval_minutes: int = 60
    translation_threads: int = _DEFAULT_TRANSLATION.threads
    beam_size: int = _DEFAULT_TRANSLATION.beam_size
    compute_type: str = _DEFAULT_TRANSLATION.compute_type

    def translation(self) -> TranslationSettings:
        return replace(
            _DEFAULT_TRANSLATION,
            threads=self.translation_threads,
            beam_size=self.beam_size,
            compute_type=self.compute_type,
        )


def load_settings(data_dir: Path) -> Settings:
    path = data_dir / SETTINGS_FILE
    try:
        raw: Any = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(
            f"cannot read the settings in {path}: {error}; fix or delete it"
        ) from error
    if not isinstance(raw, dict):
        raise ConfigError(f"the settings in {path} must be a JSON object")
    known = {f.name: f.type for f in fields(Settings)}
    values = {key: value for key, value in raw.items() if key in known}
    defaults = Settings()
    for key, value in values.items():
        if type(value) is not type(getattr(defaults, key)):
            raise ConfigError(f"setting {key!r} in {path} has the wrong type: {value!r}")
    return replace(defaults, **values)


def save_settings(data_dir: Path, settings: Settings) -> None:
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
