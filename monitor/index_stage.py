"""Keeping the search index in step with the store, through the store's change log.

The last step of an update (a :class:`~monitor.collect.pipeline.Stage`): read the changes the index
has not absorbed, turn the articles into index documents (original, translation and the
user's notes: a note's change is its article's change in the log),
commit them in batches, then record how far the index got. A missing or damaged index is
rebuilt from the store, which is always the source of truth.

How far the index got is kept in one place, beside the index (``synced.json``, written after
its commit). Changes up to there are pruned from the log once absorbed. Two processes may
sync one index at once (the window and a CLI update), and one may record a position lower
than the other's: replaying from there is harmless, and nothing needed was pruned, because
every batch reads its articles while it holds the index's writer, so no process ever commits
documents read before another's commit over them. A rebuild reads the store while others
may sync; it holds its starting position in the log so that what changes meanwhile is kept
for it to replay (see :mod:`monitor.store.changelog`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from indexes.errors import SearchError
from indexes.index import SearchIndex
from indexes.types import IndexDocument
from monitor.disk_errors import describe_os_error
from monitor.errors import MonitorError, StoreError
from monitor.names.entities import EntityFinder, article_entities, entity_ids, names_by_model
from monitor.names.ner import FoundName
from monitor.store import Store
from monitor.store.translations import StoredTranslation
from monitor.stories.grouping import StoryGrouper
from monitor.types import Article, Progress, ProgressKind

_log = logging.getLogger(__name__)

# Changes per commit (about half as many articles: an article has two or three changes).
# Each commit is a segment of the index of its own (see indexes.index.merge_small_segments),
# so bigger batches make fewer segments; a batch's commit cannot be cancelled (~5 s here).
BATCH_CHANGES = 2000


class _Cancelled(Exception):
    pass


class IndexStage:
    def __init__(
        self,
        store: Store,
        index: SearchIndex,
        *,
        batch: int = BATCH_CHANGES,
        entities: Callable[[], EntityFinder] | None = None,
        stories: StoryGrouper | None = None,
    ) -> None:
        self._store = store
        # Grouping into stories needs each article's entities, found here (see _documents).
        self._stories = stories
        self._entities = entities  # finds the entities each article mentions, as it is indexed
        self._translations = store.translations
        self._changes = store.change_log
        self._index = index
        self._batch = batch

    def pending(self) -> int:
        return self._changes.count_since(self._index.synced)

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        if self._follows_another_log():
            yield from self.rebuild(cancel)
            return
        total = self.pending()
        done = 0
        while not cancel.is_set():
            synced = self._index.synced
            changes = self._changes.since(synced, limit=self._batch)
            if not changes:
                self._prune(synced)  # what a run killed before its pruning left
                return
            last_seq = changes[-1][0]
            touched = {article_id for _, article_id, _ in changes}
            if len(changes) == self._batch:
                # An article changes two or three times in an update (stored from the feed,
                # page text, translation). One whose later change is in a later batch is
                # indexed then, not analysed and written twice (the ingest benchmark saw 2.1
                # index writes per article). Its later change keeps it pending after a crash.
                touched -= self._changes.changed_after(last_seq, touched)
            batch = _Batch(self, touched, cancel)
            try:
                with _writing_the_index():
                    self._index.apply(
                        batch.documents(),
                        batch.removed(),
                        synced=last_seq,
                        follows=self._store.followed_as,
                    )
            except _Cancelled:  # the writer was cancelled: the changes stay for the next sync
                return
            self._prune(last_seq)
            done += len(changes)
            yield Progress(
                ProgressKind.INDEXED,
                None,
                None,
                f"indexed {len(touched)} articles",
                min(done, total),
                total,
            )

    def _follows_another_log(self) -> bool:
        """Whether the index must be built again: lost or damaged, made from another store's
        log or for another user (the data folder's ``store`` or ``user`` setting changed), or
        ahead of this store's log (a new store file in the old one's place)."""
        follows = self._index.follows
        return (
            self._index.needs_rebuild
            or (follows is not None and follows != self._store.followed_as)
            or self._index.synced > self._changes.last_position()
        )

    def rebuild(self, cancel: threading.Event) -> Iterator[Progress]:
        """Index every stored article afresh (``media-monitor reindex``)."""
        total = self._store.count_articles()

        def everything() -> Iterator[IndexDocument]:
            for chunk in self._store.article_chunks(self._batch):
                if cancel.is_set():
                    raise _Cancelled
                yield from self._documents(chunk)

        # From the last position, taken before reading: what changes while the store is read
        # is replayed from the log afterwards, so no process may prune it meanwhile.
        with self._changes.held() as synced:
            try:
                with _writing_the_index():
                    count = self._index.rebuild(
                        everything(), synced=synced, follows=self._store.followed_as
                    )
            except _Cancelled:
                return
        self._prune(synced)
        yield Progress(
            ProgressKind.INDEXED, None, None, f"rebuilt the index: {count} articles", count, total
        )

    def _documents(self, articles: Iterable[Article]) -> Iterator[IndexDocument]:
        chunk = list(articles)
        notes = self._store.notes.texts(article.id for article in chunk)  # one read a chunk
        finder = self._entities() if self._entities is not None else None
        found: dict[int, list[tuple[str, int, bool]]] = {}
        documents = [
            index_document(
                article, self._translations.translation(article.id), notes.get(article.id, "")
            )
            for article in chunk
        ]
        model_names = _russian_names(documents) if finder is not None else {}
        for position, document in enumerate(documents):
            if finder is not None:
                found[document.article_id] = article_entities(
                    finder,
                    f"{document.title}\n{document.text}",
                    document.language,
                    f"{document.title_translated}\n{document.text_translated}".strip(),
                    model_names=model_names.get(document.article_id),
                )
                entities = entity_ids(found[document.article_id])
                documents[position] = replace(document, entities=entities)
        if found:
            self._store.names.set_entities_of(found)  # one write a chunk
        if self._stories is not None:
            # Grouping needs the entities just found; the story goes into the index with the
            # article (story:ID), oldest first so that a story's first article starts it.
            stories = self._stories.settle(chunk)
            documents = [replace(d, story=stories.get(d.article_id)) for d in documents]
        yield from documents

    def _prune(self, committed: int) -> None:
        """Forget the changes this index has absorbed: up to what it committed, and no further
        than what its folder now records (another process may have recorded less)."""
        try:
            self._changes.prune_through(min(committed, self._index.synced))
        except StoreError as error:  # busy or read-only: the changes stay until the next sync
            _log.info("the change log was not pruned: %s", error)


def _russian_names(documents: Sequence[IndexDocument]) -> dict[int, list[FoundName]]:
    """The Russian NER model's names in each Russian original, by article id, read as one
    batch (almost three times faster than one by one); none when the model is missing."""
    russian = [d for d in documents if d.language == "ru"]
    found = names_by_model([f"{d.title}\n{d.text}" for d in russian]) if russian else None
    if found is None:
        return {}
    return {document.article_id: names for document, names in zip(russian, found, strict=True)}


class _Batch:
    """The articles of one batch, read from the store when the index first asks for them:
    inside :meth:`SearchIndex.apply`, with its writer held (see the module's docstring)."""

    def __init__(self, stage: IndexStage, touched: set[int], cancel: threading.Event) -> None:
        self._stage = stage
        self._touched = touched
        self._cancel = cancel
        self._articles: list[Article] | None = None

    def _read(self) -> list[Article]:
        if self._articles is None:
            self._articles = self._stage._store.articles_by_ids(self._touched)
        return self._articles

    def removed(self) -> Iterator[int]:
        present = {article.id for article in self._read()}
        yield from sorted(self._touched - present)

    def documents(self) -> Iterator[IndexDocument]:
        for document in self._stage._documents(self._read()):
            if self._cancel.is_set():  # a batch takes seconds to analyse
                raise _Cancelled
            yield document


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


def index_document(
    article: Article, translation: StoredTranslation | None, notes: str = ""
) -> IndexDocument:
    """What the index holds of ``article``: its original, its machine translation (if any)
    and the text of the user's ``notes`` on it."""
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
        notes=notes,
    )
