"""The app's update: Cancel stops it within two seconds, and the status bar says what waits.

The window follows one big feed on a local server whose article pages never answer while the
test runs; the user presses Update, then the work panel's Cancel button. The status bar must
say what was kept within :data:`~tests.e2e.test_update_cancel.CANCEL_BOUND` seconds. An
update that stops at the per-source page cap says how many pages are queued.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from monitor import open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.types import SourceKind
from tests.e2e.test_update_cancel import (
    CANCEL_BOUND,
    ITEMS,
    page_requests,
    released,
    serve_big_feed,
)
from tests.support.http_server import LocalServer
from tests.support.inside import parts
from ui import jobs
from ui.main_window import MainWindow
from ui.tasks import TaskManager

__all__ = ["released"]  # the fixture, imported for pytest

pytestmark = pytest.mark.network


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def window(
    qtbot: QtBot, tmp_path: Path, server: LocalServer, released: threading.Event
) -> Iterator[MainWindow]:
    """The window over a collection that follows one big feed whose pages hang."""
    data = tmp_path / "data"
    feed_url = serve_big_feed(server, released, page_wait=120.0)
    with open_monitor(data) as monitor:
        parts(monitor).store.add_source(feed_url, kind=SourceKind.FEED, name="Big")
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"cancel-{tmp_path.name}")
    shown = MainWindow(TaskManager(data))
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    shown.close()  # cancels and joins the workers


def test_cancel_in_the_app_stops_an_update_at_once(
    qtbot: QtBot, window: MainWindow, server: LocalServer
) -> None:
    window.update_sources()
    qtbot.waitUntil(lambda: page_requests(server) >= 2, timeout=30_000)
    qtbot.waitUntil(window.work.cancel_button.isVisible, timeout=5_000)
    pressed = time.monotonic()
    qtbot.mouseClick(window.work.cancel_button, Qt.MouseButton.LeftButton)
    expected = f"Stopped: {ITEMS} new articles kept; the rest next update"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == expected, timeout=30_000)
    took = time.monotonic() - pressed
    assert took < CANCEL_BOUND, f"the update took {took:.1f} s to stop after Cancel"
    assert not window.tasks.busy
    assert not window.work.cancel_button.isVisible()


def test_the_update_job_says_how_many_pages_wait(tmp_path: Path, server: LocalServer) -> None:
    released_now = threading.Event()
    released_now.set()  # the pages answer at once
    feed_url = serve_big_feed(server, released_now, page_wait=0.0)
    settings = FetchSettings(min_host_interval=0.0, pages_per_update=20)
    with open_monitor(tmp_path / "data", fetch_settings=settings) as monitor:
        parts(monitor).store.add_source(feed_url, kind=SourceKind.FEED, name="Big")
        summary = jobs.update(monitor, lambda progress: None, threading.Event())
    assert summary == f"{ITEMS} new articles; {ITEMS - 20} pages queued for the next update"
