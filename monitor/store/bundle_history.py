"""An article's history in air-gap bundles: its earlier texts, edits and deletion mark.

Since store schema 12 an edited Telegram post (or a web article whose page changed) keeps
each earlier title and text with the time it was first seen (and, since schema 14, the
translation it had) (``article_versions``), how
many it keeps (``edits``), when it was last edited, last seen on its channel, and when it
was found gone (``deleted_at``). A bundle carries these in the article's row: ``edits``,
``edited_at``, ``last_seen_at``, ``deleted_at`` and ``versions`` (oldest first). This
module reads them out of one store and merges them into another, on the connection of the
import's transaction; rows are checked by :mod:`monitor.bundles.checks` before they come here.

Merge rules for an article already here (both machines' evidence is kept):

* The bundle's versions the article lacks are added; the same ``seen_at``, title and text
  make the same version. ``edits`` becomes how many versions it now keeps, never fewer
  than before.
* ``edited_at`` and ``last_seen_at`` become the later of the two.
* The deletion mark follows the later observation. An article was last seen at its
  ``last_seen_at``, else when it was first retrieved. The bundle's mark counts when it is
  later than the local sighting; the local mark counts unless the bundle saw the article
  after it. The earlier mark that counts is kept; none counting, the article is not deleted.

When the two machines hold different current texts (one saw an edit the other did not),
the text seen later stays current and the other is kept as a version, with its translation:
nothing either machine saw is lost (:func:`settle_texts`).

A new article takes all of it as the bundle has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from monitor.store.connection import StoreConnection
from monitor.store.rows import in_chunks

Row = dict[str, Any]
HISTORY_FIELDS = ("edits", "edited_at", "last_seen_at", "deleted_at")
VERSION_FIELDS = ("title", "text", "seen_at", "translation")
_Version = tuple[str, str, str]  # seen_at, title, text: what makes two versions the same


def history_rows(db: StoreConnection, article_ids: Sequence[int]) -> dict[int, Row]:
    """The history fields and ``versions`` (oldest first) of ``article_ids``, by id."""
    histories: dict[int, Row] = {}
    for chunk, marks in in_chunks(article_ids):
        for article_id, *values in db.execute(
            f"SELECT id, {', '.join(HISTORY_FIELDS)} FROM articles WHERE id IN ({marks})", chunk
        ):
            histories[article_id] = dict(zip(HISTORY_FIELDS, values, strict=True))
            histories[article_id]["versions"] = []
        for article_id, *values in db.execute(
            f"SELECT article_id, {', '.join(VERSION_FIELDS)} FROM article_versions"
            f" WHERE article_id IN ({marks}) ORDER BY article_id, seen_at, id",
            chunk,
        ):
            versions = histories[article_id]["versions"]
            versions.append(dict(zip(VERSION_FIELDS, values, strict=True)))
    return histories


def add_history(db: StoreConnection, article_id: int, row: Row) -> None:
    """The history of the bundle's ``row`` for the article just added as ``article_id``."""
    kept = _add_versions(db, article_id, row["versions"], set())
    db.execute(
        "UPDATE articles SET edits = ?, edited_at = ?, last_seen_at = ?, deleted_at = ?"
        " WHERE id = ?",
        (
            max(row["edits"], len(kept)),
            row["edited_at"],
            row["last_seen_at"],
            row["deleted_at"],
            article_id,
        ),
    )


def merge_history(db: StoreConnection, article_id: int, row: Row) -> bool:
    """Merge the history of the bundle's ``row`` into the local ``article_id`` (see the
    module's rules); whether anything changed."""
    local = db.execute(
        "SELECT edits, edited_at, last_seen_at, deleted_at, retrieved_at FROM articles"
        " WHERE id = ?",
        (article_id,),
    ).fetchone()
    edits, edited_at, last_seen_at, deleted_at, retrieved_at = tuple(local)
    have: set[_Version] = {
        (seen_at, title, text)
        for title, text, seen_at, _ in db.execute(
            f"SELECT {', '.join(VERSION_FIELDS)} FROM article_versions WHERE article_id = ?",
            (article_id,),
        )
    }
    before = len(have)
    kept = _add_versions(db, article_id, row["versions"], have)
    merged = (
        max(edits, len(kept)),
        _later(edited_at, row["edited_at"]),
        _later(last_seen_at, row["last_seen_at"]),
        _deletion(
            local=(deleted_at, last_seen_at or retrieved_at),
            bundle=(row["deleted_at"], row["last_seen_at"] or row["retrieved_at"]),
        ),
    )
    if merged == (edits, edited_at, last_seen_at, deleted_at) and len(kept) == before:
        return False
    db.execute(
        "UPDATE articles SET edits = ?, edited_at = ?, last_seen_at = ?, deleted_at = ?"
        " WHERE id = ?",
        (*merged, article_id),
    )
    return True


def settle_texts(db: StoreConnection, article_id: int, row: Row) -> bool:
    """Whether the bundle's text may replace the local one. When the two differ, the one
    last seen earlier is kept as a version (as of its last edit, else its first reading);
    False when that is the bundle's, which then leaves the local text current."""
    local = db.execute(
        "SELECT title, text, feed_content, text_origin, edited_at, retrieved_at, last_seen_at"
        " FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    ours = _version_text(local[1], local[2], local[3])
    theirs = _version_text(row["text"], row["feed_content"], row["text_origin"])
    if (local[0], ours) == (row["title"], theirs):
        return True
    # Which text was seen last decides; each is kept as of its last edit (or first read).
    our_time = max(t for t in (local[4], local[5], local[6]) if t)
    their_time = max(t for t in (row["edited_at"], row["retrieved_at"], row["last_seen_at"]) if t)
    if their_time > our_time:
        earlier = (local[0], ours, local[4] or local[5], _translated_text(db, article_id))
    else:
        translated = row["translation"]
        english = None if translated is None else _joined(translated["sentences"])
        earlier = (row["title"], theirs, row["edited_at"] or row["retrieved_at"], english)
    exists = db.execute(
        "SELECT 1 FROM article_versions WHERE article_id = ? AND title = ? AND text = ?"
        " AND seen_at = ?",
        (article_id, *earlier[:3]),
    ).fetchone()
    if exists is None:
        db.execute(
            "INSERT INTO article_versions (article_id, title, text, seen_at, translation)"
            " VALUES (?, ?, ?, ?, ?)",
            (article_id, *earlier),
        )
    return bool(their_time > our_time)


def _version_text(text: str, feed_content: str, text_origin: str) -> str:
    # As monitor.store.post_history keeps versions: a page's text, else the feed's.
    return text if text_origin == "page" else feed_content


def _translated_text(db: StoreConnection, article_id: int) -> str | None:
    sentences = db.execute(
        "SELECT paragraph, translation FROM translation_sentences WHERE article_id = ?"
        " ORDER BY position",
        (article_id,),
    ).fetchall()
    return _joined([{"paragraph": p, "translation": t} for p, t in sentences]) or None


def _joined(sentences: Sequence[Row]) -> str | None:
    paragraphs: dict[int, list[str]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence["paragraph"], []).append(sentence["translation"])
    return "\n\n".join(" ".join(p) for p in paragraphs.values()) or None


def _add_versions(
    db: StoreConnection, article_id: int, versions: Iterable[Row], have: set[_Version]
) -> set[_Version]:
    """Insert the ``versions`` not in ``have``; returns ``have`` with them."""
    for version in versions:
        key = (version["seen_at"], version["title"], version["text"])
        if key in have:
            continue
        have.add(key)
        db.execute(
            "INSERT INTO article_versions (article_id, title, text, seen_at, translation)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                article_id,
                version["title"],
                version["text"],
                version["seen_at"],
                version["translation"],
            ),
        )
    return have


def _later(ours: str | None, theirs: str | None) -> str | None:
    # Both are in the store's form (UTC ISO-8601): comparing the text compares the times.
    if ours is None or theirs is None:
        return ours or theirs
    return max(ours, theirs)


def _deletion(*, local: tuple[str | None, str], bundle: tuple[str | None, str]) -> str | None:
    """The deletion mark to keep from each side's (mark, last sighting)."""
    (local_mark, local_seen), (bundle_mark, bundle_seen) = local, bundle
    marks = []
    if local_mark is not None and not bundle_seen > local_mark:
        marks.append(local_mark)
    if bundle_mark is not None and bundle_mark > local_seen:
        marks.append(bundle_mark)
    return min(marks, default=None)
