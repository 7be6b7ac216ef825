"""The sources' part of :class:`monitor.store.Store`: follow, list, edit, and fetch outcomes."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import datetime

from monitor.clock import Clock, to_iso
from monitor.errors import NotFoundError, SourceError
from monitor.store.connection import StoreConnection
from monitor.store.rows import SOURCE_COLUMNS, source_from_row
from monitor.types import Source, SourceKind


class SourceRecords:
    """Methods on the ``sources`` table, mixed into :class:`monitor.store.Store`."""

    _db: StoreConnection
    _clock: Clock

    def transaction(self) -> AbstractContextManager[StoreConnection]:
        raise NotImplementedError  # Store's: one short write transaction

    def add_source(
        self,
        url: str,
        *,
        kind: SourceKind,
        name: str,
        language_hint: str | None = None,
        country: str | None = None,
        homepage: str | None = None,
        update_interval_minutes: int = 60,
    ) -> Source:
        try:
            with self.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO sources (url, kind, name, language_hint, country, homepage,"
                    " added_at, update_interval_minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        url,
                        kind.value,
                        name,
                        language_hint,
                        country,
                        homepage,
                        to_iso(self._clock()),
                        update_interval_minutes,
                    ),
                )
        except sqlite3.IntegrityError as error:
            existing = self.find_source_by_url(url)
            raise SourceError(
                f"{url} is already followed"
                + (f" as source {existing.id} ({existing.name})" if existing else "")
            ) from error
        source_id = cursor.lastrowid
        assert source_id is not None
        return self.source(source_id)

    def source(self, source_id: int) -> Source:
        row = self._db.execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.id = ?", (source_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no source with id {source_id}")
        return source_from_row(row)

    def find_source_by_url(self, url: str) -> Source | None:
        row = self._db.execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.url = ?", (url,)
        ).fetchone()
        return None if row is None else source_from_row(row)

    def sources(self) -> list[Source]:
        rows = self._db.execute(f"SELECT {SOURCE_COLUMNS} FROM sources s ORDER BY s.id")
        return [source_from_row(row) for row in rows]

    def source_ids_of_kind(self, kind: SourceKind) -> frozenset[int]:
        """The ids of the sources of one kind (no article counts: a list page asks often)."""
        rows = self._db.execute("SELECT id FROM sources WHERE kind = ?", (kind.value,))
        return frozenset(int(row[0]) for row in rows)

    def remove_source(self, source_id: int) -> Source:
        source = self.source(source_id)
        with self.transaction() as db:
            db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            # Raw pages no longer referenced by any article are evidence of nothing now.
            db.execute(
                "DELETE FROM raw_pages WHERE sha256 NOT IN"
                " (SELECT raw_sha256 FROM articles WHERE raw_sha256 IS NOT NULL)"
            )
            # Stories all of whose articles were the source's are stories of nothing now.
            db.execute(
                "DELETE FROM stories WHERE NOT EXISTS"
                " (SELECT 1 FROM story_articles WHERE story_id = stories.id)"
            )
        return source

    def update_source(self, source_id: int, **fields: object) -> None:
        """Set plain columns of a source (name, update interval, fetch state...)."""
        allowed = {
            "name",
            "language_hint",
            "country",
            "homepage",
            "update_interval_minutes",
            "etag",
            "last_modified",
            "kind",
            "time_zone",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not source fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        values = [v.value if isinstance(v, SourceKind) else v for v in fields.values()]
        with self.transaction() as db:
            db.execute(f"UPDATE sources SET {assignments} WHERE id = ?", (*values, source_id))

    def record_success(
        self,
        source_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        at: datetime,
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE sources SET etag = ?, last_modified = ?, last_checked = ?,"
                " last_success = ?, last_error = NULL, error_since = NULL,"
                " consecutive_failures = 0, next_attempt_at = NULL WHERE id = ?",
                (etag, last_modified, to_iso(at), to_iso(at), source_id),
            )

    def record_failure(
        self, source_id: int, *, error: str, at: datetime, next_attempt_at: datetime | None
    ) -> None:
        """Keep the error with the source; ``error_since`` marks when the trouble began."""
        with self.transaction() as db:
            db.execute(
                "UPDATE sources SET last_checked = ?, last_error = ?,"
                " error_since = COALESCE(error_since, ?),"
                " consecutive_failures = consecutive_failures + 1, next_attempt_at = ?"
                " WHERE id = ?",
                (to_iso(at), error, to_iso(at), to_iso(next_attempt_at), source_id),
            )
