"""The Whoosh index on disk: open or create, apply changes, rebuild, hand out searchers.

The index is derived data. It records, beside itself, the last change-log position it has
absorbed (``synced.json``, written only after a commit), so a crash between the store's commit
and the index's commit is repaired by replaying the log: updates are by unique article id, so
replaying is harmless. A missing, damaged or outdated index is set aside and rebuilt, never
fatal. Writes wait for Whoosh's writer lock (the GUI and a CLI ``update`` at once) and give
up with :class:`IndexBusy` only after a long wait.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError
from whoosh.reading import ReaderClosed
from whoosh.searching import Searcher

from indexes.analyzers import sound_value
from indexes.errors import IndexBusy
from indexes.schema import (
    ENTITY_FIELD,
    NOTES_FIELD,
    SCHEMA_VERSION,
    SOUND_FIELD,
    STORY_FIELD,
    TRANSLATION_FIELD,
    build_schema,
    original_field,
)
from indexes.types import IndexDocument

STATE_FILE = "synced.json"
WRITER_TIMEOUT = 60.0  # seconds to wait for another process's writer
OPEN_ATTEMPTS = 5  # tries at opening an index before it is taken as damaged (~1.5 s in all)


def _storage(directory: Path) -> FileStorage:
    """The index's files, read without mmap.

    Whoosh hands out the parts of a memory-mapped segment as ``BytesIO(memoryview(mmap))``,
    and ``BytesIO`` copies them: the whole index ended up resident twice, and once more per
    commit until the garbage collector ran (5.1 GB at 100,000 articles in the memory
    benchmark; 444 MB read from the file instead, with searches as fast).
    """
    return FileStorage(str(directory), supports_mmap=False)


class SearchIndex:
    """One index folder. Writes from one thread at a time; searchers from any thread."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.needs_rebuild = False
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._index = self._open()

    def _open(self) -> Any:
        # Two threads or processes opening a missing index at once must not both create it.
        with _folder_lock(self.directory):
            return self._open_or_create()

    def _open_or_create(self) -> Any:
        state = self._read_state()
        if state is not None and state.get("schema") == SCHEMA_VERSION:
            # Another process committing at this moment deletes the files of the generation
            # being opened: that is no damage, and the next try opens the new generation.
            for attempt in range(OPEN_ATTEMPTS):
                # Whoosh leaves a damaged file open when opening fails; it is closed, quietly,
                # as the exception is dropped.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ResourceWarning)
                    try:
                        return _storage(self.directory).open_index()
                    except Exception:  # damage, unless a commit was under way
                        time.sleep(0.05 * 2**attempt)
        self.needs_rebuild = True  # missing, outdated or damaged: rebuilt from the store
        return self._create_fresh(self.directory)

    def _create_fresh(self, directory: Path) -> Any:
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        created = _storage(directory).create_index(build_schema())
        self._write_state(directory, synced=0, follows=None)
        return created

    # The change-log position -------------------------------------------------------------

    def _read_state(self) -> dict[str, Any] | None:
        try:
            value = json.loads((self.directory / STATE_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    @staticmethod
    def _write_state(directory: Path, *, synced: int, follows: str | None) -> None:
        path = directory / STATE_FILE
        temporary = path.with_name(path.name + ".part")
        state: dict[str, Any] = {"schema": SCHEMA_VERSION, "synced": synced}
        if follows is not None:
            state["follows"] = follows
        temporary.write_text(json.dumps(state), "utf-8")
        os.replace(temporary, path)

    @property
    def synced(self) -> int:
        """The last change-log position whose changes are committed in the index."""
        state = self._read_state()
        return int(state.get("synced", 0)) if state else 0

    @property
    def follows(self) -> str | None:
        """Whose change log the positions are in (the caller's name for it), or None when no
        writer said (an index from before the name was kept)."""
        state = self._read_state()
        value = state.get("follows") if state else None
        return value if isinstance(value, str) else None

    # Writing -----------------------------------------------------------------------------

    def apply(
        self,
        documents: Iterable[IndexDocument],
        removed: Iterable[int],
        *,
        synced: int,
        follows: str | None = None,
    ) -> None:
        """Add or replace ``documents``, delete ``removed`` ids, commit, then record ``synced``
        (and ``follows``: whose change log it is in; None keeps what was recorded).

        The folder stays locked from the writer to the recorded position: a rebuild in another
        process swaps folders under the same lock, so a commit never lands in the folder being
        retired while its position is recorded in the new one (those articles would be
        missing from the index with nothing left to say so).
        """
        with self._lock, _folder_lock(self.directory, timeout=WRITER_TIMEOUT):
            writer = self._writer()
            try:
                for article_id in removed:
                    writer.delete_by_term("id", article_id)
                for document in documents:
                    writer.update_document(**_fields(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=merge_small_segments)
            follows = self.follows if follows is None else follows
            self._write_state(self.directory, synced=synced, follows=follows)

    def rebuild(
        self, documents: Iterable[IndexDocument], *, synced: int, follows: str | None = None
    ) -> int:
        """Build a new index beside the old one, then swap: a crash leaves the old one whole.

        One rebuild at a time, across processes: two would share the staging folder.
        """
        staging = self.directory.with_name(self.directory.name + ".rebuilding")
        with self._lock, _folder_lock(staging):
            fresh = self._create_fresh(staging)
            writer = fresh.writer(limitmb=256, codec=_bulk_codec())
            count = 0
            try:
                for document in documents:
                    writer.add_document(**_fields(document))
                    count += 1
            except BaseException:
                writer.cancel()
                shutil.rmtree(staging, ignore_errors=True)
                raise
            writer.commit()
            self._write_state(staging, synced=synced, follows=follows)
            self._close_searcher()
            self._swap_in(staging)
            self.needs_rebuild = False
        return count

    def _swap_in(self, staging: Path) -> None:
        """Put the index built in ``staging`` in the place of the current one.

        Another process may be writing to the current one (an update while ``reindex``
        runs). Writers hold the folder's lock from their writer to their recorded position,
        and so does the swap, so none has the folder taken from under it; the other
        process's next writer opens the new one.
        """
        retired = self.directory.with_name(self.directory.name + ".old")
        with _folder_lock(self.directory, timeout=WRITER_TIMEOUT):
            shutil.rmtree(retired, ignore_errors=True)
            if self.directory.exists():
                self.directory.rename(retired)
            staging.rename(self.directory)
            shutil.rmtree(retired, ignore_errors=True)
            self._index.close()
            self._index = _storage(self.directory).open_index()

    def _writer(self) -> Any:
        deadline = time.monotonic() + WRITER_TIMEOUT
        while True:
            try:
                return self._index.writer(codec=_bulk_codec())
            except LockError:
                if time.monotonic() > deadline:
                    raise _busy() from None
                time.sleep(0.25)

    # Reading -----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """A searcher on the latest commit (reused while the index has not changed)."""
        with self._lock:
            if self._searcher is not None and _up_to_date(self._searcher):
                return self._searcher
            # Not Searcher.refresh(): after a commit of deletions only, it kept serving the
            # old generation. A new searcher reads the latest commit.
            self._close_searcher()
            self._searcher = self._open_searcher()
            return self._searcher

    def _open_searcher(self) -> Searcher:
        try:
            return self._index.searcher()
        except (OSError, EmptyIndexError):
            # Another process's rebuild may be between its two renames, which it makes under
            # the folder's lock: once this process holds the lock, the folder is back.
            with _folder_lock(self.directory, timeout=WRITER_TIMEOUT):
                return self._index.searcher()

    def document_count(self) -> int:
        return int(self._index.doc_count())

    def _close_searcher(self) -> None:
        searcher, self._searcher = self._searcher, None
        if searcher is not None:
            with contextlib.suppress(ReaderClosed):  # a failed refresh closed it already
                searcher.close()

    def close(self) -> None:
        with self._lock:
            self._close_searcher()
            self._index.close()


def _busy() -> IndexBusy:
    return IndexBusy(
        "the search index is being written by another Media Monitor for over a minute; "
        "try again when it has finished"
    )


def _bulk_codec() -> Any:
    """Whoosh's codec without per-block field-length statistics, for every segment written.

    Writing them looks up every posting's field length in the lengths file (seek and read,
    one posting at a time): a third of the commit time of a rebuild, a tenth of an
    incremental commit's. They only let a top-N search skip blocks that cannot score high
    enough; without them a block's bound is the highest possible score, which skips less but
    never drops a hit.
    """
    codec = W3Codec()
    codec.length_stats = False
    return codec


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """The merge policy of :meth:`SearchIndex.apply`: small segments are merged, large ones
    are left as they are; returns the segments kept.

    Whoosh's own policy merged every segment into one each time their number passed a
    threshold, so the commit that did it rewrote the whole index (one took 140 CPU-seconds
    at 10,000 articles in the ingest benchmark) and the cost per article grew with the
    collection. Merging costs more per document than writing it (12 ms against 8 in
    Whoosh's per-posting Python), so here only segments below :data:`SMALL_SEGMENT` live
    documents (the few articles of an everyday update) are merged, once there are
    :data:`MERGED_AT` of them: a merge rewrites at most ``MERGED_AT * SMALL_SEGMENT``
    documents. A segment whose documents have all been replaced (an article indexed again
    with its translation) is dropped, and one with more than half replaced counts as small
    when what is left is. A large update's batches stay segments of their own; a rebuild
    (``media-monitor reindex``) writes one segment again.
    """
    from whoosh.reading import SegmentReader

    live = [segment for segment in segments if segment.doc_count() > 0]
    small = [
        segment
        for segment in live
        if segment.doc_count() < SMALL_SEGMENT
        and (
            segment.doc_count_all() < SMALL_SEGMENT
            or 2 * segment.doc_count() < segment.doc_count_all()
        )
    ]
    if len(small) < MERGED_AT:
        return live
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    merged = {id(segment) for segment in small}
    return [segment for segment in live if id(segment) not in merged]


SMALL_SEGMENT = 200  # live documents: below this a segment is merged with others
MERGED_AT = 10  # small segments that start a merge

_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextmanager
def _folder_lock(directory: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Exclusive use of ``directory`` across threads, and across processes where the OS
    offers file locks (a ``.lock`` file beside the folder, which outlives its swaps).

    With ``timeout``, :class:`IndexBusy` after that many seconds of waiting.
    """
    path = directory.absolute().with_name(directory.name + ".lock")
    with _THREAD_LOCKS_GUARD:
        thread_lock = _THREAD_LOCKS.setdefault(path, threading.Lock())
    deadline = None if timeout is None else time.monotonic() + timeout
    if not thread_lock.acquire(timeout=-1 if timeout is None else timeout):
        raise _busy()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as handle:
            try:
                import fcntl
            except ImportError:  # Windows: the thread lock is what we have
                yield
                return
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise _busy() from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        thread_lock.release()


def _up_to_date(searcher: Searcher) -> bool:
    try:
        return bool(searcher.up_to_date())
    except (OSError, EmptyIndexError):  # the folder is being swapped: open afresh
        return False


def _fields(document: IndexDocument) -> dict[str, Any]:
    original = f"{document.title}\n{document.text}"
    fields: dict[str, Any] = {
        "id": document.article_id,
        "source_id": document.source_id,
        "outlet": document.outlet,
        "outlet_name": document.outlet,
        "lang": document.language or "",
        "translated": document.translated,
        "degenerate": document.degenerate,
        original_field(document.language): original,
    }
    translation = ""
    if document.translated:
        translation = f"{document.title_translated}\n{document.text_translated}"
        fields[TRANSLATION_FIELD] = translation
    # Originals in other scripts than Latin only: a translation or an English original is
    # searched as written already, and the alias table gives a name's other English
    # spellings; keying them too cost a fifth of indexing (bench/names_cost).
    sounds = "" if document.language == "en" else sound_value([(document.language, original)])
    if sounds:
        fields[SOUND_FIELD] = sounds
    if document.notes:
        fields[NOTES_FIELD] = document.notes
    if document.entities:
        fields[ENTITY_FIELD] = " ".join(document.entities)
    if document.story is not None:
        fields[STORY_FIELD] = str(document.story)
    if document.published is not None:
        published = document.published.astimezone(UTC).replace(tzinfo=None)
        fields["published"] = published
        fields["day"] = published.date().isoformat()
    return fields
