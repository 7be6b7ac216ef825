"""`media-monitor` with no command opens the desktop app through the launcher's hook."""

from __future__ import annotations

from pathlib import Path

from monitor.cli import main


def test_no_command_opens_the_app_through_the_launcher_hook(tmp_path: Path):
    opened: list[str | None] = []
    assert main(["--data-dir", str(tmp_path)], open_app=lambda d: opened.append(d) or 0) == 0
    assert opened == [str(tmp_path)]
