"""Keeping the search index in step with the store, through the store's change log.

The last step of an update (a :class:`~monitor.pipeline.Stage`): read the changes the index
has not absorbed, turn the articles into index documents (original and translation),
commit them in batches, then record how far the index got. A missing or damaged index is
rebuilt from the store, which is always the source of truth.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from indexes.errors import SearchError
from indexes.index import SearchIndex
from indexes.types import IndexDocument
from monitor.disk_errors import describe_os_error
from monitor.errors import MonitorError
from monitor.store import Store
from monitor.store.changelog import IndexProgress
from monitor.store.translations import StoredTranslation, TranslationStore
from monitor.types import Article, ArticleState, Progress, ProgressKind

BATCH_CHANGES = 500


class _Cancelled(Exception):
    pass


class IndexStage:
    def __init__(self, store: Store, index: SearchIndex, *, batch: int = BATCH_CHANGES) -> None:
        self._store = store
        self._translations = TranslationStore(store)
        self._progress = IndexProgress(store)
        self._index = index
        self._batch = batch

    def pending(self) -> int:
        return self._progress.count_changes_since(self._index.synced)

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        if self._index.needs_rebuild:
            yield from self.rebuild(cancel)
            return
        self._progress.mark_indexed_up_to(self._index.synced)
        total = self.pending()
        done = 0
        while not cancel.is_set():
            changes = self._store.changes_since(self._index.synced, limit=self._batch)
            if not changes:
                return
            last_seq = changes[-1][0]
            touched = {article_id for _, article_id, _ in changes}
            if len(changes) == self._batch:
                # An article changes two or three times in an update (stored from the feed,
                # page text, translation). One whose later change is in a later batch is
                # indexed then, not analysed and written twice (the ingest benchmark saw 2.1
                # index writes per article). Its later change keeps it pending after a crash.
                touched -= self._progress.changed_after(last_seq, touched)
            articles = self._store.articles_by_ids(touched)
            removed = touched - {article.id for article in articles}
            with _writing_the_index():
                self._index.apply(self._documents(articles), removed, synced=last_seq)
            self._progress.mark_indexed([a.id for a in articles])
            done += len(changes)
            yield Progress(
                ProgressKind.INDEXED,
                None,
                None,
                f"indexed {len(touched)} articles",
                min(done, total),
                total,
            )

    def rebuild(self, cancel: threading.Event) -> Iterator[Progress]:
        """Index every stored article afresh (``media-monitor reindex``)."""
        synced = self._progress.last_change_seq()
        total = self._store.count_articles()

        def everything() -> Iterator[IndexDocument]:
            for chunk in self._store.article_chunks(self._batch):
                if cancel.is_set():
                    raise _Cancelled
                yield from self._documents(chunk)

        try:
            with _writing_the_index():
                count = self._index.rebuild(everything(), synced=synced)
        except _Cancelled:
            return
        for chunk in self._store.article_chunks(self._batch):
            self._progress.mark_indexed([a.id for a in chunk])
        yield Progress(
            ProgressKind.INDEXED, None, None, f"rebuilt the index: {count} articles", count, total
        )

    def _documents(self, articles: Iterable[Article]) -> Iterator[IndexDocument]:
        for article in articles:
            yield index_document(article, self._translations.translation(article.id))


@contextmanager
def _writing_the_index() -> Iterator[None]:
    """A full disk or read-only folder under the index, or an index another process holds:
    a MonitorError the user can act on."""
    try:
        yield
    except SearchError as error:  # IndexBusy: another Media Monitor writes it for too long
        raise MonitorError(f"{error}. The articles are saved") from error
    except OSError as error:
        raise MonitorError(
            f"could not update the search index: {describe_os_error(error)}. The articles are"
            " saved; the index catches up on the next update"
        ) from error


def index_document(article: Article, translation: StoredTranslation | None) -> IndexDocument:
    translated = translation is not None and translation.by_model
    return IndexDocument(
        article_id=article.id,
        source_id=article.source_id,
        outlet=article.source_name,
        language=article.language,
        published=article.published or article.retrieved_at,
        title=article.title,
        text=article.text,
        title_translated=translation.title if translation and translated else "",
        text_translated=translation.text if translation and translated else "",
        translated=translated,
        degenerate=bool(translation and translation.degenerate),
    )


__all__ = ["ArticleState", "IndexStage", "index_document"]
