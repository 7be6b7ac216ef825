"""How likely a text is real writing, rather than bytes decoded the wrong way.

The judge behind three decisions: which of several decodings of a document's bytes to keep
(:mod:`monitor.collect.encoding`), whether a text is mojibake and whether a repair made it
better (:mod:`monitor.collect.mojibake`), and whether a text may be given a language at all
(:mod:`monitor.language.detect`).

A wrong decoding changes only the non-ASCII characters, so only those are judged. Each one
(each letter of a Cyrillic or accented Latin word) scores the log-likelihood ratio of "real
text in a language we know" over "bytes decoded the wrong way", from cheap models of each
script, and the text's score is their mean:

* Han: the 100 most frequent characters of Chinese (the head of Jun Da's Modern Chinese
  character frequency list, the same table charset-normalizer ships) and their traditional
  forms make up about 38% of real Chinese text (measured on the lingua test sentences), but
  at most 7% of Korean, Russian or Big5 bytes read as GBK. Characters outside GB2312's first
  level and Big5's frequent block (the 3,755 and 5,401 commonest) are rare in real text and
  common in wrong decodings.
* Hangul: the 300 commonest syllables by langdetect's Korean profile (counted on Wikipedia)
  make up 89% of real Korean, at most 17% of Chinese or Russian bytes read as CP949.
  Syllables outside KS X 1001's 2,350 are rare.
* Cyrillic: each word is spelled by the Russian, Ukrainian, Belarusian and Bulgarian
  character models of :mod:`monitor.language.cyrillic`; a capital inside a lower-case word
  ("уПВЩФЙЕ", KOI8-R read as Windows-1251) is never real.
* Accented Latin letters belong with ASCII ones in a word ("président"); words made only of
  them ("Ñîáûòèå", Windows-1251 read as Windows-1252) and rare symbols ("§³§à", "Á¤ºÎ")
  are what Cyrillic and CJK bytes look like read as Latin-1. Letters of scripts our
  outlets do not write (Thai, Greek, Hebrew) count a little against a text, kana neither
  way.

Everything is deterministic; the tables are built once, on first use, from the codecs and
the installed langdetect profile.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ftfy.badness import is_bad
from langdetect.detector_factory import PROFILES_DIRECTORY

from monitor.errors import ConfigError
from monitor.language.cyrillic import spelling_log_prob_per_letter

__all__ = ["Plausibility", "judge_plausibility", "looks_like_mojibake"]

# Mean score per judged character at or above which a text reads as real, and at or below
# which it reads as a wrong decoding (real sentences of every language we follow score
# above 0.5; wrong decodings of them below -0.5).
_PLAUSIBLE: Final = 0.3
_IMPROBABLE: Final = -0.3
# Less evidence than this (fewer judged characters, or a smaller total) cannot be told
# from a name, a term or a stray symbol: four Han characters off the list of the commonest
# 100 are a real headline as often as not, two rare ones or three symbols are not.
_MIN_JUDGED: Final = 4
_MIN_EVIDENCE: Final = 5.0
# Enough for a confident verdict on any document; more only costs time.
_MAX_JUDGED: Final = 3000

# Scores (log-likelihood ratios, rounded) per judged character.
_HAN_TOP: Final = 2.5
_HAN_COMMON: Final = -0.5
_HAN_RARE: Final = -3.0
_HANGUL_TOP: Final = 1.5
_HANGUL_COMMON: Final = -1.0
_HANGUL_RARE: Final = -3.0
_KANA: Final = 0.0  # Japanese is not ours; kana are also what GB2312 read as KS X 1001 gives
# Letters of scripts none of our outlets write (Thai, Hebrew, Greek...): seldom real here,
# and what Chinese bytes look like read as Windows-874.
_OTHER_SCRIPT: Final = -0.5
_ACCENTED_IN_WORD: Final = 0.5  # é among ASCII letters
_NOISE: Final = -2.0  # a rare symbol, a word of accented letters only, a mixed-script word
_BROKEN: Final = -3.0  # U+FFFD, C1 controls, private use, unassigned
# Cyrillic: per letter, (log-probability per letter + offset) * slope, clamped. Real words
# score above -4.1 per letter (99%), wrong decodings mostly below -5.
_CYRILLIC_OFFSET: Final = 4.6
_CYRILLIC_SLOPE: Final = 1.5
_CYRILLIC_BEST: Final = 1.5
_CYRILLIC_WORST: Final = -2.5

# The 100 commonest Chinese characters (Jun Da's list, most frequent first), and the
# traditional forms of those that differ.
_HAN_TOP_SIMPLIFIED: Final = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自"
    "之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些"
    "主样理心她本前开但因只从想实"
)
_HAN_TOP_TRADITIONAL: Final = "這個們來為爲國說時會對發後裡裏過經麼種學現當沒動還進從實樣開於著"
_COMMON_HANGUL_COUNT: Final = 300

# Punctuation real text uses, which says nothing either way: typographic quotes and dashes,
# the no-break space, CJK and full-width punctuation (checked by range below).
_NEUTRAL: Final = frozenset("\xa0\xad«»„“”‘’—–‑‒…•·№©®°™€£¥′″¡¿")
# Latin-1 characters that Unicode counts as letters but real text uses as symbols.
_SYMBOL_LETTERS: Final = frozenset("µªº")
_WORD_RE: Final = re.compile(r"[^\W\d_]+")
_CHUNK_RE: Final = re.compile(r"\S+")
_LATIN_TWINS: Final = str.maketrans("aceiopxyk", "асеіорхук")


@dataclass(frozen=True, slots=True)
class Plausibility:
    """How real a text looks: the mean score of its judged (non-ASCII) characters.

    ``script`` is the script most judged characters are in ("han", "hangul", "kana",
    "cyrillic", "latin", "other"), or None if nothing was judged.
    """

    judged: int
    total: float
    script: str | None

    @property
    def score(self) -> float:
        return self.total / self.judged if self.judged else 0.0

    @property
    def plausible(self) -> bool:
        """Reads as real text (or has nothing a wrong decoding could have changed)."""
        return self.judged == 0 or self.score >= _PLAUSIBLE

    @property
    def improbable(self) -> bool:
        """Reads as a wrong decoding, with enough characters to say so."""
        return (
            self.judged >= _MIN_JUDGED
            and self.score <= _IMPROBABLE
            and self.total <= -_MIN_EVIDENCE
        )


def judge_plausibility(text: str) -> Plausibility:
    """Judge ``text`` (plain text or markup: tags are ASCII and are not judged)."""
    scorer = _Scorer()
    for chunk in _CHUNK_RE.finditer(text):
        word = chunk.group()
        if word.isascii():
            continue
        scorer.add_chunk(word)
        if scorer.judged >= _MAX_JUDGED:
            break
    return scorer.result()


# Judged characters a wrong decoding must show before language detection gives up on a
# text, by script: mojibake in Latin letters is unmistakable from a few symbols; a Cyrillic
# or Hangul word may just be rare; a Chinese sentence of technical terms scores as low as
# Korean read as GBK until it is a paragraph long.
_MOJIBAKE_MIN_JUDGED: Final = {"latin": 4, "han": 40}
_MOJIBAKE_MIN_JUDGED_OTHERWISE: Final = 12


def looks_like_mojibake(text: str) -> bool:
    """Whether ``text`` reads as a wrong decoding, so that no language may be given to it.

    ftfy's detector of UTF-8 mojibake catches what is too short for the judge ("Ð¡Ð¾"),
    unless the text is plausible as a whole (one bad sequence in a good article).
    """
    verdict = judge_plausibility(text)
    if is_bad(text) and not verdict.plausible:
        return True
    minimum = _MOJIBAKE_MIN_JUDGED.get(verdict.script or "", _MOJIBAKE_MIN_JUDGED_OTHERWISE)
    return verdict.improbable and verdict.judged >= minimum


class _Scorer:
    __slots__ = ("judged", "scripts", "total")

    def __init__(self) -> None:
        self.judged = 0
        self.total = 0.0
        self.scripts: dict[str, int] = {}

    def result(self) -> Plausibility:
        script = max(self.scripts, key=lambda name: self.scripts[name]) if self.scripts else None
        return Plausibility(self.judged, self.total, script)

    def _add(self, script: str, score: float, count: int = 1) -> None:
        self.judged += count
        self.total += score * count
        self.scripts[script] = self.scripts.get(script, 0) + count

    def add_chunk(self, chunk: str) -> None:
        """One whitespace-delimited chunk: its words by script, then its symbols."""
        position = 0
        symbols: list[str] = []
        accented_words: list[tuple[str, bool]] = []  # and whether ASCII letters are beside
        for match in _WORD_RE.finditer(chunk):
            symbols.extend(chunk[position : match.start()])
            position = match.end()
            word = match.group()
            for kind, part in _split_by_script(word):
                if kind == "latin":
                    if not part.isascii():
                        accented_words.append((part, any(c.isascii() for c in part)))
                elif kind == "cyrillic":
                    self._add_cyrillic(part)
                elif kind == "cjk":
                    self._add_cjk(part)
                elif kind == "symbols":
                    symbols.extend(part)
                elif kind == "mixed":
                    self._add("other", _NOISE, sum(not c.isascii() for c in part))
                else:
                    self._add("other", _OTHER_SCRIPT, len(part))
        symbols.extend(chunk[position:])
        noisy_symbols = 0
        for char in symbols:
            if char.isascii() or char in _NEUTRAL or _is_cjk_punctuation(char):
                continue
            if _is_broken(char):
                self._add("other", _BROKEN)
            elif unicodedata.category(char) not in ("Mn", "Mc", "Me", "Nd"):
                noisy_symbols += 1  # including ² ³ ½, which mojibake is full of
        if noisy_symbols:
            self._add("latin", _NOISE, noisy_symbols)
        for word, has_ascii_letters in accented_words:
            accented = sum(not c.isascii() for c in word)
            if has_ascii_letters and not noisy_symbols:
                self._add("latin", _ACCENTED_IN_WORD, accented)
            elif len(word) == 1 and not noisy_symbols:
                self._add("latin", 0.0)  # à, é, ö standing alone
            else:
                self._add("latin", _NOISE, accented)

    def _add_cyrillic(self, word: str) -> None:
        letters = sum(not c.isascii() for c in word)
        if len(word) == 1:
            self._add("cyrillic", 0.0)
            return
        if _capital_inside(word):
            self._add("cyrillic", _CYRILLIC_WORST, letters)
            return
        per_letter = spelling_log_prob_per_letter(word.lower().translate(_LATIN_TWINS))
        score = (per_letter + _CYRILLIC_OFFSET) * _CYRILLIC_SLOPE
        self._add("cyrillic", min(_CYRILLIC_BEST, max(_CYRILLIC_WORST, score)), letters)

    def _add_cjk(self, run: str) -> None:
        tables = _tables()
        for char in run:
            code = ord(char)
            if 0xAC00 <= code <= 0xD7A3:
                if char in tables.top_hangul:
                    self._add("hangul", _HANGUL_TOP)
                elif char in tables.common_hangul:
                    self._add("hangul", _HANGUL_COMMON)
                else:
                    self._add("hangul", _HANGUL_RARE)
            elif _is_kana(code):
                self._add("kana", _KANA)
            elif char in tables.top_han:
                self._add("han", _HAN_TOP)
            elif char in tables.common_han:
                self._add("han", _HAN_COMMON)
            elif is_han(code):
                self._add("han", _HAN_RARE)
            else:
                self._add("other", 0.0)  # jamo, bopomofo, CJK letters in circles...


def _split_by_script(word: str) -> list[tuple[str, str]]:
    """A letter run as (kind, letters) parts: "latin", "cyrillic", "cjk", "symbols",
    "mixed" (Cyrillic with accented Latin, never real) or "other"."""
    cyrillic = latin_accented = 0
    for char in word:
        code = ord(char)
        if 0x400 <= code <= 0x52F:
            cyrillic += 1
        elif 0x80 <= code < 0x250 or 0x1E00 <= code <= 0x1EFF:
            latin_accented += 1
    if cyrillic:
        # Latin twins (a, i, o...) typed into Cyrillic words are scored as Cyrillic.
        return [("mixed" if latin_accented else "cyrillic", word)]
    parts: list[tuple[str, str]] = []
    for char in word:
        kind = _letter_kind(char)
        if parts and parts[-1][0] == kind:
            parts[-1] = (kind, parts[-1][1] + char)
        else:
            parts.append((kind, char))
    return parts


def _letter_kind(char: str) -> str:
    code = ord(char)
    if char in _SYMBOL_LETTERS:
        return "symbols"
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if (
        0x1100 <= code <= 0x11FF
        or 0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7A3
        or 0xF900 <= code <= 0xFAFF
        or 0xFF66 <= code <= 0xFF9F
        or 0x20000 <= code <= 0x3FFFF
    ):
        return "cjk"
    if 0xFF21 <= code <= 0xFF5A:
        return "latin"  # full-width Latin, common in CJK text
    return "other"


def _capital_inside(word: str) -> bool:
    """A capital after a lower-case letter, as in "уПВЩФЙЕ" (KOI8-R read as Windows-1251).

    Units such as "кВт" or "МэВ" are the one real exception; they are three letters long.
    """
    if len(word) < 4:
        return False
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))


def _is_broken(char: str) -> bool:
    if char == "\ufffd":
        return True
    category = unicodedata.category(char)
    return category in ("Cc", "Co", "Cn", "Cs")


def _is_cjk_punctuation(char: str) -> bool:
    code = ord(char)
    return 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF65 or 0xFE30 <= code <= 0xFE4F


def _is_kana(code: int) -> bool:
    return 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F


def is_han(code: int) -> bool:
    """Whether ``code`` is a Han character (CJK ideographs and their extensions)."""
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


@dataclass(frozen=True, slots=True)
class _Tables:
    top_han: frozenset[str]
    common_han: frozenset[str]
    top_hangul: frozenset[str]
    common_hangul: frozenset[str]


@functools.cache
def _tables() -> _Tables:
    return _Tables(
        top_han=frozenset(_HAN_TOP_SIMPLIFIED + _HAN_TOP_TRADITIONAL),
        common_han=frozenset(
            _decoded_block("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
            + _decoded_block("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
        ),
        top_hangul=frozenset(_top_hangul_syllables(_COMMON_HANGUL_COUNT)),
        common_hangul=frozenset(_decoded_block("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))),
    )


def _decoded_block(codec: str, leads: range, trails: list[int] | range) -> str:
    """The characters a double-byte codec has in a block (GB2312's first level: the 3,755
    commonest Chinese characters; Big5's 5,401 frequent ones; KS X 1001's 2,350 Hangul)."""
    chars = []
    for lead in leads:
        for trail in trails:
            try:
                chars.append(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                continue  # the unassigned tail of a row
    return "".join(chars)


def _top_hangul_syllables(count: int) -> list[str]:
    path = Path(PROFILES_DIRECTORY) / "ko"
    try:
        frequencies = json.loads(path.read_text(encoding="utf-8"))["freq"]
    except (OSError, ValueError, KeyError) as error:
        raise ConfigError(
            f"The Korean profile of the langdetect package cannot be read ({error}); "
            "reinstall Media Monitor to restore it."
        ) from error
    syllables = [
        (int(number), gram)
        for gram, number in frequencies.items()
        if len(gram) == 1 and "\uac00" <= gram <= "\ud7a3"
    ]
    syllables.sort(key=lambda pair: (-pair[0], pair[1]))
    return [gram for _, gram in syllables[:count]]
