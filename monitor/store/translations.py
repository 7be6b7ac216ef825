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
    # False for a headline: the title and the lead are translated, the other sentences wait
    # (their translation is empty) and the article is still in the queue.
    complete: bool = True

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
class WaitingArticle:
    """An article in the translation queue, as translation workers' planning sees it."""

    id: int
    language: str | None
    headline: bool = False  # its title and lead are translated already
    opened: bool = False  # a user opened it: translated whole before the rest


@dataclass(frozen=True, slots=True)
class QueuedArticle:
    id: int
    title: str
    text: str
    language: str | None


# Waiting articles with no translation at all yet, not even their headline.
_UNTOUCHED = "AND NOT EXISTS (SELECT 1 FROM translations t WHERE t.article_id = articles.id)"
# The queue's order: what the user opened first, then the newest.
_QUEUE_ORDER = "ORDER BY priority DESC, COALESCE(published, retrieved_at) DESC, id DESC"


class TranslationStore:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = self._database.connection

    def next_batch(self, limit: int, skip_languages: Iterable[str] = ()) -> list[QueuedArticle]:
        """Articles waiting for translation, the ones a user opened first, then the newest."""
        return self._queued("", (), limit, skip_languages)

    def opened(self, limit: int, skip_languages: Iterable[str] = ()) -> list[QueuedArticle]:
        """Waiting articles the user opened (see :meth:`prioritize`), the latest opened first."""
        return self._queued("AND priority > 0", (), limit, skip_languages)

    def without_headline(
        self, limit: int, skip_languages: Iterable[str] = ()
    ) -> list[QueuedArticle]:
        """Waiting articles with no translation at all yet, not even their headline: the
        opened first, then the newest."""
        return self._queued(_UNTOUCHED, (), limit, skip_languages)

    def headlines_waiting(self) -> int:
        """How many waiting articles have no translation at all yet."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM articles WHERE state = ? AND NOT EXISTS"
            " (SELECT 1 FROM translations t WHERE t.article_id = articles.id)",
            (int(ArticleState.DETECTED),),
        ).fetchone()
        return int(row[0])

    def waiting_ids(self, skip_languages: Iterable[str] = ()) -> list[int]:
        """Every waiting article's id in the queue's order."""
        skipped = list(skip_languages)
        rows = self._db.execute(
            f"SELECT id FROM articles WHERE state = ? {_not_in(skipped)} {_QUEUE_ORDER}",
            (int(ArticleState.DETECTED), *skipped),
        )
        return [row[0] for row in rows]

    def unnoted(self) -> list[WaitingArticle]:
        """Waiting articles no run has found untranslatable ("no ko→en model"), in the
        queue's order: what translation workers are given."""
        rows = self._db.execute(
            "SELECT id, language, priority,"
            " EXISTS (SELECT 1 FROM translations t WHERE t.article_id = articles.id)"
            " FROM articles WHERE state = ? AND translation_note IS NULL " + _QUEUE_ORDER,
            (int(ArticleState.DETECTED),),
        )
        return [WaitingArticle(r[0], r[1], headline=bool(r[3]), opened=r[2] > 0) for r in rows]

    def clear_notes(self) -> int:
        """Forget why waiting articles were left untranslated, so they are tried again (a
        worker started with other models); how many were noted."""
        with self._database.transaction() as db:
            cleared = db.execute(
                "UPDATE articles SET translation_note = NULL"
                " WHERE state = ? AND translation_note IS NOT NULL",
                (int(ArticleState.DETECTED),),
            )
            return int(cleared.rowcount)

    def queued(self, article_ids: Iterable[int], *, untouched: bool = False) -> list[QueuedArticle]:
        """Those of ``article_ids`` still waiting, in the order given; with ``untouched``,
        only those with no translation at all yet (not even their headline)."""
        wanted = list(article_ids)
        found: dict[int, QueuedArticle] = {}
        clause = _UNTOUCHED if untouched else ""
        for chunk, marks in in_chunks(wanted):
            for r in self._db.execute(
                f"SELECT id, title, text, language FROM articles WHERE id IN ({marks})"
                f" AND state = ? {clause}",
                (*chunk, int(ArticleState.DETECTED)),
            ):
                found[r["id"]] = QueuedArticle(r["id"], r["title"], r["text"], r["language"])
        return [found[article_id] for article_id in wanted if article_id in found]

    def _queued(
        self, clause: str, values: tuple[object, ...], limit: int, skip_languages: Iterable[str]
    ) -> list[QueuedArticle]:
        skipped = list(skip_languages)
        rows = self._db.execute(
            "SELECT id, title, text, language FROM articles WHERE state = ? "
            f"{clause} {_not_in(skipped)} {_QUEUE_ORDER} LIMIT ?",
            (int(ArticleState.DETECTED), *values, *skipped, limit),
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
            "SELECT state, priority, COALESCE(published, retrieved_at) FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None or row["state"] != int(ArticleState.DETECTED):
            return None
        priority, moment = row[1], row[2]
        ahead = self._db.execute(
            "SELECT COUNT(*) FROM articles WHERE state = ? AND (priority > ? OR (priority = ?"
            " AND (COALESCE(published, retrieved_at) > ? OR"
            " (COALESCE(published, retrieved_at) = ? AND id > ?))))",
            (int(ArticleState.DETECTED), priority, priority, moment, moment, article_id),
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
        complete: bool = True,
    ) -> None:
        """Store an article's translation. A complete one takes the article out of the queue;
        a headline (``complete=False``) leaves it there, and is never stored over a complete
        translation (one of an earlier text, say)."""
        rows = list(sentences)
        degenerate = any(s.degenerate for s in rows)
        with self._database.transaction() as db:
            if (
                not complete
                and db.execute(
                    "SELECT 1 FROM translations WHERE article_id = ?", (article_id,)
                ).fetchone()
            ):
                return
            db.execute("DELETE FROM translations WHERE article_id = ?", (article_id,))
            db.execute(
                "INSERT INTO translations (article_id, target, title, route, is_pivot,"
                " translated_at, degenerate, complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, target, title, route, is_pivot, to_iso(at), degenerate, complete),
            )
            db.executemany(
                "INSERT INTO translation_sentences (article_id, position, paragraph, original,"
                " translation, degenerate) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (article_id, index, s.paragraph, s.original, s.translation, s.degenerate)
                    for index, s in enumerate(rows)
                ],
            )
            if complete:
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
            complete=bool(row["complete"]),
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


def _not_in(languages: list[str]) -> str:
    """The clause leaving out articles in ``languages`` (their values follow the others)."""
    if not languages:
        return ""
    return f"AND COALESCE(language, '') NOT IN ({', '.join('?' for _ in languages)})"
