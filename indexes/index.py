"""The Whoosh index on disk: open or create, apply changes, rebuild, hand out searchers.

The index is derived data. It records, beside itself, the last change-log position it has
absorbed (``synced.json``, written only after a commit), so a crash between the store's commit
and the index's commit is repaired by replaying the log: updates are by unique article id, so
replaying is harmless. A missing, damaged or outdated index is set aside and rebuilt, never
fatal. Writes wait for Whoosh's writer lock (the GUI and a CLI ``update`` at once) and give
up with :class:`IndexBusy` only after a long wait.
"""

from __future__ import annotations

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
from whoosh.index import LockError
from whoosh.searching import Searcher

from indexes.errors import IndexBusy
from indexes.schema import (
    SCHEMA_VERSION,
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
        with _creation_lock(self.directory):
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
        self._write_state(directory, synced=0)
        return created

    # The change-log position -------------------------------------------------------------

    def _read_state(self) -> dict[str, Any] | None:
        try:
            value = json.loads((self.directory / STATE_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    @staticmethod
    def _write_state(directory: Path, *, synced: int) -> None:
        path = directory / STATE_FILE
        temporary = path.with_name(path.name + ".part")
        temporary.write_text(json.dumps({"schema": SCHEMA_VERSION, "synced": synced}), "utf-8")
        os.replace(temporary, path)

    @property
    def synced(self) -> int:
        """The last change-log position whose changes are committed in the index."""
        state = self._read_state()
        return int(state.get("synced", 0)) if state else 0

    # Writing -----------------------------------------------------------------------------

    def apply(
        self, documents: Iterable[IndexDocument], removed: Iterable[int], *, synced: int
    ) -> None:
        """Add or replace ``documents``, delete ``removed`` ids, commit, then record ``synced``."""
        with self._lock:
            writer = self._writer()
            try:
                for article_id in removed:
                    writer.delete_by_term("id", article_id)
                for document in documents:
                    writer.update_document(**_fields(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            self._write_state(self.directory, synced=synced)

    def rebuild(self, documents: Iterable[IndexDocument], *, synced: int) -> int:
        """Build a new index beside the old one, then swap: a crash leaves the old one whole."""
        staging = self.directory.with_name(self.directory.name + ".rebuilding")
        with self._lock:
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
            self._write_state(staging, synced=synced)
            self._close_searcher()
            self._swap_in(staging)
            self.needs_rebuild = False
        return count

    def _swap_in(self, staging: Path) -> None:
        """Put the index built in ``staging`` in the place of the current one.

        Another process may be writing to the current one (two updates at once: the one that
        created the index rebuilds it while the other adds to it). The swap waits for that
        writer, holding the current index's writer lock while it renames, so no writer has
        the folder taken from under it; the other process's next writer opens the new one.
        """
        retired = self.directory.with_name(self.directory.name + ".old")
        with _creation_lock(self.directory):
            shutil.rmtree(retired, ignore_errors=True)
            # The lock itself, not a writer: a writer's temporary folder is named by path,
            # and would be cleared in the new index once the folders have traded places.
            lock = self._index.lock("WRITELOCK") if self.directory.exists() else None
            if lock is not None:
                self._wait_for(lock)
            try:
                if self.directory.exists():
                    self.directory.rename(retired)
                staging.rename(self.directory)
            finally:
                if lock is not None:
                    lock.release()  # its file now lies in the retired folder
            shutil.rmtree(retired, ignore_errors=True)
            self._index.close()
            self._index = _storage(self.directory).open_index()

    def _writer(self) -> Any:
        deadline = time.monotonic() + WRITER_TIMEOUT
        while True:
            try:
                return self._index.writer()
            except LockError:
                if time.monotonic() > deadline:
                    raise _busy() from None
                time.sleep(0.25)

    @staticmethod
    def _wait_for(lock: Any) -> None:
        deadline = time.monotonic() + WRITER_TIMEOUT
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise _busy()
            time.sleep(0.25)

    # Reading -----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """A searcher on the latest commit (reused while the index has not changed)."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self._index.searcher()
            elif not self._searcher.up_to_date():
                # Not Searcher.refresh(): after a commit of deletions only, it kept serving
                # the old generation. A new searcher reads the latest commit.
                self._searcher.close()
                self._searcher = self._index.searcher()
            return self._searcher

    def document_count(self) -> int:
        return int(self._index.doc_count())

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

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
    """Whoosh's codec without per-block field-length statistics, for rebuilds.

    Writing them looks up every posting's field length in the lengths file (seek and read,
    one posting at a time): a third of the commit time of a rebuild. They only let a top-N
    search skip blocks that cannot score high enough; without them a block's bound is the
    highest possible score, which skips less but never drops a hit, and our searches count
    every hit for the facets anyway. Segments written later by ``apply`` have them again.
    """
    codec = W3Codec()
    codec.length_stats = False
    return codec


_THREAD_CREATION_LOCK = threading.Lock()


@contextmanager
def _creation_lock(directory: Path) -> Iterator[None]:
    """Exclusive across threads, and across processes where the OS offers file locks."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with _THREAD_CREATION_LOCK, open(directory.with_name(directory.name + ".lock"), "a") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: the thread lock is what we have
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


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
    if document.translated:
        fields[TRANSLATION_FIELD] = f"{document.title_translated}\n{document.text_translated}"
    if document.published is not None:
        published = document.published.astimezone(UTC).replace(tzinfo=None)
        fields["published"] = published
        fields["day"] = published.date().isoformat()
    return fields
