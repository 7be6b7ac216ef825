"""Paragraph and sentence segmentation for the offline translation engine.

Translation models work best on one sentence at a time, and the usual splitters (Argos's own,
stanza, spaCy) download models at run time, which an offline app cannot do. This module is a
small rule-based splitter for the languages we follow (ko, ru, zh, uk, en; anything else gets a
generic rule set): pure, precompiled regular expressions plus a handful of abbreviation tables.

Offsets are character offsets into the paragraph string that was split, so that
``paragraph[s.start:s.end] == s.text`` always holds and translations can be aligned back.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MAX_SENTENCE_CHARS = 400
"""Longest piece handed to a translation model. Longer runs without a sentence end (lists,
tables, run-on text) are cut at a ``;``, then a ``,``, then a space, so model input stays
bounded."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence; ``start``/``end`` index the stripped span inside its paragraph."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """The sentences of the ``index``-th paragraph returned by :func:`split_paragraphs`."""

    index: int
    sentences: tuple[Sentence, ...]


_CLOSERS = "\"'»”’)]}」』》〉】）］｝"
# Closers that can never open a quote, so one separated by a space still closes the sentence
# before it ("…的人 。 ”").
_PURE_CLOSERS = "»”)]}」』》〉】）］｝"
_OPENERS = "\"'«“„‘([{「『《〈【（［｛"
_CJK_TERMINALS = frozenset("。！？｡")
_DASHES = frozenset("-‐‑‒–—―")
_CLAUSE_MARKS = frozenset(",，、;；:：")
_TOKEN_CHARS = frozenset(".-’'")

# A run of terminal punctuation with the closing quotes/brackets that belong to it, or a blank
# line (which always ends a sentence even without punctuation).
_TERMINALS = ".!?…。！？｡‼⁇⁈⁉"
_CANDIDATE = re.compile(
    f"[{_TERMINALS}]+(?:[{re.escape(_CLOSERS)}]+|[^\\S\\n]+[{re.escape(_PURE_CLOSERS)}]+)*"
    r"|\n[^\S\n]*\n"
)
# Spans whose punctuation never ends a sentence, each with a cheap test that it may occur.
# Korean dates are written "2026. 11. 20.".
_PROTECTED = (
    (
        re.compile(
            r"(?:https?://|ftp://|www\.)[-\w.~:/?#\[\]@!$&'()*+,;=%]*[-\w/#=%&~+]", re.ASCII
        ),
        ("://", "www."),
    ),
    (re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII), ("@",)),
    (re.compile(r"\b\d{4}\.\s?\d{1,2}\.(?:\s?\d{1,2}\.)?"), (". ", ".")),
)
_ROMAN_NUMERAL = re.compile(r"[IVXLC]{1,5}")
_WORD = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations are stored lower-case, without the final period. Four behaviours:
# PREFIX never ends a sentence (titles, "street", "see"); FINAL ends one when the next word is
# not lower-case ("и т.д. Затем"); STARTER (English) ends one only when the next word is a
# typical sentence opener ("in the U.S. The ..." but "U.S. President ..."); UNITS end one when
# they follow a number ("в 2020 г. Он") and otherwise act as PREFIX/FINAL ("г. Москва").
_EN_PREFIX = _words(
    "mr mrs ms messrs dr prof gen sen rep gov lt col sgt capt cmdr adm maj rev hon pres st mt ft"
    " vs v e.g i.e cf approx fig figs vol vols pp ch sec art dept jan feb mar apr jun jul aug sep"
    " sept oct nov dec mon tue tues wed thu thur thurs fri sat sun"
)
_EN_STARTER = _words("etc inc ltd co corp llc plc jr sr bros ave blvd rd u.s u.k u.n e.u a.m p.m")
_EN_UNITS = _words("g kg mg m km cm mm ml l lb lbs oz ft yd mi")
_EN_OPENERS = _words(
    "the a an he she it they we i you this that these those there his her its their our my some"
    " many most in on at by for from to of with as after before when while if but and or so yet"
    " however meanwhile also according still then now no one two three last earlier later"
)
_RU_PREFIX = _words(
    "им ул пр просп пер пл наб ш пос дер стр корп кв д см ср напр т.е т.к т.н т.ч т.о акад проф"
    " доц ген зам зав рис табл гл ст п пп ч чл г-н г-жа гр тов св ок гг вв"
)
_RU_FINAL = _words(
    "т.д т.п др млн млрд трлн тыс руб коп долл обл р-н н.э с.-х кв.м куб.м мин сек чел"
)
_RU_UNITS = _words("г гг р руб коп млн млрд трлн тыс долл км кг м см мин сек ч чел т га л")
_UK_PREFIX = _words(
    "ім вул просп пров пл наб м с смт буд кв корп д див напр пор т.зв т.б т.ч акад проф доц ген"
    " заст зав рис табл гл ст п пп ч рр ст"
)
_UK_FINAL = _words("т.д т.п ін тис млн млрд трлн грн коп дол обл р-н н.е с.-г хв год")
_UK_UNITS = _words("р рр грн коп млн млрд трлн тис дол км кг м см хв год с т га л")


@dataclass(frozen=True, slots=True)
class _Rules:
    prefix: frozenset[str]
    final: frozenset[str]
    starter: frozenset[str]
    units: frozenset[str]
    known: frozenset[str]


def _rules(prefix: frozenset[str], final: frozenset[str], units: frozenset[str]) -> _Rules:
    units = units | _EN_UNITS
    known = prefix | final | _EN_STARTER | units
    return _Rules(prefix, final, _EN_STARTER, units, known)


_EN = _rules(_EN_PREFIX, frozenset(), frozenset())
_RU = _rules(_RU_PREFIX | _EN_PREFIX, _RU_FINAL, _RU_UNITS)
_UK = _rules(_UK_PREFIX | _EN_PREFIX, _UK_FINAL, _UK_UNITS)
# Unknown language: Cyrillic and Latin tables do not collide, so the union is safe.
_GENERIC = _rules(
    _RU_PREFIX | _UK_PREFIX | _EN_PREFIX, _RU_FINAL | _UK_FINAL, _RU_UNITS | _UK_UNITS
)
# Korean and Chinese news quote Latin-script names and titles, so they get the English table.
_RULES_BY_LANGUAGE = {"en": _EN, "ru": _RU, "uk": _UK, "ko": _EN, "zh": _EN}


def _rules_for(language: str | None) -> _Rules:
    if not language:
        return _GENERIC
    base = language.strip().lower().replace("_", "-").split("-", 1)[0]
    return _RULES_BY_LANGUAGE.get(base, _GENERIC)


def _is_cjk(ch: str) -> bool:
    """Han, kana or Hangul: scripts written without spaces between sentences."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3040 <= code <= 0x30FF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FFFF
    )


def _is_hangul(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7AF


def _next_significant(text: str, i: int) -> int:
    """Index of the first character after ``i`` that is neither whitespace nor an opener."""
    n = len(text)
    while i < n and (text[i].isspace() or text[i] in _OPENERS):
        i += 1
    return i


def _continues_sentence(text: str, j: int) -> bool:
    """True when the text at ``j`` reads as the rest of the same sentence."""
    if j >= len(text):
        return False
    ch = text[j]
    if ch in _CLAUSE_MARKS or ch in _TERMINALS:
        return True  # "!!! ?" or a stray space before the mark: the later mark decides
    if ch in _DASHES:
        # «Мы готовы!» — сказал он: a dash then a lower-case word is the speech attribution.
        k = j + 1
        while k < len(text) and text[k].isspace():
            k += 1
        return k > j + 1 and k < len(text) and text[k].islower()
    # "iPhone" starts lower-case but is a name, not a continuation.
    return ch.islower() and not (j + 1 < len(text) and text[j + 1].isupper())


def _token_before(text: str, end: int) -> tuple[int, str]:
    """The word (letters, digits, inner dots and hyphens) that ends at ``end``."""
    i = end
    limit = max(0, end - 30)
    while i > limit and (text[i - 1].isalnum() or text[i - 1] in _TOKEN_CHARS):
        i -= 1
    return i, text[i:end].strip(".-’'")


def _period_ends_sentence(text: str, first: int, start: int, nxt: int, rules: _Rules) -> bool:
    """Decide a single "." followed by whitespace, given the first character of the sentence
    (``first``) and the next significant index ``nxt``."""
    tok_start, token = _token_before(text, start)
    if not token or (
        tok_start and not text[tok_start - 1].isspace() and text[tok_start - 1] not in _OPENERS
    ):
        # Nothing, or the tail of a URL, path, e-mail or "30 °С": not an abbreviation.
        return True
    next_is_digit = nxt < len(text) and text[nxt].isdigit()
    at_sentence_start = tok_start <= first
    if token.replace(".", "").isdecimal():
        # "1. Введение" list markers and "2026. 11. 20" style dates/enumerations.
        return not (next_is_digit or at_sentence_start)
    key = token.lower()
    if len(token) == 1 and token.isalpha():
        # "т. д." / "и т. п." written with a space: look at the letter before.
        before = text[max(0, tok_start - 3) : tok_start]
        if len(before) == 3 and before[0].isalpha() and before[1:] in {". ", ".\u00a0"}:
            joined = before[0].lower() + "." + key
            if joined in rules.known:
                key = joined
    if key in rules.units:
        k = tok_start - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        # "…выросла до 2030 г. Затем" ends, but a sentence opening "В 2024 г. Россия…"
        # does not: a sentence is more than a preposition and a date.
        if k >= 0 and text[k].isdigit() and len(text[max(first, k - 60) : k + 1].split()) >= 3:
            return True
    if key in rules.prefix or (key in ("no", "nos") and next_is_digit):
        return False
    if len(key) == 1 and key.islower():
        return False  # an initial ("А. С. Пушкин", "J. F. Kennedy") or "г. Москва", "м. Київ"
    if key in rules.final or key in rules.units:
        return True
    if key in rules.starter or ("." in token and token.replace(".", "").isupper()):
        word = _WORD.match(text, nxt)
        return word is not None and word.group().lower() in _EN_OPENERS
    return not (at_sentence_start and _ROMAN_NUMERAL.fullmatch(token))


def _is_break(text: str, first: int, match: re.Match[str], rules: _Rules) -> bool:
    """Whether the punctuation run ``match`` ends a sentence."""
    start, end = match.span()
    found = match.group()
    if found[0] == "\n":
        return True
    punct = found.rstrip(_CLOSERS + " \t\u00a0")
    has_closers = len(punct) < len(found)
    if any(c in _CJK_TERMINALS for c in punct):
        return not _continues_sentence(text, _next_significant(text, end))
    after = text[end]
    if not after.isspace():
        # Chinese/Korean text sometimes uses ASCII marks with no space: "吗?请问", "했다.그러나".
        # A Hangul particle glued to a closing quote ("좋다."라고) continues the sentence.
        before = text[start - 1] if start else ""
        ellipsis = "…" in punct or ".." in punct
        if not before or not _is_cjk(before) or not _is_cjk(after) or ellipsis:
            return False
        return not (_is_hangul(after) and has_closers)
    nxt = _next_significant(text, end)
    if text.count("\n", end, nxt) >= 2:
        return True
    if _continues_sentence(text, nxt):
        return False
    if punct == ".":
        return _period_ends_sentence(text, first, start, nxt, rules)
    return True


def _cut_point(text: str, start: int, end: int) -> int:
    """Where to cut an over-long run ``text[start:end]``: after ; then , then at a space."""
    limit = start + MAX_SENTENCE_CHARS
    floor = start + MAX_SENTENCE_CHARS // 2
    for marks in (";；", ",，、:："):
        best = max(text.rfind(mark, floor, limit) for mark in marks)
        if best >= 0:
            return best + 1
    for i in range(limit, start, -1):
        if text[i - 1].isspace():
            return i
    return limit


def _skip_space(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append the stripped span ``text[start:end]``, cut into bounded pieces if too long."""
    start = _skip_space(text, start, end)
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut_point(text, start, end)
        stop = cut
        while text[stop - 1].isspace():
            stop -= 1
        out.append(Sentence(text[start:stop], start, stop))
        start = _skip_space(text, cut, end)
    if end > start:
        out.append(Sentence(text[start:end], start, end))


def split_sentences(paragraph: str, language: str | None) -> list[Sentence]:
    """Split one paragraph into sentences; empty or whitespace-only input gives ``[]``.

    ``language`` is an ISO 639-1 code ("ko", "ru", "zh", "uk", "en", also "zh-CN" etc.);
    ``None`` or any other code selects the generic rules.
    """
    rules = _rules_for(language)
    sentences: list[Sentence] = []
    protected = sorted(
        m.span()
        for pattern, hints in _PROTECTED
        if any(hint in paragraph for hint in hints)
        for m in pattern.finditer(paragraph)
    )
    shield = 0
    begin = 0
    first = _skip_space(paragraph, 0, len(paragraph))
    for match in _CANDIDATE.finditer(paragraph):
        end = match.end()
        if end >= len(paragraph):
            break
        while shield < len(protected) and protected[shield][1] <= match.start():
            shield += 1
        if shield < len(protected) and protected[shield][0] <= match.start():
            continue
        if _is_break(paragraph, first, match, rules):
            _emit(paragraph, begin, end, sentences)
            begin = end
            first = _skip_space(paragraph, end, len(paragraph))
    _emit(paragraph, begin, len(paragraph), sentences)
    return sentences


_LIST_ITEM = re.compile(r"(?:[-–—•*·▪►‣◦●#]|\d{1,3}[.)]|[a-zа-яіє][)]|\(\d{1,3}\)|[①-⑳])\s")
_LINE_END = re.compile(r"[.!?…。！？｡:;：；][" + re.escape(_CLOSERS) + r"]*\Z")


def _first_letter(line: str) -> str:
    return line.lstrip(_OPENERS)[:1]


def _joins(previous: str, line: str, width: int) -> bool:
    """Whether ``line`` continues ``previous`` (a hard-wrapped paragraph) rather than starting
    a new paragraph, list item or following a heading."""
    if _LIST_ITEM.match(line) or _LINE_END.search(previous):
        return False
    first = _first_letter(line)
    if not first or first.isupper():
        return False
    if first.islower():
        return True
    # Caseless scripts and digits: only a line filled to the wrap width can be a wrapped one
    # (CJK characters are twice as wide, so fewer of them fill a line).
    shortest = 20 if _is_cjk(previous[-1]) else 40
    return len(previous) >= shortest and len(previous) >= 0.8 * width


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs.

    Blank lines always separate paragraphs. A single line break is treated as a soft wrap
    (joined with a space, or with nothing between two Chinese/Japanese characters) only when
    the line does not end a sentence and the next line continues it: it starts lower-case, or,
    in caseless scripts, the line is filled to the wrap width. Otherwise (text extractors put
    one paragraph per line; headings, list items, dialogue lines) each line is its own
    paragraph. Empty or whitespace-only input gives ``[]``.
    """
    paragraphs: list[str] = []
    block: list[str] = []
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if line:
            block.append(line)
            continue
        if not block:
            continue
        width = max(len(item) for item in block)
        current = block[0]
        for previous, item in itertools.pairwise(block):
            if _joins(previous, item, width):
                glue = "" if _is_cjk(current[-1]) and _is_cjk(item[0]) else " "
                if _is_hangul(current[-1]) or _is_hangul(item[0]):
                    glue = " "
                current = current + glue + item
            else:
                paragraphs.append(current)
                current = item
        paragraphs.append(current)
        block = []
    return paragraphs


def segment(text: str, language: str | None) -> list[Paragraph]:
    """Paragraphs of ``text`` (see :func:`split_paragraphs`) with their sentences.

    Sentence offsets index the paragraph strings that :func:`split_paragraphs` returns.
    """
    return [
        Paragraph(index, tuple(split_sentences(paragraph, language)))
        for index, paragraph in enumerate(split_paragraphs(text))
    ]
