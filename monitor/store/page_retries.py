"""Which article pages are due to be asked for again, and how a failed second try is kept.

One of the store's parts (``store.page_retries``), on the store's database. The policy
(which failures, how often, for how long) is :mod:`monitor.collect.pages`'s; this module only stores
its decisions (``page_attempts``, ``page_retry_at``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from monitor.clock import to_iso
from monitor.store.database import Database
from monitor.store.rows import ARTICLE_COLUMNS, ARTICLES_FROM, article_from_row
from monitor.types import Article, ArticleState

if TYPE_CHECKING:
    pass


class PageRetries:
    def __init__(self, database: Database, *, user: str = "") -> None:
        self._database = database
        self._user = user
        self._db = self._database.connection

    def due(self, source_id: int, *, now: datetime, first_seen_since: datetime) -> list[Article]:
        """Stored articles of the source whose page is due again and that are still young."""
        rows = self._db.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLES_FROM}"
            " WHERE a.source_id = ? AND a.page_retry_at IS NOT NULL AND a.page_retry_at <= ?"
            " AND a.retrieved_at >= ? AND a.state >= ? ORDER BY a.id",
            (
                self._user,
                source_id,
                to_iso(now),
                to_iso(first_seen_since),
                int(ArticleState.DETECTED),
            ),
        )
        return [article_from_row(row) for row in rows]

    def record_failure(self, article_id: int, *, error: str, retry_at: datetime | None) -> None:
        """The page failed again: the article keeps its text (and translation), with the new
        error and the next try (``None``: no more tries)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE articles SET last_error = ?, page_attempts = page_attempts + 1,"
                " page_retry_at = ? WHERE id = ?",
                (error, to_iso(retry_at), article_id),
            )
