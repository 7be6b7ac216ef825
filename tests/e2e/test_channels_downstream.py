"""End to end: Telegram channel posts are articles downstream of collection.

A channel's preview page and a web outlet's feed are served by a real HTTP server on
127.0.0.1; one update collects both into a real SQLite store, translates them with tiny real
Argos packages (each turns its language's word for "satellite" into the English one) and
indexes them in a real Whoosh index. Then search, watchlists, the comparison, the timeline and
the exports must treat a post like any article: found by its words and its translation's,
named after the channel's title, linked by its ``t.me`` address.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor import Monitor, open_monitor
from monitor.types import CompareRole, SourceKind
from monitor.watchlists import WatchFilters
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.telegram_pages import HTML, channel_settings, post_markup, preview_page

CHANNEL = "kyiv_wire"
TITLE = "Київ Експрес"  # the channel's title: the outlet's name everywhere downstream
WEB_OUTLET = "Orbit Daily"
GLOSSARIES = {"ru": {"спутник": "satellite"}, "uk": {"супутник": "satellite"}}

# (post id, text, published): one or two sentences each, as channels write.
Post = tuple[int, str, datetime]
POSTS: list[Post] = [
    (
        11,
        "Российский спутник связи вышел на орбиту после запуска с космодрома Восточный.",
        datetime(2026, 1, 5, 8, 10, tzinfo=UTC),
    ),
    (
        12,
        "Новий супутник зв'язку успішно вийшов на орбіту, повідомили в агентстві.",
        datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
    ),
    (
        13,
        "Центральный банк сохранил ключевую ставку. Решения ждали все аналитики.",
        datetime(2026, 1, 6, 7, 0, tzinfo=UTC),
    ),
    (
        14,
        "У Києві вночі пролунали вибухи, працювала протиповітряна оборона.",
        datetime(2026, 1, 6, 21, 45, tzinfo=UTC),
    ),
]
LATER: Post = (
    15,
    "Ещё один спутник отправят на орбиту весной, сообщили в агентстве.",
    datetime(2026, 1, 7, 6, 0, tzinfo=UTC),
)
EXPECTED_LANGUAGES = {11: "ru", 12: "uk", 13: "ru", 14: "uk"}


def post_url(post_id: int) -> str:
    return f"https://t.me/{CHANNEL}/{post_id}"


def serve_channel(server: LocalServer, posts: list[Post]) -> None:
    """The channel's one preview page (no older posts) holding ``posts``."""
    markup = [post_markup(CHANNEL, n, text, published) for n, text, published in posts]
    page = preview_page(CHANNEL, TITLE, markup, older_than=None)
    server.add(f"/s/{CHANNEL}", Route(page, headers=HTML))


WEB_TEXT = (
    "A new communications satellite reached orbit on Monday after a launch from the Vostochny "
    "spaceport, the space agency said. The satellite will serve remote regions."
)


def serve_web_outlet(server: LocalServer) -> str:
    """A web outlet's English report of the same launch, the day the channel posted it: its
    feed (returned address) and its article page."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Launch</title>'
        "</head><body><article><h1>Russia puts a communications satellite into orbit</h1>"
        f"<p>{WEB_TEXT}</p></article></body></html>"
    )
    link = server.add("/news/launch.html", Route(page.encode(), headers=HTML))
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{WEB_OUTLET}</title><language>en</language><item>"
        f"<title>Russia puts a communications satellite into orbit</title><link>{link}</link>"
        f"<guid>{link}</guid><pubDate>Mon, 05 Jan 2026 10:00:00 +0000</pubDate>"
        "</item></channel></rss>"
    )
    headers = {"Content-Type": "application/rss+xml"}
    return server.add("/feed.xml", Route(body.encode(), headers=headers))


@dataclass(frozen=True)
class Collection:
    monitor: Monitor
    post_ids: dict[int, int]  # channel post id -> article id
    web_id: int  # the web outlet's article


@pytest.fixture
def collection(tmp_path: Path, server: LocalServer) -> Iterator[Collection]:
    for language, glossary in GLOSSARIES.items():
        build_package(tmp_path / "models", language, "en", glossary=glossary)
    serve_channel(server, POSTS)
    feed = serve_web_outlet(server)
    with open_monitor(tmp_path / "data", fetch_settings=channel_settings(server)) as monitor:
        monitor.install_models([tmp_path / "models"])
        assert monitor.add_source("@" + CHANNEL).source.kind is SourceKind.TELEGRAM
        monitor.add_source(feed)
        summary = monitor.update()
        reports = {r.source_name: (r.new, r.failed, r.error) for r in summary.reports}
        assert reports == {TITLE: (4, 0, None), WEB_OUTLET: (1, 0, None)}
        articles = monitor.articles()
        posts = {int(a.url.rsplit("/", 1)[1]): a.id for a in articles if a.source_name == TITLE}
        [web] = [a.id for a in articles if a.source_name == WEB_OUTLET]
        yield Collection(monitor, posts, web)


def test_short_posts_are_detected_translated_and_found_both_ways(collection: Collection) -> None:
    monitor, ids = collection.monitor, collection.post_ids
    assert {n: monitor.article(i).language for n, i in ids.items()} == EXPECTED_LANGUAGES
    assert {monitor.article(i).source_name for i in ids.values()} == {TITLE}
    for n in (11, 12):  # the glossary word came through the real models
        translation = monitor.translation(ids[n])
        assert translation is not None and translation.by_model
        assert "satellite" in translation.title

    by_translation = monitor.search(SearchRequest("satellite"))
    assert {hit.article.id for hit in by_translation.hits} == {ids[11], ids[12], collection.web_id}
    matched = {hit.article.id: hit.matched_in for hit in by_translation.hits}
    assert (matched[ids[11]], matched[ids[12]]) == ("translation", "translation")
    assert by_translation.by_outlet == {TITLE: 2, WEB_OUTLET: 1}

    by_original = monitor.search(SearchRequest("супутник"))
    assert [(hit.article.id, hit.matched_in) for hit in by_original.hits] == [(ids[12], "original")]
    assert "<b>супутник</b>" in by_original.hits[0].snippet_original
    assert [hit.article.id for hit in monitor.search(SearchRequest("ставку")).hits] == [ids[13]]
    channel_only = monitor.search(SearchRequest("satellite", outlets=(TITLE,), languages=("uk",)))
    assert [hit.article.id for hit in channel_only.hits] == [ids[12]]


def test_a_watchlist_matches_channel_posts_and_counts_a_new_one(
    collection: Collection, server: LocalServer
) -> None:
    monitor, ids = collection.monitor, collection.post_ids
    added = monitor.add_watchlist(
        "Channel satellites", "satellite", WatchFilters(outlets=(TITLE,)), existing_seen=False
    )
    assert (added.total_matches, added.new_matches) == (2, 2)
    assert sorted(monitor.watchlist_new_ids("Channel satellites")) == sorted([ids[11], ids[12]])
    monitor.mark_watchlist_seen("Channel satellites")

    serve_channel(server, [*POSTS, LATER])  # the channel posts again
    [report] = [r for r in monitor.update().reports if r.new]
    assert report.new == 1
    [status] = monitor.check_watchlists()
    assert (status.total_matches, status.new_matches, status.fresh_matches) == (3, 1, 1)
    assert status.notify
    [new_id] = monitor.watchlist_new_ids("Channel satellites")
    assert monitor.article(new_id).url == post_url(LATER[0])


def test_compare_from_a_web_article_puts_the_post_beside_it_under_the_channel_title(
    collection: Collection,
) -> None:
    monitor, ids = collection.monitor, collection.post_ids
    comparison = monitor.compare(collection.web_id)
    assert [(a.role, a.outlet) for a in comparison.articles] == [
        (CompareRole.BASE, WEB_OUTLET),
        (CompareRole.RELATED, TITLE),  # one article per outlet: the channel's best post
    ]
    post = comparison.articles[1]
    number = {article_id: n for n, article_id in ids.items()}[post.article_id]
    assert number in (11, 12)  # a satellite post, not the rate or the air-raid one
    assert (post.translated, post.language) == (True, EXPECTED_LANGUAGES[number])
    assert "satellite" in post.marked_words
    assert "satellite" in {term.word for term in comparison.shared_terms}
    assert {(e.article_id, e.outlet) for e in comparison.events} >= {
        (collection.web_id, WEB_OUTLET),
        (post.article_id, TITLE),
    }
    assert comparison.first is not None and comparison.first.outlet == TITLE  # posted earlier
    assert comparison.not_covered == ()


def test_compare_from_a_post_brings_in_the_english_web_article(collection: Collection) -> None:
    monitor, ids = collection.monitor, collection.post_ids
    comparison = monitor.compare(ids[11])
    assert [(a.article_id, a.role, a.outlet) for a in comparison.articles] == [
        (ids[11], CompareRole.BASE, TITLE),
        (collection.web_id, CompareRole.RELATED, WEB_OUTLET),
    ]


def test_the_timeline_counts_channel_posts_per_day(collection: Collection) -> None:
    monitor = collection.monitor
    # What ui/timeline.py asks for when the user charts one outlet, and the whole collection.
    channel = monitor.timeline(SearchRequest("", outlets=(TITLE,), since=date.min))
    assert channel == {"2026-01-05": {TITLE: 2}, "2026-01-06": {TITLE: 2}}
    everything = monitor.timeline(SearchRequest("", since=date.min))
    assert everything == {
        "2026-01-05": {WEB_OUTLET: 1, TITLE: 2},
        "2026-01-06": {TITLE: 2},
    }
    assert monitor.timeline(SearchRequest("satellite")) == {"2026-01-05": {WEB_OUTLET: 1, TITLE: 2}}


def test_exports_carry_channel_posts_with_their_telegram_addresses(
    collection: Collection, tmp_path: Path
) -> None:
    monitor, ids = collection.monitor, collection.post_ids
    csv_path, jsonl_path = tmp_path / "all.csv", tmp_path / "found.jsonl"
    assert monitor.export_articles(None, csv_path, "csv") == 5
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8-sig"))))
    by_id = {int(row["id"]): row for row in rows}
    for n, article_id in ids.items():
        row = by_id[article_id]
        assert (row["url"], row["outlet"], row["lang"]) == (
            post_url(n),
            TITLE,
            EXPECTED_LANGUAGES[n],
        )
        assert row["original_text"] == next(text for m, text, _ in POSTS if m == n)
    assert "satellite" in by_id[ids[12]]["translated_text"]
    assert by_id[ids[12]]["published"].startswith("2026-01-05T09:30:00")

    assert monitor.export_search(SearchRequest("satellite"), jsonl_path, "jsonl") == 3
    records = [json.loads(line) for line in jsonl_path.read_text("utf-8").splitlines()]
    channel = sorted((r["url"], r["outlet"]) for r in records if r["outlet"] == TITLE)
    assert channel == [(post_url(11), TITLE), (post_url(12), TITLE)]
