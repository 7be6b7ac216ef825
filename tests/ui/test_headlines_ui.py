"""Headlines first in the window: the list and the reader show translations that arrive
during a long update, before it ends (a real store, index and tiny Argos package)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor import open_monitor
from monitor.types import Progress, ProgressKind
from tests.support.argos_factory import build_package
from tests.support.stored_articles import Outlets, store_article
from tests.ui.window_support import WAIT, drawn, main_window

GLOSSARY = {"Пожар": "Fire", "Губернатор": "Governor"}


def _collection(data: Path, stick: Path, count: int) -> None:
    """``count`` Russian articles, indexed, with only their headlines translated."""
    with open_monitor(data) as monitor:
        monitor.install_models([build_package(stick, "ru", "en", glossary=GLOSSARY)])
        outlets = Outlets(monitor)
        for number in range(count):
            store_article(
                monitor,
                outlets,
                "ТАСС",
                "ru",
                datetime(2026, 12, 1, tzinfo=UTC) + timedelta(hours=number),
                f"Пожар {number}",
                f"Губернатор сообщил о пожаре {number} утром.\n\nСпасатели работали весь день.",
            )
        list(monitor.sync_index())


def _translate_headlines(data: Path) -> None:
    """What the window's writer does first in a long update: every headline, then stop."""
    with open_monitor(data) as monitor:
        cancel = threading.Event()
        for progress in monitor.translate_iter(cancel):
            if progress.kind is ProgressKind.HEADLINE and progress.done == progress.total:
                cancel.set()
        list(monitor.sync_index())


def test_the_list_shows_translated_headlines_once_they_are_indexed(qtbot, tmp_path: Path):
    data = tmp_path / "data"
    _collection(data, tmp_path / "stick", 5)
    with main_window(qtbot, data, "headlines", rows=5) as window:
        assert {row.title_translated for row in window.article_list.rows()} == {None}
        _translate_headlines(data)  # as the writer does, while the window waits
        headline = Progress(ProgressKind.HEADLINE, None, 1, "Пожар 0", 5, 5)
        window.tasks.progressed.emit("Updating", headline)
        window.tasks.progressed.emit(
            "Updating", Progress(ProgressKind.INDEXED, None, None, "", 5, 5)
        )
        qtbot.waitUntil(
            lambda: (
                {row.title_translated for row in window.article_list.rows()}
                == {f"Fire {number}" for number in range(5)}
            ),
            timeout=WAIT,
        )
        qtbot.waitUntil(lambda: "Fire 4" in drawn(window.article_list.view), timeout=WAIT)


def test_the_opened_article_is_shown_translated_as_soon_as_it_is(qtbot, tmp_path: Path):
    data = tmp_path / "data"
    _collection(data, tmp_path / "stick", 3)
    with main_window(qtbot, data, "headlines-reader", rows=3) as window:
        newest = window.article_list.rows()[0].id
        window.lists.current = newest  # shown without asking for it to be translated
        with open_monitor(data) as monitor:
            list(monitor.translate_iter())
        window.tasks.progressed.emit(
            "Updating", Progress(ProgressKind.TRANSLATED, None, newest, "", 1, 3)
        )
        qtbot.waitUntil(
            lambda: "Governor" in window.reader.translation_pane.document().toPlainText(),
            timeout=WAIT,
        )
