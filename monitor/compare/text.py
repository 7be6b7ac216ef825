"""Word-level text analysis for comparisons, in pure Python.

Two questions are answered over the compared articles' target-language text (their
translations): which words several outlets share (stop words and short words left out), and
which sentence of one article is closest to a sentence of another (cosine over TF-IDF
weighted stems). The window builds a comparison on its reader thread and makes the cheap
look-ups after a click on the main thread; :func:`words_pattern` finds the shared terms in
the text it shows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from indexes.morphology import terms_for
from monitor.types import SentenceVector, SharedTerm

# Shared terms shorter than this are noise ("un", "km", particles) rather than topics.
MIN_TERM_LENGTH = 3

# Function words that every translation shares and that say nothing about the story.
_STOP_WORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just more most my no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours said says say according
    one two three four five six seven eight nine ten first second third new year years
    day days time told per cent percent including since about around among via amid
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
    ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни
    быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут
    где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под
    будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой
    тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой
    хоть после над больше тот через эти нас про всего них какая много разве три эту моя
    впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда
    конечно всю между також що та які який яка яке це цей ця ці від до на за як але або
    щоб його її їх він вона вони було були буде бути має мають після через про при між
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

# Characters are grouped by script so a run like "해양관측satellite이다" (a copy-model's
# half-translation) still yields the English word on its own.
_LETTER_RUN = re.compile(r"[^\W_]+")
# Addresses are not words of the story: a byline's e-mail would make "invalid" a shared term.
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# Letters that may not continue a marked word, by the word's script.
_SCRIPT_LETTERS = {
    "latin": "a-zA-Z\u00c0-\u024f",
    "cyrillic": "\u0400-\u052f",
    "greek": "\u0370-\u03ff",
    "hangul": "\uac00-\ud7af",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One word (or number) of a text, with where it sits in that text."""

    start: int
    end: int
    text: str
    script: str  # "latin", "cyrillic", "greek", "hangul", "han", "kana", "digit" or "other"


def script_of(char: str) -> str:
    """The script family of one character, as :class:`Token` names it."""
    code = ord(char)
    if char.isdigit():
        return "digit"
    if code < 0x0250 or 0x1E00 <= code < 0x1F00:
        return "latin"
    if 0x0370 <= code < 0x0400:
        return "greek"
    if 0x0400 <= code < 0x0530:
        return "cyrillic"
    if 0xAC00 <= code < 0xD7B0 or 0x1100 <= code < 0x1200 or 0x3130 <= code < 0x3190:
        return "hangul"
    if 0x4E00 <= code < 0xA000 or 0x3400 <= code < 0x4DC0 or 0xF900 <= code < 0xFB00:
        return "han"
    if 0x3040 <= code < 0x3100:
        return "kana"
    return "other"


def tokens(text: str) -> Iterator[Token]:
    """The words of ``text``: letter runs cut wherever the script changes, and numbers.
    Web and e-mail addresses are skipped."""
    addresses = [m.span() for m in _ADDRESS.finditer(text)]
    for match in _LETTER_RUN.finditer(text):
        if any(start <= match.start() < end for start, end in addresses):
            continue
        run = match.group()
        begin = 0
        current = script_of(run[0])
        for offset in range(1, len(run) + 1):
            script = script_of(run[offset]) if offset < len(run) else ""
            if script != current:
                start = match.start() + begin
                yield Token(start, match.start() + offset, run[begin:offset], current)
                begin, current = offset, script


def _stem(word: str, language: str) -> str:
    terms = terms_for(language)(word)
    return terms[0] if terms else word.lower()


def term_tokens(text: str, language: str) -> Iterator[tuple[Token, str]]:
    """The tokens of ``text`` that can be shared terms, each with its stem."""
    for token in tokens(text):
        if token.script in ("digit", "han", "kana", "other"):
            continue
        lowered = token.text.lower()
        if len(lowered) < MIN_TERM_LENGTH or lowered in STOP_WORDS:
            continue
        yield token, _stem(lowered, language)


def sentence_features(text: str, language: str) -> Counter[str]:
    """What a sentence is compared by: stems, numbers, and Han character pairs."""
    features: Counter[str] = Counter()
    for token in tokens(text):
        lowered = token.text.lower()
        if token.script == "digit":
            features[f"#{lowered}"] += 1
        elif token.script in ("han", "kana"):
            # No word breaks to rely on: overlapping character pairs stand in for words.
            pairs = [lowered[i : i + 2] for i in range(max(1, len(lowered) - 1))]
            features.update(pairs)
        elif lowered not in STOP_WORDS and len(lowered) > 1:
            features[_stem(lowered, language)] += 1
    return features


def shared_terms(
    articles: Sequence[Iterable[str]], languages: Sequence[str], *, limit: int = 40
) -> tuple[SharedTerm, ...]:
    """Terms occurring in at least two of ``articles`` (each an iterable of texts), the most
    widely shared first."""
    spellings: dict[str, Counter[str]] = {}
    present: Counter[str] = Counter()
    for texts, language in zip(articles, languages, strict=True):
        stems_here: set[str] = set()
        for text in texts:
            for token, stem in term_tokens(text, language):
                spellings.setdefault(stem, Counter())[token.text.lower()] += 1
                stems_here.add(stem)
        present.update(stems_here)
    shared = [
        SharedTerm(
            word=spellings[stem].most_common(1)[0][0],
            stem=stem,
            articles=count,
            occurrences=sum(spellings[stem].values()),
        )
        for stem, count in present.items()
        if count >= 2
    ]
    shared.sort(key=lambda term: (-term.articles, -term.occurrences, term.word))
    return tuple(shared[:limit])


def words_with_stems(texts: Iterable[str], language: str, stems: frozenset[str]) -> set[str]:
    """The lower-cased spellings in ``texts`` whose stem is one of ``stems``."""
    return {
        token.text.lower()
        for text in texts
        for token, stem in term_tokens(text, language)
        if stem in stems
    }


def tfidf_vectors(sentences: Sequence[Counter[str]]) -> list[SentenceVector]:
    """Unit-length TF-IDF vectors; document frequency counts sentences of every article."""
    frequency: Counter[str] = Counter()
    for features in sentences:
        frequency.update(features.keys())
    total = len(sentences)
    vectors: list[SentenceVector] = []
    for features in sentences:
        weights = {
            feature: (1.0 + math.log(count))
            * (math.log((1 + total) / (1 + frequency[feature])) + 1)
            for feature, count in features.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append(tuple(sorted((f, w / norm) for f, w in weights.items())))
    return vectors


def cosine(a: SentenceVector, b: SentenceVector) -> float:
    """Cosine similarity of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    lookup: Mapping[str, float] = dict(b)
    return sum(weight * lookup.get(feature, 0.0) for feature, weight in a)


def words_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern for whole ``words``: a word glued to letters of another
    script still matches ("해양관측satellite이다"), a longer word of the same script does not."""
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    if not unique:
        return None
    parts = []
    for word in unique:
        letters = _SCRIPT_LETTERS.get(script_of(word[0]), r"\w")
        parts.append(f"(?<![{letters}]){re.escape(word)}(?![{letters}])")
    return re.compile("|".join(parts), re.IGNORECASE)
