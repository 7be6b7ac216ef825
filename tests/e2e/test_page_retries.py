"""End to end: an article page that failed is asked for again on later updates, politely.

One outlet on a local server, followed through the real core (``open_monitor`` on a fake
clock). Its feed is always fine; one article page fails. A passing failure (5xx, 429) is
retried when the source is next read, after the source's interval, doubling each time or
later if the server said so, at most five times and only while the article is three days old
at most; a lasting one (404, 410, 403, a page without article text) is never asked for again.
When the page comes back the article takes its text, and its translation and index entry are
redone from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor.app import Monitor, open_monitor
from monitor.types import Article, ArticleState, Source, SourceKind, SourceReport, TextOrigin
from tests.e2e.test_network_faults import FAST, HTML, PARAGRAPHS, START, FakeClock, Newsroom
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

pytestmark = pytest.mark.network

INTERVAL = timedelta(minutes=60)  # a source's default update interval: the first wait


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetcher trusts proxy variables; a proxy set on the test machine must not interfere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@dataclass
class Desk:
    """The monitor on a fake clock, following one outlet whose first article page is at fault."""

    monitor: Monitor
    clock: FakeClock
    newsroom: Newsroom
    server: LocalServer  # where the article pages are served
    source: Source

    @property
    def page_path(self) -> str:
        return self.newsroom.page_path(0)

    def page_requests(self) -> int:
        return len(self.server.requests_to(self.page_path))

    def update_at(self, moment: datetime) -> SourceReport:
        self.clock.move_to(moment)
        summary = self.monitor.update()
        [report] = summary.reports
        assert report.error is None  # the feed itself is always read
        return report

    def article(self) -> Article:
        [article] = self.monitor.articles(source_id=self.source.id)
        return article

    def serve_page(self) -> None:
        self.server.add(self.page_path, Route(self.newsroom.page(0), headers=HTML))


def open_desk(
    data_dir: Path,
    server: LocalServer,
    language: str,
    *,
    interval_minutes: int = 60,
    feed_server: LocalServer | None = None,
) -> Desk:
    """Follow a one-article outlet whose pages are on ``server`` (and its feed too, unless
    ``feed_server`` is given)."""
    clock = FakeClock()
    monitor = open_monitor(data_dir, fetch_settings=FAST, clock=clock)
    newsroom = Newsroom(server, language, 1)
    feed_url = newsroom.feed_url
    if feed_server is not None:
        feed_server.add(newsroom.feed_path, newsroom.feed_route())
        feed_url = feed_server.url(newsroom.feed_path)
    source = parts(monitor).store.add_source(
        feed_url, kind=SourceKind.FEED, name="News", update_interval_minutes=interval_minutes
    )
    return Desk(monitor, clock, newsroom, server, source)


@pytest.fixture
def desk(tmp_path: Path, server: LocalServer) -> Iterator[Desk]:
    opened = open_desk(tmp_path, server, "ru")
    with opened.monitor:
        yield opened


def check_kept_with_feed_text(desk: Desk, error: str) -> Article:
    article = desk.article()
    assert article.text_origin is TextOrigin.FEED
    assert article.text == desk.newsroom.teaser(0)
    assert article.last_error is not None and error in article.last_error
    assert article.state >= ArticleState.DETECTED
    return article


@pytest.mark.parametrize(
    ("route", "error"),
    [
        (Route(b"gone", 404), "404 Not Found"),
        (Route(b"gone", 410), "410 Gone"),
        (Route(b"members only", 403), "403 Forbidden"),
        (
            Route(b"<!doctype html><html><body><p>Menu</p></body></html>", headers=HTML),
            "no article text on the page",
        ),
    ],
    ids=["404", "410", "403", "no-text"],
)
def test_a_lasting_page_failure_is_not_asked_for_again(
    desk: Desk, route: Route, error: str
) -> None:
    desk.server.add(desk.page_path, route)
    report = desk.update_at(START)
    assert (report.new, report.failed) == (1, 1)
    check_kept_with_feed_text(desk, error)
    desk.serve_page()  # even if it came back, nobody asks
    for hours in (1, 3, 7, 15, 24, 48):
        report = desk.update_at(START + timedelta(hours=hours))
        assert (report.new, report.updated, report.failed) == (0, 0, 0)
    assert desk.page_requests() == 1
    assert check_kept_with_feed_text(desk, error).page_attempts == 1


def test_a_passing_failure_is_retried_with_doubling_waits_five_times_at_most(desk: Desk) -> None:
    desk.server.add(desk.page_path, Route(b"oops", 500))
    tried_at = START
    report = desk.update_at(tried_at)
    assert desk.page_requests() == 1
    for attempt in range(2, 6):
        due = tried_at + INTERVAL * 2 ** (attempt - 2)  # 1 h, 2 h, 4 h, 8 h after the last
        report = desk.update_at(due - timedelta(seconds=1))
        assert (report.updated, report.failed) == (0, 0)
        assert desk.page_requests() == attempt - 1, "asked before its time"
        report = desk.update_at(due)
        assert (report.updated, report.failed) == (0, 1)
        assert desk.page_requests() == attempt
        article = check_kept_with_feed_text(desk, "500 Internal Server Error")
        assert article.page_attempts == attempt
        tried_at = due
    assert tried_at == START + timedelta(hours=15)
    for days in (1, 2, 3):  # five attempts are all: the page is left alone from now on
        desk.update_at(START + timedelta(days=days))
    assert desk.page_requests() == 5
    check_kept_with_feed_text(desk, "500 Internal Server Error")


def test_retries_stop_once_the_article_is_three_days_old(tmp_path: Path, server: LocalServer):
    # A daily source (and no wait is longer than a day): tries on days 0, 1, 2 and 3; the
    # fifth try, on day 4, would be past three days, so there is none.
    desk = open_desk(tmp_path, server, "ru", interval_minutes=24 * 60)
    with desk.monitor:
        desk.server.add(desk.page_path, Route(b"busy", 503))
        for day in (0, 0.5, 1, 2, 3, 4, 5, 8):
            desk.update_at(START + timedelta(days=day))
        assert desk.page_requests() == 4
        assert check_kept_with_feed_text(desk, "503 Service Unavailable").page_attempts == 4


def test_a_due_retry_is_dropped_when_the_article_has_grown_old_meanwhile(desk: Desk) -> None:
    desk.server.add(desk.page_path, Route(b"busy", 503))
    desk.update_at(START)
    desk.serve_page()
    # The laptop was off for four days: the retry due after an hour is not made now.
    desk.update_at(START + timedelta(days=4))
    assert desk.page_requests() == 1
    check_kept_with_feed_text(desk, "503 Service Unavailable")


def test_a_page_asking_to_wait_is_retried_no_sooner_than_it_said(
    tmp_path: Path, server: LocalServer
) -> None:
    # The feed lives on another host than the pages, so the page's Retry-After (which holds
    # back its whole host) does not stop the feed from being read meanwhile.
    with LocalServer() as feed_server:
        desk = open_desk(tmp_path, server, "ru", feed_server=feed_server)
        with desk.monitor:
            desk.server.add(desk.page_path, Route(b"slow down", 429, {"Retry-After": "10800"}))
            desk.update_at(START)
            check_kept_with_feed_text(desk, "429 Too Many Requests")
            desk.serve_page()
            for moment in (START + INTERVAL, START + timedelta(hours=3, seconds=-1)):
                report = desk.update_at(moment)
                assert (report.updated, report.failed) == (0, 0)
            assert desk.page_requests() == 1
            assert desk.article().page_attempts == 1  # not even tried (and refused) locally
            report = desk.update_at(START + timedelta(hours=3))
            assert (report.updated, report.failed) == (1, 0)
            assert desk.page_requests() == 2
            assert desk.article().text_origin is TextOrigin.PAGE


def test_the_translation_and_index_are_redone_from_the_page_text(
    tmp_path: Path, server: LocalServer
) -> None:
    desk = open_desk(tmp_path / "data", server, "ru")
    with desk.monitor as monitor:
        monitor.install_models([build_package(tmp_path / "stick", "ru", "en")])
        only_on_the_page = "Регулятор"  # in the page's second paragraph, not in the teaser
        desk.server.add(desk.page_path, Route(b"busy", 503))
        desk.update_at(START)
        kept = check_kept_with_feed_text(desk, "503 Service Unavailable")
        assert kept.state is ArticleState.TRANSLATED
        translation = monitor.translation(kept.id)
        assert translation is not None and translation.by_model
        assert translation.text == desk.newsroom.teaser(0)  # a copy model: text in, text out
        assert monitor.search(SearchRequest(only_on_the_page)).total == 0

        desk.serve_page()
        report = desk.update_at(START + INTERVAL)
        assert (report.updated, report.failed) == (1, 0)
        filled = desk.article()
        assert filled.text_origin is TextOrigin.PAGE
        assert filled.last_error is None
        assert filled.language == "ru"
        assert only_on_the_page in filled.text
        assert filled.raw_sha256 is not None
        assert parts(monitor).store.raw_page(filled.raw_sha256) == desk.newsroom.page(0)
        assert filled.state is ArticleState.TRANSLATED
        translation = monitor.translation(filled.id)
        assert translation is not None
        assert translation.text == filled.text != desk.newsroom.teaser(0)
        assert translation.route.startswith("ru→en")
        assert [hit.article.id for hit in monitor.search(SearchRequest(only_on_the_page)).hits] == [
            filled.id
        ]
        assert PARAGRAPHS["ru"][2] in filled.text


def test_an_old_translation_is_not_kept_for_a_new_text_that_cannot_be_translated(
    tmp_path: Path, server: LocalServer
) -> None:
    desk = open_desk(tmp_path / "data", server, "ru")
    with desk.monitor as monitor:
        monitor.install_models([build_package(tmp_path / "stick", "ru", "en")])
        desk.server.add(desk.page_path, Route(b"busy", 503))
        desk.update_at(START)
        kept = check_kept_with_feed_text(desk, "503 Service Unavailable")
        assert monitor.translation(kept.id) is not None
        monitor.remove_model("ru-en")  # the page comes back after the model is gone

        desk.serve_page()
        desk.update_at(START + INTERVAL)
        filled = desk.article()
        assert filled.text_origin is TextOrigin.PAGE
        assert monitor.translation(filled.id) is None  # not the teaser's translation
        assert filled.state is ArticleState.DETECTED
        assert filled.translation_note == "untranslated: no ru→en model"
        hits = monitor.search(SearchRequest("Регулятор")).hits  # the new text is searchable
        assert [hit.article.id for hit in hits] == [filled.id]
