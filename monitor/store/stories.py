"""The store's part for stories (``store.stories``): which story each article is in and why,
the user's corrections, and the features grouping looks articles up by."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from monitor.clock import to_iso
from monitor.store.connection import StoreConnection
from monitor.store.database import Database
from monitor.store.rows import in_chunks
from monitor.types import ArticleState

Link = tuple[int, float, str, int | None]  # story, score, reason, the article it was linked to


class StoryStore:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = database.connection

    # Grouping ------------------------------------------------------------------------------

    def waiting(self, article_ids: Sequence[int]) -> list[int]:
        """Those of ``article_ids`` to group: not in a story yet (their text and language
        known), or alone in one since before they were translated (a translation may bring
        them company); never one the user placed."""
        found: list[int] = []
        for chunk, marks in in_chunks(list(article_ids)):
            found += [
                int(row[0])
                for row in self._db.execute(
                    f"SELECT a.id FROM articles a"
                    f" LEFT JOIN story_articles s ON s.article_id = a.id"
                    f" WHERE a.id IN ({marks}) AND a.state >= ?"
                    f" AND (s.article_id IS NULL OR (s.by_user = 0 AND s.with_translation = 0"
                    f"  AND a.state >= ? AND (SELECT COUNT(*) FROM story_articles o"
                    f"  WHERE o.story_id = s.story_id) = 1))",
                    (*chunk, int(ArticleState.DETECTED), int(ArticleState.TRANSLATED)),
                )
            ]
        return found

    def mark_changed(self, article_ids: Iterable[int]) -> None:
        """Have the index take these articles again (their story changed)."""
        with self._database.transaction() as db:
            db.executemany(
                "INSERT INTO changes (article_id, kind) VALUES (?, 'changed')",
                [(article_id,) for article_id in article_ids],
            )

    def save_features(
        self, article_id: int, moment: datetime, data: dict[str, object], keys: Iterable[str]
    ) -> None:
        with self._database.transaction() as db:
            db.execute("DELETE FROM story_keys WHERE article_id = ?", (article_id,))
            db.execute(
                "INSERT OR REPLACE INTO story_features (article_id, moment, features)"
                " VALUES (?, ?, ?)",
                (article_id, to_iso(moment), json.dumps(data, ensure_ascii=False)),
            )
            db.executemany(
                "INSERT INTO story_keys (key, article_id, moment) VALUES (?, ?, ?)",
                [(key, article_id, to_iso(moment)) for key in sorted(set(keys))],
            )

    def sharing(
        self, keys: Sequence[str], since: datetime, until: datetime, exclude: int
    ) -> Counter[int]:
        """Articles of the time span that share keys with one: how many each shares."""
        found: Counter[int] = Counter()
        for chunk, marks in in_chunks(list(keys)):
            for article_id, count in self._db.execute(
                f"SELECT article_id, COUNT(*) FROM story_keys WHERE key IN ({marks})"
                f" AND moment BETWEEN ? AND ? AND article_id != ? GROUP BY article_id",
                (*chunk, to_iso(since), to_iso(until), exclude),
            ):
                found[int(article_id)] += int(count)
        return found

    def key_counts(self, keys: Sequence[str]) -> dict[str, int]:
        """How many articles have each key (what makes a key rare, so telling)."""
        counts: dict[str, int] = {}
        for chunk, marks in in_chunks(list(keys)):
            for key, count in self._db.execute(
                f"SELECT key, COUNT(*) FROM story_keys WHERE key IN ({marks}) GROUP BY key", chunk
            ):
                counts[str(key)] = int(count)
        return counts

    def keyed_articles(self) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM story_features").fetchone()
        return int(row[0])

    def features_of(self, article_ids: Sequence[int]) -> dict[int, dict[str, object]]:
        found: dict[int, dict[str, object]] = {}
        for chunk, marks in in_chunks(list(article_ids)):
            for article_id, data in self._db.execute(
                f"SELECT article_id, features FROM story_features WHERE article_id IN ({marks})",
                chunk,
            ):
                found[int(article_id)] = json.loads(data)
        return found

    def stories_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk, marks in in_chunks(list(article_ids)):
            for article_id, story_id in self._db.execute(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})",
                chunk,
            ):
                found[int(article_id)] = int(story_id)
        return found

    def apart(self, article_id: int) -> set[int]:
        """The stories the user took this article out of."""
        rows = self._db.execute(
            "SELECT story_id FROM story_apart WHERE article_id = ?", (article_id,)
        )
        return {int(row[0]) for row in rows}

    def place(
        self,
        article_id: int,
        story_id: int | None,
        link: tuple[float, str, int | None],
        *,
        at: datetime,
        translated: bool,
        by_user: bool = False,
    ) -> int:
        """Put the article in ``story_id`` (None: a new story); the story's id."""
        score, reason, linked_to = link
        with self._database.transaction() as db:
            old = db.execute(
                "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
            ).fetchone()
            if story_id is None:
                cursor = db.execute(
                    "INSERT INTO stories (created_at, updated_at) VALUES (?, ?)",
                    (to_iso(at), to_iso(at)),
                )
                assert cursor.lastrowid is not None
                story_id = cursor.lastrowid
            else:
                db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (to_iso(at), story_id))
            db.execute(
                "INSERT OR REPLACE INTO story_articles"
                " (article_id, story_id, score, reason, linked_to, by_user, with_translation)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article_id, story_id, score, reason, linked_to, int(by_user), int(translated)),
            )
            if old is not None and int(old[0]) != story_id:
                _drop_if_empty(db, int(old[0]))
        return story_id

    # Reading -------------------------------------------------------------------------------

    def story_of(self, article_id: int) -> int | None:
        row = self._db.execute(
            "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def members(self, story_id: int) -> list[tuple[int, float, str, int | None, bool]]:
        """(article, score, reason, linked to, placed by the user) of a story."""
        rows = self._db.execute(
            "SELECT s.article_id, s.score, s.reason, s.linked_to, s.by_user FROM story_articles s"
            " JOIN articles a ON a.id = s.article_id WHERE s.story_id = ?"
            " ORDER BY COALESCE(a.published, a.retrieved_at), a.id",
            (story_id,),
        )
        return [(int(r[0]), float(r[1]), str(r[2]), r[3], bool(r[4])) for r in rows]

    def story_sizes(
        self, *, minimum: int = 1, limit: int | None = 200
    ) -> list[tuple[int, int, str]]:
        """Stories with at least ``minimum`` articles, the latest updated first:
        (story, articles, updated)."""
        rows = self._db.execute(
            "SELECT st.id, COUNT(sa.article_id), st.updated_at FROM stories st"
            " JOIN story_articles sa ON sa.story_id = st.id GROUP BY st.id"
            " HAVING COUNT(sa.article_id) >= ? ORDER BY st.updated_at DESC, st.id DESC LIMIT ?",
            (minimum, 2**62 if limit is None else limit),  # no limit: a number both servers take
        )
        return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]

    # The user's corrections ------------------------------------------------------------------

    def keep_apart(self, article_id: int, story_id: int) -> None:
        with self._database.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO story_apart (article_id, story_id) VALUES (?, ?)",
                (article_id, story_id),
            )

    def merge(self, into: int, other: int, *, at: datetime) -> int:
        """Move every article of ``other`` into ``into`` (as the user's choice)."""
        with self._database.transaction() as db:
            moved = db.execute(
                "UPDATE story_articles SET story_id = ?, by_user = 1 WHERE story_id = ?",
                (into, other),
            ).rowcount
            db.execute("UPDATE story_articles SET by_user = 1 WHERE story_id = ?", (into,))
            db.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (to_iso(at), into))
            _drop_if_empty(db, other)
        return int(moved)


def _drop_if_empty(db: StoreConnection, story_id: int) -> None:
    """Forget a story its last article left."""
    db.execute(
        "DELETE FROM stories WHERE id = ? AND NOT EXISTS"
        " (SELECT 1 FROM story_articles WHERE story_id = ?)",
        (story_id, story_id),
    )
