"""`media-monitor` with no command opens the desktop app through the launcher's hook."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from monitor.cli import main
from ui.app import warn_if_incomplete
from ui.main_window import MainWindow
from ui.tasks import TaskManager


def test_no_command_opens_the_app_through_the_launcher_hook(tmp_path: Path):
    opened: list[str | None] = []
    assert main(["--data-dir", str(tmp_path)], open_app=lambda d: opened.append(d) or 0) == 0
    assert opened == [str(tmp_path)]


def test_a_broken_install_is_said_over_the_window(qtbot, tmp_path: Path, monkeypatch):
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"incomplete-{tmp_path.name}")
    window = MainWindow(TaskManager(tmp_path / "data"))
    qtbot.addWidget(window)
    window.show()
    assert warn_if_incomplete(window) is None  # this install is whole

    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)
    box = warn_if_incomplete(window)

    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert "lxml_html_clean" in box.text() and "pip install lxml_html_clean" in box.text()
    box.close()
    window.close()
