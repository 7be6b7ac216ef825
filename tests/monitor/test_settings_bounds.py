"""A hand-edited or hostile ``settings.json`` is one clear error, never a crash later."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor import open_monitor
from monitor.errors import ConfigError
from monitor.settings import SETTINGS_FILE, Settings, load_settings, save_settings
from tests.support.inside import parts


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 30_000 + "]" * 30_000, "nested too deeply"),
        ('{"beam_size": ' + "9" * 5000 + "}", "cannot read the settings"),
        ('{"translation_threads": -1}', "must be from 0 to 256, not -1"),
        ('{"translation_threads": ' + str(10**30) + "}", "must be from 0 to 256"),
        ('{"beam_size": 0}', "must be from 1 to 8"),
        ('{"update_interval_minutes": 0}', "must be from 5 to 10080"),
        ('{"telegram_pages_back": 500}', "must be from 0 to 50, not 500"),
        ('{"recheck_days": -2}', "must be from 0 to 30, not -2"),
        ('{"compute_device": "tpu"}', "must be one of auto, cpu, cuda"),
        ('{"compute_type": "float64"}', "must be one of int8, float32, auto"),
        ('{"beam_size": "4"}', "wrong type"),
        (" " * 70_000 + "{}", "over 64 KB"),
        ("\udcff", "cannot read the settings"),
    ],
)
def test_bad_settings_are_one_clear_error(tmp_path: Path, content: str, message: str):
    (tmp_path / SETTINGS_FILE).write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(tmp_path)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 300


def test_good_settings_round_trip_and_bad_ones_are_not_saved(tmp_path: Path):
    chosen = Settings(translation_threads=2, beam_size=4, update_interval_minutes=30)
    save_settings(tmp_path, chosen)
    assert load_settings(tmp_path) == chosen
    with pytest.raises(ConfigError, match="beam_size"):
        save_settings(tmp_path, Settings(beam_size=99))
    assert load_settings(tmp_path) == chosen  # the good file was not replaced


def test_automatic_threads_leave_the_window_a_core_and_give_the_command_line_all(
    tmp_path: Path,
):
    cores = os.cpu_count() or 2
    automatic = Settings()  # translation_threads 0: automatic
    assert automatic.translation(interactive=True).threads == max(1, min(4, cores - 1))
    assert automatic.translation().threads == max(1, min(8, cores))
    chosen = Settings(translation_threads=3)  # the user's choice stands everywhere
    assert chosen.translation(interactive=True).threads == chosen.translation().threads == 3
    with open_monitor(tmp_path / "cli") as command_line:
        assert not parts(command_line).interactive
    with open_monitor(tmp_path / "window", interactive=True) as window:
        assert parts(window).interactive
