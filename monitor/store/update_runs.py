"""The updates that ran to their end, remembered so that "Updated 10:02" survives a restart.

Mixed into :class:`monitor.store.Store`. Only the latest few are kept: they are a status,
not a history.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from monitor.clock import from_iso, to_iso
from monitor.store.connection import StoreConnection
from monitor.types import FinishedUpdate

KEPT_RUNS = 50


class UpdateRuns:
    """Methods on the ``update_runs`` table, mixed into :class:`monitor.store.Store`."""

    _db: StoreConnection

    def transaction(self) -> AbstractContextManager[StoreConnection]:
        raise NotImplementedError  # Store's: one short write transaction

    def record_update(self, update: FinishedUpdate) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO update_runs (finished_at, sources, new, updated, failed_sources)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    to_iso(update.finished_at),
                    update.sources,
                    update.new,
                    update.updated,
                    update.failed_sources,
                ),
            )
            db.execute(
                "DELETE FROM update_runs WHERE id <= (SELECT MAX(id) FROM update_runs) - ?",
                (KEPT_RUNS,),
            )

    def last_update(self) -> FinishedUpdate | None:
        """The latest update that ran to its end, or ``None`` before the first one."""
        row = self._db.execute(
            "SELECT finished_at, sources, new, updated, failed_sources FROM update_runs"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        finished_at = from_iso(row["finished_at"])
        assert finished_at is not None  # NOT NULL column
        return FinishedUpdate(
            finished_at, row["sources"], row["new"], row["updated"], row["failed_sources"]
        )
