"""Reading and writing sources and articles. One :class:`Store` per thread that writes.

Every write is one short transaction, so a process killed at any moment leaves the file
consistent and everything committed before it.

The store's parts share its database and are built here, once: :attr:`Store.translations`,
:attr:`Store.watchlists`, :attr:`Store.notes`, :attr:`Store.page_retries`,
:attr:`Store.post_history` and
:attr:`Store.change_log`.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.clock import Clock, from_iso, to_iso, utc_now
from monitor.errors import NotFoundError
from monitor.store.changelog import ChangeLog
from monitor.store.connection import StoreConnection
from monitor.store.database import Database, is_server_url
from monitor.store.names import NameStore
from monitor.store.notes import NoteStore
from monitor.store.page_retries import PageRetries
from monitor.store.post_history import PostHistory
from monitor.store.postgres import without_password
from monitor.store.reading_marks import ReadingMarks
from monitor.store.rows import (
    ARTICLE_COLUMNS,
    ARTICLES_FROM,
    article_from_row,
    content_hash,
    in_chunks,
    post_details_from_json,
)
from monitor.store.source_records import SourceRecords
from monitor.store.stories import StoryStore
from monitor.store.translations import TranslationStore
from monitor.store.update_runs import UpdateRuns
from monitor.store.watchlist_store import WatchlistStore
from monitor.types import Article, ArticleState, PostDetails, TextOrigin

if TYPE_CHECKING:
    from monitor.collect.pages import PageOutcome


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as first known from its feed item (or page source), before its page."""

    source_id: int
    guid: str | None
    url: str | None
    title: str
    author: str | None
    published: datetime | None
    published_offset_minutes: int | None
    summary: str
    feed_content: str
    language_hint: str | None
    published_zone: str | None = None  # the zone assumed for a zoneless date, and why
    repaired: bool = False  # mojibake was undone in the item's text
    # A Telegram post's views, forward, reply and media, as JSON (see monitor.collect.telegram).
    post_details: str | None = None


_GROUPING_LOCK = 0x6D6D_7367  # "mmsg": story grouping on a shared store


class Store(SourceRecords, UpdateRuns, ReadingMarks):
    """The article store on one SQLite file or a shared server (its sources' part is
    :class:`SourceRecords`, its finished updates' :class:`UpdateRuns`, the user's read, starred
    and seen marks :class:`ReadingMarks`).

    ``user``: whose read and starred marks, notes, watchlists and seen marks are read and
    written (see :mod:`monitor.users`; ``""`` is a single-user store's one user).
    """

    def __init__(self, path: Path | str, *, clock: Clock = utc_now, user: str = "") -> None:
        self.path = path
        self.user = user
        self._clock = clock
        self._database = Database(path)
        self._db = self._database.connection
        self.translations = TranslationStore(self._database)
        """Translations, the translation queue and the sentence cache."""
        self.watchlists = WatchlistStore(self._database, user=user)
        """The user's saved searches and which articles matched each."""
        self.notes = NoteStore(self._database, clock=clock, user=user)
        """The user's highlights and notes on sentences."""
        self.page_retries = PageRetries(self._database, user=user)
        """Article pages due to be asked for again."""
        self.post_history = PostHistory(self._database)
        self.names = NameStore(self._database)
        self.stories = StoryStore(self._database)
        """Telegram posts' earlier texts, and which posts are gone from their channel."""
        self.change_log = ChangeLog(self._database, clock=clock)
        """What changed, in order, for the search index to follow."""

    @property
    def shared_address(self) -> str | None:
        """The team's shared store's address (password included), or None for a file."""
        return self.path if isinstance(self.path, str) and is_server_url(self.path) else None

    @property
    def followed_as(self) -> str:
        """What a search index following this store's change log for this user records: the
        shared store's address without its password (or "file" for the data folder's own)
        and the user, whose notes the index holds. Another store or user: a rebuild."""
        address = self.shared_address
        return f"{'file' if address is None else without_password(address)}#{self.user}"

    def close(self) -> None:
        self._database.close()

    def transaction(self) -> AbstractContextManager[StoreConnection]:
        """One write transaction; taken IMMEDIATE so a second writer waits (busy_timeout)."""
        return self._database.transaction()

    def grouping_alone(self) -> AbstractContextManager[None]:
        """While held, no other process groups articles into stories: two desktops indexing
        the same new articles of a shared store would each place them (the second's grouping
        finds them placed and leaves them)."""
        return self._database.alone(_GROUPING_LOCK)

    # Articles --------------------------------------------------------------------------

    def find_article(
        self, source_id: int, guid: str | None, urls: Sequence[str | None]
    ) -> int | None:
        """The id of the stored article this item is, by GUID within the source or by URL."""
        if guid:
            row = self._db.execute(
                "SELECT id FROM articles WHERE source_id = ? AND guid = ?", (source_id, guid)
            ).fetchone()
            if row:
                return int(row[0])
        for url in {u for u in urls if u}:
            row = self._db.execute(
                "SELECT id FROM articles WHERE url = ? OR canonical_url = ? ORDER BY id LIMIT 1",
                (url, url),
            ).fetchone()
            if row:
                return int(row[0])
        return None

    def insert_article(self, draft: ArticleDraft) -> int:
        with self.transaction() as db:
            return self._insert(db, draft)

    def insert_unless_known(self, draft: ArticleDraft) -> tuple[int, bool]:
        """Insert the item unless the store knows it already: (article id, inserted).

        Looking and inserting happen in one write transaction, so two processes updating
        at once (the GUI and a CLI) cannot both insert the same item.
        """
        with self.transaction() as db:
            existing = self.find_article(draft.source_id, draft.guid, [draft.url])
            if existing is not None:
                return existing, False
            return self._insert(db, draft), True

    def _insert(self, db: StoreConnection, draft: ArticleDraft) -> int:
        text = draft.feed_content or draft.summary
        cursor = db.execute(
            "INSERT INTO articles (source_id, guid, url, title, author, published,"
            " published_offset, retrieved_at, summary, feed_content, text, text_origin,"
            " language_hint, state, published_zone, repaired, post_details)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.source_id,
                draft.guid,
                draft.url,
                draft.title,
                draft.author,
                to_iso(draft.published),
                draft.published_offset_minutes,
                to_iso(self._clock()),
                draft.summary,
                draft.feed_content,
                text,
                TextOrigin.FEED.value,
                draft.language_hint,
                int(ArticleState.FETCHED),
                draft.published_zone,
                draft.repaired,
                draft.post_details,
            ),
        )
        article_id = cursor.lastrowid
        assert article_id is not None
        return int(article_id)

    def post_details(self, article_id: int) -> PostDetails | None:
        """A Telegram post's views, forward, reply and media; ``None`` for other articles."""
        row = self._db.execute(
            "SELECT post_details FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return post_details_from_json(row[0])

    def newest_post_id(self, source_id: int) -> int | None:
        """The highest Telegram post id stored for a channel source (guids ``<name>/<id>``)."""
        row = self._db.execute(
            "SELECT MAX(CAST(substr(guid, instr(guid, '/') + 1) AS INTEGER)) FROM articles"
            " WHERE source_id = ? AND guid IS NOT NULL",
            (source_id,),
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def refresh_from_feed(self, article_id: int, draft: ArticleDraft) -> bool:
        """Apply a changed feed item (new title or teaser). True when something changed."""
        row = self._db.execute(
            "SELECT title, summary, feed_content FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        if (row["title"], row["summary"], row["feed_content"]) == (
            draft.title,
            draft.summary,
            draft.feed_content,
        ):
            return False
        with self.transaction() as db:
            db.execute(
                # A changed text makes its translation stale: back to the translation queue.
                "UPDATE articles SET title = ?, summary = ?, feed_content = ?,"
                " text = CASE WHEN text_origin = ? THEN ? ELSE text END,"
                " state = CASE WHEN state > ? THEN ? ELSE state END WHERE id = ?",
                (
                    draft.title,
                    draft.summary,
                    draft.feed_content,
                    TextOrigin.FEED.value,
                    draft.feed_content or draft.summary,
                    int(ArticleState.DETECTED),
                    int(ArticleState.DETECTED),
                    article_id,
                ),
            )
        return True

    def raw_page(self, sha256: str) -> bytes:
        row = self._db.execute(
            "SELECT content FROM raw_pages WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no raw page with SHA-256 {sha256}")
        return zlib.decompress(row[0])

    def save_extraction(self, outcome: PageOutcome, *, retry_at: datetime | None = None) -> None:
        """Store what the article's page gave, in one transaction: FETCHED → DETECTED.

        The page is kept exactly as received when its text was taken (its SHA-256 goes with
        the article), with the text kept (the page's, else the feed's), the page's metadata
        where the feed had none, and the language. Counts one attempt at the page;
        ``retry_at`` is when to ask for it again (a page that failed for a passing reason).
        A text or language that differs from the stored one sends the article back to
        DETECTED and drops its translation, which was of the old text: the translation stage
        redoes it and the index follows the change log.
        """
        article_id = outcome.article.id
        page, document = outcome.page, outcome.document
        text = outcome.text
        digest = content_hash(text)
        published = to_iso(page.published) if page else None
        offset = page.published_offset_minutes if page else None
        with self.transaction() as db:
            stored = db.execute(
                "SELECT text, language FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if stored is None:  # removed meanwhile (its source unfollowed by another window)
                return
            raw_sha256 = None
            if document is not None and page is not None:
                raw_sha256 = hashlib.sha256(document.content).hexdigest()
                db.execute(
                    "INSERT OR IGNORE INTO raw_pages (sha256, url, retrieved_at, content_type,"
                    " encoding, content) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        raw_sha256,
                        document.url,
                        to_iso(document.fetched_at),
                        document.content_type,
                        outcome.encoding,
                        zlib.compress(document.content),
                    ),
                )
            changed = (stored["text"], stored["language"]) != (text, outcome.language)
            if changed:
                db.execute("DELETE FROM translations WHERE article_id = ?", (article_id,))
            duplicate_of = None
            if digest:
                row = db.execute(
                    "SELECT id FROM articles WHERE content_hash = ? AND id != ? AND source_id !="
                    " (SELECT source_id FROM articles WHERE id = ?) ORDER BY id LIMIT 1",
                    (digest, article_id, article_id),
                ).fetchone()
                duplicate_of = int(row[0]) if row else None
            db.execute(
                "UPDATE articles SET text = ?, text_origin = ?, raw_sha256 = ?,"
                " canonical_url = COALESCE(?, canonical_url),"
                " title = COALESCE(NULLIF(title, ''), ?),"
                " author = COALESCE(author, ?),"
                # A page that states its time with a zone replaces a time whose zone was
                # assumed (see monitor.collect.zones); otherwise it only fills a gap.
                " published = CASE WHEN published IS NULL THEN ?"
                "  WHEN published_zone IS NOT NULL AND ? IS NOT NULL THEN ? ELSE published END,"
                " published_offset = CASE WHEN published IS NULL THEN ?"
                "  WHEN published_zone IS NOT NULL AND ? IS NOT NULL THEN ?"
                "  ELSE published_offset END,"
                " published_zone = CASE WHEN published IS NULL OR ? IS NOT NULL THEN NULL"
                "  ELSE published_zone END,"
                " repaired = MAX(repaired, ?), language = ?,"
                " language_hint = COALESCE(language_hint, ?), content_hash = ?, duplicate_of = ?,"
                " last_error = ?, page_attempts = page_attempts + 1, page_retry_at = ?,"
                " translation_note = CASE WHEN ? = 1 THEN NULL ELSE translation_note END,"
                " state = CASE WHEN ? = 1 THEN ? ELSE MAX(state, ?) END WHERE id = ?",
                (
                    text,
                    outcome.origin.value,
                    raw_sha256,
                    page.canonical_url if page else None,
                    page.title if page else None,
                    page.author if page else None,
                    published,
                    offset,
                    published,
                    offset,
                    offset,
                    offset,
                    offset if published else None,
                    bool(page and page.repaired),
                    outcome.language,
                    page.language_hint if page else None,
                    digest,
                    duplicate_of,
                    outcome.error,
                    to_iso(retry_at),
                    changed,
                    changed,
                    int(ArticleState.DETECTED),
                    int(ArticleState.DETECTED),
                    article_id,
                ),
            )

    def set_state(self, article_id: int, state: ArticleState) -> None:
        with self.transaction() as db:
            db.execute("UPDATE articles SET state = ? WHERE id = ?", (int(state), article_id))

    def article(self, article_id: int) -> Article:
        row = self._db.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLES_FROM} WHERE a.id = ?",
            (self.user, article_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return article_from_row(row)

    def articles(
        self,
        *,
        source_id: int | None = None,
        language: str | None = None,
        below_state: ArticleState | None = None,
        starred: bool = False,
        unread_only: bool = False,
        limit: int | None = None,
    ) -> list[Article]:
        """Articles newest first (by published time, then by id); ``starred`` and
        ``unread_only`` keep only the starred, or the unread, ones."""
        clauses: list[str] = []
        values: list[object] = [self.user]
        if source_id is not None:
            clauses.append("a.source_id = ?")
            values.append(source_id)
        if language is not None:
            clauses.append("a.language = ?")
            values.append(language)
        if starred:
            clauses.append("m.is_starred = 1")
        if unread_only:
            clauses.append("COALESCE(m.is_read, 0) = 0")
        if below_state is not None:
            clauses.append("a.state < ?")
            values.append(int(below_state))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        limit_clause = f"LIMIT {int(limit)}" if limit is not None else ""
        rows = self._db.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLES_FROM}"
            f" {where} ORDER BY COALESCE(a.published, a.retrieved_at) DESC, a.id DESC"
            f" {limit_clause}",
            values,
        )
        return [article_from_row(row) for row in rows]

    def articles_by_ids(self, ids: Iterable[int]) -> list[Article]:
        found: list[Article] = []
        for chunk, marks in in_chunks(ids):
            rows = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLES_FROM} WHERE a.id IN ({marks})",
                (self.user, *chunk),
            )
            found.extend(article_from_row(row) for row in rows)
        return found

    def article_chunks(self, size: int) -> Iterator[list[Article]]:
        """Every article, in id order, ``size`` at a time (for rebuilding the index)."""
        last = 0
        while True:
            rows = self._db.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLES_FROM}"
                " WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (self.user, last, size),
            ).fetchall()
            if not rows:
                return
            chunk = [article_from_row(row) for row in rows]
            last = chunk[-1].id
            yield chunk

    def replace_assumed_zones(
        self,
        source_id: int,
        place: Callable[[datetime], tuple[datetime, int, str] | None],
    ) -> int:
        """Place again the source's times whose zone was assumed; returns how many.

        ``place`` takes the clock reading the feed wrote (recovered from the stored UTC time
        and offset) and gives (UTC time, offset, why that zone), or ``None`` to leave it.
        """
        with self.transaction() as db:
            rows = db.execute(
                "SELECT id, published, published_offset FROM articles"
                " WHERE source_id = ? AND published_zone IS NOT NULL AND published IS NOT NULL",
                (source_id,),
            ).fetchall()
            changed = 0
            for row in rows:
                published = from_iso(row["published"])
                assert published is not None
                wall = published + timedelta(minutes=row["published_offset"] or 0)
                placed = place(wall)
                if placed is None:
                    continue
                db.execute(
                    "UPDATE articles SET published = ?, published_offset = ?, published_zone = ?"
                    " WHERE id = ?",
                    (to_iso(placed[0]), placed[1], placed[2], row["id"]),
                )
                changed += 1
        return changed

    def count_articles(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def integrity_check(self) -> str:
        """SQLite's check of its file ("ok"); a server checks its own pages, so there only
        that the articles can be read."""
        if self._database.on_server:
            self._db.execute("SELECT COUNT(*) FROM articles").fetchone()
            return "ok"
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
