"""Bundles carry what later schemas added: a post's earlier versions, edits, deletion mark
and details, an article's assumed zone and repair mark, a source's own time zone. Real
stores in ``tmp_path``, real exports and imports through the Monitor."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor import Monitor, open_monitor
from monitor.errors import BundleError
from monitor.store import ArticleDraft
from monitor.types import Article, SentencePair, SourceKind
from tests.monitor.test_bundles import edit_articles, rebuild
from tests.support.inside import parts

CHANNEL = "https://t.me/s/chan"
FEED = "https://news.example/feed"
DETAILS = {
    "views": 1200,
    "forwarded_from": "Other channel",
    "forwarded_from_url": "https://t.me/other/5",
    "reply_to_url": None,
    "media": [{"kind": "photo", "url": "https://cdn.example/1.jpg", "caption": "Смотрите"}],
}
ZONE = "Asia/Shanghai (the source's zone)"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def post_draft(source_id: int, title: str) -> ArticleDraft:
    return ArticleDraft(
        source_id,
        "chan/12",
        "https://t.me/chan/12",
        title,
        None,
        START,
        0,
        "",
        f"{title}: текст поста",
        "ru",
        post_details=json.dumps(DETAILS, ensure_ascii=False, sort_keys=True),
    )


@dataclass(frozen=True)
class Origin:
    bundle: Path
    post_id: int
    zoned_id: int


def channel_in(monitor: Monitor) -> int:
    store = parts(monitor).store
    return store.add_source(CHANNEL, kind=SourceKind.TELEGRAM, name="@chan").id


def post_with_history(monitor: Monitor, clock: Clock) -> int:
    """``chan/12`` first read at START, edited at +60 and +120, found gone at +180."""
    history = parts(monitor).store.post_history
    channel = channel_in(monitor)
    clock.now = START
    post_id = parts(monitor).store.insert_article(post_draft(channel, "First"))
    parts(monitor).translations.save(  # the first version had a translation
        post_id,
        target="en",
        title="First",
        route="ru→en (test)",
        is_pivot=False,
        at=START,
        sentences=[SentencePair(0, "First: текст поста", "First: the post's text")],
    )
    history.refresh_post(post_id, post_draft(channel, "Second"), at=at(60))
    history.refresh_post(post_id, post_draft(channel, "Third"), at=at(120))
    assert history.mark_missing(channel, [11, 13], at=at(180)) == 1
    return post_id


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def origin(tmp_path: Path, clock: Clock) -> Origin:
    with open_monitor(tmp_path / "a", clock=clock) as monitor:
        post_id = post_with_history(monitor, clock)
        store = parts(monitor).store
        feed = store.add_source(FEED, kind=SourceKind.FEED, name="News", language_hint="zh")
        monitor.set_source_time_zone(feed.id, "Asia/Shanghai")
        zoned_id = store.insert_article(
            ArticleDraft(
                feed.id,
                "n1",
                "https://news.example/1",
                "新闻",
                None,
                datetime(2026, 3, 1, 4, 0, tzinfo=UTC),
                480,
                "",
                "新闻的正文",
                "zh",
                published_zone=ZONE,
                repaired=True,
            )
        )
        monitor.export_bundle(tmp_path / "history.mmbundle")
    return Origin(tmp_path / "history.mmbundle", post_id, zoned_id)


@pytest.fixture
def target(tmp_path: Path, clock: Clock) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "b", clock=clock) as monitor:
        yield monitor


def by_guid(monitor: Monitor, guid: str) -> Article:
    [found] = [article for article in monitor.articles() if article.guid == guid]
    return found


def versions(monitor: Monitor, article_id: int) -> list[tuple[str, datetime]]:
    return [(v.title, v.seen_at) for v in monitor.article_versions(article_id)]


def test_history_zones_and_details_survive_the_trip_into_an_empty_store(
    origin: Origin, target: Monitor
) -> None:
    report = target.import_bundle(origin.bundle)
    assert (report.sources.added, report.articles.added) == (2, 2)

    post = by_guid(target, "chan/12")
    assert versions(target, post.id) == [("First", at(0)), ("Second", at(60)), ("Third", at(120))]
    first, second, _ = target.article_versions(post.id)
    assert first.text == "First: текст поста"
    assert (first.translation, second.translation) == ("First: the post's text", None)
    assert (post.edits, post.edited_at, post.deleted_since) == (2, at(120), at(120))
    details = target.post_details(post.id)
    assert details is not None
    assert (details.views, details.forwarded_from, details.reply_to_url) == (
        1200,
        "Other channel",
        None,
    )
    assert [(m.kind, m.caption) for m in details.media] == [("photo", "Смотрите")]

    zoned = by_guid(target, "n1")
    assert (zoned.published_zone, zoned.repaired, zoned.edits) == (ZONE, True, 0)
    assert (zoned.deleted_since, target.post_details(zoned.id)) == (None, None)
    zones = {source.url: source.time_zone for source in target.sources()}
    assert zones == {CHANNEL: None, FEED: "Asia/Shanghai"}

    again = target.import_bundle(origin.bundle)  # nothing new: nothing merged, nothing added
    assert (again.articles.added, again.articles.merged, again.articles.skipped) == (0, 0, 2)
    assert len(target.article_versions(post.id)) == 3


def test_a_merge_adds_missing_versions_and_a_later_local_sighting_wins(
    origin: Origin, target: Monitor, clock: Clock
) -> None:
    # Here the post was read at START too, edited differently at +90, and seen at +240,
    # after the bundle's machine found it gone (+180); its source has a zone of its own.
    history = parts(target).store.post_history
    channel = channel_in(target)
    target.set_source_time_zone(channel, "Europe/Moscow")
    clock.now = START
    post_id = parts(target).store.insert_article(post_draft(channel, "First"))
    history.refresh_post(post_id, post_draft(channel, "Other"), at=at(90))
    history.refresh_post(post_id, post_draft(channel, "Other"), at=at(240))

    report = target.import_bundle(origin.bundle)
    assert (report.articles.added, report.articles.merged) == (1, 1)
    post = target.article(post_id)
    assert versions(target, post_id) == [
        ("First", at(0)),  # both had it: kept once
        ("Second", at(60)),  # the bundle's
        ("Third", at(120)),  # the bundle's current text, seen before this machine's last read
        ("Other", at(120)),  # the current text: seen here last (+240)
    ]
    assert (post.title, post.edits, post.edited_at) == ("Other", 3, at(120))
    assert post.deleted_since is None  # seen here after the bundle's mark
    assert {s.url: s.time_zone for s in target.sources()}[CHANNEL] == "Europe/Moscow"


def test_a_deletion_seen_after_the_last_local_sighting_marks_the_post(
    origin: Origin, target: Monitor, clock: Clock
) -> None:
    clock.now = START
    channel = channel_in(target)
    post_id = parts(target).store.insert_article(post_draft(channel, "First"))
    parts(target).store.post_history.refresh_post(post_id, post_draft(channel, "First"), at=at(30))

    target.import_bundle(origin.bundle)
    post = target.article(post_id)
    assert post.deleted_since == at(120)  # last seen by the bundle's machine
    assert post.edits == 2 and post.edited_at == at(120)


def without_later_fields(members: dict[str, bytes]) -> None:
    """The rows as a Media Monitor from before schema 8 wrote them."""
    later = {"time_zone", "published_zone", "repaired", "post_details", "versions", "edits"}
    later |= {"edited_at", "last_seen_at", "deleted_at"}
    for member in ("sources.jsonl", "articles.jsonl"):
        rows = [json.loads(line) for line in members[member].splitlines()]
        old = [{k: v for k, v in row.items() if k not in later} for row in rows]
        members[member] = "".join(json.dumps(row) + "\n" for row in old).encode()


def test_a_bundle_from_before_the_later_fields_still_imports(
    origin: Origin, target: Monitor, tmp_path: Path
) -> None:
    old = rebuild(origin.bundle, tmp_path / "old.mmbundle", edit=without_later_fields)
    assert target.import_bundle(old).articles.added == 2
    post = by_guid(target, "chan/12")
    assert (post.title, post.edits, post.edited_at, post.deleted_since) == ("Third", 0, None, None)
    assert len(target.article_versions(post.id)) == 1
    assert target.post_details(post.id) is None
    zoned = by_guid(target, "n1")
    assert (zoned.published_zone, zoned.repaired) == (None, False)
    assert {source.time_zone for source in target.sources()} == {None}


def _each(name: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.update({name: value})


def sources_with_zone(zone: str) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        rows = [json.loads(line) for line in members["sources.jsonl"].splitlines()]
        members["sources.jsonl"] = "".join(
            json.dumps({**row, "time_zone": zone}) + "\n" for row in rows
        ).encode()

    return edit


VERSION = {"title": "t", "text": "x", "seen_at": "2026-03-02T12:00:00+00:00"}
HOSTILE: dict[str, tuple[Callable[[dict[str, bytes]], None], str]] = {
    "details that are not JSON": (
        edit_articles(_each("post_details", "{views: 1")),
        r"articles\.jsonl line 1: field 'post_details' should be the JSON text of an object",
    ),
    "details that are a list": (
        edit_articles(_each("post_details", "[1, 2]")),
        r"field 'post_details' should be the JSON text of an object",
    ),
    "details of 65 KB": (
        edit_articles(_each("post_details", json.dumps({"x": "a" * 65 * 1024}))),
        r"field 'post_details' is longer than 64 KB",
    ),
    "details nested 30,000 deep": (
        edit_articles(_each("post_details", "[" * 30_000 + "]" * 30_000)),
        r"field 'post_details' should be the JSON text of an object",
    ),
    "a zone that is none": (
        sources_with_zone("Mars/Olympus_Mons"),
        r"sources\.jsonl line 1: field 'time_zone' is 'Mars/Olympus_Mons', not a time zone",
    ),
    "a zone naming a folder": (
        sources_with_zone("Europe"),
        r"field 'time_zone' is 'Europe', not a time zone",
    ),
    "a zone of 5,000 letters": (sources_with_zone("A" * 5000), r"not a time zone"),
    "a zone description of 201 letters": (
        edit_articles(_each("published_zone", "z" * 201)),
        r"field 'published_zone' is longer than 200 characters",
    ),
    "versions that are not a list": (
        edit_articles(_each("versions", {"title": "t"})),
        r"field 'versions' should be a list of objects",
    ),
    "10,001 versions": (
        edit_articles(_each("versions", [VERSION] * 10_001)),
        r"the article has 10,001 earlier versions, more than 10,000",
    ),
    "a version without a time": (
        edit_articles(_each("versions", [{**VERSION, "seen_at": "yesterday"}])),
        r"line 1 \(version 1\): field 'seen_at' should be a time",
    ),
    "a version whose text is a number": (
        edit_articles(_each("versions", [{**VERSION, "text": 12}])),
        r"\(version 1\): field 'text' should be text",
    ),
    "edits below zero": (edit_articles(_each("edits", -1)), r"field 'edits' is -1, not 0 to"),
    "edits of 2**40": (edit_articles(_each("edits", 2**40)), r"field 'edits' is 1099511627776"),
    "a deletion in the year 10000": (
        edit_articles(_each("deleted_at", "9999-12-31T23:59:59-14:00")),
        r"field 'deleted_at' should be a time",
    ),
    "a repair mark that is text": (
        edit_articles(_each("repaired", "yes")),
        r"field 'repaired' should be true or false",
    ),
}


def state_of(monitor: Monitor) -> tuple[object, ...]:
    db = parts(monitor).store._db
    tables = ("sources", "articles", "article_versions", "changes")
    return (
        *(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables),
        db.execute("SELECT * FROM articles ORDER BY id").fetchall(),
        db.execute("SELECT * FROM sources ORDER BY id").fetchall(),
    )


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_history_value_refuses_the_bundle_in_one_line(
    case: str, origin: Origin, target: Monitor, clock: Clock, tmp_path: Path
) -> None:
    channel = channel_in(target)
    post_id = parts(target).store.insert_article(post_draft(channel, "First"))
    parts(target).store.post_history.refresh_post(post_id, post_draft(channel, "Mine"), at=at(5))
    before = state_of(target)
    edit, message = HOSTILE[case]
    bad = rebuild(origin.bundle, tmp_path / "bad.mmbundle", edit=edit)
    with pytest.raises(BundleError, match=message) as refusal:
        target.import_bundle(bad)
    assert "\n" not in str(refusal.value)
    assert state_of(target) == before
    report = target.import_bundle(origin.bundle)  # the store is whole: the genuine one merges
    assert (report.articles.added, report.articles.merged) == (1, 1)


def test_a_later_text_from_the_bundle_keeps_the_local_one_as_a_version(
    origin: Origin, target: Monitor, clock: Clock
) -> None:
    # Here the post was edited once, at +30, and not read since: the bundle saw +120.
    history = parts(target).store.post_history
    channel = channel_in(target)
    clock.now = START
    post_id = parts(target).store.insert_article(post_draft(channel, "First"))
    history.refresh_post(post_id, post_draft(channel, "Local"), at=at(30))

    target.import_bundle(origin.bundle)
    post = target.article(post_id)
    assert post.title == "Third"  # the text seen last
    assert versions(target, post_id) == [
        ("First", at(0)),
        ("Local", at(30)),  # nothing this machine saw is lost
        ("Second", at(60)),
        ("Third", at(120)),
    ]
    assert post.edits == 3
