"""What a Telegram post was before it was edited, and whether it is still on its channel.

One of the store's parts (``store.post_history``), on the store's database. Edits and
deletions are evidence: an edited post keeps each earlier text with the time it was first
seen (``article_versions``); a post gone from a page that still covers its id is marked
(``deleted_at``) and keeps everything stored, until it is seen again. A web article whose
page is fetched again (``recheck_days``) and has changed keeps its earlier text the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from monitor.clock import from_iso, to_iso
from monitor.errors import NotFoundError, StoreError
from monitor.store.connection import StoreConnection, StoreRow
from monitor.store.database import Database
from monitor.types import ArticleState, ArticleVersion, TextOrigin

if TYPE_CHECKING:
    from monitor.store.store import ArticleDraft


class PostHistory:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._db = self._database.connection

    def refresh_post(self, article_id: int, draft: ArticleDraft, *, at: datetime) -> bool:
        """A stored post read again at ``at``: seen (no longer deleted), its details brought
        up to date, and, when its text or title changed, the earlier ones kept as a version,
        the new ones stored, its translation dropped (it was of the old text) and the article
        marked edited. True when the post was edited."""
        row = self._db.execute(
            "SELECT title, feed_content, retrieved_at, edited_at FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        edited = (row["title"], row["feed_content"]) != (draft.title, draft.feed_content)
        with self._database.transaction() as db:
            if edited:
                _keep_earlier_version(db, article_id, row, row["feed_content"])
                db.execute(
                    "UPDATE articles SET title = ?, summary = ?, feed_content = ?,"
                    " text = CASE WHEN text_origin = ? THEN ? ELSE text END,"
                    " state = CASE WHEN state > ? THEN ? ELSE state END,"
                    " edits = edits + 1, edited_at = ? WHERE id = ?",
                    (
                        draft.title,
                        draft.summary,
                        draft.feed_content,
                        TextOrigin.FEED.value,
                        draft.feed_content or draft.summary,
                        int(ArticleState.DETECTED),
                        int(ArticleState.DETECTED),
                        to_iso(at),
                        article_id,
                    ),
                )
            db.execute(
                "UPDATE articles SET last_seen_at = ?, deleted_at = NULL,"
                " post_details = COALESCE(?, post_details) WHERE id = ?",
                (to_iso(at), draft.post_details, article_id),
            )
        return edited

    def pages_to_recheck(
        self, source_id: int, *, first_seen_since: datetime, checked_before: datetime
    ) -> list[int]:
        """The source's stored articles whose text is their page's, first seen since
        ``first_seen_since`` and neither first seen nor checked again since
        ``checked_before``: newest first."""
        rows = self._db.execute(
            "SELECT id FROM articles WHERE source_id = ? AND state >= ? AND text_origin = ?"
            " AND retrieved_at >= ? AND COALESCE(page_checked_at, retrieved_at) < ?"
            " ORDER BY COALESCE(published, retrieved_at) DESC, id DESC",
            (
                source_id,
                int(ArticleState.DETECTED),
                TextOrigin.PAGE.value,
                to_iso(first_seen_since),
                to_iso(checked_before),
            ),
        ).fetchall()
        return [int(row["id"]) for row in rows]

    def refresh_page(self, article_id: int, text: str, *, at: datetime) -> bool:
        """An article's page fetched again at ``at``: when its text differs from the stored
        one, the earlier title and text are kept as a version, the new text stored, its
        translation dropped and the article marked edited. True when the page was edited."""
        row = self._db.execute(
            "SELECT title, text, retrieved_at, edited_at FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:  # removed meanwhile (its source unfollowed by another window)
            return False
        edited = bool(text) and row["text"] != text
        with self._database.transaction() as db:
            if edited:
                _keep_earlier_version(db, article_id, row, row["text"])
                db.execute(
                    "UPDATE articles SET text = ?,"
                    " state = CASE WHEN state > ? THEN ? ELSE state END,"
                    " edits = edits + 1, edited_at = ? WHERE id = ?",
                    (
                        text,
                        int(ArticleState.DETECTED),
                        int(ArticleState.DETECTED),
                        to_iso(at),
                        article_id,
                    ),
                )
            db.execute(
                "UPDATE articles SET page_checked_at = ? WHERE id = ?", (to_iso(at), article_id)
            )
        return edited

    def mark_missing(self, source_id: int, page: Iterable[int], *, at: datetime) -> int:
        """The channel's stored posts whose id lies between the smallest and the largest of
        one page's post ids (``page``) but which the page no longer shows: marked deleted at
        ``at`` (those already marked keep their first mark). How many were newly marked."""
        shown = sorted(set(page))
        if not shown:
            return 0
        marks = ", ".join("?" * len(shown))
        post_id = "CAST(substr(guid, instr(guid, '/') + 1) AS INTEGER)"
        with self._database.transaction() as db:
            cursor = db.execute(
                f"UPDATE articles SET deleted_at = ? WHERE source_id = ? AND guid IS NOT NULL"
                f" AND deleted_at IS NULL AND {post_id} BETWEEN ? AND ?"
                f" AND {post_id} NOT IN ({marks})",
                (to_iso(at), source_id, shown[0], shown[-1], *shown),
            )
        return int(cursor.rowcount)

    def versions(self, article_id: int) -> list[ArticleVersion]:
        """Every text the article has had, oldest first, the current one last."""
        current = self._db.execute(
            "SELECT title, feed_content, text, text_origin, retrieved_at, edited_at"
            " FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if current is None:
            raise NotFoundError(f"no article with id {article_id}")
        rows = self._db.execute(
            "SELECT title, text, seen_at, translation FROM article_versions"
            " WHERE article_id = ? ORDER BY seen_at, id",
            (article_id,),
        ).fetchall()
        versions = [
            ArticleVersion(r["title"], r["text"], _moment(r["seen_at"]), r["translation"])
            for r in rows
        ]
        seen_at = _moment(current["edited_at"] or current["retrieved_at"])
        # A post's text is its feed content; a web article's, once its page was read, the page's.
        is_page = current["text_origin"] == TextOrigin.PAGE.value
        text = current["text"] if is_page else current["feed_content"]
        translation = _translated_text(self._db, article_id)
        versions.append(ArticleVersion(current["title"], text, seen_at, translation))
        return versions


def _moment(text: str) -> datetime:
    moment = from_iso(text)
    if moment is None:
        raise StoreError("a required time is missing in the store")
    return moment


def _keep_earlier_version(db: StoreConnection, article_id: int, row: StoreRow, text: str) -> None:
    """Keep the article's title and ``text`` as they were (seen since its last edit, else
    since it was first stored) and drop its translation, which was of them."""
    db.execute(
        "INSERT INTO article_versions (article_id, title, text, seen_at, translation)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            article_id,
            row["title"],
            text,
            row["edited_at"] or row["retrieved_at"],
            _translated_text(db, article_id),
        ),
    )
    db.execute("DELETE FROM translations WHERE article_id = ?", (article_id,))


def _translated_text(db: StoreConnection, article_id: int) -> str | None:
    """The article's stored translation as one text (its sentences joined, paragraphs a
    blank line apart), or None when it has none."""
    paragraphs: dict[int, list[str]] = {}
    for paragraph, sentence in db.execute(
        "SELECT paragraph, translation FROM translation_sentences WHERE article_id = ?"
        " ORDER BY position",
        (article_id,),
    ):
        paragraphs.setdefault(paragraph, []).append(sentence)
    if not paragraphs:
        return None
    return "\n\n".join(" ".join(sentences) for sentences in paragraphs.values())
