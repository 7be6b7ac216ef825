"""The whole window over a real collection: browse, read, search, update — without stalls."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer

from monitor import open_monitor
from monitor.types import FinishedUpdate
from tests.support.argos_factory import build_package
from ui.main_window import MainWindow
from ui.status import WorkPanel
from ui.tasks import TaskManager

GLOSSARIES = {
    "ru": {"спутник": "satellite"},
    "uk": {"супутник": "satellite"},
    "zh": {"卫星": "satellite"},
    "ko": {"위성": "satellite"},
}


def screenshot_folder(tmp_path: Path) -> Path:
    """Where screenshots go: tmp_path, or $MEDIA_MONITOR_SCREENSHOTS (scripts/screenshots)."""
    chosen = os.environ.get("MEDIA_MONITOR_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        for language, glossary in GLOSSARIES.items():
            monitor.install_models(
                [build_package(tmp_path / "stick", language, "en", glossary=glossary)]
            )
        monitor.update([s.id for s in monitor.add_demo_sources()])
    return data


@pytest.fixture
def window(qtbot, data_dir: Path, tmp_path: Path) -> Iterator[MainWindow]:
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"window-{tmp_path.name}")
    shown = MainWindow(TaskManager(data_dir))
    qtbot.addWidget(shown)
    shown.resize(1500, 900)
    shown.show()
    qtbot.waitUntil(lambda: len(shown.article_list.rows()) > 0, timeout=10_000)
    yield shown
    shown.close()  # cancels and joins the workers


def test_browse_select_read_side_by_side_and_screenshot(qtbot, window: MainWindow, tmp_path):
    rows = window.article_list.rows()
    korean = next(row for row in rows if row.language == "ko" and "누리호" in row.title)
    window.article_list.select_id(korean.id)
    qtbot.waitUntil(
        lambda: window.reader.content is not None and window.reader.content.article_id == korean.id,
        timeout=10_000,
    )
    content = window.reader.content
    assert content is not None and content.sentences
    assert any("satellite" in s.translation for s in content.sentences)
    shot = screenshot_folder(tmp_path) / "screenshot-reader.png"
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 50_000


def test_search_fills_the_list_through_translations(qtbot, window: MainWindow, tmp_path):
    window.search_bar.set_query("satellite")
    qtbot.waitUntil(
        lambda: (
            window.article_list.rows() and all(r.matched_in for r in window.article_list.rows())
        ),
        timeout=10_000,
    )
    languages = {row.language for row in window.article_list.rows()}
    assert {"ko", "ru", "zh", "uk"} <= languages
    window.article_list.select_id(window.article_list.rows()[0].id)
    qtbot.waitUntil(lambda: window.reader.content is not None, timeout=10_000)
    assert window.reader.content is not None
    assert "satellite" in window.reader.content.highlight_terms
    assert window.grab().save(str(screenshot_folder(tmp_path) / "screenshot-search.png"))


def test_window_stays_responsive_while_collecting_translating_indexing(qtbot, tmp_path: Path):
    data = tmp_path / "fresh"
    with open_monitor(data) as monitor:  # models only: the window does all the work
        for language, glossary in GLOSSARIES.items():
            monitor.install_models(
                [build_package(tmp_path / "b", language, "en", glossary=glossary)]
            )
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"busy-{tmp_path.name}")
    busy = MainWindow(TaskManager(data))
    qtbot.addWidget(busy)
    busy.show()
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    busy.load_demo()  # fetch, extract, detect, store, translate and index 33 articles
    qtbot.waitUntil(
        lambda: not busy.tasks.busy and len(busy.article_list.rows()) == 33, timeout=60_000
    )
    timer.stop()
    busy.close()
    assert len(gaps) > 20
    assert max(gaps) < 0.5  # the event loop kept ticking: the work ran in workers


def test_first_run_shows_the_welcome_view(qtbot, tmp_path: Path):
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"welcome-{tmp_path.name}")
    empty = MainWindow(TaskManager(tmp_path / "empty"))
    qtbot.addWidget(empty)
    empty.show()
    qtbot.waitUntil(lambda: empty.pages.currentWidget() is empty.welcome, timeout=10_000)
    assert empty.grab().save(str(tmp_path / "welcome.png"))
    with qtbot.waitSignal(empty.tasks.busy_changed, timeout=5_000):
        empty.welcome.demo_requested.emit()
    qtbot.waitUntil(lambda: len(empty.article_list.rows()) > 0, timeout=30_000)
    empty.close()


def test_a_saved_search_is_a_watchlist_in_the_sidebar_and_runs_again(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    window.search_bar.set_query("satellite")
    qtbot.waitUntil(lambda: window.lists.request is not None, timeout=5_000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Space launches", True))
    window.save_search()
    qtbot.waitUntil(lambda: bool(window.sidebar.saved_searches()), timeout=10_000)
    [saved] = window.sidebar.saved_searches()
    assert (saved.name, saved.query) == ("Space launches", "satellite")
    window.search_bar.set_query("")
    with qtbot.waitSignal(window.search_bar.search_requested, timeout=5_000):
        window.sidebar.saved_search_selected.emit(saved.id)
    assert window.search_bar.text() == "satellite"


def test_the_last_update_survives_a_restart(qtbot, window: MainWindow, data_dir: Path):
    with open_monitor(data_dir) as monitor:  # the fixture's update, read back from the store
        last = monitor.last_update()
    assert last is not None and last.new == 33
    label = window.work.last_update
    shown_at = last.finished_at.astimezone().strftime("%H:%M")

    qtbot.waitUntil(lambda: label.text() == f"Updated {shown_at}", timeout=10_000)

    assert "33 new from 5 sources" in label.toolTip()
    drawn = label.grab().toImage()
    assert label.isVisible() and label.width() >= label.sizeHint().width()  # not squeezed out
    assert not drawn.isNull() and drawn.width() == label.width()


def test_the_status_says_the_day_of_an_older_update_and_when_there_was_none(qtbot):
    panel = WorkPanel()
    qtbot.addWidget(panel)
    older = datetime.now(UTC) - timedelta(days=3)

    panel.set_last_update(FinishedUpdate(older, 20, 12, 3, 1))
    text = panel.last_update.text()
    panel.set_last_update(None)

    local = older.astimezone()
    assert text == f"Updated {local.day} {local.strftime('%b')} {local.strftime('%H:%M')}"
    assert panel.last_update.text() == "Not updated yet"
    assert panel.last_update.toolTip() == ""
