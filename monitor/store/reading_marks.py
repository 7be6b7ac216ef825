"""The user's marks: read and starred per article, read in bulk, and "seen" per source, with
the counts the sidebar shows (unread per source, starred).

Mixed into :class:`monitor.store.Store`. Read and seen are different marks: an article is
read when the user opened it (or marked it so); an outlet's articles are *seen* up to the
newest one it showed the user when they last looked at it. What arrived since is "new"
(``source_marks.seen_through``, an article id). Both marks are the store's user's
(``article_marks`` and ``source_marks`` hold a row per user; no row: unread, never looked).
Article ids only grow: SQLite gives a new row an
id above every id in the table, and the article the mark names is kept while its source is,
so an article stored after the user looked always counts as new.

Neither mark is in the change log's trigger (:mod:`monitor.store.database`): the search index
holds no read state, so marking 10,000 articles read reindexes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from monitor.clock import to_iso
from monitor.errors import NotFoundError
from monitor.store.connection import StoreConnection


class ReadingMarks:
    """Methods on the read, starred and seen marks, mixed into :class:`monitor.store.Store`."""

    _db: StoreConnection
    user: str

    def transaction(self) -> AbstractContextManager[StoreConnection]:
        raise NotImplementedError  # Store's: one short write transaction

    def mark_read(
        self,
        *,
        source_id: int | None = None,
        language: str | None = None,
        article_ids: Sequence[int] | None = None,
        starred: bool = False,
        published_before: datetime | None = None,
    ) -> int:
        """Mark read, in one transaction of two statements (the user's marks rows there are,
        and those made now), the unread articles that meet every condition given (all of them
        when none is); how many were marked. ``article_ids``: only these (a
        search's matches); ``published_before``: published before then (retrieved, when the
        feed gave no date)."""
        clauses: list[str] = []
        values: list[object] = []
        if source_id is not None:
            clauses.append("source_id = ?")
            values.append(source_id)
        if language is not None:
            clauses.append("language = ?")
            values.append(language)
        if article_ids is not None:
            # One statement however many: the ids travel as one JSON array.
            clauses.append("id IN (SELECT value FROM json_each(?))")
            values.append(json.dumps(list(article_ids)))
        if published_before is not None:
            clauses.append("COALESCE(published, retrieved_at) < ?")
            values.append(to_iso(published_before))
        scope = f"SELECT id FROM articles WHERE {' AND '.join(clauses) or '1 = 1'}"
        with self.transaction() as db:
            marked = db.execute(
                "UPDATE article_marks SET is_read = 1 WHERE user_name = ? AND is_read = 0"
                f"{' AND is_starred = 1' if starred else ''} AND article_id IN ({scope})",
                (self.user, *values),
            ).rowcount
            if not starred:  # an article without the user's row is unread and not starred
                marked += db.execute(
                    "INSERT OR IGNORE INTO article_marks (user_name, article_id, is_read)"
                    f" SELECT ?, id, 1 FROM ({scope}) AS scope WHERE NOT EXISTS (SELECT 1"
                    " FROM article_marks m WHERE m.user_name = ? AND m.article_id = scope.id)",
                    (self.user, *values, self.user),
                ).rowcount
            return int(marked)

    def mark_source_seen(self, source_id: int, through: int | None = None) -> None:
        """The user looked at the source's articles up to article id ``through`` (by default
        all it holds now). A mark never moves back: a view stored late keeps a later one."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone() is None:
                raise NotFoundError(f"no source with id {source_id} (see `sources list`)")
            if through is None:
                through = int(
                    db.execute(
                        "SELECT COALESCE(MAX(id), 0) FROM articles WHERE source_id = ?",
                        (source_id,),
                    ).fetchone()[0]
                )
            db.execute(
                "INSERT OR IGNORE INTO source_marks (user_name, source_id) VALUES (?, ?)",
                (self.user, source_id),
            )
            db.execute(
                "UPDATE source_marks SET seen_through = ?"
                " WHERE user_name = ? AND source_id = ? AND COALESCE(seen_through, 0) <= ?",
                (through, self.user, source_id, through),
            )

    def newest_article_id(self, source_id: int) -> int | None:
        """The newest article the source holds (what a view of it shows up to)."""
        row = self._db.execute(
            "SELECT MAX(id) FROM articles WHERE source_id = ?", (source_id,)
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def new_counts(self, assume_seen: Mapping[int, int] | None = None) -> dict[int, int]:
        """Articles per source that arrived since the user last looked at it (sources with
        none are absent). ``assume_seen`` (source → article id) counts marks on their way to
        the store as if stored."""
        assumed = dict(assume_seen or {})
        rows = self._db.execute(
            "SELECT s.id, sm.seen_through, (SELECT COUNT(*) FROM articles a"
            "  WHERE a.source_id = s.id AND a.id > COALESCE(sm.seen_through, 0))"
            " FROM sources s LEFT JOIN source_marks sm"
            " ON sm.source_id = s.id AND sm.user_name = ?",
            (self.user,),
        ).fetchall()
        counts: dict[int, int] = {}
        for source_id, seen_through, count in rows:
            through = assumed.get(source_id)
            if through is not None and through > (seen_through or 0):
                count = self._db.execute(
                    "SELECT COUNT(*) FROM articles WHERE source_id = ? AND id > ?",
                    (source_id, through),
                ).fetchone()[0]
            if count:
                counts[int(source_id)] = int(count)
        return counts

    def starred_count(self) -> int:
        return int(
            self._db.execute(
                "SELECT COUNT(*) FROM article_marks WHERE user_name = ? AND is_starred = 1",
                (self.user,),
            ).fetchone()[0]
        )

    def set_flags(
        self, article_id: int, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Mark an article read/unread or starred/unstarred (the user's own state)."""
        if read is None and starred is None:
            return
        with self.transaction() as db:
            # The user's marks row, made when first needed (none for an article gone).
            db.execute(
                "INSERT OR IGNORE INTO article_marks (user_name, article_id)"
                " SELECT ?, id FROM articles WHERE id = ?",
                (self.user, article_id),
            )
            if read is not None:
                db.execute(
                    "UPDATE article_marks SET is_read = ? WHERE user_name = ? AND article_id = ?",
                    (read, self.user, article_id),
                )
            if starred is not None:
                db.execute(
                    "UPDATE article_marks SET is_starred = ?"
                    " WHERE user_name = ? AND article_id = ?",
                    (starred, self.user, article_id),
                )

    def starred_ids(self) -> list[int]:
        """The starred articles' ids, newest first (by publication, else retrieval)."""
        rows = self._db.execute(
            "SELECT a.id FROM article_marks m JOIN articles a ON a.id = m.article_id"
            " WHERE m.user_name = ? AND m.is_starred = 1"
            " ORDER BY COALESCE(a.published, a.retrieved_at) DESC, a.id DESC",
            (self.user,),
        )
        return [int(row[0]) for row in rows]

    def unread_counts(self) -> dict[int, int]:
        rows = self._db.execute(
            "SELECT a.source_id, COUNT(*) FROM articles a LEFT JOIN article_marks m"
            " ON m.article_id = a.id AND m.user_name = ?"
            " WHERE COALESCE(m.is_read, 0) = 0 GROUP BY a.source_id",
            (self.user,),
        )
        return {int(r[0]): int(r[1]) for r in rows}
