"""What the views show: plain frozen dataclasses built on the reader thread from the core.

Views never query the core themselves; :mod:`ui.queries` builds these in a worker and the
main window hands them to the views.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from monitor.types import ArticleEntity, ArticleVersion, PostDetails, SearchRequest, SentencePair


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    name: str
    language: str | None
    country: str | None
    url: str
    unread: int
    articles: int
    error: str | None  # "403 Forbidden since 10:02", shown on hover of the error badge
    new: int = 0  # arrived since the user last looked at the outlet (seen is not read)
    from_channel: bool = False  # a Telegram channel: the row shows a "TG" badge


@dataclass(frozen=True, slots=True)
class SavedSearchRow:
    """A saved search (a watchlist) as the sidebar shows it."""

    id: int
    name: str
    request: SearchRequest  # its query and filters
    new: int  # matching now, not among its matches when the user last opened it
    muted: bool  # counted, but never a notification
    error: str | None = None  # its search failed at the last check

    @property
    def query(self) -> str:
        return self.request.text


@dataclass(frozen=True, slots=True)
class ListScope:
    """What the sidebar picked for the article list: every article, one outlet's, one
    language's, or the starred ones."""

    source_id: int | None = None
    language: str | None = None
    starred: bool = False


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: int
    title: str
    title_translated: str | None  # None when untranslated or already in the target language
    outlet: str
    language: str | None
    published: datetime | None  # UTC; views show local time
    is_read: bool
    is_starred: bool
    matched_in: str | None = None  # "original" | "translation" | "both" in search results
    snippet_original: str = ""  # HTML with <b> highlights (search results only)
    snippet_translation: str = ""
    from_channel: bool = False  # posted in a Telegram channel: a "TG" badge by the outlet
    edited: bool = False  # a post changed after it was first read
    deleted: bool = False  # a post gone from its channel (kept as last seen)


class TextSourceKind(enum.StrEnum):
    PAGE = "page"
    FEED = "feed"


@dataclass(frozen=True, slots=True)
class ReaderContent:
    """Everything the side-by-side reader needs for one article."""

    article_id: int
    title: str
    title_translated: str | None
    outlet: str
    author: str | None
    published: datetime | None  # UTC
    published_offset_minutes: int | None  # the outlet's own UTC offset
    url: str | None
    language: str | None
    target_language: str
    text_origin: TextSourceKind
    model: str | None  # "ru→en (translate-ru_en-1_9 1.9)"; None when untranslated
    degenerate: bool
    sentences: tuple[SentencePair, ...]  # empty when untranslated
    original_text: str  # paragraphs separated by blank lines, for the untranslated view
    untranslated_note: str | None  # "untranslated: no ko→en model"
    queue_position: int | None  # place in the translation queue when waiting
    highlight_terms: tuple[str, ...] = field(default_factory=tuple)  # search words to mark
    published_zone: str | None = None  # the zone assumed for a time the feed wrote without
    # A Telegram post's history: every text it had (oldest first, the current last) when it
    # was edited, when the last edit was seen, and when it was last seen if deleted since.
    versions: tuple[ArticleVersion, ...] = ()
    edited_at: datetime | None = None
    deleted_since: datetime | None = None
    post: PostDetails | None = None  # a Telegram post's views, forward, reply and media
    # The people, places and organisations it names, most mentioned first, and how it
    # writes them (to mark a mention in the original and the translation).
    entities: tuple[ArticleEntity, ...] = ()
