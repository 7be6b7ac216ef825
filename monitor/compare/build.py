"""How a comparison is made: one story told by several outlets.

:func:`compare` takes the article the user started from (the *base*), the articles the user
pinned, and fills the remaining places with the most related coverage from other outlets.
Around the articles it works out who published first, which followed outlets have not
covered the story, the words the translations share, and per-sentence vectors so that a
sentence of one article can find its closest counterparts in the others
(:func:`closest_sentences`, :func:`closest_to_base`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from monitor.compare.text import (
    cosine,
    sentence_features,
    shared_terms,
    tfidf_vectors,
    words_with_stems,
)
from monitor.errors import MonitorError
from monitor.types import (
    Article,
    ComparedArticle,
    ComparedSentence,
    CompareRole,
    Comparison,
    CoverageEvent,
    SentenceMatch,
    SentenceVector,
)
from translations.segment import split_sentences

if TYPE_CHECKING:
    from monitor.parts import Parts

MAX_COMPARED = 4  # articles side by side: the base and up to three others
# Related articles looked at: the best few are compared, the rest still count as coverage
# (an outlet with a matching story has covered it even if it is not compared).
RELATED_LOOKUP = 6
MIN_SIMILARITY = 0.08
# A runner-up sentence is shown too when it is nearly as close as the best one.
RUNNER_UP_RATIO = 0.8


def compare(
    parts: Parts,
    article_id: int,
    pinned_ids: Sequence[int] = (),
    excluded_ids: Sequence[int] = (),
) -> Comparison:
    """``article_id``, the pinned articles, and related coverage to fill up to
    :data:`MAX_COMPARED`. ``excluded_ids`` are related articles the user removed.

    Raises :class:`~monitor.errors.NotFoundError` when the base article does not exist;
    pinned articles that are gone are left out.
    """
    store = parts.store
    base = store.article(article_id)
    target = parts.settings.target_language
    notes: list[str] = []
    wanted = [i for i in dict.fromkeys(pinned_ids) if i != article_id][: MAX_COMPARED - 1]
    found = {a.id: a for a in store.articles_by_ids(wanted)}
    pinned = [found[i] for i in wanted if i in found]
    related = _coverage(parts, article_id, notes)
    chosen: list[tuple[Article, CompareRole, float | None]] = [(base, CompareRole.BASE, None)]
    chosen += [(article, CompareRole.PINNED, None) for article in pinned]
    taken_ids = {article_id, *found}
    taken_outlets = {base.source_id, *(a.source_id for a in pinned)}
    for article, score in related:
        if len(chosen) >= MAX_COMPARED:
            break
        # One article per outlet: its best match speaks for it.
        if article.id in taken_ids or article.id in excluded_ids:
            continue
        if article.source_id in taken_outlets:
            continue
        taken_outlets.add(article.source_id)
        chosen.append((article, CompareRole.RELATED, score))

    drafts = [_draft(parts, article, role, score, target) for article, role, score in chosen]
    terms = shared_terms([d.texts for d in drafts], [d.language for d in drafts])
    stems = frozenset(term.stem for term in terms)
    features = [sentence_features(s[2], d.language) for d in drafts for s in d.sentences]
    vectors = iter(tfidf_vectors(features))
    compared = tuple(_compared(d, [next(vectors) for _ in d.sentences], stems) for d in drafts)

    compared_ids = {c.article_id for c in compared}
    events = _events([base, *pinned, *(a for a, _ in related)], compared_ids)
    covered = {event.outlet for event in events}
    not_covered = sorted({s.name for s in store.sources()} - covered, key=str.casefold)
    return Comparison(
        base_id=article_id,
        target_language=target,
        articles=compared,
        events=events,
        not_covered=tuple(not_covered),
        shared_terms=terms,
        notes=tuple(notes),
    )


def closest_sentences(
    comparison: Comparison, article_id: int, sentence: int
) -> dict[int, tuple[SentenceMatch, ...]]:
    """For a sentence of one compared article, the closest sentences of every other article
    (best first; an article with nothing close enough is left out)."""
    compared = comparison.article(article_id)
    if compared is None or not 0 <= sentence < len(compared.sentences):
        return {}
    vector = compared.sentences[sentence].vector
    found: dict[int, tuple[SentenceMatch, ...]] = {}
    for other in comparison.articles:
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


def closest_to_base(comparison: Comparison) -> dict[int, list[tuple[int, SentenceMatch]]]:
    """For every other compared article, its sentences closest to the base's: pairs of the
    base sentence's index and the match, in the base's order (articles with none are left
    out)."""
    base = comparison.article(comparison.base_id)
    found: dict[int, list[tuple[int, SentenceMatch]]] = {}
    for index in range(len(base.sentences) if base else 0):
        for article_id, matches in closest_sentences(comparison, comparison.base_id, index).items():
            found.setdefault(article_id, []).extend((index, match) for match in matches)
    return {a.article_id: found[a.article_id] for a in comparison.articles if a.article_id in found}


@dataclass(frozen=True, slots=True)
class _Draft:
    """A compared article before the work across articles (shared terms, vectors) is done."""

    article: Article
    role: CompareRole
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
    parts: Parts, article: Article, role: CompareRole, score: float | None, target: str
) -> _Draft:
    translation = parts.translations.translation(article.id)
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


def _compared(
    draft: _Draft, vectors: list[SentenceVector], stems: frozenset[str]
) -> ComparedArticle:
    article = draft.article
    return ComparedArticle(
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
            ComparedSentence(paragraph, original, shown, degenerate, vector)
            for (paragraph, original, shown, degenerate), vector in zip(
                draft.sentences, vectors, strict=True
            )
        ),
        marked_words=tuple(sorted(words_with_stems(draft.texts, draft.language, stems))),
    )


def _coverage(parts: Parts, article_id: int, notes: list[str]) -> list[tuple[Article, float]]:
    """The other articles of the base's story, most alike first; without a story of more
    than one article, the index's related articles (more-like-this over the English)."""
    stories = parts.store.stories
    story = stories.story_of(article_id)
    members = [m for m in stories.members(story) if m[0] != article_id] if story else []
    if not members:
        return _related(parts, article_id, notes)
    found = {a.id: a for a in parts.store.articles_by_ids(m[0] for m in members)}
    ranked = sorted(members, key=lambda m: -m[1])
    return [(found[m[0]], m[1]) for m in ranked if m[0] in found]


def _related(parts: Parts, article_id: int, notes: list[str]) -> list[tuple[Article, float]]:
    try:
        return parts.finder.related(article_id, limit=RELATED_LOOKUP)
    except MonitorError as error:
        # The comparison still works without related coverage; the user is told why it is
        # missing.
        notes.append(f"Related coverage could not be looked up: {error}")
        return []


def _events(articles: Sequence[Article], compared_ids: set[int]) -> tuple[CoverageEvent, ...]:
    unique = {article.id: article for article in articles}
    events = [
        CoverageEvent(a.id, a.source_name, a.language, a.title, a.published, a.id in compared_ids)
        for a in unique.values()
    ]
    far_future = datetime.max.replace(tzinfo=UTC)
    events.sort(key=lambda e: (e.published or far_future, e.outlet.casefold()))
    return tuple(events)
