"""The store's side of page retries on a real SQLite file: the v3 → v4 migration, which pages
are due, and what a changed text does to an article's translation and state."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.clock import to_iso
from monitor.store import ArticleDraft, Store
from monitor.store.database import _MIGRATIONS, SCHEMA_VERSION
from monitor.types import ArticleState, SentencePair, SourceKind, TextOrigin
from tests.monitor.test_store import open_at_once
from tests.support.extraction import page_outcome

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
TEASER = "ЦБ сохранил ставку."
PAGE_TEXT = "Центральный банк сохранил ставку.\n\nРегулятор отметил замедление инфляции."


@pytest.fixture
def store(tmp_path: Path):
    opened = Store(tmp_path / "monitor.sqlite3", clock=lambda: NOW)
    yield opened
    opened.close()


def add_article(store: Store, number: int = 1) -> int:
    source = store.find_source_by_url("https://a.test/rss") or store.add_source(
        "https://a.test/rss", kind=SourceKind.FEED, name="A"
    )
    url = f"https://a.test/{number}"
    draft = ArticleDraft(source.id, url, url, "Ставка", None, NOW, 180, TEASER, "", "ru")
    return store.insert_article(draft)


def save(
    store: Store,
    article_id: int,
    text: str,
    *,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> None:
    article = store.article(article_id)
    if error:  # no page: the article keeps its feed's text
        assert text == article.text
    outcome = page_outcome(article, None if error else text, error=error)
    store.save_extraction(outcome, retry_at=retry_at)


def translate(store: Store, article_id: int, text: str) -> None:
    """Store a translation of ``text`` as the translation stage would."""
    store.translations.save(
        article_id,
        target="en",
        title="Rate",
        route="ru→en (test)",
        is_pivot=False,
        at=NOW,
        sentences=[SentencePair(0, text, f"EN {text}", False)],
    )


def test_pages_are_due_at_their_time_and_only_while_young(store: Store):
    retries = store.page_retries
    first, second = add_article(store, 1), add_article(store, 2)
    save(store, first, TEASER, error="page not available: 503", retry_at=NOW + HOUR)
    save(store, second, TEASER, error="page not available: 404")  # not to be asked again
    source_id = store.article(first).source_id
    assert store.article(first).page_attempts == 1
    assert retries.due(source_id, now=NOW + HOUR / 2, first_seen_since=NOW) == []
    [due] = retries.due(source_id, now=NOW + HOUR, first_seen_since=NOW)
    assert due.id == first
    assert retries.due(source_id, now=NOW + HOUR, first_seen_since=NOW + HOUR / 2) == []
    assert retries.due(source_id + 1, now=NOW + HOUR, first_seen_since=NOW) == []

    changes = store.change_log.since(0)
    retries.record_failure(first, error="page not available: 500", retry_at=None)
    failed_again = store.article(first)
    assert failed_again.page_attempts == 2
    assert failed_again.last_error == "page not available: 500"
    assert failed_again.text == TEASER
    assert retries.due(source_id, now=NOW + 24 * HOUR, first_seen_since=NOW) == []
    assert store.change_log.since(0) == changes  # nothing the index must redo


def test_a_changed_text_sends_the_article_back_to_translation(store: Store):
    article_id = add_article(store)
    save(store, article_id, TEASER, error="page not available: 503", retry_at=NOW + HOUR)
    translate(store, article_id, TEASER)
    translations = store.translations

    save(store, article_id, TEASER, error="page not available: 503", retry_at=NOW + 2 * HOUR)
    unchanged = store.article(article_id)
    assert unchanged.state is ArticleState.TRANSLATED  # the same text: nothing to redo
    assert translations.translation(article_id) is not None

    seen = store.change_log.since(0)[-1][0]
    save(store, article_id, PAGE_TEXT)
    filled = store.article(article_id)
    assert (filled.text, filled.text_origin, filled.last_error) == (
        PAGE_TEXT,
        TextOrigin.PAGE,
        None,
    )
    assert filled.state is ArticleState.DETECTED
    assert translations.translation(article_id) is None  # it was of the teaser
    assert [article_id] == [change[1] for change in store.change_log.since(seen)]
    assert store.page_retries.due(filled.source_id, now=NOW + 9 * HOUR, first_seen_since=NOW) == []


def v3_store(path: Path) -> None:
    """A store file as Media Monitor wrote it with schema 3: a flagged article and a
    translated one."""
    with closing(sqlite3.connect(path)) as raw:
        for version in (1, 2, 3):
            raw.executescript(_MIGRATIONS[version])
        raw.execute("PRAGMA user_version = 3")
        seen = to_iso(NOW)
        raw.execute(
            "INSERT INTO sources (id, url, kind, name, added_at) VALUES"
            " (1, 'https://a.test/rss', 'feed', 'A', ?)",
            (seen,),
        )
        raw.executemany(
            "INSERT INTO articles (id, source_id, guid, url, title, retrieved_at, summary, text,"
            " text_origin, language, state, last_error) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 'ru',"
            " ?, ?)",
            [
                (1, "g1", "https://a.test/1", "Ставка", seen, TEASER, TEASER, "feed", 30,
                 "page not available: 503 Service Unavailable"),
                (2, "g2", "https://a.test/2", "Курс", seen, "", PAGE_TEXT, "page", 50, None),
            ],
        )  # fmt: skip
        raw.execute(
            "INSERT INTO translations (article_id, target, title, route, is_pivot,"
            " translated_at, degenerate) VALUES (2, 'en', 'Rate', 'ru→en (test)', 0, ?, 0)",
            (seen,),
        )
        raw.commit()


def test_a_v3_store_is_migrated_keeping_everything(tmp_path: Path):
    path = tmp_path / "monitor.sqlite3"
    v3_store(path)
    store = Store(path, clock=lambda: NOW)
    try:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        flagged, indexed = store.article(1), store.article(2)
        assert (flagged.text, flagged.text_origin, flagged.state) == (
            TEASER,
            TextOrigin.FEED,
            ArticleState.DETECTED,
        )
        assert flagged.last_error == "page not available: 503 Service Unavailable"
        assert (indexed.text, indexed.state) == (PAGE_TEXT, ArticleState.TRANSLATED)
        assert store.translations.translation(2) is not None
        assert flagged.page_attempts == indexed.page_attempts == 0
        # Whether an old failure may pass was not recorded: it is not asked for again.
        assert store.page_retries.due(1, now=NOW + HOUR, first_seen_since=NOW) == []
        save(store, 1, TEASER, error="page not available: 503", retry_at=NOW + HOUR)
        assert [a.id for a in store.page_retries.due(1, now=NOW + HOUR, first_seen_since=NOW)] == [
            1
        ]
        assert store.integrity_check() == "ok"
    finally:
        store.close()


def test_two_connections_migrating_one_v3_store_at_once(tmp_path: Path):
    path = tmp_path / "monitor.sqlite3"
    v3_store(path)
    assert open_at_once(path) == []  # none added the new columns a second time
    store = Store(path)
    try:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.article(1).page_attempts == 0
        assert store.integrity_check() == "ok"
    finally:
        store.close()
