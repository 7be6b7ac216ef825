"""The change log the search index follows: what changed, in order, and its pruning.

Triggers fill the ``changes`` table (see :mod:`monitor.store.database`), so no code path can
change an article without the index hearing of it. How far the index has come is the index's
own record (``synced.json`` beside it); the store keeps only the changes an index may still
need, and the index stage prunes the rest once absorbed (:meth:`ChangeLog.prune_through`).

A rebuild of the index reads the store, not the log, from the last position on; what changes
while it reads is replayed from the log afterwards. Another process syncing meanwhile must
not prune those changes: a rebuild holds its position (:meth:`ChangeLog.held`), and pruning
stops below the oldest hold. A hold left by a process that was killed lapses after a day.

One of the store's parts (``store.change_log``), on the store's database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from typing import TYPE_CHECKING

from monitor.clock import Clock, to_iso, utc_now
from monitor.errors import StoreError
from monitor.store.database import Database
from monitor.store.rows import in_chunks

if TYPE_CHECKING:
    pass

HOLD_LIFETIME = timedelta(days=1)  # far longer than any rebuild takes


class ChangeLog:
    def __init__(self, database: Database, *, clock: Clock = utc_now) -> None:
        self._database = database
        self._db = self._database.connection
        self._clock = clock

    def since(self, position: int, limit: int = 1000) -> list[tuple[int, int, str]]:
        """(position, article id, kind) after ``position``, oldest first: what the index must
        catch up on."""
        rows = self._db.execute(
            "SELECT seq, article_id, kind FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
            (position, limit),
        )
        return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]

    def changed_after(self, position: int, article_ids: Iterable[int]) -> set[int]:
        """Those of ``article_ids`` with a change after ``position``."""
        found: set[int] = set()
        for chunk, marks in in_chunks(article_ids):
            rows = self._db.execute(
                "SELECT DISTINCT article_id FROM changes"
                f" WHERE seq > ? AND article_id IN ({marks})",
                (position, *chunk),
            )
            found.update(int(row[0]) for row in rows)
        return found

    def last_position(self) -> int:
        """The position of the latest change ever logged, pruned or not (0 before the first):
        where a rebuild goes on from, even when the log has been pruned empty."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").fetchone()
        return 0 if row is None or row[0] is None else int(row[0])

    def count_since(self, position: int) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM changes WHERE seq > ?", (position,)).fetchone()
        return int(row[0])

    @contextmanager
    def held(self) -> Iterator[int]:
        """The last position, kept from pruning (by any process) until the block ends."""
        hold: int | None = None
        try:
            with self._database.transaction() as db:
                position = self.last_position()
                hold = db.execute(
                    "INSERT INTO change_log_holds (position, taken_at) VALUES (?, ?)",
                    (position, to_iso(self._clock())),
                ).lastrowid
        except StoreError:  # a read-only store: no process can prune it either
            position = self.last_position()
        try:
            yield position
        finally:
            if hold is not None:
                with suppress(StoreError), self._database.transaction() as db:
                    db.execute("DELETE FROM change_log_holds WHERE id = ?", (hold,))

    def prune_through(self, position: int) -> int:
        """Forget the changes up to ``position`` (the index has absorbed them) that no rebuild
        under way holds; how many.

        Takes no write lock when there is nothing to forget, so a sync that finds nothing new
        never waits for another process's writes. A shared store's log is kept whole: each
        desktop's index follows it from its own position, and one desktop cannot know how far
        the others have read.
        """
        if self._database.on_server:
            return 0
        if not self._db.execute(
            "SELECT 1 FROM changes WHERE seq <= ? LIMIT 1", (position,)
        ).fetchone():
            return 0
        lapsed = to_iso(self._clock() - HOLD_LIFETIME)
        with self._database.transaction() as db:
            db.execute("DELETE FROM change_log_holds WHERE taken_at < ?", (lapsed,))
            oldest_hold = db.execute("SELECT MIN(position) FROM change_log_holds").fetchone()[0]
            if oldest_hold is not None:
                position = min(position, int(oldest_hold))
            return int(db.execute("DELETE FROM changes WHERE seq <= ?", (position,)).rowcount)


# The old name, for callers outside the core (the ingest benchmark's probe) until they switch.
