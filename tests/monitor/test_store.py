"""The store on a real SQLite file and on a real PostgreSQL server: sources, articles, raw
pages, dedup and the change log (the file's own behaviour on the file only)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.errors import NotFoundError, SourceError, StoreError
from monitor.store import ArticleDraft, Store
from monitor.store.update_runs import KEPT_RUNS
from monitor.types import ArticleState, FetchedDocument, FinishedUpdate, SourceKind
from tests.support.extraction import page_outcome

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
LONG_TEXT = "Сеул объявил о запуске спутника. " * 12


@pytest.fixture
def store(store_location):  # type: ignore[no-untyped-def]
    opened = Store(store_location, clock=lambda: NOW)
    yield opened
    opened.close()


def draft(
    source_id: int, guid: str | None = "g1", url: str | None = "https://a.test/1"
) -> ArticleDraft:
    return ArticleDraft(source_id, guid, url, "Заголовок", "Иванов", NOW, 180, "Кратко.", "", "ru")


def test_sources_round_trip_and_refuse_duplicates(store: Store):
    source = store.add_source(
        "https://a.test/rss", kind=SourceKind.FEED, name="A", language_hint="ko"
    )
    assert store.source(source.id) == source
    assert source.added_at == NOW
    with pytest.raises(SourceError, match="already followed"):
        store.add_source("https://a.test/rss", kind=SourceKind.FEED, name="again")
    with pytest.raises(NotFoundError):
        store.source(999)


def test_failure_keeps_when_trouble_began_and_success_clears_it(store: Store):
    source = store.add_source("https://a.test/rss", kind=SourceKind.FEED, name="A")
    later = NOW.replace(hour=11)
    store.record_failure(source.id, error="403 Forbidden", at=NOW, next_attempt_at=later)
    store.record_failure(source.id, error="403 Forbidden", at=later, next_attempt_at=None)
    failing = store.source(source.id)
    assert (failing.last_error, failing.error_since, failing.consecutive_failures) == (
        "403 Forbidden",
        NOW,
        2,
    )
    store.record_success(source.id, etag='"v2"', last_modified=None, at=later)
    healed = store.source(source.id)
    assert (healed.last_error, healed.error_since, healed.consecutive_failures) == (None, None, 0)
    assert healed.etag == '"v2"'


def test_article_found_by_guid_or_url_and_refreshed(store: Store):
    source = store.add_source("https://a.test/rss", kind=SourceKind.FEED, name="A")
    article_id = store.insert_article(draft(source.id))
    assert store.find_article(source.id, "g1", []) == article_id
    assert store.find_article(source.id, "other", ["https://a.test/1"]) == article_id
    assert store.find_article(source.id, "other", ["https://a.test/2"]) is None
    assert not store.refresh_from_feed(article_id, draft(source.id))
    changed = ArticleDraft(
        source.id, "g1", "https://a.test/1", "Новый заголовок", None, NOW, 180, "Кратко.", "", "ru"
    )
    assert store.refresh_from_feed(article_id, changed)
    article = store.article(article_id)
    assert article.title == "Новый заголовок"
    assert article.state is ArticleState.FETCHED
    assert article.text == "Кратко."  # the feed's text until the page is extracted
    assert article.published_offset_minutes == 180


def test_extraction_detects_duplicates_across_outlets_only(store: Store):
    first = store.add_source("https://a.test/rss", kind=SourceKind.FEED, name="A")
    second = store.add_source("https://b.test/rss", kind=SourceKind.FEED, name="B")
    ids = [
        store.insert_article(draft(first.id, "1", "https://a.test/1")),
        store.insert_article(draft(first.id, "2", "https://a.test/2")),
        store.insert_article(draft(second.id, "1", "https://b.test/1")),
    ]
    for article_id in ids:
        store.save_extraction(page_outcome(store.article(article_id), LONG_TEXT))
    a1, a2, b1 = (store.article(i) for i in ids)
    assert a1.duplicate_of is None
    assert a2.duplicate_of is None  # same outlet twice is not a cross-outlet duplicate
    assert b1.duplicate_of == a1.id
    assert {a.state for a in (a1, a2, b1)} == {ArticleState.DETECTED}


def test_raw_pages_are_kept_exactly_with_their_hash(store: Store):
    source = store.add_source("https://a.test/rss", kind=SourceKind.FEED, name="A")
    article_id = store.insert_article(draft(source.id))
    content = "<html><meta charset=windows-1251>Привет</html>".encode("cp1251")
    document = FetchedDocument("https://a.test/1", 200, content, "text/html", None, None, NOW)
    article = store.article(article_id)
    page = page_outcome(article, "Привет", document=document, encoding="windows-1251")
    store.save_extraction(page)
    digest = store.article(article_id).raw_sha256
    assert digest == hashlib.sha256(content).hexdigest()
    assert store.raw_page(digest) == content


def test_change_log_records_new_changed_removed(store: Store):
    source = store.add_source("https://a.test/rss", kind=SourceKind.FEED, name="A")
    article_id = store.insert_article(draft(source.id))
    store.refresh_from_feed(
        article_id,
        ArticleDraft(source.id, "g1", "https://a.test/1", "T2", None, None, None, "", "", None),
    )
    store.remove_source(source.id)
    kinds = [(article, kind) for _, article, kind in store.change_log.since(0)]
    assert kinds == [(article_id, "new"), (article_id, "changed"), (article_id, "removed")]
    assert store.articles() == []


def test_reopen_keeps_everything_and_uses_wal(tmp_path: Path):
    path = tmp_path / "m.sqlite3"
    first = Store(path, clock=lambda: NOW)
    source = first.add_source("https://a.test/rss", kind=SourceKind.FEED, name="A")
    first.insert_article(draft(source.id))
    first.close()
    again = Store(path)
    try:
        assert [a.title for a in again.articles()] == ["Заголовок"]
        assert again.integrity_check() == "ok"
    finally:
        again.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_second_writer_waits_for_the_first(tmp_path: Path):
    path = tmp_path / "m.sqlite3"
    cli = Store(path)
    try:
        source = cli.add_source("https://a.test/rss", kind=SourceKind.FEED, name="A")
        locked, released = threading.Event(), threading.Event()

        def gui_holds_the_lock() -> None:
            gui = Store(path)  # a Store belongs to the thread that writes with it
            try:
                with gui.transaction():
                    locked.set()
                    released.wait(5)
            finally:
                gui.close()

        holder = threading.Thread(target=gui_holds_the_lock)
        holder.start()
        assert locked.wait(5)
        timer = threading.Timer(0.3, released.set)
        timer.start()
        cli.insert_article(draft(source.id))  # waits until the GUI's transaction ends
        assert released.is_set()
        holder.join()
        timer.join()
        assert len(cli.articles()) == 1
    finally:
        cli.close()


def test_unusable_files_give_clear_errors(tmp_path: Path):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be used"):
        Store(garbage)
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as raw:
        raw.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer Media Monitor"):
        Store(newer)


def open_at_once(path: Path, connections: int = 4) -> list[BaseException]:
    """Open (and close) ``path`` from several threads released together; their errors."""
    errors: list[BaseException] = []
    ready = threading.Barrier(connections)

    def open_store() -> None:
        ready.wait()
        try:
            Store(path).close()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_connections_creating_one_new_store_at_once(tmp_path: Path):
    path = tmp_path / "new.sqlite3"
    assert open_at_once(path) == []
    again = Store(path)
    try:
        assert again.integrity_check() == "ok"
    finally:
        again.close()


def test_counting_a_sources_articles_uses_an_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.db")
    try:
        plan = " ".join(
            str(row[-1])
            for row in store._db.execute(
                "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM articles WHERE source_id = ?", (1,)
            )
        )
    finally:
        store.close()
    assert "USING COVERING INDEX articles_source" in plan


def test_only_the_latest_finished_updates_are_kept(tmp_path: Path):
    store = Store(tmp_path / "store.sqlite3")
    try:
        start = datetime(2026, 12, 1, tzinfo=UTC)
        for number in range(KEPT_RUNS + 5):
            store.record_update(
                FinishedUpdate(start + timedelta(hours=number), 3, number, 0, number % 2)
            )
        last = store.last_update()
        kept = store._db.execute("SELECT COUNT(*) FROM update_runs").fetchone()[0]
    finally:
        store.close()
    assert last == FinishedUpdate(start + timedelta(hours=KEPT_RUNS + 4), 3, KEPT_RUNS + 4, 0, 0)
    assert kept == KEPT_RUNS
