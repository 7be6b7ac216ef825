"""What of an article a story is recognised by, in any language.

* **Entities** (from ``store.names``, found as the article was indexed): the same people,
  places and organisations whatever the script.
* **Numbers**: "25", "2,000", "7.1" are written alike in every language (years and numbers
  under ten say little and are left out).
* **English terms**: the stemmed words of the translation (or of an English original), so
  two translated articles on one event share their vocabulary.
* **A sketch of the text** for wire copies: the smallest hashes of its character 5-grams
  (a bottom-k sketch, which estimates how much two texts share as MinHash does, for one
  hash per shingle).

Each feature is also a *key* (``e:``, ``n:``, ``t:``, ``d:``) the store indexes, so the
articles an article may belong with are found by lookup, not by reading every recent one.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

SKETCH_SIZE = 32  # hashes kept per text: a Jaccard estimate within about ±0.1
SKETCH_KEYS = 4  # of them indexed as keys: near copies share most of their smallest ones
TOP_TERMS = 12  # English terms kept per article
_SHINGLE = 5
# Digits next to letters of a Latin or Cyrillic word are part of a name (5G, Су-35); next to
# Han or Hangul they are a number (11月20日, 25명).
_NUMBER = re.compile(
    r"(?<![0-9A-Za-zА-Яа-яЁёІіЇїЄєҐґ.,-])"
    r"(?:\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)"
)
_ENGLISH_WORD = re.compile(r"[a-z][a-z'’-]{2,}")
_STOPWORDS = frozenset(
    (
        "the",
        "and",
        "for",
        "that",
        "with",
        "from",
        "this",
        "have",
        "has",
        "had",
        "was",
        "were",
        "are",
        "been",
        "will",
        "would",
        "said",
        "says",
        "about",
        "after",
        "before",
        "over",
        "into",
        "than",
        "then",
        "they",
        "them",
        "their",
        "there",
        "these",
        "those",
        "which",
        "while",
        "also",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "when",
        "where",
        "what",
        "who",
        "whom",
        "whose",
        "its",
        "it's",
        "his",
        "her",
        "not",
        "but",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "our",
        "out",
        "one",
        "two",
        "three",
        "new",
        "year",
        "years",
        "day",
        "days",
        "week",
        "today",
        "yesterday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    )
)


@dataclass(frozen=True, slots=True)
class Features:
    entities: frozenset[str]
    numbers: frozenset[str]
    terms: dict[str, float] = field(default_factory=dict)  # stem -> weight (tf)
    sketch: tuple[int, ...] = ()  # sorted smallest shingle hashes

    def keys(self) -> set[str]:
        """What the store indexes the article by."""
        keys = {f"e:{e}" for e in self.entities} | {f"n:{n}" for n in self.numbers}
        keys |= {f"t:{t}" for t in self.terms}
        keys |= {f"d:{h}" for h in self.sketch[:SKETCH_KEYS]}
        return keys


def features(entities: frozenset[str], original: str, english: str) -> Features:
    """An article's features from its entities, original text and English (translation or
    original), "" when there is none."""
    return Features(entities, numbers(original), terms(english), sketch(original))


# Words for thousands and more after a number, in the five languages: "38 тис." is 38000,
# "18万" 180000, "120만" 1200000, "1.5 billion" 1500000000.
_SCALES = (
    (re.compile(r"\s?(?:тыс\.?|тысяч\w*|тис\.?|тисяч\w*|thousand|千)", re.I), 1_000),
    (re.compile(r"\s?(?:万|萬|만)"), 10_000),
    (re.compile(r"\s?(?:млн\.?|миллион\w*|мільйон\w*|million|百万)", re.I), 1_000_000),
    (re.compile(r"\s?(?:亿|億|억)"), 100_000_000),
    (re.compile(r"\s?(?:млрд\.?|миллиард\w*|мільярд\w*|billion)", re.I), 1_000_000_000),
)


def numbers(text: str) -> frozenset[str]:
    found = set()
    for match in _NUMBER.finditer(text):
        raw = match.group()
        if re.fullmatch(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+", raw):
            value = Decimal(re.sub(r"\D", "", raw))  # 2,000 / 2 000 / 2.000: thousands
        else:
            value = Decimal(raw.replace(",", "."))
        scale = next((s for pattern, s in _SCALES if pattern.match(text, match.end())), 1)
        if scale == 1 and raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
            continue  # a year
        value *= scale
        if value < 10 and value == value.to_integral_value():
            continue  # small counts say little
        found.add(format(value.normalize(), "f"))
    return frozenset(found)


def terms(english: str) -> dict[str, float]:
    if not english:
        return {}
    counts = Counter(
        _stem(word) for word in _ENGLISH_WORD.findall(english.lower()) if word not in _STOPWORDS
    )
    return {term: float(count) for term, count in counts.most_common(TOP_TERMS)}


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    from indexes.morphology import terms_for

    found = terms_for("en")(word.strip("'’-"))
    return found[0] if found else word


def sketch(text: str) -> tuple[int, ...]:
    folded = " ".join(text.casefold().split())
    if len(folded) < _SHINGLE:
        return ()
    hashes = {
        zlib.crc32(folded[i : i + _SHINGLE].encode("utf-8"))
        for i in range(len(folded) - _SHINGLE + 1)
    }
    return tuple(sorted(hashes)[:SKETCH_SIZE])


def resemblance(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """How much of their text two sketches share (a bottom-k estimate of Jaccard)."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:SKETCH_SIZE]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)
