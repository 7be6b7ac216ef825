"""Cancelling an update stops it within two seconds and keeps what was stored.

One big feed on one slow host is the case in point: hundreds of new items whose pages answer
late or never, fetched one a second by the politeness rules. ``media-monitor update`` is run
as a user runs it (a child process) and interrupted with SIGINT; the Monitor's update is
cancelled through its cancel flag while a fetch waits for headers that never come, and while
a politeness pause holds the next page back. Each time the update must end within
:data:`CANCEL_BOUND` seconds, leave no fetch thread behind, and keep the store whole.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.app import open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.paths import store_path
from monitor.types import ArticleState, ProgressKind, SourceKind
from tests.support.http_server import LocalServer, Request, Route
from tests.support.inside import parts

pytestmark = pytest.mark.network

CANCEL_BOUND = 2.0  # seconds from the cancel to the end of the update (and of the process)
ITEMS = 300
PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Page</title></head><body>"
    b"<article><h1>Page</h1><p>The central bank kept its key rate unchanged on Friday, citing"
    b" slowing inflation and steady demand.</p><p>The next meeting is in December, when the"
    b" board will look at the new forecasts.</p></article></body></html>"
)


def feed(base_url: str, count: int) -> bytes:
    """An RSS feed of ``count`` items, item 0 the newest, one minute apart."""
    items = "".join(
        f"<item><title>Item {number}</title><link>{base_url}/p/{number}.html</link>"
        f"<guid>{base_url}/p/{number}.html</guid>"
        f"<pubDate>Fri, 20 Nov 2026 {23 - number // 60:02d}:{59 - number % 60:02d}:00 +0000"
        f"</pubDate><description>Feed text of item {number}.</description></item>"
        for number in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>{base_url}/</link><language>en</language>{items}</channel></rss>"
    ).encode()


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def released() -> Iterator[threading.Event]:
    """Set when the test ends: the server's hanging answers then give up."""
    event = threading.Event()
    yield event
    event.set()


def serve_big_feed(server: LocalServer, released: threading.Event, *, page_wait: float) -> str:
    """A feed of :data:`ITEMS` items whose pages answer after ``page_wait`` seconds (or when
    the test ends)."""

    def slow_page(request: Request) -> Route:
        released.wait(page_wait)
        return Route(PAGE, headers={"Content-Type": "text/html"})

    for number in range(ITEMS):
        server.add(f"/p/{number}.html", slow_page)
    return server.add(
        "/rss.xml",
        Route(feed(server.base_url, ITEMS), headers={"Content-Type": "application/rss+xml"}),
    )


def page_requests(server: LocalServer) -> int:
    return sum(1 for request in server.requests if request.path.startswith("/p/"))


def fetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("monitor-fetch") and t.is_alive()]


def test_sigint_stops_a_cli_update_at_once_and_keeps_what_was_stored(
    tmp_path: Path, server: LocalServer, released: threading.Event
) -> None:
    """Pages take 30 s each on one host with the default politeness (1 s between requests):
    Ctrl+C ends the process within the bound, with exit status 130 and no traceback."""
    data_dir = tmp_path / "data"
    feed_url = serve_big_feed(server, released, page_wait=30.0)
    with open_monitor(data_dir) as monitor:
        parts(monitor).store.add_source(feed_url, kind=SourceKind.FEED, name="Big")
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), "update"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        deadline = time.monotonic() + 60
        while page_requests(server) < 2 and process.poll() is None:
            assert time.monotonic() < deadline, "the update never asked for a page"
            time.sleep(0.05)
        time.sleep(1.0)  # fetches in flight, a politeness pause running
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        took = time.monotonic() - interrupted
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert took < CANCEL_BOUND, f"the update took {took:.1f} s to stop after SIGINT"
    assert process.returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
    assert b"Stopped: 300 new articles kept; the rest next update" in stdout, stdout.decode()

    db = sqlite3.connect(store_path(data_dir))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT state, text, summary FROM articles").fetchall()
    finally:
        db.close()
    assert len(rows) == ITEMS
    assert {state for state, _, _ in rows} == {int(ArticleState.FETCHED)}
    assert all(summary.startswith("Feed text of item") for _, _, summary in rows)


def test_cancel_ends_an_update_waiting_for_headers_that_never_come(
    tmp_path: Path, server: LocalServer, released: threading.Event
) -> None:
    serve_big_feed(server, released, page_wait=120.0)
    settings = FetchSettings(total_timeout=60.0, min_host_interval=0.0, per_host_concurrency=4)
    with open_monitor(tmp_path / "data", fetch_settings=settings) as monitor:
        parts(monitor).store.add_source(server.url("/rss.xml"), kind=SourceKind.FEED, name="Big")
        cancel = threading.Event()
        cancelled_at: list[float] = []

        def cancel_once_every_worker_waits() -> None:
            while page_requests(server) < settings.per_host_concurrency:
                time.sleep(0.02)
            time.sleep(0.3)
            cancelled_at.append(time.monotonic())
            cancel.set()

        canceller = threading.Thread(target=cancel_once_every_worker_waits)
        canceller.start()
        kinds = [step.kind for step in monitor.update_iter(cancel=cancel)]
        took = time.monotonic() - cancelled_at[0]
        canceller.join()
        assert took < CANCEL_BOUND, f"the update took {took:.1f} s to stop after the cancel"
        deadline = time.monotonic() + CANCEL_BOUND
        while fetch_threads() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not fetch_threads(), "a fetch thread outlived the update"
        articles = monitor.articles()
    assert len(articles) == ITEMS
    assert {article.state for article in articles} == {ArticleState.FETCHED}
    assert ProgressKind.STORED not in kinds


def test_cancel_ends_a_politeness_pause(tmp_path: Path, server: LocalServer) -> None:
    """One page a minute from the pages' host: the second page's wait ends with the cancel."""
    with LocalServer() as pages:
        for number in range(ITEMS):
            pages.add(f"/p/{number}.html", Route(PAGE, headers={"Content-Type": "text/html"}))
        server.add(
            "/rss.xml",
            Route(feed(pages.base_url, ITEMS), headers={"Content-Type": "application/rss+xml"}),
        )
        _update_and_cancel_in_a_pause(tmp_path, server)


def _update_and_cancel_in_a_pause(tmp_path: Path, server: LocalServer) -> None:
    settings = FetchSettings(min_host_interval=60.0, per_host_concurrency=1)
    with open_monitor(tmp_path / "data", fetch_settings=settings) as monitor:
        parts(monitor).store.add_source(server.url("/rss.xml"), kind=SourceKind.FEED, name="Big")
        cancel = threading.Event()
        stored = 0
        cancelled = 0.0
        for step in monitor.update_iter(cancel=cancel):
            if step.kind is ProgressKind.STORED:
                stored += 1
                cancelled = time.monotonic()
                threading.Timer(0.3, cancel.set).start()
        took = time.monotonic() - cancelled - 0.3
        assert stored == 1
        assert took < CANCEL_BOUND, f"the update took {took:.1f} s to stop after the cancel"
        deadline = time.monotonic() + CANCEL_BOUND
        while fetch_threads() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not fetch_threads(), "a fetch thread outlived the update"
        states = [article.state for article in monitor.articles()]
    assert states.count(ArticleState.DETECTED) == 1
    assert states.count(ArticleState.FETCHED) == ITEMS - 1


@pytest.fixture
def silent_listener() -> Iterator[socket.socket]:
    """A listening socket nobody accepts from: connections are made by the kernel, then
    nothing is ever said (a TLS handshake waits for the server's hello forever)."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:
        yield listener


@pytest.fixture
def full_listener() -> Iterator[socket.socket]:
    """A listening socket whose queue is full: a new connection waits for it, unanswered."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener:
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.1)
        with socket.socket() as probe:
            probe.settimeout(0.5)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                pass
            else:
                pytest.skip("this system answers connections to a full listening queue")
        try:
            yield listener
        finally:
            for filler in fillers:
                filler.close()


@pytest.mark.parametrize("stage", ["connecting", "handshaking"])
def test_cancel_ends_an_update_that_cannot_connect(
    tmp_path: Path, request: pytest.FixtureRequest, stage: str
) -> None:
    """A connection that is never accepted, a TLS handshake never answered: each would hold
    its thread for the whole connect timeout (10 s) without the cancel."""
    if stage == "connecting":
        listener: socket.socket = request.getfixturevalue("full_listener")
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/rss.xml"
    else:
        listener = request.getfixturevalue("silent_listener")
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/rss.xml"
    with open_monitor(tmp_path / "data") as monitor:
        parts(monitor).store.add_source(url, kind=SourceKind.FEED, name="Unreachable")
        cancel = threading.Event()
        timer = threading.Timer(1.0, cancel.set)
        timer.start()
        started = time.monotonic()
        steps = list(monitor.update_iter(cancel=cancel))
        took = time.monotonic() - started - 1.0
        timer.join()
        assert took < CANCEL_BOUND, f"the update took {took:.1f} s to stop after the cancel"
        deadline = time.monotonic() + CANCEL_BOUND
        while fetch_threads() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not fetch_threads(), "a fetch thread outlived the update"
    (finished,) = [step.report for step in steps if step.kind is ProgressKind.SOURCE_FINISHED]
    assert finished is not None
    assert finished.skipped_reason == "the update was stopped before this source was read"
