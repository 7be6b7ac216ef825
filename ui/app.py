"""Starting the desktop app: Qt application, data folder, workers, main window."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from monitor import Monitor, open_monitor
from monitor.dependencies import install_problem
from monitor.errors import MonitorError
from monitor.paths import resolve_data_dir
from ui.dialogs.settings import APPLICATION, ORGANIZATION, app_preferences
from ui.main_window import MainWindow
from ui.tasks import TaskManager


def _prepare_environment(settings: QSettings) -> None:
    """A proxy chosen in Settings reaches the core the way every proxy does: the environment."""
    proxy = settings.value("proxy")
    if isinstance(proxy, str) and proxy.strip():
        os.environ.setdefault("HTTPS_PROXY", proxy.strip())
        os.environ.setdefault("HTTP_PROXY", proxy.strip())


def create_window(
    data_dir: str | None, *, open_collection: Callable[[Path], Monitor] = open_monitor
) -> MainWindow:
    """Open the collection and build the window (raises MonitorError for a bad data folder).

    ``open_collection`` opens the Monitor of each worker thread (a benchmark passes its own).
    """
    settings = app_preferences()
    _prepare_environment(settings)
    chosen = data_dir or os.environ.get("MEDIA_MONITOR_HOME") or settings.value("data_dir")
    directory = resolve_data_dir(str(chosen) if chosen else None)
    with open_collection(directory) as monitor:  # fail here, on the main thread, with a message
        interval = monitor.saved_settings().update_interval_minutes
    tasks = TaskManager(directory, monitor_factory=lambda: open_collection(directory))
    return MainWindow(tasks, update_interval_minutes=interval)


def run(data_dir: str | None, *, open_collection: Callable[[Path], Monitor] = open_monitor) -> int:
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication(sys.argv)
    try:
        window = create_window(data_dir, open_collection=open_collection)
    except MonitorError as error:
        box = QMessageBox(QMessageBox.Icon.Critical, "Media Monitor", str(error))
        box.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a path or a file
        box.exec()
        return 1
    window.show()
    warn_if_incomplete(window)
    status = int(app.exec())
    # The window has closed its workers, store and index. What is left is the interpreter's
    # teardown, whose full garbage collections walk every object the session loaded (0.2 s
    # on the demo, 0.5 s after loading it, more after a long day): the system frees it all
    # at once, so the collector is told to leave it be.
    gc.freeze()
    return status


def warn_if_incomplete(window: MainWindow) -> QMessageBox | None:
    """Say at once, over the window, which package a broken install lacks (reading and
    searching still work; updates would stop with the same message)."""
    problem = install_problem()
    if problem is None:
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, "Media Monitor", str(problem), parent=window)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()  # window-modal, without a nested event loop
    return box
