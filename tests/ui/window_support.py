"""The main window over a prepared collection, as the entity and story tests open it, and the
text a widget draws."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from tests.ui.drawn_text import drawn_runs
from tests.ui.test_tasks import settle
from ui.main_window import MainWindow
from ui.tasks import TaskManager

WAIT = 10_000


@contextmanager
def main_window(qtbot, data: Path, name: str, rows: int) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The window as it first opens (its preferences cleared) once it lists ``rows``
    articles; closed afterwards with the pages it opened."""
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(name)
    QSettings().clear()
    shown = MainWindow(TaskManager(data))
    qtbot.addWidget(shown)
    shown.resize(1400, 850)
    shown.splitter.setSizes([200, 330, 870])
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: len(shown.article_list.rows()) == rows, timeout=WAIT)
    settle(qtbot, shown.tasks)
    yield shown
    for page in (shown.entity_window, shown.story_window):
        if page is not None and isValid(page):
            page.close()
    shown.close()  # cancels and joins the workers


def drawn(widget: QWidget) -> str:
    """The text ``widget`` paints, its wrapped lines joined by single spaces."""
    return re.sub(r"\s+", " ", " ".join(drawn_runs(widget)))
