"""The window's jobs: their outcome handlers, what they changed, the Monitor factory, and the
index synced on the writer thread only.

The window runs over the demo collection (collected, no translation models); each
TaskManager opens its Monitors through a factory that records on which thread they were
opened and on which thread the index was synced and searched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel, QMessageBox

from monitor import Monitor, open_monitor
from monitor.errors import MonitorError
from monitor.types import SearchRequest
from tests.ui.dialog_support import demo_collection  # noqa: F401
from tests.ui.test_main_window import screenshot_folder
from ui.main_window import MainWindow
from ui.sidebar import KIND_ROLE, SOURCE, UNREAD_ROLE, VALUE_ROLE
from ui.tasks import Changes, TaskManager, failure_message


class Recorder:
    """A Monitor factory that notes, per thread, the Monitors opened, syncs and searches."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.opened: list[tuple[str, Monitor]] = []
        self.synced: list[str] = []
        self.searched: list[str] = []
        self.events: list[tuple[str, str]] = []  # (what, thread) in the order they ran

    def __call__(self) -> Monitor:
        monitor = open_monitor(self.data_dir)
        sync_index, search = monitor.sync_index, monitor.search

        def recorded_sync(cancel: threading.Event | None = None) -> Any:
            self.synced.append(threading.current_thread().name)
            self.events.append(("sync", threading.current_thread().name.split("_")[0]))
            return sync_index(cancel)

        def recorded_search(request: SearchRequest) -> Any:
            self.searched.append(threading.current_thread().name)
            self.events.append(("search", threading.current_thread().name.split("_")[0]))
            return search(request)

        monitor.sync_index = recorded_sync  # type: ignore[method-assign]
        monitor.search = recorded_search  # type: ignore[method-assign]
        self.opened.append((threading.current_thread().name, monitor))
        return monitor


@pytest.fixture
def recorder(demo_dir: Path) -> Recorder:
    return Recorder(demo_dir)


@pytest.fixture
def window(qtbot, recorder: Recorder, tmp_path: Path) -> Iterator[MainWindow]:
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"tasks-{tmp_path.name}")
    shown = MainWindow(TaskManager(recorder.data_dir, monitor_factory=recorder))
    qtbot.addWidget(shown)
    shown.resize(1400, 860)
    shown.show()
    qtbot.waitUntil(lambda: len(shown.article_list.rows()) > 0, timeout=10_000)
    settle(qtbot, shown.tasks)
    yield shown
    shown.close()  # cancels and joins the workers


def settle(qtbot, tasks: TaskManager) -> None:
    """Wait until what both threads had queued, and what its results queued, is delivered."""
    for _ in range(2):
        _settle_once(qtbot, tasks)


def _settle_once(qtbot, tasks: TaskManager) -> None:
    done: list[bool] = []
    tasks.write(
        lambda _: None,
        changes=Changes.NONE,
        success=lambda _: tasks.read(lambda _: None, success=lambda _: done.append(True)),
    )
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)


def fail_with(message: str) -> Callable[[Monitor], None]:
    def job(_: Monitor) -> None:
        raise MonitorError(message)

    return job


def ink_columns(image: QImage) -> tuple[int, int]:
    """The first and last column where anything is drawn over the background."""
    background = image.pixelColor(0, 0)
    drawn = [
        x
        for x in range(image.width())
        if any(
            abs(image.pixelColor(x, y).lightness() - background.lightness()) > 60
            for y in range(image.height())
        )
    ]
    assert drawn, "nothing drawn"
    return drawn[0], drawn[-1]


# The default failure handler ------------------------------------------------------------------


def test_a_failed_job_is_said_in_one_message_box_drawn_as_plain_text(
    qtbot, window: MainWindow, tmp_path: Path
):
    message = "The disk is full: <b>free</b> some space."
    window.tasks.write(fail_with(message), changes=Changes.ARTICLES)

    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=10_000)
    box = window.findChild(QMessageBox)
    qtbot.waitExposed(box)
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert box.text() == message and label.text() == message
    # What is drawn: the whole message, tags and all, on one line (rich text would drop the
    # tags and draw "free" in bold, narrower by the width of "<b></b>").
    drawn = label.grab().toImage()
    first, last = ink_columns(drawn)
    metrics = label.fontMetrics()
    assert abs((last - first + 1) - metrics.horizontalAdvance(message)) <= 4
    assert metrics.horizontalAdvance("<b></b>") > 12
    assert label.geometry().right() <= box.width() and label.isVisible()

    # The window with the box over it, for a person to look at.
    shot = window.grab()
    painter = QPainter(shot)
    where = box.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    painter.drawPixmap(where, box.grab())
    painter.end()
    assert shot.save(str(screenshot_folder(tmp_path) / "screenshot-failure.png"))

    # A long job's failure joins the open box, named; the write's changes were not announced.
    def collect(monitor: Monitor, *_: Any) -> None:
        fail_with("No network.")(monitor)

    window.tasks.run_long("Collecting", collect, changes=Changes.NONE)
    qtbot.waitUntil(lambda: "Collecting stopped: No network." in box.text(), timeout=10_000)
    assert box.text() == f"{message}\n\nCollecting stopped: No network."
    assert len(window.findChildren(QMessageBox)) == 1
    box.close()

    # Once it is closed, the next failure opens a box of its own.
    qtbot.waitUntil(lambda: not window.findChildren(QMessageBox), timeout=5_000)
    window.tasks.read(fail_with("The store is locked."))
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=10_000)
    assert window.findChild(QMessageBox).text() == "The store is locked."
    window.findChild(QMessageBox).close()


def test_a_jobs_own_failure_handler_replaces_the_default(qtbot, window: MainWindow):
    said: list[str] = []
    window.tasks.failed.connect(said.append)
    caught: list[BaseException] = []
    window.tasks.read(fail_with("Not here."), failure=caught.append)
    window.tasks.read(fail_with("Said by default."))
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert [str(error) for error in caught] == ["Not here."]
    assert said == ["Said by default."]
    window.findChild(QMessageBox).close()


def test_an_unexpected_error_is_said_and_its_traceback_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="ui.tasks"):
        assert failure_message(ValueError("bad row")) == "Unexpected error: bad row"
    assert caplog.records[0].exc_info is not None
    assert failure_message(MonitorError("Plain words.")) == "Plain words."


def test_a_result_for_a_deleted_widget_is_dropped(qtbot, demo_dir: Path):
    tasks = TaskManager(demo_dir)
    try:
        owner = QLabel()
        gate = threading.Event()
        shown: list[object] = []
        tasks.read(lambda _: gate.wait(10), success=shown.append, owner=owner)
        owner.deleteLater()
        qtbot.waitUntil(lambda: not _alive(owner))
        gate.set()
        after: list[bool] = []
        tasks.read(lambda _: True, success=after.append)  # delivered after the first
        qtbot.waitUntil(lambda: bool(after), timeout=10_000)
        assert shown == []
    finally:
        tasks.shutdown()


def _alive(widget: QLabel) -> bool:
    from shiboken6 import isValid

    return isValid(widget)


# What a job changed -------------------------------------------------------------------------


def _spy(window: MainWindow, monkeypatch) -> list[str]:
    """Note each view the window reloads, by the method that shows it."""
    reloaded: list[str] = []
    views = {
        "sources": (window.sidebar, "set_sources"),
        "saved searches": (window.sidebar, "set_saved_searches"),
        "list": (window.article_list, "set_rows"),
        "reader": (window.reader, "show_content"),
        "last update": (window.work, "set_last_update"),
    }
    for name, (view, method) in views.items():
        original = getattr(view, method)

        def shown(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            reloaded.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(view, method, shown)
    return reloaded


def _unread(window: MainWindow, source_id: int) -> int:
    tree = window.sidebar.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while items:
        item = items.pop()
        if item.data(0, KIND_ROLE) == SOURCE and item.data(0, VALUE_ROLE) == source_id:
            return int(item.data(0, UNREAD_ROLE) or 0)
        items.extend(item.child(i) for i in range(item.childCount()))
    raise AssertionError(f"source {source_id} is not in the sidebar")


def test_marking_read_reloads_the_unread_counts_and_nothing_else(
    qtbot, window: MainWindow, monkeypatch
):
    with open_monitor(window.tasks.data_dir) as monitor:
        article = next(a for a in monitor.articles() if not a.is_read)
    before = _unread(window, article.source_id)
    reloaded = _spy(window, monkeypatch)

    window.tasks.write(
        lambda monitor: monitor.set_flags(article.id, read=True), changes=Changes.FLAGS
    )
    qtbot.waitUntil(lambda: _unread(window, article.source_id) == before - 1, timeout=10_000)
    settle(qtbot, window.tasks)

    assert reloaded == ["sources"]


@pytest.mark.parametrize(
    ("changes", "views"),
    [
        (Changes.NONE, []),
        (Changes.WATCHLISTS, ["saved searches"]),
        (Changes.SOURCES, ["last update", "list", "sources"]),
        (Changes.TRANSLATIONS, ["list", "reader", "saved searches"]),
        (Changes.ARTICLES, ["last update", "list", "reader", "saved searches", "sources"]),
    ],
)
def test_a_jobs_changes_reload_only_the_views_that_show_them(
    qtbot, window: MainWindow, monkeypatch, changes: Changes, views: list[str]
):
    first = window.article_list.rows()[0]
    window.open_article(first.id)  # the reader shows an article (and it is marked read)
    qtbot.waitUntil(lambda: window.reader.content is not None, timeout=10_000)
    settle(qtbot, window.tasks)
    reloaded = _spy(window, monkeypatch)

    window.tasks.write(lambda _: None, changes=changes)
    settle(qtbot, window.tasks)

    assert sorted(reloaded) == views


# The factory and the index sync -----------------------------------------------------------


def test_each_thread_opens_its_monitor_through_the_factory(qtbot, recorder: Recorder):
    tasks = TaskManager(recorder.data_dir, monitor_factory=recorder)
    try:
        used: list[tuple[str, Monitor]] = []

        def note(monitor: Monitor) -> None:
            used.append((threading.current_thread().name, monitor))

        tasks.read(note)
        tasks.write(note, changes=Changes.NONE)
        settle(qtbot, tasks)
        assert sorted(name.split("_")[0] for name, _ in recorder.opened) == [
            "monitor-reader",
            "monitor-writer",
        ]
        opened = {name: id(monitor) for name, monitor in recorder.opened}
        assert {name: id(monitor) for name, monitor in used} == opened  # the very Monitors

        tasks.reload()  # new settings: each thread opens its Monitor again, the same way
        settle(qtbot, tasks)
        assert len(recorder.opened) == 4
    finally:
        tasks.shutdown()


def test_the_index_is_synced_on_the_writer_only_and_a_long_job_never_holds_a_search(
    qtbot, window: MainWindow, recorder: Recorder
):
    window.search_bar.set_query("Nuri")
    qtbot.waitUntil(lambda: window.lists.request is not None, timeout=5_000)
    qtbot.waitUntil(
        lambda: (
            bool(window.article_list.rows())
            and all(row.matched_in for row in window.article_list.rows())
        ),
        timeout=10_000,
    )
    assert recorder.events[-2:] == [("sync", "monitor-writer"), ("search", "monitor-reader")]

    # A change to the articles: one sync after it on the writer, then the search again.
    recorder.events.clear()
    window.tasks.write(lambda _: None, changes=Changes.ARTICLES)
    settle(qtbot, window.tasks)
    assert recorder.events == [("sync", "monitor-writer"), ("search", "monitor-reader")]
    synced_before = len(recorder.synced)

    gate = threading.Event()

    def hold(_: Monitor, report: Any, cancel: threading.Event) -> None:
        while not (gate.wait(0.05) or cancel.is_set()):
            pass

    window.tasks.run_long("Holding", hold, changes=Changes.NONE)
    searched = len(recorder.searched)
    window.search(SearchRequest("Nuri", page_size=5))
    qtbot.waitUntil(lambda: len(recorder.searched) > searched, timeout=10_000)
    qtbot.waitUntil(lambda: len(window.article_list.rows()) <= 5, timeout=10_000)
    assert not gate.is_set() and window.tasks.busy  # answered while the long job runs
    assert len(recorder.synced) == synced_before  # without a sync queued behind it
    gate.set()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10_000)
    settle(qtbot, window.tasks)

    # Nor does a slow write (adding a site waits for the network, say).
    slow = threading.Event()
    window.tasks.write(lambda _: slow.wait(10), changes=Changes.NONE)
    window.search(SearchRequest("Nuri", page_size=3))
    qtbot.waitUntil(lambda: len(window.article_list.rows()) <= 3, timeout=5_000)
    assert not slow.is_set() and window.tasks.writing
    slow.set()
    settle(qtbot, window.tasks)

    assert {name.split("_")[0] for name in recorder.synced} == {"monitor-writer"}
    assert {name.split("_")[0] for name in recorder.searched} == {"monitor-reader"}
