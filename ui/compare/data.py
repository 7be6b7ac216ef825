"""What the compare view shows: one story told by several outlets, built on the reader thread.

:func:`build` takes the article the user started from (the *base*), the articles the user
pinned, and fills the remaining columns with the most related coverage from other outlets.
Around the columns it works out who published first, which followed outlets have not
covered the story, the words the translations share, and per-sentence vectors so a click on
one sentence can find its closest counterparts elsewhere (:func:`closest_sentences`).
Everything here is plain frozen data, free of Qt.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor import Monitor
from monitor.errors import MonitorError
from monitor.types import Article
from translations.segment import split_sentences
from ui.compare.text import (
    SharedTerm,
    Vector,
    cosine,
    sentence_features,
    shared_terms,
    tfidf_vectors,
    words_with_stems,
)

MAX_COLUMNS = 4
# Related articles looked at: the best few become columns, the rest still count as coverage
# (an outlet with a matching story has covered it even if it got no column).
RELATED_LOOKUP = 6
MIN_SIMILARITY = 0.08
# A runner-up sentence is shown too when it is nearly as close as the best one.
RUNNER_UP_RATIO = 0.8


class ColumnRole(enum.StrEnum):
    BASE = "base"  # the article the comparison started from
    PINNED = "pinned"  # chosen by the user; stays when the base changes
    RELATED = "related"  # found by related coverage


@dataclass(frozen=True, slots=True)
class CompareSentence:
    paragraph: int
    original: str
    translation: str  # the original again when the column has no translation
    degenerate: bool
    vector: Vector  # unit TF-IDF vector of the translation, for sentence matching


@dataclass(frozen=True, slots=True)
class CompareColumn:
    article_id: int
    role: ColumnRole
    score: float | None  # related-coverage score; None for the base and pinned columns
    outlet: str
    language: str | None
    published: datetime | None  # UTC; views show local time
    title: str
    title_translated: str | None
    translated: bool  # a translation into the target language exists (and differs)
    model: str | None  # "ko→en (translate-ko_en-1_9 1.9)"
    note: str | None  # why the original is shown: "Not translated: no ko→en model"
    sentences: tuple[CompareSentence, ...]
    marked_words: tuple[str, ...]  # spellings of the shared terms found in this column


@dataclass(frozen=True, slots=True)
class CoverageEvent:
    """One article of the story on the time axis."""

    article_id: int
    outlet: str
    language: str | None
    title: str
    published: datetime | None  # UTC
    in_columns: bool


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    article_id: int
    sentence: int
    score: float


@dataclass(frozen=True, slots=True)
class CompareData:
    base_id: int
    target_language: str
    columns: tuple[CompareColumn, ...]  # base, pinned (in the order given), related
    events: tuple[CoverageEvent, ...]  # earliest first; unknown times last
    not_covered: tuple[str, ...]  # followed outlets with no article of this story
    shared_terms: tuple[SharedTerm, ...]
    notes: tuple[str, ...] = ()  # problems worth telling the user ("related search failed")

    def column(self, article_id: int) -> CompareColumn | None:
        return next((c for c in self.columns if c.article_id == article_id), None)

    @property
    def first(self) -> CoverageEvent | None:
        """Who published first, if any time is known."""
        return self.events[0] if self.events and self.events[0].published else None


def build(
    monitor: Monitor,
    article_id: int,
    pinned_ids: Sequence[int] = (),
    excluded_ids: Sequence[int] = (),
) -> CompareData:
    """Columns for ``article_id``, the pinned articles, and related coverage to fill up to
    :data:`MAX_COLUMNS`. ``excluded_ids`` are related articles the user removed.

    Raises :class:`~monitor.errors.NotFoundError` when the base article no longer exists;
    pinned articles that are gone are left out.
    """
    base = monitor.article(article_id)
    target = monitor.target_language()
    notes: list[str] = []
    wanted = [i for i in dict.fromkeys(pinned_ids) if i != article_id][: MAX_COLUMNS - 1]
    found = {a.id: a for a in monitor.articles_with_ids(wanted)}
    pinned = [found[i] for i in wanted if i in found]
    related = _related(monitor, article_id, notes)
    parts: list[tuple[Article, ColumnRole, float | None]] = [(base, ColumnRole.BASE, None)]
    parts += [(article, ColumnRole.PINNED, None) for article in pinned]
    taken_ids = {article_id, *found}
    taken_outlets = {base.source_id, *(a.source_id for a in pinned)}
    for article, score in related:
        if len(parts) >= MAX_COLUMNS:
            break
        # One column per outlet: its best match speaks for it.
        if article.id in taken_ids or article.id in excluded_ids:
            continue
        if article.source_id in taken_outlets:
            continue
        taken_outlets.add(article.source_id)
        parts.append((article, ColumnRole.RELATED, score))

    drafts = [_draft(monitor, article, role, score, target) for article, role, score in parts]
    terms = shared_terms([d.texts for d in drafts], [d.language for d in drafts])
    stems = frozenset(term.stem for term in terms)
    features = [sentence_features(s[2], d.language) for d in drafts for s in d.sentences]
    vectors = iter(tfidf_vectors(features))
    columns = tuple(_column(d, [next(vectors) for _ in d.sentences], stems) for d in drafts)

    in_columns = {c.article_id for c in columns}
    events = _events([base, *pinned, *(a for a, _ in related)], in_columns)
    covered = {event.outlet for event in events}
    not_covered = sorted({s.name for s in monitor.sources()} - covered, key=str.casefold)
    return CompareData(
        base_id=article_id,
        target_language=target,
        columns=columns,
        events=events,
        not_covered=tuple(not_covered),
        shared_terms=terms,
        notes=tuple(notes),
    )


def closest_sentences(
    data: CompareData, article_id: int, sentence: int
) -> dict[int, tuple[SentenceMatch, ...]]:
    """For a sentence of one column, the closest sentences of every other column (best
    first; a column with nothing close enough is left out)."""
    column = data.column(article_id)
    if column is None or not 0 <= sentence < len(column.sentences):
        return {}
    vector = column.sentences[sentence].vector
    found: dict[int, tuple[SentenceMatch, ...]] = {}
    for other in data.columns:
        if other.article_id == article_id:
            continue
        scored = sorted(
            (
                SentenceMatch(other.article_id, index, cosine(vector, candidate.vector))
                for index, candidate in enumerate(other.sentences)
            ),
            key=lambda match: -match.score,
        )
        if not scored or scored[0].score < MIN_SIMILARITY:
            continue
        best = scored[0].score
        found[other.article_id] = tuple(
            m for m in scored[:2] if m.score >= max(MIN_SIMILARITY, best * RUNNER_UP_RATIO)
        )
    return found


@dataclass(frozen=True, slots=True)
class _Draft:
    """A column before the cross-column work (shared terms, vectors) is done."""

    article: Article
    role: ColumnRole
    score: float | None
    title_translated: str | None
    translated: bool
    model: str | None
    note: str | None
    language: str  # the language of the text compared: the target's when translated
    sentences: tuple[tuple[int, str, str, bool], ...]  # paragraph, original, shown, degenerate

    @property
    def texts(self) -> list[str]:
        return [self.title_translated or self.article.title, *(s[2] for s in self.sentences)]


def _draft(
    monitor: Monitor, article: Article, role: ColumnRole, score: float | None, target: str
) -> _Draft:
    translation = monitor.translation(article.id)
    language = article.language or target
    if translation is not None and translation.sentences:
        sentences = tuple(
            (s.paragraph, s.original, s.translation, s.degenerate) for s in translation.sentences
        )
        if translation.by_model:
            return _Draft(
                article,
                role,
                score,
                translation.title,
                True,
                translation.route,
                None,
                target,
                sentences,
            )
        return _Draft(article, role, score, None, False, None, None, language, sentences)
    split = tuple(
        (number, sentence.text, sentence.text, False)
        for number, paragraph in enumerate(_paragraphs(article.text))
        for sentence in split_sentences(paragraph, article.language)
    )
    note = None if article.language == target else _untranslated_note(article, target)
    return _Draft(article, role, score, None, False, None, note, language, split)


def _untranslated_note(article: Article, target: str) -> str:
    if article.translation_note:
        return f"Not translated ({article.translation_note}): showing the original."
    return f"Not translated into {target.upper()} yet: showing the original."


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _column(draft: _Draft, vectors: list[Vector], stems: frozenset[str]) -> CompareColumn:
    article = draft.article
    return CompareColumn(
        article_id=article.id,
        role=draft.role,
        score=draft.score,
        outlet=article.source_name,
        language=article.language,
        published=article.published,
        title=article.title,
        title_translated=draft.title_translated,
        translated=draft.translated,
        model=draft.model,
        note=draft.note,
        sentences=tuple(
            CompareSentence(paragraph, original, shown, degenerate, vector)
            for (paragraph, original, shown, degenerate), vector in zip(
                draft.sentences, vectors, strict=True
            )
        ),
        marked_words=tuple(sorted(words_with_stems(draft.texts, draft.language, stems))),
    )


def _related(monitor: Monitor, article_id: int, notes: list[str]) -> list[tuple[Article, float]]:
    try:
        return monitor.related(article_id, limit=RELATED_LOOKUP)
    except MonitorError as error:
        # The columns still work without related coverage; the user is told why it is missing.
        notes.append(f"Related coverage could not be looked up: {error}")
        return []


def _events(articles: Sequence[Article], in_columns: set[int]) -> tuple[CoverageEvent, ...]:
    unique = {article.id: article for article in articles}
    events = [
        CoverageEvent(a.id, a.source_name, a.language, a.title, a.published, a.id in in_columns)
        for a in unique.values()
    ]
    far_future = datetime.max.replace(tzinfo=UTC)
    events.sort(key=lambda e: (e.published or far_future, e.outlet.casefold()))
    return tuple(events)
