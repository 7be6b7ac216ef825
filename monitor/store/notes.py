"""Stored highlights and notes on sentences, and finding their sentences again.

One of the store's parts (``store.notes``), on the store's database. A note is anchored to a
sentence of its article's aligned sentence list (its position) and a side, and keeps the
sentence's text on both sides as they read when it was made. When the sentence list is
replaced (a new translation, a bundle's), :func:`reanchor` finds each note's sentence again
by that text: the same sentence on its side, else the same counterpart on the other side (a
re-translation changes only the translation), else a sentence that reads nearly the same
(a corrected typo). A note whose sentence cannot be found is kept, detached
(``sentence_index`` NULL), with the text it was made on; a text without sentences (an
article waiting for its new translation) leaves every note detached until it has them.

Notes are the store's user's: another user's notes on the same sentence are theirs, never
shown here nor searched by this user's index (they are found again like these, though: the
sentences are everyone's).

Triggers put a note's article in the change log when a note is added, removed or its text
edited (see :mod:`monitor.store.database`): the index holds notes beside their article.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from monitor.clock import Clock, from_iso, to_iso, utc_now
from monitor.errors import MonitorError, NotFoundError
from monitor.store.connection import StoreConnection, StoreRow
from monitor.store.database import Database
from monitor.store.rows import in_chunks
from monitor.types import Note, NoteColour, NoteSide

if TYPE_CHECKING:
    pass

MAX_NOTE_CHARACTERS = 20_000  # pages of text: a note, not a document
NEARLY_THE_SAME = 0.8  # SequenceMatcher ratio above which a changed sentence is still the one

# The note with whether its sentence is still at its position (a text re-extracted and not
# yet translated again has no sentences at all).
_SELECT = (
    "SELECT n.*, ts.position IS NOT NULL AS present FROM notes n"
    " LEFT JOIN translation_sentences ts"
    " ON ts.article_id = n.article_id AND ts.position = n.sentence_index"
    " WHERE n.user_name = ?"
)
_ORDER = " ORDER BY n.article_id, n.sentence_index IS NULL, n.sentence_index, n.side, n.id"


class NoteStore:
    def __init__(self, database: Database, *, clock: Clock = utc_now, user: str = "") -> None:
        self._database = database
        self._user = user
        self._db = self._database.connection
        self._clock = clock

    def for_article(self, article_id: int) -> list[Note]:
        """The article's notes in the order of their sentences; detached ones last."""
        rows = self._db.execute(f"{_SELECT} AND n.article_id = ?{_ORDER}", (self._user, article_id))
        return [_note(row) for row in rows]

    def for_articles(self, article_ids: Iterable[int]) -> dict[int, list[Note]]:
        """The notes of each of ``article_ids`` that has any, in a query per 500 articles."""
        found: dict[int, list[Note]] = {}
        for chunk, marks in in_chunks(article_ids):
            rows = self._db.execute(
                f"{_SELECT} AND n.article_id IN ({marks}){_ORDER}", (self._user, *chunk)
            )
            for row in rows:
                found.setdefault(row["article_id"], []).append(_note(row))
        return found

    def all(self) -> list[Note]:
        """Every note, the most recently changed first."""
        rows = self._db.execute(f"{_SELECT} ORDER BY n.updated_at DESC, n.id DESC", (self._user,))
        return [_note(row) for row in rows]

    def get(self, note_id: int) -> Note:
        row = self._db.execute(f"{_SELECT} AND n.id = ?", (self._user, note_id)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no note with id {note_id} (`media-monitor notes list` shows them)"
            )
        return _note(row)

    def texts(self, article_ids: Iterable[int]) -> dict[int, str]:
        """The notes' text of each of ``article_ids`` that has any, one note a line (for the
        search index)."""
        texts: dict[int, list[str]] = {}
        for chunk, marks in in_chunks(article_ids):
            rows = self._db.execute(
                "SELECT article_id, text FROM notes WHERE user_name = ? AND text != ''"
                f" AND article_id IN ({marks}) ORDER BY article_id, id",
                (self._user, *chunk),
            )
            for row in rows:
                texts.setdefault(row[0], []).append(row[1])
        return {article_id: "\n".join(lines) for article_id, lines in texts.items()}

    def mark(
        self,
        article_id: int,
        sentence: int,
        side: NoteSide,
        *,
        colour: NoteColour | None = None,
        text: str | None = None,
    ) -> Note:
        """Highlight sentence ``sentence`` of the article on ``side``, or change its mark.

        A sentence has one mark per side: marking it again changes that mark's colour or text
        (``None`` keeps what it has; a new mark is yellow, without a note).
        """
        text = _checked_text(text)
        now = to_iso(self._clock())
        with self._database.transaction() as db:
            pair = db.execute(
                "SELECT original, translation FROM translation_sentences"
                " WHERE article_id = ? AND position = ?",
                (article_id, sentence),
            ).fetchone()
            if pair is None:
                raise _no_sentence(db, article_id, sentence)
            existing = db.execute(
                "SELECT id FROM notes WHERE user_name = ? AND article_id = ?"
                " AND sentence_index = ? AND side = ? ORDER BY id LIMIT 1",
                (self._user, article_id, sentence, side.value),
            ).fetchone()
            if existing is not None:
                note_id = int(existing[0])
                _update(db, note_id, colour, text, now)
            else:
                mine, other = (0, 1) if side is NoteSide.ORIGINAL else (1, 0)
                cursor = db.execute(
                    "INSERT INTO notes (user_name, article_id, sentence_index, side, sentence,"
                    " counterpart, colour, text, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        self._user,
                        article_id,
                        sentence,
                        side.value,
                        pair[mine],
                        pair[other],
                        (colour or NoteColour.YELLOW).value,
                        text or "",
                        now,
                        now,
                    ),
                )
                assert cursor.lastrowid is not None
                note_id = cursor.lastrowid
        return self.get(note_id)

    def edit(
        self, note_id: int, *, colour: NoteColour | None = None, text: str | None = None
    ) -> Note:
        """Change a note's colour or text (``None`` keeps it), detached or not."""
        text = _checked_text(text)
        self.get(note_id)
        with self._database.transaction() as db:
            _update(db, note_id, colour, text, to_iso(self._clock()))
        return self.get(note_id)

    def remove(self, note_id: int) -> Note:
        note = self.get(note_id)
        with self._database.transaction() as db:
            db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        return note


def reanchor(db: StoreConnection, article_id: int) -> None:
    """Find each of the article's notes in its sentence list as it is now (run on the
    connection of the transaction that replaced the sentences)."""
    notes = db.execute(
        "SELECT id, sentence_index, side, sentence, counterpart FROM notes WHERE article_id = ?",
        (article_id,),
    ).fetchall()
    if not notes:
        return
    pairs = [
        (row[0], row[1])
        for row in db.execute(
            "SELECT original, translation FROM translation_sentences WHERE article_id = ?"
            " ORDER BY position",
            (article_id,),
        )
    ]
    if not pairs:
        return  # no sentences now: detached until a translation brings them back
    for note in notes:
        found = find_sentence(
            pairs, NoteSide(note["side"]), note["sentence"], note["counterpart"],
            near=note["sentence_index"],
        )  # fmt: skip
        if found != note["sentence_index"]:
            db.execute("UPDATE notes SET sentence_index = ? WHERE id = ?", (found, note["id"]))


def reanchor_articles(db: StoreConnection, article_ids: Iterable[int]) -> None:
    """:func:`reanchor` for those of ``article_ids`` that have notes."""
    for chunk, marks in in_chunks(article_ids):
        rows = db.execute(
            f"SELECT DISTINCT article_id FROM notes WHERE article_id IN ({marks})", chunk
        ).fetchall()
        for row in rows:
            reanchor(db, int(row[0]))


def find_sentence(
    pairs: Sequence[tuple[str, str]],
    side: NoteSide,
    sentence: str,
    counterpart: str,
    *,
    near: int | None = None,
) -> int | None:
    """Where a sentence marked on ``side`` is in ``pairs`` (original, translation), or None.

    The same text on its side first, else the same counterpart on the other side, else the
    sentence that reads most nearly the same on its side (at least :data:`NEARLY_THE_SAME`);
    among equals, the one nearest to position ``near``.
    """
    mine, other = (0, 1) if side is NoteSide.ORIGINAL else (1, 0)
    for wanted, column in ((sentence, mine), (counterpart, other)):
        if not wanted:
            continue
        same = [index for index, pair in enumerate(pairs) if pair[column] == wanted]
        if same:
            return min(same, key=lambda index: (abs(index - (near or 0)), index))
    best: tuple[float, int, int] | None = None  # (ratio, -distance from near, position)
    for index, pair in enumerate(pairs):
        matcher = SequenceMatcher(None, sentence, pair[mine], autojunk=False)
        if matcher.real_quick_ratio() < NEARLY_THE_SAME or matcher.quick_ratio() < NEARLY_THE_SAME:
            continue
        candidate = (matcher.ratio(), -abs(index - (near or 0)), index)
        if candidate[0] >= NEARLY_THE_SAME and (best is None or candidate[:2] > best[:2]):
            best = candidate
    return None if best is None else best[2]


def _update(
    db: StoreConnection,
    note_id: int,
    colour: NoteColour | None,
    text: str | None,
    now: str | None,
) -> None:
    db.execute(
        "UPDATE notes SET colour = COALESCE(?, colour), text = COALESCE(?, text),"
        " updated_at = ? WHERE id = ?",
        (colour.value if colour else None, text, now, note_id),
    )


def _checked_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if len(text) > MAX_NOTE_CHARACTERS:
        raise MonitorError(
            f"a note holds at most {MAX_NOTE_CHARACTERS:,} characters, not {len(text):,};"
            " shorten it"
        )
    return text


def _no_sentence(db: StoreConnection, article_id: int, sentence: int) -> NotFoundError:
    if db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        return NotFoundError(f"no article with id {article_id}")
    count = db.execute(
        "SELECT COUNT(*) FROM translation_sentences WHERE article_id = ?", (article_id,)
    ).fetchone()[0]
    if not count:
        return NotFoundError(
            f"article {article_id} has no sentences to mark yet: notes are made on the sentences"
            " of its translation, and it has not been translated (or its text changed and it"
            " waits to be translated again)"
        )
    return NotFoundError(
        f"article {article_id} has no sentence {sentence}: its sentences are numbered 0 to"
        f" {count - 1} (`media-monitor notes sentences {article_id}` shows them)"
    )


def _note(row: StoreRow) -> Note:
    created_at, updated_at = from_iso(row["created_at"]), from_iso(row["updated_at"])
    assert created_at is not None and updated_at is not None
    present = row["present"] and row["sentence_index"] is not None
    return Note(
        id=row["id"],
        article_id=row["article_id"],
        sentence=int(row["sentence_index"]) if present else None,
        side=NoteSide(row["side"]),
        sentence_text=row["sentence"],
        counterpart_text=row["counterpart"],
        colour=_colour(row["colour"]),
        text=row["text"],
        created_at=created_at,
        updated_at=updated_at,
    )


def _colour(value: str) -> NoteColour:
    try:
        return NoteColour(value)
    except ValueError:  # a colour from a newer version: shown as the plain highlight
        return NoteColour.YELLOW
