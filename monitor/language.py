"""Language detection for article text, limited to the app's languages: ko, ru, zh, uk, en.

The decision is made in steps, cheapest and surest first:

1. Clean the text (markup, URLs, e-mail addresses, digits) and look at the first few
   thousand characters only, so one call per article stays fast.
2. Count letters per script and take the dominant one. Hangul means Korean and Han means
   Chinese (unless kana shows Japanese); Latin means English, the only Latin-script
   language the app follows. These need no statistics.
3. Cyrillic is Russian or Ukrainian, and that is where the real work is. Letters that only
   one of the two has (``ы э ё ъ`` against ``і ї є ґ``) decide first; otherwise a
   naive-Bayes score decides, word by word: how frequent the word is in each language
   (jusText's Wikipedia frequency lists, installed with trafilatura) or, for a word on
   no list, how likely its spelling is under a character model trained on those lists.

Everything is deterministic (no sampling, unlike langdetect) and needs no global state.

Text that is clearly in a language the app does not follow (Japanese, Belarusian,
Bulgarian) gives ``None`` rather than a wrong label, so nothing downstream translates it
with the wrong model. ``None`` also means "too little text to tell".
"""

from __future__ import annotations

import functools
import html
import math
import pkgutil
import re
from dataclasses import dataclass
from typing import Final

from monitor.errors import ConfigError

__all__ = ["SUPPORTED_LANGUAGES", "detect_language", "detect_language_with_hint"]

SUPPORTED_LANGUAGES: Final = ("ko", "ru", "zh", "uk", "en")

# Enough for a confident answer on any real article; more only costs time.
_MAX_CHARS: Final = 4000
# Fewer letters than this cannot be told apart (a lone "a", "я" or "中").
_MIN_LETTERS: Final = 2
# A Han or Hangul character carries a syllable or a word, several Latin letters' worth;
# weighting keeps a Korean article with a few English brand names Korean.
_CJK_WEIGHT: Final = 3

_TAG_RE: Final = re.compile(r"<[^<>]{0,500}>")
_URL_RE: Final = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)
_EMAIL_RE: Final = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_DIGIT_RE: Final = re.compile(r"\d+")

# Declared languages as feeds spell them; "ua" is a country code, but common in
# Ukrainian feeds' <language>, so it is taken to mean Ukrainian.
_HINT_ALIASES: Final = {"ua": "uk", "kr": "ko", "cn": "zh"}


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code (ko, ru, zh, uk or en) of ``text``, or None.

    None means the text is too short or has no letters to tell by, or is clearly in a
    language the app does not follow (Japanese, Belarusian, Bulgarian, ...).
    """
    return detect_language_with_hint(text, None)


def detect_language_with_hint(text: str, hint: str | None) -> str | None:
    """Like :func:`detect_language`, with a feed's declared language as a tie-breaker.

    The hint never overrides what the text shows (Ukrainian outlets publish Russian items
    and the other way round); it only settles text that could be either of two languages,
    such as a short Cyrillic headline with no letter or word particular to one of them.
    """
    if not isinstance(text, str):
        return None  # nothing a caller could mean as text
    hint_code = _normalise_hint(hint if isinstance(hint, str) else None)
    cleaned = _clean(text)
    counts = _count_scripts(cleaned)
    script = counts.dominant()
    if script is None:
        return None
    if script == "cjk":
        return _judge_cjk(counts)
    if script == "latin":
        return "en"
    if script != "cyrillic":
        return None  # Greek, Arabic, Thai, ...: none of ours
    verdict = _judge_cyrillic(cleaned)
    return _apply_hint(verdict, hint_code)


def _normalise_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    code = hint.strip().lower().replace("_", "-").split("-")[0]
    code = _HINT_ALIASES.get(code, code)
    return code if code in SUPPORTED_LANGUAGES else None


def _apply_hint(verdict: _CyrillicVerdict, hint: str | None) -> str | None:
    if hint is not None and verdict.close_call and hint in verdict.contenders:
        return hint
    return verdict.language


def _clean(text: str) -> str:
    # Cap before the regexes so a huge page costs no more than a long article; the extra
    # margin leaves room for the markup and links that cleaning removes.
    text = text[: _MAX_CHARS * 2]
    text = _TAG_RE.sub(" ", text)
    text = html.unescape(text)
    text = _URL_RE.sub(" ", text)
    text = _EMAIL_RE.sub(" ", text)
    text = _DIGIT_RE.sub(" ", text)
    return text[:_MAX_CHARS]


class _ScriptCounts:
    """Letters per script in one text."""

    __slots__ = ("cyrillic", "han", "hangul", "kana", "latin", "other")

    def __init__(self) -> None:
        self.hangul = 0
        self.han = 0
        self.kana = 0
        self.cyrillic = 0
        self.latin = 0
        self.other = 0

    def dominant(self) -> str | None:
        """The script with the most (weighted) letters, or None if there are too few."""
        cjk = self.hangul + self.han + self.kana
        if cjk + self.cyrillic + self.latin + self.other < _MIN_LETTERS:
            return None
        weighted = {
            "cjk": cjk * _CJK_WEIGHT,
            "cyrillic": self.cyrillic,
            "latin": self.latin,
            "other": self.other,
        }
        # Ties go to the first listed: CJK, then Cyrillic, then Latin.
        return max(weighted, key=lambda name: weighted[name])


def _count_scripts(text: str) -> _ScriptCounts:
    counts = _ScriptCounts()
    for char in text:
        if not char.isalpha():
            continue
        code = ord(char)
        if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
            counts.latin += 1
        elif 0x400 <= code <= 0x52F:
            counts.cyrillic += 1
        elif 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            counts.hangul += 1
        elif _is_han(code):
            counts.han += 1
        elif 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            counts.kana += 1
        elif 0xFF21 <= code <= 0xFF5A:  # full-width Latin, common in CJK text
            counts.latin += 1
        else:
            counts.other += 1
    return counts


def _is_han(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


def _judge_cjk(counts: _ScriptCounts) -> str | None:
    cjk = counts.hangul + counts.han + counts.kana
    # Korean news writes a few words in Han characters (hanja) at most, and Chinese never
    # uses Hangul, so a third of Hangul is plenty to call it Korean.
    if counts.hangul * 3 >= cjk:
        return "ko"
    # Japanese writes its grammar in kana; Chinese has none. Japanese is not ours.
    if counts.kana * 5 >= cjk:
        return None
    return "zh"


# --- Russian or Ukrainian -------------------------------------------------------------

_RU_ONLY_LETTERS: Final = frozenset("ыэё")
_UK_ONLY_LETTERS: Final = frozenset("іїєґ")
_IOTATED: Final = frozenset("еёюяєї")
# Letters of Cyrillic alphabets other than ours: Belarusian ў, Serbian and Macedonian
# ј љ њ ђ ћ џ ѓ ќ ѕ, Kazakh, Tatar, Bashkir and others' extra letters.
_FOREIGN_LETTERS: Final = frozenset("ўјљњђћџѓќѕәғқңөұүһҗҙҫӣӯҳҷ")
# Russian has one of ы э ё in about every 45th letter and Ukrainian one of і ї є ґ in about
# every 15th; fewer than one in 150 is a quotation more likely than the language itself.
_LETTERS_PER_MARK: Final = 150
# Ukrainian writes an apostrophe where Russian writes ъ: "об'єкт", "з'явився".
_APOSTROPHES: Final = "'’ʼ"
_WORD_RE: Final = re.compile(rf"[^\W\d_]+(?:[{_APOSTROPHES}][^\W\d_]+)*")
_CYRILLIC_RE: Final = re.compile("[\u0400-\u052f]")
# Latin letters typed for their Cyrillic twins; old Ukrainian web text often has Latin i.
_LATIN_TWINS: Final = str.maketrans("aceiopxyk", "асеіорхук")
# Log-odds added for Russian when no letter decides. The word lists' character model leans
# Ukrainian on such text; this evens it out (checked on the tests' labelled set).
_RUSSIAN_PRIOR: Final = 0.5
# How much likelier Belarusian or Bulgarian must be than Russian or Ukrainian (log-odds)
# before the text is called none of ours: short text in them is often Russian-like.
_OTHER_LANGUAGE_MARGIN: Final = 4.0
# Below this log-odds margin a feed's declared language may settle Russian vs Ukrainian.
_CLOSE_CALL: Final = 1.0


@dataclass(frozen=True, slots=True)
class _CyrillicVerdict:
    language: str | None
    close_call: bool
    contenders: tuple[str, ...] = ("ru", "uk")


def _judge_cyrillic(text: str) -> _CyrillicVerdict:
    words = _cyrillic_words(text)
    letters = sum(len(word) for word in words)
    foreign = sum(char in _FOREIGN_LETTERS for word in words for char in word)
    # One such letter in fifty is more than a quoted name in a Russian text would bring.
    if foreign and foreign * 50 >= letters:
        return _CyrillicVerdict(None, close_call=False)  # Belarusian, Serbian, Kazakh, ...
    ru_marks, uk_marks, bulgarian_marks = _count_marks(words)
    # One decisive letter in a long text can be a quoted name or title; letters decide
    # alone only when there are as many as a text in that language would show.
    enough = max(1, letters // _LETTERS_PER_MARK)
    if uk_marks >= enough and not ru_marks:
        return _CyrillicVerdict("uk", close_call=False)
    if ru_marks >= enough and not uk_marks:
        return _CyrillicVerdict("ru", close_call=False)
    if bulgarian_marks >= enough and not uk_marks:
        return _CyrillicVerdict(None, close_call=False)
    # Both sets (a Ukrainian text quoting Russian, or Belarusian) or neither: let the
    # statistics weigh every word.
    scores = _cyrillic_model().score(words)
    scores["ru"] += _RUSSIAN_PRIOR
    ours = max(("ru", "uk"), key=lambda name: scores[name])
    others = max(scores[name] for name in scores if name not in ("ru", "uk"))
    if others - scores[ours] > _OTHER_LANGUAGE_MARGIN:
        return _CyrillicVerdict(None, close_call=False)
    margin = scores["ru"] - scores["uk"]
    if margin == 0:
        return _CyrillicVerdict(None, close_call=True)
    return _CyrillicVerdict(ours, close_call=abs(margin) < _CLOSE_CALL)


def _cyrillic_words(text: str) -> list[str]:
    """The lower-cased words that have Cyrillic letters, Latin look-alikes made Cyrillic."""
    return [
        word.translate(_LATIN_TWINS)
        for word in _WORD_RE.findall(text.lower())
        if _CYRILLIC_RE.search(word)
    ]


def _count_marks(words: list[str]) -> tuple[int, int, int]:
    """Letters only Russian, only Ukrainian, only Bulgarian would write, in that order."""
    ru = uk = bulgarian = 0
    for word in words:
        for index, char in enumerate(word):
            if char in _RU_ONLY_LETTERS:
                ru += 1
            elif char in _UK_ONLY_LETTERS:
                uk += 1
            elif char == "ъ":
                # Russian writes ъ only before an iotated vowel (объявил, съезд);
                # elsewhere it is the Bulgarian vowel (във, България).
                following = word[index + 1 : index + 2]
                if following and following in _IOTATED:
                    ru += 1
                else:
                    bulgarian += 1
            elif char in _APOSTROPHES:
                uk += 1
    return ru, uk, bulgarian


# Frequent-word lists by language that jusText (installed with trafilatura) ships: about
# 5,000 words each, most frequent first, counted on Wikipedia. Belarusian and Bulgarian
# are there so that text in them is recognised as not ours instead of called Russian.
_WORD_LISTS: Final = {
    "ru": "Russian",
    "uk": "Ukrainian",
    "be": "Belarusian",
    "bg": "Bulgarian",
}
_ORDER: Final = 4  # the character model predicts each letter from the three before it
# A word's letters are not independent evidence, and a model trained on 5,000 words knows
# few stems, so its log-likelihood counts for about a third of a listed word's.
_SPELLING_WEIGHT: Final = 0.3


class _LanguageModel:
    """One language's word frequencies and letter-sequence statistics."""

    def __init__(self, ranked_words: list[str]) -> None:
        size = len(ranked_words)
        # Zipf's law: the word at rank r is about 1/r as frequent as the first.
        harmonic = math.log(size) + 0.5772
        self.word_log_prob = {
            word: -math.log(rank * harmonic) for rank, word in enumerate(ranked_words, start=1)
        }
        # A word off the list is rarer than its last one; twice that rank is a fair guess.
        self.unlisted_log_prob = -math.log(2 * size * harmonic)
        self.counts: dict[str, int] = {}
        self.contexts: dict[str, int] = {}
        followers: dict[str, set[str]] = {}
        for word in ranked_words:
            padded = " " * (_ORDER - 1) + word + " "
            for end in range(_ORDER - 1, len(padded)):
                for length in range(1, _ORDER + 1):
                    gram = padded[end - length + 1 : end + 1]
                    self.counts[gram] = self.counts.get(gram, 0) + 1
                    self.contexts[gram[:-1]] = self.contexts.get(gram[:-1], 0) + 1
                    followers.setdefault(gram[:-1], set()).add(gram[-1])
        self.variety = {context: len(chars) for context, chars in followers.items()}
        self.alphabet = len(followers[""]) + 1  # one more for letters never seen

    def spelling_log_prob(self, word: str) -> float:
        """log P(word's letters) under a Witten-Bell smoothed character model of the list."""
        padded = " " * (_ORDER - 1) + word + " "
        total = 0.0
        for end in range(_ORDER - 1, len(padded)):
            probability = 1.0 / self.alphabet
            # From the shortest context to the longest, each backing off to the one before.
            for start in range(end, end - _ORDER, -1):
                context = padded[start:end]
                seen = self.contexts.get(context, 0)
                if seen:
                    variety = self.variety[context]
                    count = self.counts.get(context + padded[end], 0)
                    probability = (count + variety * probability) / (seen + variety)
            total += math.log(probability)
        return total


class _CyrillicModel:
    """Scores words against every language in :data:`_WORD_LISTS`."""

    def __init__(self, models: dict[str, _LanguageModel]) -> None:
        self.models = models

    def score(self, words: list[str]) -> dict[str, float]:
        """Log-likelihood of ``words`` per language (only differences between them matter)."""
        totals = dict.fromkeys(self.models, 0.0)
        for word in words:
            listed = any(word in model.word_log_prob for model in self.models.values())
            for name, model in self.models.items():
                if listed:
                    totals[name] += model.word_log_prob.get(word, model.unlisted_log_prob)
                else:
                    totals[name] += _SPELLING_WEIGHT * model.spelling_log_prob(word)
        return totals


@functools.cache
def _cyrillic_model() -> _CyrillicModel:
    models = {}
    for code, list_name in _WORD_LISTS.items():
        try:
            data = pkgutil.get_data("justext", f"stoplists/{list_name}.txt")
        except (OSError, ImportError):
            data = None
        if data is None:
            raise ConfigError(
                f"The {list_name} word list of the jusText package is missing; "
                "reinstall Media Monitor to restore it."
            )
        ranked: dict[str, None] = {}  # keeps first (most frequent) rank of each word
        for line in data.decode("utf-8").splitlines():
            word = line.strip().lower()
            if _WORD_RE.fullmatch(word) and _CYRILLIC_RE.search(word):
                ranked.setdefault(word)
        models[code] = _LanguageModel(list(ranked))
    return _CyrillicModel(models)
