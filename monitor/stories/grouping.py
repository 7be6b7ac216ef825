"""Grouping articles into stories as they arrive: a new article joins the story it shares
most with, within a few days of it, or starts a story of its own.

How two articles are compared (:func:`likeness`), each signal weighted by how rare its keys
are among the grouped articles (a story about Zelensky is told by his name; "Ukraine" says
little):

* a wire copy (their texts' sketches mostly the same) belongs with its original outright;
* otherwise the share of the newcomer's entities the other names, of its numbers the other
  gives, and the closeness of their English terms (when both have English), weighted
  together; and what they share must be telling (:data:`EVIDENCE`): rare names and numbers,
  or a rare name with the same English words. A copy that names other people or gives other
  figures is a report of the same kind, not a copy.

A story's score for the newcomer is its best member's. The user's corrections stand: an
article the user placed is never moved, and an article the user took out of a story is never
put back into it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from monitor.clock import Clock
from monitor.names.entities import FOUND_PREFIX
from monitor.stories.features import Features, features, resemblance
from monitor.types import Article

if TYPE_CHECKING:
    from monitor.store import Store

WINDOW = timedelta(days=3)  # how far apart in time two articles of one story may be
THRESHOLD = 0.34  # the likeness an article needs to join a story
WIRE_COPY = 0.5  # sketches this alike: the same text, republished
# How telling shared keys must be, summed. A key's rarity is log((N + 1) / (n + 1)) + 1 for
# N grouped articles, n of them with the key, counted here in units of a key no other
# article has, so that it means the same in a collection of 50 articles as of 50,000: a
# common name and a day of the month together stay under it.
EVIDENCE = 1.1
RARE_NAME = 0.75  # a name this rare, with the same English words, is enough
SAME_WORDS = 0.5
_UNKNOWN = 1.0  # the rarity of a key no grouped article has yet
CANDIDATES = 200  # the articles sharing the most keys are compared, no more


@dataclass(frozen=True, slots=True)
class Likeness:
    score: float
    reason: str


def likeness(new: Features, old: Features, rarity: Mapping[str, float]) -> Likeness:
    """How likely ``old`` tells the story ``new`` does (0–1), and why."""
    if not any(e.startswith(FOUND_PREFIX) for e in old.entities):
        # Names the Russian model found exist in Russian only: against an article of
        # another language they are neither shared nor missing.
        new = replace(
            new, entities=frozenset(e for e in new.entities if not e.startswith(FOUND_PREFIX))
        )
    shared_entities = new.entities & old.entities
    shared_numbers = new.numbers & old.numbers
    copied = resemblance(new.sketch, old.sketch)
    if copied >= WIRE_COPY and not _contradicts(new, old, shared_entities, shared_numbers):
        return Likeness(1.0, f"the same text ({copied:.0%} alike)")
    # A signal the newcomer has nothing of (no name the table knows, no number) is left out
    # rather than counted as a disagreement.
    signals = []
    if new.entities:
        signals.append((_share(shared_entities, new.entities, "e:", rarity), 0.5))
    if new.numbers:
        signals.append((_share(shared_numbers, new.numbers, "n:", rarity), 0.25))
    words = 0.0
    if new.terms and old.terms:
        words = _cosine(new.terms, old.terms, rarity)
        signals.append((words, 0.35))
    weight = sum(w for _, w in signals)
    score = sum(value * w for value, w in signals) / weight if weight else 0.0
    # What two articles share must be telling: rare names and numbers, enough of them, or a
    # rare name and the same English words (a story told again the next day with new
    # figures). A common name and a date in common are not a story.
    evidence = sum(rarity.get("e:" + e, _UNKNOWN) for e in shared_entities)
    evidence += sum(rarity.get("n:" + n, _UNKNOWN) for n in shared_numbers)
    named = max((rarity.get("e:" + e, _UNKNOWN) for e in shared_entities), default=0.0)
    if evidence < EVIDENCE and not (named >= RARE_NAME and words >= SAME_WORDS):
        score = min(score, THRESHOLD * 0.9)
    parts = []
    if shared_entities:
        parts.append("names " + ", ".join(sorted(shared_entities)))
    if shared_numbers:
        parts.append("numbers " + ", ".join(sorted(shared_numbers)))
    if words:
        parts.append(f"English words {words:.0%} alike")
    return Likeness(score, "; ".join(parts) or "nothing in common")


def _contradicts(
    new: Features, old: Features, entities: frozenset[str], numbers: frozenset[str]
) -> bool:
    """Texts alike that name other people or places, or give other figures, are two
    reports of the same kind (two rate decisions), not a copy."""
    return bool(
        (new.entities and old.entities and not entities)
        or (new.numbers and old.numbers and not numbers)
    )


def _share(
    shared: frozenset[str], mine: frozenset[str], prefix: str, rarity: Mapping[str, float]
) -> float:
    total = sum(rarity.get(prefix + key, _UNKNOWN) for key in mine)
    if not total:
        return 0.0
    return sum(rarity.get(prefix + key, _UNKNOWN) for key in shared) / total


def _cosine(a: Mapping[str, float], b: Mapping[str, float], rarity: Mapping[str, float]) -> float:
    def weight(term: str) -> float:
        return rarity.get("t:" + term, _UNKNOWN)

    dot = sum(a[t] * b[t] * weight(t) ** 2 for t in a.keys() & b.keys())
    norm_a = math.sqrt(sum((v * weight(t)) ** 2 for t, v in a.items()))
    norm_b = math.sqrt(sum((v * weight(t)) ** 2 for t, v in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


class StoryGrouper:
    """Groups articles into stories as they are indexed (on the writer)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._stories = store.stories
        self._clock = clock
        # The features read or saved while one chunk is settled, by article id. The same
        # articles are candidates for many newcomers of a chunk: read and decoded once, not
        # for every newcomer (200 candidates each). Only this grouper writes features while
        # it settles a chunk (it runs under the index's writer), and it keeps them here too.
        self._known: dict[int, Features] | None = None  # None outside settle()

    def settle(self, articles: Sequence[Article]) -> dict[int, int]:
        """The story of each of ``articles`` (being indexed, their entities just stored):
        those not yet grouped, or alone since before their translation, are grouped now,
        oldest first; the others keep theirs."""
        ids = [article.id for article in articles]
        with self._store.grouping_alone():  # which wait is read again by each process in turn
            waiting = set(self._stories.waiting(ids))
            self._known = {}
            try:
                for article in sorted(articles, key=_moment):
                    if article.id in waiting:
                        self.place(article.id)
            finally:
                self._known = None
        return self._stories.stories_of(ids)

    def place(self, article_id: int) -> int:
        """Put one article into its story; the story's id."""
        article = self._store.article(article_id)
        translation = self._store.translations.translation(article_id)
        english = ""
        if translation is not None and translation.by_model:
            english = f"{translation.title}\n{translation.text}"
        elif article.language == "en":
            english = f"{article.title}\n{article.text}"
        # Placed by its headline (title and lead), it is looked at again once it is whole.
        by_model = translation is not None and translation.by_model
        translated = by_model and translation is not None and translation.complete
        entities = frozenset(e for e, _ in self._store.names.entities_of([article_id])[article_id])
        mine = features(entities, f"{article.title}\n{article.text}", english)
        moment = article.published or article.retrieved_at
        keys = sorted(mine.keys())
        self._stories.save_features(article_id, moment, _stored(mine), keys)
        if self._known is not None and article_id in self._known:
            self._known[article_id] = _loaded(_stored(mine))  # as a read would give it now
        best = self._best_story(article_id, mine, keys, moment)
        story = None if best is None else best[0]
        link = (1.0, "the first article of its story", None) if best is None else best[1:]
        return self._stories.place(article_id, story, link, at=self._clock(), translated=translated)

    def _best_story(
        self, article_id: int, mine: Features, keys: list[str], moment: datetime
    ) -> tuple[int, float, str, int | None] | None:
        sharing = self._stories.sharing(keys, moment - WINDOW, moment + WINDOW, article_id)
        if not sharing:
            return None
        candidates = [other for other, _ in sharing.most_common(CANDIDATES)]
        stories = self._stories.stories_of(candidates)
        apart = self._stories.apart(article_id)
        stored = self._features_of([c for c in candidates if c in stories])
        total = max(1, self._stories.keyed_articles())
        unique = math.log((total + 1) / 2) + 1.0  # the rarity of a key only one article has
        rarity = {
            key: (math.log((total + 1) / (count + 1)) + 1.0) / unique
            for key, count in self._stories.key_counts(keys).items()
        }
        best: tuple[int, float, str, int | None] | None = None
        for other, found_features in stored.items():
            story = stories[other]
            if story in apart:
                continue
            found = likeness(mine, found_features, rarity)
            if found.score >= THRESHOLD and (best is None or found.score > best[1]):
                best = (story, found.score, f"{found.reason} (with article {other})", other)
        return best

    def _features_of(self, article_ids: list[int]) -> dict[int, Features]:
        """The stored features of ``article_ids`` that have some, by ascending id (the order
        the store gives them in)."""
        known = self._known if self._known is not None else {}
        missing = [i for i in article_ids if i not in known]
        if missing:
            for article_id, data in self._stories.features_of(missing).items():
                known[article_id] = _loaded(data)
        return {i: known[i] for i in sorted(article_ids) if i in known}


def _moment(article: Article) -> tuple[datetime, int]:
    return (article.published or article.retrieved_at, article.id)


def _stored(found: Features) -> dict[str, object]:
    return {
        "entities": sorted(found.entities),
        "numbers": sorted(found.numbers),
        "terms": found.terms,
        "sketch": list(found.sketch),
    }


def _loaded(data: Mapping[str, object]) -> Features:
    terms = data.get("terms")
    return Features(
        frozenset(map(str, data.get("entities") or ())),  # type: ignore[call-overload]
        frozenset(map(str, data.get("numbers") or ())),  # type: ignore[call-overload]
        {str(k): float(v) for k, v in terms.items()} if isinstance(terms, dict) else {},
        tuple(int(h) for h in data.get("sketch") or ()),  # type: ignore[attr-defined]
    )
