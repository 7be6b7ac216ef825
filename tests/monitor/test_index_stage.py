"""The index stage on a real store and a real Whoosh index: how far the index got is kept in
one place (beside the index), the change log is pruned once absorbed, and a sync writes no
article states."""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexes.index import SearchIndex
from indexes.search import all_matches
from indexes.types import SearchRequest
from monitor.clock import to_iso
from monitor.errors import StoreError
from monitor.index_stage import IndexStage
from monitor.store import ArticleDraft, Store
from monitor.store.changelog import HOLD_LIFETIME, ChangeLog
from monitor.store.translations import ORIGINAL_LANGUAGE_ROUTE
from monitor.types import ArticleState, SentencePair, SourceKind
from tests.support.cancelling import CancelAfter
from tests.support.extraction import page_outcome

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "monitor.sqlite3", clock=lambda: NOW)
    yield opened
    opened.close()


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(tmp_path / "index")
    yield opened
    opened.close()


def add_article(store: Store, number: int, text: str) -> int:
    """A stored English article, aligned with itself as the translation stage does."""
    source = store.find_source_by_url("https://a.test/rss") or store.add_source(
        "https://a.test/rss", kind=SourceKind.FEED, name="A"
    )
    url = f"https://a.test/{number}"
    draft = ArticleDraft(source.id, url, url, f"Story {number}", None, NOW, 0, "", "", "en")
    article_id = store.insert_article(draft)
    set_text(store, article_id, text)
    return article_id


def set_text(store: Store, article_id: int, text: str) -> None:
    store.save_extraction(page_outcome(store.article(article_id), text, language="en"))
    store.translations.save(
        article_id,
        target="en",
        title=f"Story {article_id}",
        route=ORIGINAL_LANGUAGE_ROUTE,
        is_pivot=False,
        at=NOW,
        sentences=[SentencePair(0, text, text)],
    )


def sync(stage: IndexStage) -> None:
    for _ in stage.run(threading.Event()):
        pass


def found(index: SearchIndex, word: str) -> list[int]:
    return sorted(match.article_id for match in all_matches(index, SearchRequest(word)))


@contextmanager
def second_process(tmp_path: Path) -> Iterator[tuple[Store, SearchIndex]]:
    """The same store and index opened again, as a CLI update beside the window opens them."""
    with (
        closing(Store(tmp_path / "monitor.sqlite3", clock=lambda: NOW)) as store,
        closing(SearchIndex(tmp_path / "index")) as index,
    ):
        yield store, index


def tracing(store: Store, statements: list[str] | None) -> None:
    """Add the statements run on the store's connection to ``statements`` (``None``: stop)."""
    store._db.set_trace_callback(None if statements is None else statements.append)


def test_a_sync_writes_no_article_states(store: Store, index: SearchIndex):
    ids = [add_article(store, number, f"harbour news {number}") for number in range(3)]
    stage = IndexStage(store, index)
    statements: list[str] = []
    tracing(store, statements)
    sync(stage)  # the first: a rebuild
    tracing(store, None)
    set_text(store, ids[0], "lighthouse news")
    tracing(store, statements)
    sync(stage)  # then the change log
    tracing(store, None)

    writes = [s for s in statements if s.split()[0].upper() in {"UPDATE", "INSERT", "DELETE"}]
    assert not [s for s in writes if "articles" in s]
    # Only the change log is written: pruned, and held by the rebuild while it reads.
    assert {" ".join(s.split()[:3]) for s in writes} == {
        "DELETE FROM changes",
        "INSERT INTO change_log_holds",
        "DELETE FROM change_log_holds",
    }
    assert {a.state for a in store.articles()} == {ArticleState.TRANSLATED}
    assert found(index, "lighthouse") == [ids[0]]
    assert found(index, "harbour") == ids[1:]


def test_the_change_log_is_pruned_once_the_index_has_absorbed_it(store: Store, index: SearchIndex):
    first = add_article(store, 1, "harbour news")
    stage = IndexStage(store, index, batch=2)  # several batches
    sync(stage)
    assert store.change_log.since(0) == []
    assert index.synced == store.change_log.last_position() > 0

    second = add_article(store, 2, "harbour again")
    set_text(store, first, "lighthouse news")
    assert stage.pending() == len(store.change_log.since(0)) > 2
    batches: list[tuple[int, int]] = []  # (the log's first position, the batch's last)
    apply = index.apply

    def apply_and_look(documents, removed, *, synced, **options):  # type: ignore[no-untyped-def]
        batches.append((store.change_log.since(0)[0][0], synced))
        apply(documents, removed, synced=synced, **options)

    index.apply = apply_and_look  # type: ignore[method-assign]
    sync(stage)
    assert len(batches) > 1
    for (_, committed), (first_kept, _) in itertools.pairwise(batches):
        assert first_kept == committed + 1  # each batch pruned what it committed, no more
    assert store.change_log.since(0) == []
    assert index.synced == store.change_log.last_position()
    assert found(index, "lighthouse") == [first]
    assert found(index, "harbour") == [second]

    statements: list[str] = []
    tracing(store, statements)
    sync(stage)  # nothing new: no write lock taken, so a search never waits on a writer
    tracing(store, None)
    assert statements
    assert not [s for s in statements if "BEGIN" in s.upper()]


def test_a_rebuild_after_the_log_was_pruned_empty_goes_on_from_the_last_change(
    store: Store, tmp_path: Path
):
    article_id = add_article(store, 1, "harbour news")
    directory = tmp_path / "index"
    with closing(SearchIndex(directory)) as index:
        sync(IndexStage(store, index))
    assert store.change_log.since(0) == []
    last = store.change_log.last_position()
    shutil.rmtree(directory)  # the index is lost: rebuilt from the store, not from the log
    with closing(SearchIndex(directory)) as index:
        assert index.needs_rebuild
        stage = IndexStage(store, index)
        sync(stage)
        assert index.synced == last  # not 0: the log is empty because it was pruned
        assert found(index, "harbour") == [article_id]
        set_text(store, article_id, "lighthouse news")
        assert stage.pending() > 0
        sync(stage)
        assert found(index, "lighthouse") == [article_id]
        assert store.change_log.since(0) == []


def test_changes_left_by_a_sync_that_could_not_prune_are_pruned_next_time(
    store: Store, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
):
    add_article(store, 1, "harbour news")
    stage = IndexStage(store, index)
    sync(stage)
    add_article(store, 2, "lighthouse news")

    def busy(self: ChangeLog, position: int) -> int:
        raise StoreError("the article store is busy (another Media Monitor is writing)")

    with monkeypatch.context() as patched:
        patched.setattr(ChangeLog, "prune_through", busy)
        sync(stage)  # the index has the article; the log keeps its changes for now
    assert found(index, "lighthouse") == [2]
    assert stage.pending() == 0 and store.change_log.since(0) != []
    sync(stage)
    assert store.change_log.since(0) == []


def test_two_syncs_at_once_never_commit_older_documents_over_newer(
    store: Store, index: SearchIndex, tmp_path: Path
):
    """The window and a CLI update sync one index at once. One reads its batch of changes,
    the other absorbs (and prunes) newer ones and commits first; the slower one then
    records an older position. Its documents must still be as new as the other's: the
    changes it would replay from there are gone."""
    article_id = add_article(store, 1, "harbour news")
    window = IndexStage(store, index)
    sync(window)
    with second_process(tmp_path) as (cli_store, cli_index):
        cli = IndexStage(cli_store, cli_index)
        set_text(store, article_id, "beacon news")
        apply = cli_index.apply

        def the_window_goes_first(documents, removed, *, synced, **options):  # type: ignore[no-untyped-def]
            # The CLI has read its batch of changes (the beacon); meanwhile the text changes
            # again and the window indexes that and prunes the log.
            set_text(store, article_id, "lantern news")
            sync(window)
            assert synced < index.synced and store.change_log.since(synced) == []
            apply(documents, removed, synced=synced, **options)

        cli_index.apply = the_window_goes_first  # type: ignore[method-assign]
        sync(cli)
        cli_index.apply = apply  # type: ignore[method-assign]
        sync(cli)
        sync(window)
    assert found(index, "lantern") == [article_id]
    assert found(index, "beacon") == found(index, "harbour") == []


def test_a_sync_during_a_rebuild_leaves_the_changes_the_rebuild_must_replay(
    store: Store, index: SearchIndex, tmp_path: Path
):
    """The window rebuilds the index (``reindex``) while a CLI update syncs it. What changes
    after the rebuild read an article is replayed from the log once it is swapped in, so the
    CLI must not prune that, though it absorbed it into the index being replaced."""
    article_id = add_article(store, 1, "harbour news")
    window = IndexStage(store, index)
    sync(window)
    with second_process(tmp_path) as (cli_store, cli_index):
        cli = IndexStage(cli_store, cli_index)
        rebuild = index.rebuild

        def the_cli_syncs_meanwhile(documents, *, synced, **options):  # type: ignore[no-untyped-def]
            read = list(documents)  # the harbour: read before the text changes
            set_text(cli_store, article_id, "lantern news")
            sync(cli)
            assert cli_index.synced > synced
            return rebuild(iter(read), synced=synced, **options)

        index.rebuild = the_cli_syncs_meanwhile  # type: ignore[method-assign]
        for _ in window.rebuild(threading.Event()):
            pass
        assert found(index, "harbour") == [article_id]  # until the log is replayed
        sync(window)
        sync(cli)
    assert found(index, "lantern") == [article_id]
    assert found(index, "harbour") == []
    assert store.change_log.since(0) == []  # the hold is gone: everything pruned in the end


def test_a_hold_left_by_a_killed_rebuild_lapses(tmp_path: Path):
    now = [NOW]
    store = Store(tmp_path / "monitor.sqlite3", clock=lambda: now[0])
    try:
        add_article(store, 1, "harbour news")
        position = store.change_log.last_position()
        with store.transaction() as db:  # as a rebuild killed while it read the store left it
            db.execute(
                "INSERT INTO change_log_holds (position, taken_at) VALUES (?, ?)",
                (position, to_iso(NOW)),
            )
        add_article(store, 2, "lighthouse news")
        last = store.change_log.last_position()
        store.change_log.prune_through(last)
        assert store.change_log.since(0)[0][0] == position + 1
        now[0] += HOLD_LIFETIME + timedelta(seconds=1)
        store.change_log.prune_through(last)
        assert store.change_log.since(0) == []
    finally:
        store.close()


def test_a_cancel_in_the_middle_of_a_batch_keeps_its_changes_for_the_next_sync(
    store: Store, index: SearchIndex
):
    sync(IndexStage(store, index))  # the first sync is a rebuild; the rest use the log
    ids = [add_article(store, number, f"harbour news {number}") for number in range(30)]
    stage = IndexStage(store, index, batch=500)
    before = index.synced
    list(stage.run(CancelAfter(checks=10)))  # a few documents into the only batch
    assert index.synced == before and found(index, "harbour") == []
    sync(stage)
    assert found(index, "harbour") == ids
