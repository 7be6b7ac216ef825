"""A server that drips its response headers one byte at a time cannot hold a fetch open.

The server here is a raw socket: it sends the status line, then one header byte every
:data:`DRIP_INTERVAL` seconds, far faster than the read timeout, so only the fetch's total
deadline can end the request. It gives up on its own after :data:`DRIP_FOR` seconds, so
a fetcher without that deadline makes these tests fail instead of hang.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.app import open_monitor
from monitor.collect.fetch import Fetcher, FetchSettings
from monitor.errors import FetchTimeout
from monitor.types import SourceKind
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

pytestmark = pytest.mark.network

FAST = FetchSettings(
    connect_timeout=1.0, read_timeout=1.0, total_timeout=1.5, min_host_interval=0.0
)
DRIP_INTERVAL = 0.1  # seconds between header bytes: each one would restart a read timeout
DRIP_FOR = 8.0  # the server finishes its headers after this long
SLACK = 1.0  # room for thread start-up and a slow machine


class HeaderDripServer:
    """Answers every connection with a status line, then headers one byte at a time."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> HeaderDripServer:
        self._start(self._accept)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _start(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._start(self._drip, connection)

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.settimeout(DRIP_FOR)
                received = b""
                while b"\r\n\r\n" not in received:
                    chunk = connection.recv(4096)
                    if not chunk:
                        return
                    received += chunk
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                until = time.monotonic() + DRIP_FOR
                while time.monotonic() < until and not self._stop.is_set():
                    connection.sendall(b"a")
                    time.sleep(DRIP_INTERVAL)
                connection.sendall(b"\r\nContent-Type: text/xml\r\nContent-Length: 0\r\n\r\n")
            except OSError:  # the client hung up: that is what the tests want
                return


@pytest.fixture
def drip_server() -> Iterator[HeaderDripServer]:
    with HeaderDripServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_dripped_headers_end_at_the_total_deadline(drip_server: HeaderDripServer) -> None:
    started = time.monotonic()
    with Fetcher(FAST) as fetcher, pytest.raises(FetchTimeout) as raised:
        fetcher.fetch(f"http://{drip_server.address}/feed.xml")
    elapsed = time.monotonic() - started
    assert FAST.total_timeout - 0.1 <= elapsed < FAST.total_timeout + SLACK
    assert str(raised.value) == (
        f"gave up after {FAST.total_timeout:g} s: {drip_server.address} is too slow"
    )


def test_the_deadline_covers_redirect_hops_together(
    drip_server: HeaderDripServer, server: LocalServer
) -> None:
    """A prompt redirect to the drip uses up part of the same total, not a fresh one."""
    target = f"http://{drip_server.address}/feed.xml"
    server.add("/moved", Route(status=301, headers={"Location": target}, delay=0.5))
    started = time.monotonic()
    with Fetcher(FAST) as fetcher, pytest.raises(FetchTimeout, match=r"^gave up after 1\.5 s"):
        fetcher.fetch(server.base_url + "/moved")
    assert time.monotonic() - started < FAST.total_timeout + SLACK


def test_update_with_a_header_drip_ends_in_time_and_keeps_the_rest(
    tmp_path: Path, drip_server: HeaderDripServer, server: LocalServer
) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Healthy</title>'
        f"<link>{server.base_url}/</link><item><title>Still collected</title>"
        f"<link>{server.base_url}/1.html</link><description>Text of the item.</description>"
        "</item></channel></rss>"
    ).encode()
    server.add("/feed.xml", Route(feed, headers={"Content-Type": "application/rss+xml"}))
    server.add("/1.html", Route(status=404))
    with open_monitor(tmp_path, fetch_settings=FAST) as monitor:
        store = parts(monitor).store
        healthy = store.add_source(
            server.base_url + "/feed.xml", kind=SourceKind.FEED, name="Healthy"
        )
        dripping = store.add_source(
            f"http://{drip_server.address}/feed.xml", kind=SourceKind.FEED, name="Dripping"
        )
        started = time.monotonic()
        summary = monitor.update()
        elapsed = time.monotonic() - started
        reports = {report.source_id: report for report in summary.reports}
        assert elapsed < FAST.total_timeout + 6.0, f"the update took {elapsed:.1f} s"
        assert reports[dripping.id].error == (
            f"gave up after {FAST.total_timeout:g} s: {drip_server.address} is too slow"
        )
        assert reports[healthy.id].error is None
        titles = [article.title for article in monitor.articles(source_id=healthy.id)]
        assert titles == ["Still collected"]
