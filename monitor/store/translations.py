"""Stored translations: the aligned sentences, the work queue and the sentence cache.

One of the store's parts (``store.translations``), on the store's database. The reader, the
search index and the exports all read translations from here, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from monitor.clock import from_iso, to_iso
from monitor.store.database import Database
from monitor.store.notes import reanchor
from monitor.store.rows import in_chunks
from monitor.types import ArticleState, SentencePair
from translations.types import join_paragraphs

if TYPE_CHECKING:
    pass

ORIGINAL_LANGUAGE_ROUTE = "original language"
UNKNOWN_LANGUAGE_ROUTE = "language unknown; not translated"
UNTRANSLATED_ROUTES = frozenset({ORIGINAL_LANGUAGE_ROUTE, UNKNOWN_LANGUAGE_ROUTE})


@dataclass(frozen=True, slots=True)
class StoredTranslation:
    article_id: int
    target: str
    title: str
    route: str  # "ru→en (translate-ru_en-1_9 1.9)": the model that made it, and its version
    is_pivot: bool
    translated_at: datetime
    degenerate: bool
    sentences: tuple[SentencePair, ...]

    @property
    def by_model(self) -> bool:
        """False for articles aligned with themselves (already in the target language, or in
        an unknown one): there is no machine translation to show, index or export."""
        return self.route not in UNTRANSLATED_ROUTES

    @property
    def text(self) -> str:
        """The translation with the original's paragraphs."""
        return join_paragraphs((s.paragraph, s.translation) for s in self.sentences)


@dataclass(frozen=True, slots=True)
class QueuedArticle:
    id: int
    title: str
    text: str
    language: str | None


class TranslationStore:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = self._database.connection

    def next_batch(self, limit: int, skip_languages: Iterable[str] = ()) -> list[QueuedArticle]:
        """Articles waiting for translation, the ones a user asked for first."""
        skipped = list(skip_languages)
        marks = ", ".join("?" for _ in skipped)
        clause = f"AND COALESCE(language, '') NOT IN ({marks})" if skipped else ""
        rows = self._db.execute(
            "SELECT id, title, text, language FROM articles WHERE state = ? "
            f"{clause} ORDER BY priority DESC, id LIMIT ?",
            (int(ArticleState.DETECTED), *skipped, limit),
        )
        return [QueuedArticle(r["id"], r["title"], r["text"], r["language"]) for r in rows]

    def waiting(self) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM articles WHERE state = ?", (int(ArticleState.DETECTED),)
        ).fetchone()
        return int(row[0])

    def waiting_by_language(self) -> dict[str | None, int]:
        rows = self._db.execute(
            "SELECT language, COUNT(*) FROM articles WHERE state = ? GROUP BY language",
            (int(ArticleState.DETECTED),),
        )
        return {row[0]: int(row[1]) for row in rows}

    def queue_position(self, article_id: int) -> int | None:
        """1 for the next article to translate; None if the article is not waiting."""
        row = self._db.execute(
            "SELECT state, priority FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None or row["state"] != int(ArticleState.DETECTED):
            return None
        ahead = self._db.execute(
            "SELECT COUNT(*) FROM articles WHERE state = ? AND"
            " (priority > ? OR (priority = ? AND id < ?))",
            (int(ArticleState.DETECTED), row["priority"], row["priority"], article_id),
        ).fetchone()[0]
        return int(ahead) + 1

    def prioritize(self, article_id: int) -> None:
        """Move an article to the front of the queue (the user opened it)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE articles SET priority = (SELECT MAX(priority) FROM articles) + 1"
                " WHERE id = ?",
                (article_id,),
            )

    def save(
        self,
        article_id: int,
        *,
        target: str,
        title: str,
        route: str,
        is_pivot: bool,
        at: datetime,
        sentences: Iterable[SentencePair],
    ) -> None:
        rows = list(sentences)
        degenerate = any(s.degenerate for s in rows)
        with self._database.transaction() as db:
            db.execute("DELETE FROM translations WHERE article_id = ?", (article_id,))
            db.execute(
                "INSERT INTO translations (article_id, target, title, route, is_pivot,"
                " translated_at, degenerate) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article_id, target, title, route, is_pivot, to_iso(at), degenerate),
            )
            db.executemany(
                "INSERT INTO translation_sentences (article_id, position, paragraph, original,"
                " translation, degenerate) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (article_id, index, s.paragraph, s.original, s.translation, s.degenerate)
                    for index, s in enumerate(rows)
                ],
            )
            db.execute(
                "UPDATE articles SET state = MAX(state, ?), translation_note = NULL,"
                " priority = 0 WHERE id = ?",
                (int(ArticleState.TRANSLATED), article_id),
            )
            reanchor(db, article_id)  # the user's notes find their sentences in the new list

    def note_language(self, language: str, note: str) -> None:
        """Say why waiting articles in ``language`` stay untranslated ("no ru→en model")."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE articles SET translation_note = ? WHERE state = ? AND language = ?",
                (note, int(ArticleState.DETECTED), language),
            )

    def note(self, article_id: int) -> str | None:
        row = self._db.execute(
            "SELECT translation_note FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else row[0]

    def translation(self, article_id: int) -> StoredTranslation | None:
        row = self._db.execute(
            "SELECT * FROM translations WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        sentences = self._db.execute(
            "SELECT paragraph, original, translation, degenerate FROM translation_sentences"
            " WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
        translated_at = from_iso(row["translated_at"])
        assert translated_at is not None
        return StoredTranslation(
            article_id=article_id,
            target=row["target"],
            title=row["title"],
            route=row["route"],
            is_pivot=bool(row["is_pivot"]),
            translated_at=translated_at,
            degenerate=bool(row["degenerate"]),
            sentences=tuple(SentencePair(s[0], s[1], s[2], bool(s[3])) for s in sentences),
        )

    def machine_titles(self, article_ids: Iterable[int]) -> dict[int, str]:
        """The translated titles of those of ``article_ids`` a model translated (for lists:
        no sentences are read)."""
        titles: dict[int, str] = {}
        for chunk, marks in in_chunks(article_ids):
            for row in self._db.execute(
                f"SELECT article_id, title, route FROM translations WHERE article_id IN ({marks})",
                chunk,
            ):
                if row["route"] not in UNTRANSLATED_ROUTES:
                    titles[row["article_id"]] = row["title"]
        return titles

    def machine_texts(self, article_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """The translated title and text of those of ``article_ids`` a model translated, in two
        queries whatever their number (for a page of search hits)."""
        titles = self.machine_titles(article_ids)
        paragraphs: dict[int, list[tuple[int, str]]] = {article_id: [] for article_id in titles}
        for chunk, marks in in_chunks(titles):
            for row in self._db.execute(
                "SELECT article_id, paragraph, translation FROM translation_sentences"
                f" WHERE article_id IN ({marks}) ORDER BY article_id, position",
                chunk,
            ):
                paragraphs[row[0]].append((row[1], row[2]))
        return {
            article_id: (title, join_paragraphs(paragraphs[article_id]))
            for article_id, title in titles.items()
        }

    # The sentence cache (translations.cache.SentenceCache) -----------------------------

    def get_many(self, model: str, sentences: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk, marks in in_chunks(sentences):
            rows = self._db.execute(
                "SELECT sentence, translation FROM translation_cache"
                f" WHERE model = ? AND sentence IN ({marks})",
                (model, *chunk),
            )
            found.update((row[0], row[1]) for row in rows)
        return found

    def put_many(self, model: str, translations: Mapping[str, str]) -> None:
        if not translations:
            return
        with self._database.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO translation_cache (model, sentence, translation)"
                " VALUES (?, ?, ?)",
                [(model, sentence, text) for sentence, text in translations.items()],
            )
