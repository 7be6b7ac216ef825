"""The store's part for names (``store.names``): the spellings the user added to the alias
table, and which entities each article mentions (found by :mod:`monitor.names.entities`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from monitor.clock import to_iso
from monitor.store.database import Database
from monitor.store.rows import in_chunks


class NameStore:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = database.connection

    def mark_changed(self, article_ids: Iterable[int]) -> None:
        """Have the index take these articles again (their entities are found anew)."""
        with self._database.transaction() as db:
            db.executemany(
                "INSERT INTO changes (article_id, kind) VALUES (?, 'changed')",
                [(article_id,) for article_id in article_ids],
            )

    def revision(self) -> int:
        """Changes when a spelling is added (by this process or another): the newest row."""
        row = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM name_spellings").fetchone()
        return int(row[0])

    def spellings(self) -> list[tuple[str, str, str]]:
        """Every spelling the user added: (entity id, language, form), oldest first."""
        rows = self._db.execute("SELECT entity, language, form FROM name_spellings ORDER BY id")
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def add_spelling(self, entity: str, language: str, form: str, *, at: datetime) -> bool:
        """Add a spelling; False when it was there already."""
        with self._database.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO name_spellings (entity, language, form, added_at)"
                " VALUES (?, ?, ?, ?)",
                (entity, language, form, to_iso(at)),
            )
        return bool(cursor.rowcount == 1)

    def set_entities_of(self, found: Mapping[int, Iterable[tuple[str, int, bool]]]) -> None:
        """Replace what each article mentions: (entity id, mentions, only in translation).
        An article removed meanwhile is skipped (its rows would point at nothing)."""
        with self._database.transaction() as db:
            for article_id, entities in found.items():
                db.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
                db.executemany(
                    "INSERT INTO article_entities (article_id, entity, mentions, in_translation)"
                    " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?)",
                    [
                        (article_id, entity, mentions, int(only), article_id)
                        for entity, mentions, only in entities
                    ],
                )

    def entities_of(self, article_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
        """The entities each article mentions, most mentioned first: (entity id, mentions)."""
        found: dict[int, list[tuple[str, int]]] = {article_id: [] for article_id in article_ids}
        for chunk, marks in in_chunks(article_ids):
            for article_id, entity, mentions in self._db.execute(
                f"SELECT article_id, entity, mentions FROM article_entities"
                f" WHERE article_id IN ({marks}) ORDER BY article_id, mentions DESC, entity",
                chunk,
            ):
                found[int(article_id)].append((str(entity), int(mentions)))
        return found

    def mentioning(self, entity: str) -> list[int]:
        """The ids of the articles that mention ``entity``."""
        rows = self._db.execute(
            "SELECT article_id FROM article_entities WHERE entity = ? ORDER BY article_id",
            (entity,),
        )
        return [int(row[0]) for row in rows]

    def found_named(self, name: str) -> list[str]:
        """Ids of entities the NER model found whose name is ``name`` (its dictionary form,
        any case) or ends with it (a surname): the most mentioned first."""
        wanted = "_".join(name.split()).casefold()
        rows = self._db.execute(
            "SELECT entity, SUM(mentions) AS n FROM article_entities WHERE entity LIKE 'found:%'"
            " GROUP BY entity ORDER BY n DESC, entity"
        )
        ids = [str(row[0]) for row in rows]
        return [
            i
            for i in ids
            if (body := i.split(":", 2)[-1].casefold()) == wanted or body.endswith("_" + wanted)
        ]

    def mentioned_with(self, entity: str, limit: int = 10) -> list[tuple[str, int]]:
        """The entities most often mentioned in the same articles: (entity id, articles)."""
        rows = self._db.execute(
            "SELECT other.entity, COUNT(*) FROM article_entities one"
            " JOIN article_entities other ON other.article_id = one.article_id"
            " AND other.entity != one.entity WHERE one.entity = ?"
            " GROUP BY other.entity ORDER BY COUNT(*) DESC, other.entity LIMIT ?",
            (entity, limit),
        )
        return [(str(row[0]), int(row[1])) for row in rows]
