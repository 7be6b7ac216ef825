"""Tests of the HTTP fetcher against a real server on 127.0.0.1 (no mocks of httpx)."""

from __future__ import annotations

import email.utils
import gzip
import itertools
import socket
import threading
import time
import tracemalloc
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.collect.backoff import next_attempt_after
from monitor.collect.fetch import Fetcher, FetchSettings, LocalDirectoryTransport
from monitor.collect.fetch_messages import connect_problem, parse_retry_after
from monitor.errors import (
    ConfigError,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from tests.support.http_server import LocalServer, Request, Route

pytestmark = pytest.mark.network

MB = 1024 * 1024
START = datetime(2025, 1, 6, 10, 0, 0, tzinfo=UTC)
DEMO_HOST = "demo.media-monitor.invalid"
# No politeness delay unless a test is about it, so the suite stays fast.
QUICK = FetchSettings(min_host_interval=0.0)


class FakeTime:
    """A clock and a sleep that advances it, recording every wait."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> datetime:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetcher trusts proxy variables; a proxy set on the test machine must not interfere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def fetcher(fake_time: FakeTime):
    with Fetcher(QUICK, clock=fake_time.clock, sleep=fake_time.sleep) as quick_fetcher:
        yield quick_fetcher


def _host(server: LocalServer) -> str:
    return server.base_url.removeprefix("http://")


# --- plain answers ----------------------------------------------------------------------


def test_fetch_returns_body_and_sends_user_agent(server: LocalServer, fetcher: Fetcher) -> None:
    body = "<rss><channel><title>Новости</title></channel></rss>".encode()
    headers = {"Content-Type": "application/rss+xml", "ETag": '"a1"', "Last-Modified": "x"}
    url = server.add("/feed.xml", Route(body, headers=headers))

    document = fetcher.fetch(url, accept="application/rss+xml")

    assert document.content == body
    assert document.status == 200
    assert not document.not_modified
    assert document.url == url
    assert document.content_type == "application/rss+xml"
    assert (document.etag, document.last_modified) == ('"a1"', "x")
    assert document.fetched_at == START
    sent = server.requests_to("/feed.xml")[0].headers
    assert sent["user-agent"] == FetchSettings().user_agent
    assert sent["user-agent"].startswith("MediaMonitor/")
    assert sent["accept"] == "application/rss+xml"
    assert "if-none-match" not in sent


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("gzip", lambda data: gzip.compress(data[:10]) + gzip.compress(data[10:])),  # 2 members
    ],
)
def test_compressed_bodies_are_decoded(server: LocalServer, fetcher: Fetcher, encoding, compress):
    body = "新华社北京1月6日电 ".encode() * 200
    url = server.add("/z", Route(compress(body), headers={"Content-Encoding": encoding}))
    assert fetcher.fetch(url).content == body
    assert server.requests_to("/z")[0].headers["accept-encoding"] == "gzip, deflate"


def test_damaged_gzip_body_is_a_fetch_error(server: LocalServer, fetcher: Fetcher) -> None:
    url = server.add(
        "/bad", Route(b"this is not gzip at all", headers={"Content-Encoding": "gzip"})
    )
    with pytest.raises(FetchError, match="damaged compressed body"):
        fetcher.fetch(url)


def test_unknown_content_encoding_is_a_fetch_error(server: LocalServer, fetcher: Fetcher) -> None:
    url = server.add("/br", Route(b"\x1b\x00", headers={"Content-Encoding": "br"}))
    with pytest.raises(FetchError, match="compressed the page with br"):
        fetcher.fetch(url)


# --- time limits ------------------------------------------------------------------------


def test_slow_answer_times_out_within_bound(server: LocalServer) -> None:
    url = server.add("/slow", Route(b"late", delay=3.0))
    settings = FetchSettings(read_timeout=0.3, min_host_interval=0)
    started = time.monotonic()
    with Fetcher(settings) as fetcher, pytest.raises(FetchTimeout) as caught:
        fetcher.fetch(url)
    assert time.monotonic() - started < 1.5
    assert str(caught.value) == f"timed out after 0.3 s waiting for {_host(server)} to answer"
    assert caught.value.url == url


def test_slow_drip_body_is_cut_by_total_timeout(server: LocalServer) -> None:
    url = server.add("/drip", Route(b"x" * 64 * 100, drip=0.05))  # about 5 s in all
    settings = FetchSettings(read_timeout=2.0, total_timeout=0.6, min_host_interval=0)
    started = time.monotonic()
    with Fetcher(settings) as fetcher, pytest.raises(FetchTimeout, match=r"gave up after 0\.6 s"):
        fetcher.fetch(url)
    assert time.monotonic() - started < 1.5


# --- size cap ---------------------------------------------------------------------------


def test_body_at_the_cap_passes_and_one_byte_more_is_too_large(server: LocalServer) -> None:
    settings = FetchSettings(max_bytes=MB, min_host_interval=0)
    exact = server.add("/exact", Route(b"a" * MB))
    over = server.add("/over", Route(b"a" * (MB + 1)))
    with Fetcher(settings) as fetcher:
        assert len(fetcher.fetch(exact).content) == MB
        with pytest.raises(TooLarge) as caught:
            fetcher.fetch(over)
    assert str(caught.value) == f"{over} is larger than 1 MB, skipped"


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """About 64 KB of gzip that inflates to 64 MB of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    return b"".join(compressor.compress(zeros) for _ in range(64)) + compressor.flush()


def test_gzip_bomb_is_stopped_without_inflating_it(server: LocalServer, gzip_bomb: bytes):
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
    url = server.add("/bomb", Route(gzip_bomb, headers=headers))
    settings = FetchSettings(max_bytes=MB, min_host_interval=0)
    with Fetcher(settings) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(TooLarge, match="larger than 1 MB, skipped"):
                fetcher.fetch(url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # Inflating one network chunk at once would already take tens of megabytes.
    assert peak < 8 * MB


# --- redirects --------------------------------------------------------------------------


def test_redirects_are_followed_to_the_final_url(server: LocalServer, fetcher: Fetcher) -> None:
    server.add("/old", Route(status=301, headers={"Location": "/moved"}))
    server.add("/moved", Route(status=302, headers={"Location": server.url("/rss")}))
    final = server.add("/rss", Route(b"<rss/>"))
    document = fetcher.fetch(server.url("/old"), etag='"e"')
    assert (document.url, document.content) == (final, b"<rss/>")
    assert server.requests_to("/rss")[0].headers["if-none-match"] == '"e"'


def test_redirect_loop_stops_after_max_redirects(server: LocalServer) -> None:
    server.add("/a", Route(status=302, headers={"Location": "/b"}))
    server.add("/b", Route(status=307, headers={"Location": "/a"}))
    settings = FetchSettings(max_redirects=3, min_host_interval=0)
    with Fetcher(settings) as fetcher, pytest.raises(TooManyRedirects) as caught:
        fetcher.fetch(server.url("/a"))
    assert str(caught.value).startswith("more than 3 redirects")
    assert caught.value.url == server.url("/a")
    assert len(server.requests) == 4  # the first request and three redirects followed


def test_redirect_to_another_scheme_is_refused(server: LocalServer, fetcher: Fetcher) -> None:
    url = server.add("/ftp", Route(status=302, headers={"Location": "ftp://files.invalid/x"}))
    with pytest.raises(FetchError, match="only http and https"):
        fetcher.fetch(url)


# --- conditional GET --------------------------------------------------------------------


def test_etag_gives_not_modified(server: LocalServer, fetcher: Fetcher) -> None:
    def by_etag(request: Request) -> Route:
        if request.headers.get("if-none-match") == '"v2"':
            return Route(status=304, headers={"ETag": '"v2"'})
        return Route(b"<feed/>", headers={"ETag": '"v2"'})

    url = server.add("/atom", by_etag)
    first = fetcher.fetch(url)
    second = fetcher.fetch(url, etag=first.etag)
    assert (first.status, first.content) == (200, b"<feed/>")
    assert second.not_modified
    assert (second.status, second.content, second.etag) == (304, b"", '"v2"')


def test_last_modified_gives_not_modified_and_is_carried(server: LocalServer, fetcher: Fetcher):
    stamp = "Mon, 06 Jan 2025 09:00:00 GMT"

    def by_date(request: Request) -> Route:
        if request.headers.get("if-modified-since") == stamp:
            return Route(status=304)  # repeats no validators, as many servers do
        return Route(b"<rss/>", headers={"Last-Modified": stamp})

    url = server.add("/rss", by_date)
    document = fetcher.fetch(url, etag='"old"', last_modified=stamp)
    assert document.not_modified
    assert (document.etag, document.last_modified) == ('"old"', stamp)
    assert server.requests_to("/rss")[0].headers["if-none-match"] == '"old"'


# --- HTTP errors and Retry-After --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"),
    [(403, "403 Forbidden"), (404, "404 Not Found"), (500, "500 Internal Server Error")],
)
def test_error_statuses_have_plain_messages(server: LocalServer, fetcher: Fetcher, status, message):
    url = server.add("/e", Route(b"error page", status=status))
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(url)
    assert (str(caught.value), caught.value.status, caught.value.url) == (message, status, url)
    assert caught.value.retry_after is None


def test_429_with_seconds_blocks_the_host_until_then(
    server: LocalServer, fetcher: Fetcher, fake_time: FakeTime
) -> None:
    url = server.add("/busy", Route(status=429, headers={"Retry-After": "120"}))
    other = server.add("/other", Route(b"fine"))
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(url)
    assert str(caught.value) == "429 Too Many Requests (retry after 10:02 UTC)"
    assert caught.value.retry_after == START + timedelta(seconds=120)

    with pytest.raises(HTTPStatusError, match="asked us to wait until 10:02 UTC") as blocked:
        fetcher.fetch(other)
    assert blocked.value.status == 429
    assert server.requests_to("/other") == []  # not asked at all

    fake_time.now += timedelta(seconds=121)
    assert fetcher.fetch(other).content == b"fine"


def test_503_with_http_date(server: LocalServer, fetcher: Fetcher) -> None:
    until = START + timedelta(minutes=5)
    retry = email.utils.format_datetime(until, usegmt=True)
    url = server.add("/down", Route(status=503, headers={"Retry-After": retry}))
    with pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(url)
    assert str(caught.value) == "503 Service Unavailable (retry after 10:05 UTC)"
    assert (caught.value.status, caught.value.retry_after) == (503, until)


def test_short_retry_after_is_waited_out(
    server: LocalServer, fetcher: Fetcher, fake_time: FakeTime
) -> None:
    calls = iter([Route(status=503, headers={"Retry-After": "3"}), Route(b"back")])
    url = server.add("/flaky", lambda request: next(calls))
    with pytest.raises(HTTPStatusError):
        fetcher.fetch(url)
    assert fetcher.fetch(url).content == b"back"
    assert fake_time.sleeps == [3.0]


def test_503_without_retry_after_does_not_block(server: LocalServer, fetcher: Fetcher) -> None:
    url = server.add("/down", Route(status=503))
    for _ in range(2):
        with pytest.raises(HTTPStatusError, match=r"^503 Service Unavailable$"):
            fetcher.fetch(url)
    assert len(server.requests_to("/down")) == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", START),
        ("  90 ", START + timedelta(seconds=90)),
        ("Mon, 06 Jan 2025 09:00:00 GMT", START),  # in the past: now
        ("99999999999", START + timedelta(days=7)),  # absurd: capped
        ("soon", None),
        ("", None),
    ],
)
def test_parse_retry_after(header: str, expected: datetime | None) -> None:
    assert parse_retry_after(header, START) == expected


# --- connection failures ----------------------------------------------------------------


def test_closed_port_is_connection_refused(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionFailed) as caught:
        fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    assert str(caught.value) == f"could not connect to 127.0.0.1:{port}: connection refused"


def test_connection_reset_mid_body(server: LocalServer, fetcher: Fetcher) -> None:
    url = server.add("/reset", Route(b"y" * 4096, reset=True))
    with pytest.raises(ConnectionFailed, match=_host(server)):
        fetcher.fetch(url)


def test_tls_to_a_plain_http_server_fails_cleanly(server: LocalServer, fetcher: Fetcher) -> None:
    with pytest.raises(ConnectionFailed, match=r"could not connect securely to 127\.0\.0\.1"):
        fetcher.fetch(server.url("/feed").replace("http://", "https://"))


def test_dns_failure_is_described_plainly() -> None:
    # A real resolver failure needs the network, so the wording is checked on its own.
    lookup_failed = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert connect_problem(lookup_failed).startswith("the name could not be found")


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/feed", "http://", ""])
def test_bad_addresses_are_fetch_errors(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(FetchError):
        fetcher.fetch(url)


def test_proxy_is_taken_from_the_environment(server: LocalServer, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", server.base_url)
    server.add("http://news.example.invalid/rss", Route(b"via proxy"))
    with Fetcher(QUICK) as fetcher:
        assert fetcher.fetch("http://news.example.invalid/rss").content == b"via proxy"


# --- politeness -------------------------------------------------------------------------


def _fetch_in_threads(fetcher: Fetcher, urls: list[str]) -> None:
    errors: list[BaseException] = []

    def run(url: str) -> None:
        try:
            fetcher.fetch(url)
        except BaseException as error:  # reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not errors


def test_per_host_concurrency_is_limited(server: LocalServer) -> None:
    urls = [server.add(f"/p{i}", Route(b"ok", delay=0.15)) for i in range(6)]
    with Fetcher(FetchSettings(per_host_concurrency=2, min_host_interval=0)) as fetcher:
        _fetch_in_threads(fetcher, urls)
    assert len(server.requests) == 6
    assert server.peak_in_flight == 2


def test_request_starts_are_spaced_by_min_interval(server: LocalServer) -> None:
    urls = [server.add(f"/s{i}", Route(b"ok")) for i in range(4)]
    settings = FetchSettings(per_host_concurrency=4, min_host_interval=0.2)
    with Fetcher(settings) as fetcher:
        _fetch_in_threads(fetcher, urls)
    starts = sorted(request.time for request in server.requests)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.18


def test_min_interval_uses_the_injected_clock(server: LocalServer, fake_time: FakeTime) -> None:
    url = server.add("/feed", Route(b"ok"))
    settings = FetchSettings(min_host_interval=1.0)
    with Fetcher(settings, clock=fake_time.clock, sleep=fake_time.sleep) as fetcher:
        for _ in range(3):
            fetcher.fetch(url)
        fake_time.now += timedelta(seconds=5)  # long after: no wait needed
        fetcher.fetch(url)
    assert fake_time.sleeps == [1.0, 1.0]


# --- backoff ----------------------------------------------------------------------------


def test_backoff_doubles_and_is_capped() -> None:
    error = FetchTimeout("timed out", url="https://example.org/rss")
    delays = [
        next_attempt_after(n, error, START, timedelta(minutes=5)) - START for n in range(1, 12)
    ]
    assert delays[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert delays[-1] == timedelta(hours=24)
    assert all(a <= b for a, b in itertools.pairwise(delays))
    huge = next_attempt_after(10_000, error, START, timedelta(minutes=5))
    assert huge == START + timedelta(hours=24)


def test_backoff_retry_after_wins_only_when_later() -> None:
    base = timedelta(minutes=30)
    later = HTTPStatusError("429", url="u", status=429, retry_after=START + timedelta(hours=2))
    sooner = HTTPStatusError("503", url="u", status=503, retry_after=START + timedelta(minutes=1))
    assert next_attempt_after(1, later, START, base) == START + timedelta(hours=2)
    assert next_attempt_after(1, sooner, START, base) == START + base


# --- settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [{"read_timeout": 0}, {"max_bytes": -1}, {"per_host_concurrency": 0}, {"max_redirects": -1}],
)
def test_nonsense_settings_are_config_errors(bad: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        FetchSettings(**bad)  # type: ignore[arg-type]


# --- local directory transport ----------------------------------------------------------


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    (root / "feeds").mkdir(parents=True)
    (root / "feeds" / "yonhap.xml").write_bytes("<rss>연합뉴스</rss>".encode())
    (root / "pages").mkdir()
    (root / "pages" / "a1.html").write_bytes(b"<html><body>x</body></html>")
    (tmp_path / "secret.txt").write_bytes(b"outside")
    return root


def _demo_fetcher(root, fake_time: FakeTime) -> Fetcher:
    transport = LocalDirectoryTransport(root, DEMO_HOST)
    settings = FetchSettings()  # default politeness, which local files must not pay
    return Fetcher(
        settings,
        mounts={f"https://{DEMO_HOST}": transport},
        clock=fake_time.clock,
        sleep=fake_time.sleep,
    )


def test_local_collection_is_served_with_etags(collection: Path, fake_time: FakeTime) -> None:
    with _demo_fetcher(collection, fake_time) as fetcher:
        feed = fetcher.fetch(f"https://{DEMO_HOST}/feeds/yonhap.xml")
        page = fetcher.fetch(f"https://{DEMO_HOST}/pages/a1.html")
        again = fetcher.fetch(f"https://{DEMO_HOST}/feeds/yonhap.xml", etag=feed.etag)
    assert feed.content == (collection / "feeds" / "yonhap.xml").read_bytes()
    assert feed.content_type == "application/xml"
    assert page.content_type == "text/html"
    assert feed.etag is not None
    assert feed.etag != page.etag
    assert again.not_modified
    assert again.etag == feed.etag
    assert fake_time.sleeps == []


def test_local_collection_changed_file_is_fetched_again(collection: Path, fake_time: FakeTime):
    url = f"https://{DEMO_HOST}/feeds/yonhap.xml"
    with _demo_fetcher(collection, fake_time) as fetcher:
        first = fetcher.fetch(url)
        (collection / "feeds" / "yonhap.xml").write_bytes(b"<rss>new</rss>")
        second = fetcher.fetch(url, etag=first.etag)
    assert (second.status, second.content) == (200, b"<rss>new</rss>")


@pytest.mark.parametrize("path", ["/feeds/missing.xml", "/feeds", "/"])
def test_local_collection_missing_is_404(collection: Path, fake_time: FakeTime, path: str):
    with _demo_fetcher(collection, fake_time) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(f"https://{DEMO_HOST}{path}")
    assert caught.value.status == 404


@pytest.mark.parametrize(
    "path",
    ["/feeds/..%2F..%2Fsecret.txt", "/%2e%2e/secret.txt", "/feeds/..%5C..%5Csecret.txt"],
)
def test_local_collection_refuses_traversal(collection: Path, fake_time: FakeTime, path: str):
    with _demo_fetcher(collection, fake_time) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(f"https://{DEMO_HOST}{path}")
    assert caught.value.status == 403


def test_local_collection_from_a_zip(tmp_path: Path, fake_time: FakeTime) -> None:
    archive = tmp_path / "demo.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("demo/feeds/izvestia.xml", "<rss>Известия</rss>".encode())
    root = zipfile.Path(archive, "demo/")
    with _demo_fetcher(root, fake_time) as fetcher:
        document = fetcher.fetch(f"https://{DEMO_HOST}/feeds/izvestia.xml")
    assert document.content == "<rss>Известия</rss>".encode()


@pytest.mark.parametrize(
    "url",
    ["http://" + "a" * 300 + "/feed", "http://" + "a" * 70 + ".com/feed", "http://a..b/feed"],
)
def test_a_host_name_no_resolver_takes_is_a_fetch_error(url: str) -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError, match="is not a valid host name"):
        fetcher.fetch(url)
