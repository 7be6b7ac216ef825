"""How far the search index has come: change-log positions and the INDEXED state.

Shares the :class:`~monitor.store.Store`'s connection (and thread), like the translation store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from monitor.store.rows import in_chunks
from monitor.store.store import Store
from monitor.types import ArticleState


class IndexProgress:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._db: sqlite3.Connection = store._db

    def mark_indexed(self, ids: Iterable[int]) -> None:
        """Translated articles now in the index move on to INDEXED (others stay queued)."""
        with self._store.transaction() as db:
            db.executemany(
                "UPDATE articles SET state = ? WHERE id = ? AND state = ?",
                [(int(ArticleState.INDEXED), i, int(ArticleState.TRANSLATED)) for i in ids],
            )

    def mark_indexed_up_to(self, seq: int) -> None:
        """Translated articles with no change after ``seq`` are in the index: INDEXED.

        Repairs a run killed between the index's commit and :meth:`mark_indexed`.
        """
        with self._store.transaction() as db:
            db.execute(
                "UPDATE articles SET state = ? WHERE state = ? AND id NOT IN"
                " (SELECT article_id FROM changes WHERE seq > ?)",
                (int(ArticleState.INDEXED), int(ArticleState.TRANSLATED), seq),
            )

    def changed_after(self, seq: int, article_ids: Iterable[int]) -> set[int]:
        """Those of ``article_ids`` with a change after ``seq``."""
        found: set[int] = set()
        for chunk, marks in in_chunks(article_ids):
            rows = self._db.execute(
                "SELECT DISTINCT article_id FROM changes"
                f" WHERE seq > ? AND article_id IN ({marks})",
                (seq, *chunk),
            )
            found.update(int(row[0]) for row in rows)
        return found

    def last_change_seq(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])

    def count_changes_since(self, seq: int) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM changes WHERE seq > ?", (seq,)).fetchone()
        return int(row[0])
