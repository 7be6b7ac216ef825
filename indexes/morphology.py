"""Word normalisation for the analyzers: case and character folding, stems and lemmas.

Everything heavy (Snowball stemmers from PyStemmer, the pymorphy3 Ukrainian dictionary) is
loaded lazily into module-level objects guarded by a lock, never stored on an analyzer:
Whoosh pickles analyzers into the index, and they must stay small and loadable anywhere.

Results are memoised per raw word in bounded LRU caches, one per language, because news text
repeats the same few tens of thousands of words over and over.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

# Enough for the working vocabulary of a large news archive in one language; each entry is a
# short string and a small tuple, so the bound keeps memory in the tens of megabytes.
CACHE_SIZE = 200_000

# Apostrophe look-alikes seen in Ukrainian and English web text; pymorphy3's Ukrainian
# dictionary spells words with the ASCII one.
APOSTROPHES = "'’ʼ‘`′"

# Letters without a Unicode decomposition that readers still treat as "a letter plus a mark".
_EXTRA_LATIN_FOLDS = {
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "ŧ": "t",
    "æ": "ae",
    "œ": "oe",
    "ð": "d",
    "þ": "th",
}


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Latin letters with diacritics fold to their base letter (é → e, ş → s, ệ → e), so
    # "Zelenskyy" and names typed without accents still meet. Cyrillic is left alone on
    # purpose: й, ї and ґ are letters of their own, not и, і and г with a mark.
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            decomposed = unicodedata.normalize("NFD", chr(code))
            base = decomposed[0]
            if len(decomposed) > 1 and base.isascii() and base.isalpha():
                table[code] = base.lower()
    for letter, folded in _EXTRA_LATIN_FOLDS.items():
        table[ord(letter)] = folded
    # Full-width ASCII (common in Chinese and Japanese text) becomes plain ASCII: ２０２６ → 2026.
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0).lower()
    for mark in APOSTROPHES[1:]:
        table[ord(mark)] = "'"
    table[ord("ё")] = "е"
    # Soft hyphens and joiners are invisible in the page; stress marks (ра́кета) appear in
    # Russian teaching and poetry texts. None of them should change what a word matches.
    for invisible in ("\u00ad", "\u200c", "\u200d", "\u2060", "\ufeff"):
        table[ord(invisible)] = None
    for combining in range(0x0300, 0x0370):
        table[combining] = None
    return table


_FOLD_TABLE = _build_fold_table()


def fold(word: str) -> str:
    """Lower-case ``word`` and fold the variants a searcher should not have to type."""
    folded = word.casefold()
    if folded.isascii():
        return folded
    if any("\u0300" <= char < "\u0370" for char in folded):
        # Compose first so that a decomposed й (и + breve) keeps its breve, while a stray
        # accent on a Latin or Cyrillic letter is dropped by the table below.
        folded = unicodedata.normalize("NFC", folded)
    return folded.translate(_FOLD_TABLE)


def is_cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


class _Lazy:
    """One shared instance of something slow to build, built on first use under a lock.

    The lock is also held around each call because neither PyStemmer stemmers nor pymorphy3
    promise to be thread-safe; calls only happen on cache misses, so contention stays low.
    """

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._instance: Any = None
        self.lock = threading.Lock()

    def get(self) -> Any:
        """Return the instance; the caller must hold :attr:`lock`."""
        if self._instance is None:
            self._instance = self._factory()
        return self._instance


def _snowball(language: str) -> Callable[[], Any]:
    def build() -> Any:
        import Stemmer  # PyStemmer: the Snowball stemmers in C, same stems as Whoosh's own

        return Stemmer.Stemmer(language)

    return build


def _ukrainian_morphology() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="uk")


_RUSSIAN_STEMMER = _Lazy(_snowball("russian"))
_ENGLISH_STEMMER = _Lazy(_snowball("english"))
_UKRAINIAN_MORPHOLOGY = _Lazy(_ukrainian_morphology)


def _stem(stemmer: _Lazy, word: str) -> str:
    with stemmer.lock:
        stem: str = stemmer.get().stemWord(word)
    return stem


def _ukrainian_lemmas(word: str) -> tuple[str, ...]:
    with _UKRAINIAN_MORPHOLOGY.lock:
        parses = _UKRAINIAN_MORPHOLOGY.get().parse(word)
    counts: dict[str, int] = {}
    for parse in parses:
        counts[parse.normal_form] = counts.get(parse.normal_form, 0) + 1
    if not counts:
        return (word,)
    # The dictionary has no frequencies for Ukrainian, so the lemma most readings agree on
    # leads (банку: four readings say банк, one says банка). It is the only one a query
    # uses; the index keeps the others too, so a query for either reading still finds it.
    ranked = sorted(counts, key=lambda lemma: -counts[lemma])  # stable: dictionary order
    return tuple(ranked[:3])


@lru_cache(maxsize=CACHE_SIZE)
def russian_terms(word: str) -> tuple[str, ...]:
    folded = fold(word)
    if not folded or not is_cyrillic(folded):
        return _plain(folded)
    return (_stem(_RUSSIAN_STEMMER, folded),)


@lru_cache(maxsize=CACHE_SIZE)
def english_terms(word: str) -> tuple[str, ...]:
    folded = fold(word)
    if not folded or not folded.isascii() or folded.isdigit():
        return _plain(folded)
    return (_stem(_ENGLISH_STEMMER, folded),)


@lru_cache(maxsize=CACHE_SIZE)
def ukrainian_terms(word: str) -> tuple[str, ...]:
    folded = fold(word)
    if not folded or not is_cyrillic(folded):
        return _plain(folded)
    return _ukrainian_lemmas(folded)


@lru_cache(maxsize=CACHE_SIZE)
def folded_terms(word: str) -> tuple[str, ...]:
    return _plain(fold(word))


def _plain(folded: str) -> tuple[str, ...]:
    # A "word" of nothing but stress marks or soft hyphens folds to nothing: no term at all.
    return (folded,) if folded else ()


# What each language does to a word: no terms, or one, or (Ukrainian only) several lemmas,
# the first being the one a query uses; an index keeps them all at the same position.
WORD_TERMS: dict[str, Callable[[str], tuple[str, ...]]] = {
    "ru": russian_terms,
    "uk": ukrainian_terms,
    "en": english_terms,
}


def terms_for(language: str) -> Callable[[str], tuple[str, ...]]:
    """The memoised word → terms function for ``language`` (folding only if it has none)."""
    return WORD_TERMS.get(language, folded_terms)
