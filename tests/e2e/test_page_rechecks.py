"""End to end: with ``recheck_days`` the pages of recent articles are fetched again, and a
page changed since (a stealth edit) keeps its earlier text as a version, as a Telegram post's
edit does; a failed re-check changes nothing. Off by default: nothing is fetched again.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.app import open_monitor
from monitor.settings import Settings, save_settings
from monitor.types import SourceKind, TextOrigin
from tests.e2e.test_network_faults import FAST, HTML, START, FakeClock, Newsroom
from tests.e2e.test_page_retries import Desk
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

pytestmark = pytest.mark.network

LATER = START + timedelta(hours=2)  # past the source's hourly interval


@pytest.fixture(autouse=True)
def _no_proxy_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetcher trusts proxy variables; a proxy set on the test machine must not interfere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def open_desk(data_dir: Path, server: LocalServer, *, recheck_days: int) -> Desk:
    clock = FakeClock()
    # The user's setting, as the Settings dialog saves it.
    save_settings(data_dir, Settings(recheck_days=recheck_days))
    monitor = open_monitor(data_dir, fetch_settings=FAST, clock=clock)
    newsroom = Newsroom(server, "ru", 1)
    source = parts(monitor).store.add_source(
        newsroom.feed_url, kind=SourceKind.FEED, name="News", update_interval_minutes=60
    )
    return Desk(monitor, clock, newsroom, server, source)


def edited_page(desk: Desk) -> bytes:
    return desk.newsroom.page(0).replace(b"(0)</p>", b"(0, edited)</p>")


def test_a_changed_page_keeps_its_earlier_text_as_a_version(
    tmp_path: Path, server: LocalServer
) -> None:
    desk = open_desk(tmp_path, server, recheck_days=3)
    with desk.monitor:
        desk.update_at(START)
        first = desk.article()
        assert first.text_origin is TextOrigin.PAGE and "edited" not in first.text
        desk.server.add(desk.page_path, Route(edited_page(desk), headers=HTML))
        report = desk.update_at(START + timedelta(minutes=30))  # within the interval: not yet
        assert desk.page_requests() == 1 and report.updated == 0
        report = desk.update_at(LATER)
        assert desk.page_requests() == 2
        assert report.updated == 1
        article = desk.article()
        assert "edited" in article.text
        assert (article.edits, article.edited_at) == (1, LATER)
        versions = desk.monitor.article_versions(article.id)
        assert [version.text for version in versions] == [first.text, article.text]
        report = desk.update_at(LATER + timedelta(hours=2))  # checked again: unchanged
        assert desk.page_requests() == 3 and report.updated == 0
        assert desk.article().edits == 1


def test_no_page_is_fetched_again_when_rechecks_are_off(
    tmp_path: Path, server: LocalServer
) -> None:
    desk = open_desk(tmp_path, server, recheck_days=0)
    with desk.monitor:
        desk.update_at(START)
        desk.server.add(desk.page_path, Route(edited_page(desk), headers=HTML))
        desk.update_at(LATER)
        assert desk.page_requests() == 1
        assert "edited" not in desk.article().text


def test_a_failed_recheck_changes_nothing(tmp_path: Path, server: LocalServer) -> None:
    desk = open_desk(tmp_path, server, recheck_days=3)
    with desk.monitor:
        desk.update_at(START)
        first = desk.article()
        desk.server.add(desk.page_path, Route(b"oops", 500))
        report = desk.update_at(LATER)
        assert desk.page_requests() == 2
        assert (report.updated, report.failed) == (0, 0)
        article = desk.article()
        assert (article.text, article.text_origin, article.edits) == (
            first.text,
            TextOrigin.PAGE,
            0,
        )
        assert article.last_error is None
