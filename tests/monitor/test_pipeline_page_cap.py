"""The per-update cap on article pages: one big feed cannot hold an update for half an hour.

A feed of 300 new items on one host, a cap of 20 pages per source per update: each update
fetches the 20 newest pages not yet fetched (by published date, whatever the feed's order),
keeps the others with their feed's text, and says how many wait for the next update.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli.output import format_summary
from monitor.collect.fetch import FetchSettings
from monitor.errors import ConfigError
from monitor.types import ArticleState, SourceKind, SourceReport, TextOrigin
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

ITEMS = 300
CAP = 20
NEWEST = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)
PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Page</title></head><body>"
    b"<article><h1>Page</h1><p>The central bank kept its key rate unchanged on Friday, citing"
    b" slowing inflation and steady demand.</p><p>The next meeting is in December, when the"
    b" board will look at the new forecasts.</p></article></body></html>"
)
SETTINGS = FetchSettings(
    connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0, pages_per_update=CAP
)


def published(number: int) -> datetime:
    """Item 0 is the newest, each next one a minute older."""
    return NEWEST - timedelta(minutes=number)


def feed(base_url: str, numbers: list[int]) -> bytes:
    items = "".join(
        f"<item><title>Item {number}</title><link>{base_url}/p/{number}.html</link>"
        f"<guid>{base_url}/p/{number}.html</guid>"
        f"<pubDate>{published(number).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description>Feed text of item {number}.</description></item>"
        for number in numbers
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>{base_url}/</link><language>en</language>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", fetch_settings=SETTINGS) as opened:
        yield opened


def serve_big_feed(server: LocalServer) -> str:
    for number in range(ITEMS):
        server.add(f"/p/{number}.html", Route(PAGE, headers={"Content-Type": "text/html"}))
    numbers = list(range(ITEMS))
    random.Random(14).shuffle(numbers)  # the feed's order is not the order of the dates
    body = feed(server.base_url, numbers)
    return server.add("/rss.xml", Route(body, headers={"Content-Type": "application/rss+xml"}))


def fetched_pages(server: LocalServer) -> list[int]:
    return sorted(
        int(request.path.removeprefix("/p/").removesuffix(".html"))
        for request in server.requests
        if request.path.startswith("/p/")
    )


def test_one_update_fetches_the_newest_pages_up_to_the_cap(
    server: LocalServer, monitor: Monitor
) -> None:
    source = parts(monitor).store.add_source(
        serve_big_feed(server), kind=SourceKind.FEED, name="Big"
    )
    (report,) = monitor.update().reports
    assert fetched_pages(server) == list(range(CAP))
    assert report == SourceReport(source.id, "Big", new=ITEMS, queued=ITEMS - CAP)
    articles = {int(article.title.split()[1]): article for article in monitor.articles()}
    assert len(articles) == ITEMS
    for number, article in articles.items():
        if number < CAP:
            assert article.state >= ArticleState.DETECTED
            assert article.text_origin is TextOrigin.PAGE
        else:  # stored with the feed's text, waiting for its page
            assert article.state is ArticleState.FETCHED
            assert article.summary == f"Feed text of item {number}."
    summary = format_summary([report])
    assert f"{ITEMS - CAP} pages queued for the next update" in summary.splitlines()[1]
    assert summary.splitlines()[-1] == (
        f"{ITEMS} new articles from 1 source; {ITEMS - CAP} pages queued for the next update"
    )


def test_the_next_updates_fetch_the_next_newest(server: LocalServer, monitor: Monitor) -> None:
    parts(monitor).store.add_source(serve_big_feed(server), kind=SourceKind.FEED, name="Big")
    monitor.update()
    server.requests.clear()
    (second,) = monitor.update().reports
    assert fetched_pages(server) == list(range(CAP, 2 * CAP))
    assert (second.new, second.queued) == (0, ITEMS - 2 * CAP)
    for _ in range(ITEMS // CAP - 2):
        (last,) = monitor.update().reports
    assert last.queued == 0
    assert min(article.state for article in monitor.articles()) >= ArticleState.DETECTED


def test_a_new_item_comes_before_older_queued_pages(server: LocalServer, monitor: Monitor) -> None:
    """An item published after the first update is fetched first in the next one."""
    feed_url = serve_big_feed(server)
    parts(monitor).store.add_source(feed_url, kind=SourceKind.FEED, name="Big")
    monitor.update()
    server.add("/p/fresh.html", Route(PAGE, headers={"Content-Type": "text/html"}))
    fresh = feed(server.base_url, list(range(ITEMS))).replace(
        b"<item>",
        b"<item><title>Item fresh</title><link>"
        + server.url("/p/fresh.html").encode()
        + b"</link><pubDate>Sat, 21 Nov 2026 08:00:00 +0000</pubDate></item><item>",
        1,
    )
    server.add("/rss.xml", Route(fresh, headers={"Content-Type": "application/rss+xml"}))
    server.requests.clear()
    (report,) = monitor.update().reports
    paths = [r.path for r in server.requests if r.path.startswith("/p/")]
    assert len(paths) == CAP and "/p/fresh.html" in paths
    assert sorted(paths) == sorted(
        ["/p/fresh.html", *(f"/p/{number}.html" for number in range(CAP, 2 * CAP - 1))]
    )
    assert (report.new, report.queued) == (1, ITEMS - 2 * CAP + 1)


def test_the_cap_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="pages_per_update must be greater than 0"):
        FetchSettings(pages_per_update=0)
