"""Stories in air-gap bundles: the groupings the user made by hand travel; the rest is
grouped again where the bundle is imported (grouping runs as the articles are indexed).

An article's row carries ``story`` (the bundle's id of its story) and ``story_by_user``
(whether the user placed it there). On import, the articles the user placed together in one
bundled story are put in one local story, as the user's: grouping never moves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from monitor.clock import to_iso
from monitor.store.connection import StoreConnection
from monitor.store.rows import in_chunks

Row = dict[str, Any]


def story_fields(db: StoreConnection, article_ids: Sequence[int]) -> dict[int, Row]:
    """``story`` and ``story_by_user`` of each of ``article_ids`` that is in a story."""
    found: dict[int, Row] = {}
    for chunk, marks in in_chunks(list(article_ids)):
        for article_id, story_id, by_user in db.execute(
            f"SELECT article_id, story_id, by_user FROM story_articles"
            f" WHERE article_id IN ({marks})",
            chunk,
        ):
            found[int(article_id)] = {"story": int(story_id), "story_by_user": bool(by_user)}
    return found


def place_by_user(
    db: StoreConnection,
    rows: Iterable[tuple[Row, int]],
    at: datetime,
) -> int:
    """Put the articles the user placed together (bundle rows, with their local ids) into
    one local story each; how many articles were placed."""
    groups: dict[int, list[int]] = {}
    for row, local_id in rows:
        if row.get("story_by_user") and row.get("story") is not None:
            groups.setdefault(int(row["story"]), []).append(local_id)
    placed = 0
    for local_ids in groups.values():
        cursor = db.execute(
            "INSERT INTO stories (created_at, updated_at) VALUES (?, ?)", (to_iso(at), to_iso(at))
        )
        story_id = cursor.lastrowid
        for local_id in local_ids:
            old = db.execute(
                "SELECT story_id FROM story_articles WHERE article_id = ?", (local_id,)
            ).fetchone()
            db.execute(
                "INSERT OR REPLACE INTO story_articles (article_id, story_id, score, reason,"
                " linked_to, by_user, with_translation) VALUES (?, ?, 1.0, ?, NULL, 1, 1)",
                (local_id, story_id, "placed here by the user (from a bundle)"),
            )
            if old is not None:
                db.execute(
                    "DELETE FROM stories WHERE id = ? AND NOT EXISTS"
                    " (SELECT 1 FROM story_articles WHERE story_id = ?)",
                    (old[0], old[0]),
                )
            placed += 1
    return placed
