"""The collection pipeline against a real HTTP server on 127.0.0.1 and a real SQLite file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.types import ArticleState, ProgressKind, SourceKind, TextOrigin
from tests.support.http_server import LocalServer, Request, Route
from tests.support.inside import parts

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)

RU_PARAGRAPHS = [
    "Центральный банк России сохранил ключевую ставку на уровне 16 процентов.",
    "Регулятор заявил, что инфляция замедляется быстрее, чем ожидалось ранее.",
    "Следующее заседание совета директоров пройдёт в декабре.",
]
UK_PARAGRAPHS = [
    "Україна відновила експорт зерна через порти Одеської області.",
    "За минулий тиждень судна вивезли понад два мільйони тонн пшениці та кукурудзи.",
    "Міністерство інфраструктури очікує подальшого зростання перевезень.",
]


def page(title: str, paragraphs: list[str], *, charset: str = "utf-8") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><nav><a href='/'>Главная</a> <a href='/news'>Новости</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>© Новостное агентство. Все права защищены.</footer></body></html>"
    )
    return html.encode(charset)


def rss(title: str, language: str, items: list[tuple[str, str, str]], *, encoding: str) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{d}</description><pubDate>Fri, 20 Nov 2026 10:15:00 +0300</pubDate></item>"
        for t, link, d in items
    )
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.test/</link><language>{language}</language>"
        f"{entries}</channel></rss>"
    )
    return xml.encode(encoding)


def conditional(body: bytes, etag: str, content_type: str) -> Route | object:
    def handler(request: Request) -> Route:
        if request.headers.get("if-none-match") == etag:
            return Route(b"", 304, {"ETag": etag})
        return Route(body, 200, {"ETag": etag, "Content-Type": content_type})

    return handler


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as opened:
        yield opened


def serve_russian_feed(server: LocalServer) -> str:
    server.add(
        "/a/1.html",
        Route(
            page("Ставка сохранена", RU_PARAGRAPHS, charset="windows-1251"),
            headers={"Content-Type": "text/html"},
        ),
    )
    server.add("/a/2.html", Route(b"gone", 404))
    items = [
        ("Ставка сохранена", server.url("/a/1.html"), "ЦБ сохранил ставку."),
        ("Экспорт зерна", server.url("/a/2.html"), "Порты Одессы снова работают, сообщил министр."),
    ]
    body = rss("Вести (тест)", "ru", items, encoding="windows-1251")
    return server.add("/rss.xml", conditional(body, '"v1"', "application/rss+xml"))  # type: ignore[arg-type]


def test_update_stores_items_with_text_language_and_evidence(server: LocalServer, monitor: Monitor):
    feed_url = serve_russian_feed(server)
    source = monitor.add_source(feed_url).source
    assert source.name == "Вести (тест)"
    summary = monitor.update()
    [report] = summary.reports
    assert (report.new, report.failed, report.error) == (2, 1, None)

    by_title = {a.title: a for a in monitor.articles()}
    extracted = by_title["Ставка сохранена"]
    assert extracted.text == "\n\n".join(RU_PARAGRAPHS)
    assert extracted.text_origin is TextOrigin.PAGE
    assert extracted.language == "ru"
    assert extracted.state is ArticleState.DETECTED
    assert extracted.raw_sha256 is not None
    assert (
        parts(monitor).store.raw_page(extracted.raw_sha256).decode("cp1251").count("Центральный")
        == 1
    )
    assert extracted.published is not None and extracted.published.hour == 7  # 10:15 +03:00
    assert extracted.published_offset_minutes == 180

    fallback = by_title["Экспорт зерна"]
    assert fallback.text_origin is TextOrigin.FEED
    assert fallback.text == "Порты Одессы снова работают, сообщил министр."
    assert fallback.last_error is not None and "404" in fallback.last_error
    assert fallback.language == "ru"


def test_second_update_uses_conditional_get_and_adds_only_new_items(
    server: LocalServer, monitor: Monitor
):
    feed_url = serve_russian_feed(server)
    monitor.add_source(feed_url)
    monitor.update()
    again = monitor.update()
    assert again.reports[0].not_modified
    assert server.requests_to("/rss.xml")[-1].headers["if-none-match"] == '"v1"'
    server.add(
        "/a/3.html", Route(page("Новая", UK_PARAGRAPHS), headers={"Content-Type": "text/html"})
    )
    items = [("Новая", server.url("/a/3.html"), "Україна відновила експорт.")]
    server.add(
        "/rss.xml",
        conditional(
            rss("Вести (тест)", "ru", items, encoding="utf-8"),
            '"v2"',  # type: ignore[arg-type]
            "application/rss+xml",
        ),
    )
    third = monitor.update()
    assert third.reports[0].new == 1
    newest = next(a for a in monitor.articles() if a.title == "Новая")
    assert newest.language == "uk"  # the feed says ru; the text is Ukrainian
    assert len(monitor.articles()) == 3


def test_a_failing_source_keeps_its_error_and_others_update(server: LocalServer, monitor: Monitor):
    good = serve_russian_feed(server)
    forbidden = server.add("/forbidden.xml", Route(b"no", 403))
    html = server.add(
        "/page.html",
        Route(page("Not a feed", ["Just a page."]), headers={"Content-Type": "text/html"}),
    )
    monitor.add_source(good)
    bad = monitor.add_source(forbidden, check=False).source
    not_feed = monitor.add_source(html, check=False).source
    summary = monitor.update()
    errors = {r.source_id: r.error for r in summary.reports}
    assert errors[bad.id] is not None and "403 Forbidden" in errors[bad.id]
    assert errors[not_feed.id] is not None and "not a feed" in errors[not_feed.id].lower()
    stored = parts(monitor).store.source(bad.id)
    assert stored.last_error is not None and stored.error_since is not None
    assert stored.next_attempt_at is not None  # backing off
    assert len(monitor.articles()) == 2


def test_killed_run_is_resumed_by_the_next_update(server: LocalServer, monitor: Monitor):
    feed_url = serve_russian_feed(server)
    source = monitor.add_source(feed_url).source
    cancel = threading.Event()
    for progress in monitor.update_iter(cancel=cancel):
        if progress.kind is ProgressKind.FETCHED:
            cancel.set()  # stop right after the items are stored, before any page
    assert {a.state for a in monitor.articles()} == {ArticleState.FETCHED}
    monitor.update([source.id])  # the feed answers 304; the pending pages are still done
    assert {a.state for a in monitor.articles()} == {ArticleState.DETECTED}
    assert server.requests_to("/a/1.html")


def test_same_text_from_two_outlets_is_linked_as_duplicate(server: LocalServer, monitor: Monitor):
    text = RU_PARAGRAPHS * 3
    for outlet in ("one", "two"):
        server.add(
            f"/{outlet}/story.html",
            Route(page("Ставка", text), headers={"Content-Type": "text/html"}),
        )
        body = rss(
            outlet, "ru", [("Ставка", server.url(f"/{outlet}/story.html"), "")], encoding="utf-8"
        )
        monitor.add_source(server.add(f"/{outlet}.xml", Route(body)))
    monitor.update()
    first, second = sorted(monitor.articles(), key=lambda a: a.id)
    assert first.duplicate_of is None
    assert second.duplicate_of == first.id


def test_page_url_with_advertised_feed_is_followed_through_the_feed(
    server: LocalServer, monitor: Monitor
):
    feed_url = serve_russian_feed(server)
    home = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        b"</head><body>Home</body></html>"
    )
    added = monitor.add_source(server.add("/", Route(home, headers={"Content-Type": "text/html"})))
    assert added.source.url == feed_url
    assert added.source.kind is SourceKind.FEED


def test_page_without_feed_is_followed_as_one_article(server: LocalServer, monitor: Monitor):
    url = server.add(
        "/story.html",
        Route(page("Экспорт зерна", RU_PARAGRAPHS), headers={"Content-Type": "text/html"}),
    )
    added = monitor.add_source(url)
    assert added.source.kind is SourceKind.PAGE
    monitor.update()
    [article] = monitor.articles()
    assert article.text == "\n\n".join(RU_PARAGRAPHS)
    assert article.language == "ru"


def test_a_finished_update_is_remembered_across_a_restart(server: LocalServer, tmp_path: Path):
    feed_url = serve_russian_feed(server)
    failing = server.add("/forbidden.xml", Route(b"no", 403))
    data = tmp_path / "collection"
    with open_monitor(
        data, fetch_settings=FAST, clock=lambda: datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    ) as first:
        sources = [first.add_source(feed_url).source, first.add_source(failing, check=False).source]
        assert parts(first).store.last_update() is None
        cancel = threading.Event()
        for progress in first.update_iter(cancel=cancel):
            if progress.kind is ProgressKind.FETCHED:
                cancel.set()
        assert parts(first).store.last_update() is None  # a cancelled update did not finish
        first.update([s.id for s in sources])  # named: the failing one too, despite its backoff

    with open_monitor(data) as reopened:
        last = parts(reopened).store.last_update()

    assert last is not None
    assert (last.sources, last.new, last.failed_sources) == (2, 0, 1)  # stored by the first run
    assert last.finished_at.tzinfo is not None and last.finished_at.date().day == 7
    assert last.describe() == "0 new from 2 sources; 1 failed"
