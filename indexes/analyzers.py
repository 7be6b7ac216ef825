"""Per-language Whoosh analyzers: what a text field's words become in the index and in queries.

One tokenizer serves every language; only the treatment of each word differs:

* Words (letters, digits, combining marks, apostrophes inside a word such as м'ясо) are
  case-folded and character-folded (ё → е, é → e, ’ ʼ → ', full-width → ASCII), then:
  ``ru`` stemmed with Snowball Russian, ``en`` with Snowball English (Porter2), ``uk``
  lemmatised with pymorphy3; every other language is folded only. No stop words are dropped,
  so phrases match exactly what was written.
* Decimal numbers stay whole ("3.5", "3,5"); "2026" is an ordinary word.
* Runs of Chinese, Japanese or Korean characters are cut into overlapping bigrams, in every
  analyzer (a Russian article may quote 尹錫悅): 韩国火箭 → 韩国 国火 火箭. This needs no
  dictionary, and a Korean noun with a particle attached still matches (누리호가 → 누리 리호 호가,
  so 누리호 → 누리 리호 finds it).

CJK choices, for the search layer:

* In the index, every character is *also* kept alone, at the position of the bigram that
  starts with it (the last character shares the last bigram's position), so a one-character
  query (美, 북) matches. A run of one character is just that character.
* In a query, a run of two or more characters becomes its bigrams only, at consecutive
  positions. A plain word query is then the AND of the bigrams (Whoosh's ``multitoken_query``
  default); a quoted query is a phrase of bigrams, which matches the run exactly. A phrase
  must keep CJK characters together: "韩国 火箭" with a space looks for 韩国 directly
  followed by 火箭, but the index has 国火 in between.
* Highlighting re-analyses the text in index mode: matched bigrams are marked, and Whoosh's
  formatter skips a match overlapping one already drawn, so an odd-length word (누리호) is
  highlighted as 누리 unless the formatter merges overlapping matches.

Analyzers are pickled into the index by Whoosh: their only state is a language code, and
they must keep this module path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from typing import Any

from whoosh.analysis import Analyzer, Token

from indexes.morphology import APOSTROPHES, fold, terms_for

# The languages with an analyzer of their own; anything else is analysed as OTHER.
LANGUAGES = ("ko", "ru", "zh", "uk", "en")
OTHER = "other"

_CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul jamo
    "\u2e80-\u2fdf"  # CJK and Kangxi radicals
    "\u3005-\u3007\u3021-\u3029\u3038-\u303c"  # 々 〆 〇 and Hangzhou numerals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3130-\u318f"  # Hangul compatibility jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\ua960-\ua97f\uac00-\ud7ff"  # Hangul syllables and jamo extensions
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK ideographs, extensions B to G
)


def _combining_mark_ranges() -> str:
    # Python's \w leaves out combining marks (Indic vowel signs, Hebrew points, stress
    # accents), which would otherwise cut words in two. The Basic Multilingual Plane holds
    # all marks that matter here; scanning it once costs a few milliseconds at import.
    ranges: list[str] = []
    start = previous = -2
    for code in range(0x10000):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if code != previous + 1:
                if start >= 0:
                    ranges.append(f"\\u{start:04x}-\\u{previous:04x}")
                start = code
            previous = code
    ranges.append(f"\\u{start:04x}-\\u{previous:04x}")
    return "".join(ranges)


_WORD_CHAR = rf"(?:[^\W_{_CJK_RANGES}]|[{_combining_mark_ranges()}\u00ad\u200c\u200d])"
_TOKEN = re.compile(
    rf"(\d+(?:[.,]\d+)+)"  # 1: a decimal number, kept whole
    rf"|([{_CJK_RANGES}]+)"  # 2: a CJK run, cut into bigrams
    rf"|({_WORD_CHAR}+(?:[{APOSTROPHES}]{_WORD_CHAR}+)*)"  # 3: a word
)
_CJK_RUN = 2
_CJK_ONLY = re.compile(rf"[{_CJK_RANGES}]+")


class LanguageAnalyzer(Analyzer):  # type: ignore[misc]  # whoosh ships no type hints
    """The analyzer of one language: see the module docstring for what it does.

    ``mode="query"`` differs from indexing in two ways: CJK runs give bigrams without the
    single characters, and a Ukrainian word gives only its leading lemma.
    """

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else OTHER

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.language!r})"

    def has_morph(self) -> bool:
        return self.language in ("ru", "uk", "en")

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        # Whoosh's convention: one Token object, refilled and yielded again for each term.
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        if not tokenize:
            # Wildcard, prefix and range queries: the text is matched as typed, folded only.
            token.text = fold(value)
            if not token.text:
                return
            if keeporiginal:
                token.original = value
            token.pos = start_pos
            token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        word_terms = terms_for(self.language)
        querying = mode == "query"
        pos = start_pos
        for match in _TOKEN.finditer(value):
            if match.lastindex == _CJK_RUN:
                yield from self._bigrams(token, match, pos, start_char, querying, keeporiginal)
                pos += max(1, len(match.group()) - 1)
                continue
            raw = match.group()
            terms = word_terms(raw)
            if not terms:
                continue
            if querying:
                terms = terms[:1]
            for text in terms:
                token.text = text
                if keeporiginal:
                    token.original = raw
                token.pos = pos
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
                yield token
            pos += 1

    @staticmethod
    def _bigrams(
        token: Token,
        match: re.Match[str],
        pos: int,
        start_char: int,
        querying: bool,
        keeporiginal: bool,
    ) -> Iterator[Token]:
        run = match.group()
        offset = start_char + match.start()
        last = len(run) - 1
        for index in range(len(run)):
            # Bigram first, then the lone character: at equal starts the longer match is the
            # one a highlighter should draw.
            grams: tuple[str, ...]
            if index < last:
                grams = (
                    (run[index : index + 2],) if querying else (run[index : index + 2], run[index])
                )
            elif last == 0:
                grams = (run,)
            else:
                grams = () if querying else (run[index],)
            for gram in grams:
                token.text = gram
                if keeporiginal:
                    token.original = gram
                token.pos = pos + min(index, max(0, last - 1))
                token.startchar = offset + index
                token.endchar = offset + index + len(gram)
                yield token


def match_spans(language: str, text: str, terms: Collection[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the index-mode analyzer of ``language`` yields one of ``terms``.

    The same answer as running the analyzer and keeping the matching tokens' characters,
    several times faster, for snippets: a CJK term (a bigram or one character) occurs
    exactly where its characters do, so it is found with ``str.find``; only when a term is
    a word is the text tokenized, and CJK runs are then skipped. Spans are sorted.
    """
    cjk_terms = [term for term in terms if _CJK_ONLY.fullmatch(term)]
    spans: list[tuple[int, int]] = []
    for term in cjk_terms:
        start = text.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = text.find(term, start + 1)
    if len(cjk_terms) < len(terms):
        word_terms = terms_for(language)
        for match in _TOKEN.finditer(text):
            if match.lastindex != _CJK_RUN and any(
                term in terms for term in word_terms(match.group())
            ):
                spans.append(match.span())
    spans.sort()
    return spans


def analyzer_for(language: str) -> Analyzer:
    """The analyzer for originals in ``language`` ("ko", "ru", "zh", "uk", "en"; else OTHER)."""
    return LanguageAnalyzer(language)


def outlet_analyzer() -> Analyzer:
    """The analyzer for outlet names: folded words, CJK bigrams, no stemming.

    "TASS" and "Seoul Daily Wire (demo)" index as tass / seoul, daily, wire, demo.
    """
    return LanguageAnalyzer(OTHER)


# In the sound field's value, each part may say its language: "\x01ru\x01Текст…". Cyrillic
# names are reduced to their dictionary form by the language's rules (indexes.sounds).
# Before the sound key of a window of Han characters, or of Hangul syllables: they are
# matched apart (a Han window never with an edit: Chinese runs of any characters look alike).
HAN_SOUND_MARK = "0"
HANGUL_SOUND_MARK = "1"


def window_mark(char: str) -> str:
    """The mark of a window that starts with ``char``, or "" for a name in letters."""
    if not _CJK_ONLY.match(char):
        return ""
    return HANGUL_SOUND_MARK if "\uac00" <= char <= "\ud7a3" else HAN_SOUND_MARK


SOUND_LANGUAGE = re.compile("\x01([a-z]{0,8})\x01")


def sound_value(parts: Collection[tuple[str | None, str]]) -> str:
    """The sound field's value for texts in their languages: [(language, text), …]."""
    return "".join(f"\x01{language or ''}\x01{text}\n" for language, text in parts if text)


class SoundAnalyzer(Analyzer):  # type: ignore[misc]
    """The sound keys of the names in a text (:func:`indexes.sounds.text_keys`); a query
    is a key already (indexes.names writes it), kept as it is."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        from indexes.sounds import text_keys  # its dictionaries load when first needed

        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        if mode == "query" or not tokenize:
            token.text = value.lower()
            token.pos, token.startchar, token.endchar = (
                start_pos,
                start_char,
                start_char + len(value),
            )
            if token.text:
                yield token
            return
        pos = start_pos
        pieces = SOUND_LANGUAGE.split(value)
        # split gives [before, language, text, language, text, …]; offsets follow the value.
        offset = len(pieces[0])
        chunks: list[tuple[str | None, str, int]] = [(None, pieces[0], 0)] if pieces[0] else []
        for language, text in zip(pieces[1::2], pieces[2::2], strict=True):
            offset += len(language) + 2
            chunks.append((language or None, text, offset))
            offset += len(text)
        for language, text, at in chunks:
            for key, start, end in text_keys(text, language):
                # Keys of Hangul and Han windows are told apart: every window of a text is
                # one, so they are matched more strictly than names in Latin or Cyrillic.
                token.text = window_mark(text[start]) + key
                if keeporiginal:
                    token.original = text[start:end]
                token.pos = pos
                token.startchar, token.endchar = start_char + at + start, start_char + at + end
                yield token
                pos += 1


def sound_analyzer() -> Analyzer:
    return SoundAnalyzer()


def sound_spans(text: str, language: str | None, keys: Collection[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the names (or Hangul and Han windows) with these sound keys are."""
    from indexes.sounds import text_keys

    spans = []
    for key, start, end in text_keys(text, None if language == OTHER else language):
        marked = window_mark(text[start]) + key
        if marked in keys:
            spans.append((start, end))
    return spans
