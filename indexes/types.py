"""Public value types of the search layer: plain frozen dataclasses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """What the index needs of one article: the original, its translation, the user's notes,
    and filters."""

    article_id: int
    source_id: int
    outlet: str
    language: str | None
    published: datetime | None  # UTC
    title: str
    text: str
    title_translated: str = ""
    text_translated: str = ""
    translated: bool = False
    degenerate: bool = False
    notes: str = ""  # the user's notes on its sentences, one a line
    entities: tuple[str, ...] = ()  # ids of the people, places, organisations it mentions
    story: int | None = None  # the story it is part of (found by the caller)


class SortOrder(enum.StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A query in the query language, plus filters given as parameters."""

    text: str
    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()  # outlet names (case-insensitive)
    since: date | None = None
    until: date | None = None  # inclusive
    sort: SortOrder = SortOrder.RELEVANCE
    page: int = 1
    page_size: int = 20
    # Counts by outlet, language and day over every hit. They cost a pass over all hits, so
    # a caller that does not show them (the app's result list) leaves them out.
    facets: bool = True
    # Names are searched in their other forms and scripts (indexes.names) unless exact.
    exact: bool = False


@dataclass(frozen=True, slots=True)
class NameExpansion:
    """A name in a query and what else was searched for it."""

    typed: str  # as the query has it: "Zelensky", "Kim Jong Un"
    forms: tuple[str, ...]  # its other forms searched too: "Зеленський", "젤렌스키", ...
    sound: str | None = None  # the sound key searched, for a run of capitalised words


class MatchedIn(enum.StrEnum):
    ORIGINAL = "original"
    TRANSLATION = "translation"
    BOTH = "both"
    NOTES = "notes"  # only in the user's notes on it


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    score: float
    matched_in: MatchedIn
    snippet_original: str = ""  # highlighted with <b>…</b>, HTML-escaped otherwise
    snippet_translation: str = ""


@dataclass(frozen=True, slots=True)
class IndexMatch:
    """An article a query matches, with what a timeline groups it by (no score, no text)."""

    article_id: int
    day: str | None  # "2026-11-20" (UTC), None when undated
    outlet: str


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    page: int
    page_size: int
    by_outlet: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)  # "2026-11-20" -> count
    expansions: tuple[NameExpansion, ...] = ()  # the names the query was widened for
    # by_outlet, by_language and by_day are empty when the request asked for no facets.

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))
