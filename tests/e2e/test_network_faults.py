"""End to end: whole updates while one outlet's server misbehaves on purpose.

Every test follows three outlets through the real core (``open_monitor`` → ``Monitor.update``,
the sources, the store): two healthy ones and one whose server drips, resets, loops, throttles,
fails, cannot be found or shows a bad certificate. Each update must end within its bound, the
healthy outlets must keep being collected, the faulty source must carry its error and when the
trouble began, must not be asked again before its backoff (doubling on a second failure, or the
server's Retry-After), and must be collected normally once its server heals. Time moves on a
fake clock; only the faults themselves take real (short) time.
"""

from __future__ import annotations

import email.utils
import re
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from monitor.app import Monitor, open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.types import ArticleState, Source, SourceKind, SourceReport, TextOrigin
from tests.support.http_server import LocalServer, Request, Route
from tests.support.inside import parts

pytestmark = pytest.mark.network

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FAST = FetchSettings(
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=1.5,
    min_host_interval=0.0,  # one host per server; spacing would only slow the test down
    retry_after_max_wait=0.0,  # never wait out a Retry-After in real time
)
# An update with one faulty source ends within this many seconds: the fault's own timeout
# plus generous room for extraction and indexing on a slow machine.
BOUND = FAST.total_timeout + 6.0
FIRST_BACKOFF = timedelta(minutes=60)  # a source's default update interval
DEAD_HOST = "news.media-monitor.invalid"  # RFC 6761: a name that never resolves

PARAGRAPHS = {
    "ru": [
        "Центральный банк сохранил ключевую ставку на прежнем уровне по итогам заседания.",
        "Регулятор отметил, что инфляция замедляется быстрее, чем ожидалось весной.",
        "Следующее заседание совета директоров состоится в декабре этого года.",
    ],
    "uk": [
        "Україна відновила експорт зерна через порти Одеської області після перерви.",
        "За минулий тиждень судна вивезли понад два мільйони тонн пшениці та кукурудзи.",
        "Міністерство інфраструктури очікує подальшого зростання морських перевезень.",
    ],
    "ko": [
        "정부는 화요일 새로운 에너지 정책을 발표하고 재생 에너지 투자를 확대하겠다고 밝혔다.",
        "산업통상자원부 관계자는 올해 안에 구체적인 지원 방안을 마련할 계획이라고 말했다.",
        "전문가들은 이번 정책이 지역 경제에 긍정적인 영향을 줄 것으로 내다봤다.",
    ],
}


class FakeClock:
    """The monitor's "now": moved by the test, never by waiting."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def move_to(self, moment: datetime) -> None:
        with self._lock:
            assert moment >= self.now, "time only moves forward"
            self.now = moment


HTML = {"Content-Type": "text/html; charset=utf-8"}


class Newsroom:
    """One outlet on a local server: ``/<language>/feed.xml`` and a page per article."""

    def __init__(
        self, server: LocalServer, language: str, articles: int, *, base: str | None = None
    ) -> None:
        self.server = server
        self.language = language
        self.base = base or server.base_url  # the address the outlet is known by
        self.feed_path = f"/{language}/feed.xml"
        self.titles: list[str] = []
        self.publish(articles)

    @property
    def feed_url(self) -> str:
        return self.base + self.feed_path

    def page_path(self, number: int) -> str:
        return f"/{self.language}/{number}.html"

    def publish(self, count: int) -> None:
        """Put ``count`` more articles online and serve the feed listing them all."""
        for _ in range(count):
            number = len(self.titles)
            title = f"{self.language.upper()} {number}: {PARAGRAPHS[self.language][0][:24]}"
            self.titles.append(title)
            self.server.add(self.page_path(number), Route(self.page(number), headers=HTML))
        self.heal()

    def heal(self) -> None:
        """Serve the real feed again (after a fault replaced it)."""
        self.server.add(self.feed_path, self.feed_route())

    def feed_route(self) -> Route:
        items = "".join(
            f"<item><title>{title}</title><link>{self.base}{self.page_path(number)}</link>"
            f"<guid>{self.base}{self.page_path(number)}</guid>"
            f"<description>{self.teaser(number)}</description>"
            f"<pubDate>Mon, 23 Nov 2026 0{number % 8}:30:00 +0000</pubDate></item>"
            for number, title in enumerate(self.titles)
        )
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>News {self.language}</title><link>{self.base}/</link>"
            f"<language>{self.language}</language>{items}</channel></rss>"
        ).encode()
        return Route(body, headers={"Content-Type": "application/rss+xml"})

    def teaser(self, number: int) -> str:
        return f"{PARAGRAPHS[self.language][number % 3]} ({number})"

    def page(self, number: int) -> bytes:
        paragraphs = PARAGRAPHS[self.language]
        rotation = paragraphs[number % 3 :] + paragraphs[: number % 3]
        body = "".join(f"<p>{paragraph} ({number})</p>" for paragraph in rotation * 2)
        title = self.titles[number]
        return (
            f'<!doctype html><html lang="{self.language}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>© 2026</footer></body></html>"
        ).encode()


@dataclass
class Scene:
    """The monitor, its clock, the two healthy outlets and the faulty one, all followed."""

    monitor: Monitor
    clock: FakeClock
    healthy: list[tuple[Newsroom, Source]]
    faulty: Newsroom
    source: Source  # the faulty outlet's source

    def update(self) -> dict[int, SourceReport]:
        """One whole update: it ends within :data:`BOUND` seconds and reads the healthy feeds."""
        started = time.monotonic()
        summary = self.monitor.update()
        elapsed = time.monotonic() - started
        assert elapsed < BOUND, f"the update took {elapsed:.1f} s"
        reports = {report.source_id: report for report in summary.reports}
        for _, source in self.healthy:
            assert reports[source.id].error is None
        return reports

    def stored(self) -> Source:
        return parts(self.monitor).store.source(self.source.id)

    def check_healthy_collected(self) -> None:
        for newsroom, source in self.healthy:
            articles = self.monitor.articles(source_id=source.id)
            assert sorted(a.title for a in articles) == sorted(newsroom.titles)
            for article in articles:
                assert article.state >= ArticleState.DETECTED
                assert article.text_origin is TextOrigin.PAGE, article.last_error
                assert article.language == newsroom.language
            assert parts(self.monitor).store.source(source.id).last_error is None


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetcher trusts proxy variables; a proxy set on the test machine must not interfere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def healthy_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def faulty_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@contextmanager
def open_scene(
    data_dir: Path,
    healthy_server: LocalServer,
    faulty: Newsroom,
    *,
    transport: httpx.BaseTransport | None = None,
) -> Iterator[Scene]:
    """Follow two healthy outlets and ``faulty`` in a fresh collection, on a fake clock."""
    clock = FakeClock()
    with open_monitor(data_dir, fetch_settings=FAST, transport=transport, clock=clock) as monitor:
        healthy = []
        for language in ("ru", "uk"):
            newsroom = Newsroom(healthy_server, language, 1)
            healthy.append((newsroom, follow(monitor, newsroom)))
        yield Scene(monitor, clock, healthy, faulty, follow(monitor, faulty))


def follow(monitor: Monitor, newsroom: Newsroom) -> Source:
    return parts(monitor).store.add_source(
        newsroom.feed_url, kind=SourceKind.FEED, name=f"News {newsroom.language}"
    )


@pytest.fixture
def scene(
    tmp_path: Path, healthy_server: LocalServer, faulty_server: LocalServer
) -> Iterator[Scene]:
    with open_scene(tmp_path, healthy_server, Newsroom(faulty_server, "ko", 2)) as opened:
        yield opened


def check_fault_cycle(
    scene: Scene, *, message: str, heal: Callable[[], None], asked: Callable[[], int]
) -> None:
    """Fail, back off, fail again (backoff doubles), heal, recover: the life of one fault.

    ``message`` is a pattern the recorded error must match; ``asked`` counts the attempts that
    reached the fault (requests, lookups, handshakes).
    """
    faulty = scene.source
    first_failure = scene.clock()
    reports = scene.update()
    assert re.search(message, reports[faulty.id].error or "")
    scene.check_healthy_collected()
    stored = scene.stored()
    assert re.search(message, stored.last_error or "")
    assert stored.error_since == first_failure
    assert stored.consecutive_failures == 1
    assert stored.next_attempt_at == first_failure + FIRST_BACKOFF
    assert scene.monitor.articles(source_id=faulty.id) == []

    # Backing off: the next updates leave the source alone until its time has come.
    attempts = asked()
    scene.clock.move_to(first_failure + FIRST_BACKOFF - timedelta(minutes=1))
    reports = scene.update()
    assert faulty.id not in reports
    assert asked() == attempts
    assert scene.stored().consecutive_failures == 1

    second_failure = first_failure + FIRST_BACKOFF
    scene.clock.move_to(second_failure)
    scene.healthy[0][0].publish(1)  # news goes on elsewhere while the fault lasts
    reports = scene.update()
    scene.check_healthy_collected()
    assert re.search(message, reports[faulty.id].error or "")
    assert asked() > attempts
    stored = scene.stored()
    assert stored.consecutive_failures == 2
    assert stored.error_since == first_failure  # still the same trouble
    assert stored.next_attempt_at == second_failure + 2 * FIRST_BACKOFF

    heal()
    scene.clock.move_to(second_failure + 2 * FIRST_BACKOFF)
    check_recovered(scene)


def check_recovered(scene: Scene) -> None:
    """The next update collects the healed outlet and forgets its trouble."""
    reports = scene.update()
    assert reports[scene.source.id].error is None
    assert reports[scene.source.id].new == len(scene.faulty.titles)
    articles = scene.monitor.articles(source_id=scene.source.id)
    assert sorted(a.title for a in articles) == sorted(scene.faulty.titles)
    for article in articles:
        assert article.state >= ArticleState.DETECTED
        assert article.text_origin is TextOrigin.PAGE, article.last_error
        assert article.language == "ko"
    stored = scene.stored()
    assert stored.last_error is None
    assert stored.error_since is None
    assert stored.consecutive_failures == 0
    assert stored.next_attempt_at is None
    assert stored.last_success == scene.clock()
    scene.check_healthy_collected()


def requests_counter(server: LocalServer, path: str) -> Callable[[], int]:
    return lambda: len(server.requests_to(path))


# --- the server answers, badly ------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    name: str
    route: Route  # what the feed address serves while the fault lasts
    message: str  # a pattern the recorded error matches


DRIP_BODY = b"<?xml version='1.0'?><rss version='2.0'><channel>" + b" " * 4096  # ~16 s at 0.25
HOST = r"127\.0\.0\.1:\d+"
# Whether the reset is seen while reading or as a short body depends on timing: both are right.
RESET = (
    rf"{HOST} closed the connection before the answer was complete"
    rf"|the connection to {HOST} broke off: connection reset"
)
FAULTS = [
    Fault(
        "slow drip",
        Route(DRIP_BODY, headers={"Content-Type": "text/xml"}, drip=0.25),
        rf"^gave up after {FAST.total_timeout:g} s: {HOST} sends too slowly$",
    ),
    Fault(
        "reset mid-body", Route(DRIP_BODY, headers={"Content-Type": "text/xml"}, reset=True), RESET
    ),
    Fault(
        "redirect loop",
        Route(b"", 302, {"Location": "/ko/feed.xml"}),
        r"^more than 5 redirects \(the site may be sending us round in a loop\)",
    ),
    Fault(
        "500", Route(b"oops", 500, {"Content-Type": "text/plain"}), r"^500 Internal Server Error$"
    ),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_faulty_server_is_backed_off_then_recovers(
    scene: Scene, faulty_server: LocalServer, fault: Fault
) -> None:
    faulty_server.add(scene.faulty.feed_path, fault.route)
    check_fault_cycle(
        scene,
        message=fault.message,
        heal=scene.faulty.heal,
        asked=requests_counter(faulty_server, scene.faulty.feed_path),
    )


def test_slow_drip_is_cut_at_the_total_timeout(scene: Scene, faulty_server: LocalServer) -> None:
    faulty_server.add(scene.faulty.feed_path, FAULTS[0].route)
    started = time.monotonic()
    reports = scene.update()
    assert time.monotonic() - started >= FAST.total_timeout  # it was the drip that ended it
    assert reports[scene.source.id].error == (
        f"gave up after {FAST.total_timeout:g} s:"
        f" {faulty_server.base_url.removeprefix('http://')} sends too slowly"
    )


def test_burst_of_500s_backs_off_doubling_then_recovers(
    scene: Scene, faulty_server: LocalServer
) -> None:
    burst = 3
    answers: list[int] = []

    def flaky(request: Request) -> Route:
        answers.append(500 if len(answers) < burst else 200)
        if answers[-1] == 500:
            return Route(b"oops", 500, {"Content-Type": "text/plain"})
        return scene.faulty.feed_route()

    faulty_server.add(scene.faulty.feed_path, flaky)
    first_failure = scene.clock()
    for failures in range(1, burst + 1):
        reports = scene.update()
        assert reports[scene.source.id].error == "500 Internal Server Error"
        scene.check_healthy_collected()
        stored = scene.stored()
        assert stored.consecutive_failures == failures
        assert stored.error_since == first_failure
        delay = FIRST_BACKOFF * 2 ** (failures - 1)  # 1 h, 2 h, 4 h
        assert stored.next_attempt_at == scene.clock() + delay
        assert stored.next_attempt_at is not None
        scene.clock.move_to(stored.next_attempt_at - timedelta(seconds=1))
        assert scene.source.id not in scene.update()  # not one second early
        scene.clock.move_to(stored.next_attempt_at)
    assert answers == [500] * burst
    check_recovered(scene)
    assert answers == [500] * burst + [200]


# --- the server says when to come back ----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "header", "until", "words"),
    [
        (429, "7200", START + timedelta(hours=2), "429 Too Many Requests"),
        (
            503,
            email.utils.format_datetime(START + timedelta(hours=3), usegmt=True),
            START + timedelta(hours=3),
            "503 Service Unavailable",
        ),
    ],
    ids=["429-seconds", "503-date"],
)
def test_retry_after_is_respected_for_the_whole_host(
    scene: Scene,
    faulty_server: LocalServer,
    status: int,
    header: str,
    until: datetime,
    words: str,
) -> None:
    now = scene.clock()
    assert until > now + FIRST_BACKOFF  # the server asks for longer than our own backoff
    faulty_server.add(scene.faulty.feed_path, Route(b"busy", status, {"Retry-After": header}))
    reports = scene.update()
    assert reports[scene.source.id].error == f"{words} (retry after {until:%H:%M} UTC)"
    scene.check_healthy_collected()
    stored = scene.stored()
    assert stored.error_since == now
    assert stored.next_attempt_at == until  # the server wins over the 1-hour backoff

    # Past our own backoff but before the server's time: nothing goes to that host, not even
    # for another outlet on it followed in the meantime.
    sibling = Newsroom(faulty_server, "uk", 1)
    sibling_source = follow(scene.monitor, sibling)
    asked = len(faulty_server.requests)
    scene.clock.move_to(now + FIRST_BACKOFF + timedelta(minutes=1))
    reports = scene.update()
    assert scene.source.id not in reports
    assert f"asked us to wait until {until:%H:%M} UTC" in (reports[sibling_source.id].error or "")
    assert len(faulty_server.requests) == asked
    sibling_next = parts(scene.monitor).store.source(sibling_source.id).next_attempt_at
    assert sibling_next is not None and sibling_next >= until
    scene.check_healthy_collected()

    scene.faulty.heal()
    scene.clock.move_to(sibling_next)
    check_recovered(scene)
    assert sorted(a.title for a in scene.monitor.articles(source_id=sibling_source.id)) == (
        sibling.titles
    )
    assert parts(scene.monitor).store.source(sibling_source.id).last_error is None


# --- the server cannot be found ------------------------------------------------------------


class ZoneBackend(httpcore.SyncBackend):
    """Connects as usual, but looks names up in ``zone`` first (a DNS that can heal).

    A name missing from the zone goes to the machine's real resolver; every lookup is counted.
    """

    def __init__(self, zone: dict[str, str]) -> None:
        self.zone = zone
        self.lookups: list[str] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        self.lookups.append(host)
        address = self.zone.get(host, host)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class ZoneTransport(httpx.HTTPTransport):
    """httpx's own transport, connecting through a :class:`ZoneBackend`."""

    def __init__(self, backend: ZoneBackend) -> None:
        super().__init__()
        # httpx offers no way to pass a network backend, so its pool is replaced by one that
        # has ours (the same pool class httpx builds, with the defaults it uses).
        self._pool.close()
        self._pool = httpcore.ConnectionPool(network_backend=backend)


def test_dns_failure_is_backed_off_then_recovers(
    tmp_path: Path, healthy_server: LocalServer, faulty_server: LocalServer
) -> None:
    backend = ZoneBackend({})
    port = faulty_server.base_url.rsplit(":", 1)[1]
    faulty = Newsroom(faulty_server, "ko", 2, base=f"http://{DEAD_HOST}:{port}")
    with open_scene(tmp_path, healthy_server, faulty, transport=ZoneTransport(backend)) as scene:
        check_fault_cycle(
            scene,
            message=re.escape(
                f"could not connect to {DEAD_HOST}:{port}: the name could not be found"
            ),
            heal=lambda: backend.zone.update({DEAD_HOST: "127.0.0.1"}),
            asked=lambda: backend.lookups.count(DEAD_HOST),
        )


# --- the server shows a certificate we cannot trust ---------------------------------------


@dataclass(frozen=True)
class Certificates:
    authority: Path  # the test's own certificate authority, trusted through SSL_CERT_FILE
    trusted: ssl.SSLContext  # a server certificate for 127.0.0.1 signed by that authority
    self_signed: ssl.SSLContext  # one for 127.0.0.1 that nobody vouches for


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def server_context(certificate: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    folder = tmp_path / "tls"
    folder.mkdir()
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl(
        "req", "-x509", *key, "-days", "2", "-subj", "/CN=Media Monitor Test CA",
        "-keyout", str(folder / "ca.key"), "-out", str(folder / "ca.pem"),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    openssl(
        "req", *key, "-subj", "/CN=127.0.0.1",
        "-keyout", str(folder / "server.key"), "-out", str(folder / "server.csr"),
    )  # fmt: skip
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    openssl(
        "x509", "-req", "-in", str(folder / "server.csr"), "-days", "2",
        "-CA", str(folder / "ca.pem"), "-CAkey", str(folder / "ca.key"), "-CAcreateserial",
        "-extfile", str(folder / "server.ext"), "-out", str(folder / "server.pem"),
    )  # fmt: skip
    openssl(
        "req", "-x509", *key, "-days", "2", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", str(folder / "self.key"), "-out", str(folder / "self.pem"),
    )  # fmt: skip
    return Certificates(
        folder / "ca.pem",
        server_context(folder / "server.pem", folder / "server.key"),
        server_context(folder / "self.pem", folder / "self.key"),
    )


def test_untrusted_certificate_is_backed_off_then_recovers(
    tmp_path: Path,
    healthy_server: LocalServer,
    certificates: Certificates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fetcher trusts what the system trusts; here that is the test's authority alone.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.authority))
    with (
        LocalServer(tls=certificates.self_signed) as faulty_server,
        open_scene(tmp_path, healthy_server, Newsroom(faulty_server, "ko", 2)) as scene,
    ):
        host = faulty_server.base_url.removeprefix("https://")
        check_fault_cycle(
            scene,
            message=re.escape(
                f"could not connect securely to {host}: its security certificate is not valid"
            )
            + r" \(self[- ]signed certificate\)$",  # OpenSSL 1.1 writes it without the hyphen
            heal=lambda: faulty_server.use_certificate(certificates.trusted),
            asked=lambda: faulty_server.connections,
        )


# --- the feed is fine, its article pages are not -----------------------------------------


def test_failing_article_pages_keep_the_feed_text_flagged(
    scene: Scene, faulty_server: LocalServer
) -> None:
    scene.faulty.publish(1)  # three articles: one page resets, one fails, one is fine
    faulty_server.add(scene.faulty.page_path(0), Route(b"x" * 4096, headers=HTML, reset=True))
    faulty_server.add(scene.faulty.page_path(1), Route(b"oops", 500))
    reports = scene.update()
    report = reports[scene.source.id]
    assert report.error is None  # the feed itself was read
    assert (report.new, report.failed) == (3, 2)
    scene.check_healthy_collected()
    assert scene.stored().last_error is None
    by_title = {a.title: a for a in scene.monitor.articles(source_id=scene.source.id)}
    assert sorted(by_title) == sorted(scene.faulty.titles)
    reset, failed, fine = (by_title[title] for title in scene.faulty.titles)
    for article, reason in ((reset, RESET), (failed, "500 Internal Server Error")):
        assert article.text_origin is TextOrigin.FEED
        assert (
            article.text
            == article.summary
            == scene.faulty.teaser(scene.faulty.titles.index(article.title))
        )
        assert article.last_error is not None
        assert article.last_error.startswith("page not available")
        assert re.search(reason, article.last_error)
        assert article.state is ArticleState.DETECTED  # readable (and translatable) as is
        assert article.language == "ko"
    assert fine.text_origin is TextOrigin.PAGE and fine.last_error is None


def test_failed_article_pages_are_filled_once_they_come_back(
    scene: Scene, faulty_server: LocalServer
) -> None:
    faulty_server.add(scene.faulty.page_path(0), Route(b"busy", 503))
    scene.update()
    [kept] = [a for a in scene.monitor.articles(source_id=scene.source.id) if a.last_error]
    assert kept.text_origin is TextOrigin.FEED
    faulty_server.add(scene.faulty.page_path(0), Route(scene.faulty.page(0), headers=HTML))
    scene.clock.move_to(scene.clock() + FIRST_BACKOFF)
    reports = scene.update()
    assert (reports[scene.source.id].updated, reports[scene.source.id].failed) == (1, 0)
    filled = scene.monitor.article(kept.id)
    assert filled.text_origin is TextOrigin.PAGE
    assert filled.last_error is None
    assert filled.text != kept.text and PARAGRAPHS["ko"][1] in filled.text
    assert filled.raw_sha256 is not None
    assert parts(scene.monitor).store.raw_page(filled.raw_sha256) == scene.faulty.page(0)
    assert filled.language == "ko"


def test_an_update_meeting_several_faults_at_once_stays_bounded(
    tmp_path: Path, healthy_server: LocalServer
) -> None:
    """A drip, a reset and a loop on three hosts in one update: they are met side by side."""
    with LocalServer() as drip, LocalServer() as reset, LocalServer() as loop:
        clock = FakeClock()
        with open_monitor(tmp_path, fetch_settings=FAST, clock=clock) as monitor:
            healthy = Newsroom(healthy_server, "ru", 1)
            healthy_source = follow(monitor, healthy)
            faulty = []
            for server, fault in ((drip, FAULTS[0]), (reset, FAULTS[1]), (loop, FAULTS[2])):
                newsroom = Newsroom(server, "ko", 1)
                server.add(newsroom.feed_path, fault.route)
                faulty.append((follow(monitor, newsroom), fault.message))
            started = time.monotonic()
            summary = monitor.update()
            assert time.monotonic() - started < BOUND
            reports = {r.source_id: r for r in summary.reports}
            assert reports[healthy_source.id].new == 1
            for source, message in faulty:
                assert re.search(message, reports[source.id].error or "")
                assert (
                    parts(monitor).store.source(source.id).next_attempt_at
                    == clock() + FIRST_BACKOFF
                )
