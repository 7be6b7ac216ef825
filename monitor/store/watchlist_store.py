"""Stored watchlists (named saved searches) and which articles matched each and were seen.

One of the store's parts (``store.watchlists``), on the store's database. What a watchlist
matches is decided by the search index (see :mod:`monitor.watchlists`); this module only
remembers the answers, so the sidebar's counts are read without searching.

Watchlists are the store's user's: a name is unique per user whatever its ASCII case, and
another user's watchlists are neither listed nor found here, by name or by id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from monitor.clock import from_iso, to_iso
from monitor.errors import MonitorError, NotFoundError
from monitor.store.connection import StoreConnection, StoreRow
from monitor.store.database import Database
from monitor.store.rows import in_chunks

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class WatchFilters:
    """The filters of a saved search (the query text is kept beside them)."""

    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None  # inclusive

    def to_json(self) -> str:
        return json.dumps(
            {
                "languages": list(self.languages),
                "outlets": list(self.outlets),
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> WatchFilters:
        """Read what :meth:`to_json` wrote; unknown keys (from a newer version) are ignored."""
        try:
            data = json.loads(text)
            since, until = data.get("since"), data.get("until")
            return cls(
                languages=tuple(str(code) for code in data.get("languages") or ()),
                outlets=tuple(str(name) for name in data.get("outlets") or ()),
                since=date.fromisoformat(since) if since else None,
                until=date.fromisoformat(until) if until else None,
            )
        except (ValueError, TypeError, AttributeError) as error:
            raise MonitorError(
                f"the stored filters of a watchlist cannot be read ({error}); "
                "remove the watchlist and add it again"
            ) from error


@dataclass(frozen=True, slots=True)
class Watchlist:
    id: int
    name: str
    query: str
    filters: WatchFilters
    created_at: datetime
    last_seen_at: datetime | None  # when the user last viewed its matches
    last_checked_at: datetime | None  # when its search last ran
    muted: bool


@dataclass(frozen=True, slots=True)
class MatchCounts:
    total: int  # articles matching at the last check
    new: int  # of those, not among the matches when the user last viewed the watchlist
    fresh: int = 0  # matched for the first time ever at this check (what a notification tells)


class WatchlistStore:
    def __init__(self, database: Database, *, user: str = "") -> None:
        self._database = database
        self._user = user
        self._db = self._database.connection

    def add(self, name: str, query: str, filters: WatchFilters, at: datetime) -> Watchlist:
        try:
            with self._database.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO watchlists (user_name, name, query, filters, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (self._user, name, query, filters.to_json(), to_iso(at)),
                )
        except sqlite3.IntegrityError as error:
            raise MonitorError(
                f"a watchlist named “{name}” already exists; choose another name "
                "or remove the old one first"
            ) from error
        assert cursor.lastrowid is not None
        return self.get_by_id(cursor.lastrowid)

    def remove(self, name: str) -> Watchlist:
        watchlist = self.get(name)
        with self._database.transaction() as db:
            db.execute("DELETE FROM watchlists WHERE id = ?", (watchlist.id,))
        return watchlist

    def get(self, name: str) -> Watchlist:
        row = self._db.execute(
            "SELECT * FROM watchlists WHERE user_name = ? AND lower(name) = lower(?)",
            (self._user, name),
        ).fetchone()
        if row is None:
            known = ", ".join(w.name for w in self.all()) or "none yet"
            raise NotFoundError(f"no watchlist named “{name}” (watchlists: {known})")
        return _watchlist(row)

    def get_by_id(self, watchlist_id: int) -> Watchlist:
        row = self._db.execute(
            "SELECT * FROM watchlists WHERE user_name = ? AND id = ?", (self._user, watchlist_id)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no watchlist with id {watchlist_id}")
        return _watchlist(row)

    def all(self) -> list[Watchlist]:
        rows = self._db.execute(
            "SELECT * FROM watchlists WHERE user_name = ? ORDER BY name COLLATE NOCASE, id",
            (self._user,),
        )
        return [_watchlist(row) for row in rows]

    def rename(self, watchlist_id: int, name: str) -> None:
        try:
            with self._database.transaction() as db:
                db.execute("UPDATE watchlists SET name = ? WHERE id = ?", (name, watchlist_id))
        except sqlite3.IntegrityError as error:
            raise MonitorError(
                f"a watchlist named “{name}” already exists; choose another name"
            ) from error

    def change_search(self, watchlist_id: int, query: str, filters: WatchFilters) -> None:
        """Give the watchlist another query and filters (its matches are recorded next)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE watchlists SET query = ?, filters = ? WHERE id = ?",
                (query, filters.to_json(), watchlist_id),
            )

    def set_muted(self, watchlist_id: int, muted: bool) -> None:
        with self._database.transaction() as db:
            db.execute("UPDATE watchlists SET muted = ? WHERE id = ?", (muted, watchlist_id))

    def record_matches(
        self, watchlist_id: int, article_ids: Iterable[int], at: datetime, *, seen: bool = False
    ) -> MatchCounts:
        """Remember that exactly ``article_ids`` match now; with ``seen``, the user saw them all.

        Ids the store no longer holds (the index may lag behind a deletion) are skipped.
        """
        ids = sorted(set(article_ids))
        with self._database.transaction() as db:
            before = _count(db, watchlist_id)
            db.execute(
                "UPDATE watchlist_matches SET matching = 0 WHERE watchlist_id = ?", (watchlist_id,)
            )
            for chunk, marks in in_chunks(ids):
                db.execute(
                    "UPDATE watchlist_matches SET matching = 1"
                    f" WHERE watchlist_id = ? AND article_id IN ({marks})",
                    (watchlist_id, *chunk),
                )
                db.execute(
                    "INSERT OR IGNORE INTO watchlist_matches"
                    " (watchlist_id, article_id, first_matched_at, matching, seen)"
                    f" SELECT ?, id, ?, 1, 0 FROM articles WHERE id IN ({marks})",
                    (watchlist_id, to_iso(at), *chunk),
                )
            # Matches the user is looking at as they arrive are nothing to notify about.
            fresh = 0 if seen else _count(db, watchlist_id) - before
            if seen:
                db.execute(
                    "UPDATE watchlist_matches SET seen = 1 WHERE watchlist_id = ?", (watchlist_id,)
                )
                db.execute(
                    "UPDATE watchlists SET last_seen_at = ? WHERE id = ?",
                    (to_iso(at), watchlist_id),
                )
            db.execute(
                "UPDATE watchlists SET last_checked_at = ? WHERE id = ?",
                (to_iso(at), watchlist_id),
            )
        counts = self.counts(watchlist_id)
        return MatchCounts(counts.total, counts.new, fresh)

    def counts(self, watchlist_id: int) -> MatchCounts:
        row = self._db.execute(
            "SELECT COALESCE(SUM(matching), 0),"
            " COALESCE(SUM(CASE WHEN matching = 1 AND seen = 0 THEN 1 ELSE 0 END), 0)"
            " FROM watchlist_matches WHERE watchlist_id = ?",
            (watchlist_id,),
        ).fetchone()
        return MatchCounts(int(row[0]), int(row[1]))

    def new_article_ids(self, watchlist_id: int) -> list[int]:
        """The matches the user has not seen yet, newest id first (to show them marked)."""
        rows = self._db.execute(
            "SELECT article_id FROM watchlist_matches"
            " WHERE watchlist_id = ? AND matching = 1 AND seen = 0 ORDER BY article_id DESC",
            (watchlist_id,),
        )
        return [int(row[0]) for row in rows]


def _count(db: StoreConnection, watchlist_id: int) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM watchlist_matches WHERE watchlist_id = ?", (watchlist_id,)
    ).fetchone()
    return int(row[0])


def _watchlist(row: StoreRow) -> Watchlist:
    created_at = from_iso(row["created_at"])
    assert created_at is not None
    return Watchlist(
        id=row["id"],
        name=row["name"],
        query=row["query"],
        filters=WatchFilters.from_json(row["filters"]),
        created_at=created_at,
        last_seen_at=from_iso(row["last_seen_at"]),
        last_checked_at=from_iso(row["last_checked_at"]),
        muted=bool(row["muted"]),
    )
