"""Public types of comparisons: one story's articles side by side, who published when, the
terms and sentences they share. Re-exported by :mod:`monitor.types`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

# A sentence's unit TF-IDF vector, (feature, weight) sorted by feature: how sentences of
# different outlets are matched (see monitor.compare).
SentenceVector = tuple[tuple[str, float], ...]


class CompareRole(enum.StrEnum):
    """Why an article is in a comparison."""

    BASE = "base"  # the article the comparison started from
    PINNED = "pinned"  # chosen by the user; stays when the base changes
    RELATED = "related"  # found by related coverage


@dataclass(frozen=True, slots=True)
class ComparedSentence:
    paragraph: int
    original: str
    translation: str  # the original again when the article has no translation
    degenerate: bool
    vector: SentenceVector  # of the translation, for sentence matching


@dataclass(frozen=True, slots=True)
class ComparedArticle:
    """One outlet's article in a comparison, with the text that is compared."""

    article_id: int
    role: CompareRole
    score: float | None  # related-coverage score; None for the base and pinned articles
    outlet: str
    language: str | None
    published: datetime | None  # UTC
    title: str
    title_translated: str | None
    translated: bool  # a translation into the target language exists (and differs)
    model: str | None  # "ko→en (translate-ko_en-1_9 1.9)"
    note: str | None  # why the original is shown: "Not translated: no ko→en model"
    sentences: tuple[ComparedSentence, ...]
    marked_words: tuple[str, ...]  # spellings of the shared terms found in this article


@dataclass(frozen=True, slots=True)
class CoverageEvent:
    """One article of the story on the time axis."""

    article_id: int
    outlet: str
    language: str | None
    title: str
    published: datetime | None  # UTC
    compared: bool  # one of the comparison's articles (not only related coverage)


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    """A sentence of a compared article close to another article's sentence."""

    article_id: int
    sentence: int  # its index in the article's sentences
    score: float  # cosine similarity, 0 to 1


@dataclass(frozen=True, slots=True)
class SharedTerm:
    """A word found in the (translated) text of several compared articles."""

    word: str  # the most common lower-cased spelling
    stem: str
    articles: int  # in how many compared articles it occurs
    occurrences: int  # how often in all of them together


@dataclass(frozen=True, slots=True)
class Comparison:
    """One story as several outlets told it (see :meth:`monitor.app.Monitor.compare`)."""

    base_id: int
    target_language: str
    articles: tuple[ComparedArticle, ...]  # base, pinned (in the order given), related
    events: tuple[CoverageEvent, ...]  # earliest first; unknown times last
    not_covered: tuple[str, ...]  # followed outlets with no article of this story
    shared_terms: tuple[SharedTerm, ...]
    notes: tuple[str, ...] = ()  # problems worth telling the user ("related search failed")

    def article(self, article_id: int) -> ComparedArticle | None:
        return next((a for a in self.articles if a.article_id == article_id), None)

    @property
    def first(self) -> CoverageEvent | None:
        """Who published first, if any time is known."""
        return self.events[0] if self.events and self.events[0].published else None
