"""Language detection for article text: script rules first, statistics where they help.

The decision is made in steps, cheapest and surest first:

1. Clean the text (markup, URLs, e-mail addresses, digits) and look at the first few
   thousand characters only, so one call per article stays fast.
2. Count letters per script and take the dominant one. Hangul means Korean and Han means
   Chinese (unless kana shows Japanese). These need no statistics.
3. Cyrillic is Russian or Ukrainian, and that is where the real work is; see
   :mod:`monitor.language.cyrillic`.
4. Latin script is English unless langdetect, run over all its languages, says otherwise
   with enough text to say it: a German or French article gets "de" or "fr", so nothing
   downstream treats it as English. A short Latin snippet stays English (langdetect is
   no better than chance on two words) unless it has a letter English does not use.

Everything is deterministic: langdetect samples at random, so it runs with a fixed seed,
and its profiles are loaded once, on first use, behind a lock.

Text that is clearly in a language the app does not follow gives its code if it is in
Latin script and ``None`` otherwise (Japanese, Belarusian, Bulgarian, Greek), rather than
a wrong label, so nothing downstream translates it with the wrong model. ``None`` also
means "too little text to tell", and "this is mojibake" (text decoded the wrong way that
no repair could mend, judged by :mod:`monitor.language.plausibility`): "Ð¡Ð¾Ð±Ñ‹Ñ‚Ð¸Ðµ"
is no Portuguese, and "уПВЩФЙЕ" no Russian.
"""

from __future__ import annotations

import html
import re
import threading
from typing import Final

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from monitor.errors import ConfigError
from monitor.language.cyrillic import CyrillicVerdict, judge_cyrillic
from monitor.language.plausibility import is_han, looks_like_mojibake

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
    """Return the ISO 639-1 code of ``text`` (ko, ru, zh, uk, en, or de, fr, ...), or None.

    Codes other than those in :data:`SUPPORTED_LANGUAGES` come only for Latin-script text
    (German, French, Spanish, ...). None means the text is too short or has no letters to
    tell by, or is clearly in a non-Latin language the app does not follow (Japanese,
    Belarusian, Bulgarian, ...).

    Raises :class:`ConfigError` only if an installed language profile is missing.
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
    if script is None or looks_like_mojibake(cleaned):
        return None
    if script == "cjk":
        return _judge_cjk(counts)
    if script == "latin":
        return _judge_latin(cleaned, counts.latin)
    if script != "cyrillic":
        return None  # Greek, Arabic, Thai, ...: none of ours
    verdict = judge_cyrillic(cleaned)
    return _apply_hint(verdict, hint_code)


def _normalise_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    code = hint.strip().lower().replace("_", "-").split("-")[0]
    code = _HINT_ALIASES.get(code, code)
    return code if code in SUPPORTED_LANGUAGES else None


def _apply_hint(verdict: CyrillicVerdict, hint: str | None) -> str | None:
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
        elif is_han(code):
            counts.han += 1
        elif 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
            counts.kana += 1
        elif 0xFF21 <= code <= 0xFF5A:  # full-width Latin, common in CJK text
            counts.latin += 1
        else:
            counts.other += 1
    return counts


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


# --- Latin script: English or another language -----------------------------------------

# Below this many Latin letters (about five words) langdetect's guesses are close to
# random, and confidently so: it calls "budget approved" Danish. Such text stays English.
_SHORT_LATIN_LETTERS: Final = 40
# Fixed so that the same text always gets the same answer; the value itself is arbitrary.
_LANGDETECT_SEED: Final = 0
_LANGDETECT_CODES: Final = {"zh-cn": "zh", "zh-tw": "zh"}
_latin_factory_lock = threading.Lock()
_latin_factory: DetectorFactory | None = None


def _judge_latin(text: str, latin_letters: int) -> str:
    short = latin_letters < _SHORT_LATIN_LETTERS
    # A short snippet is worth a second look only if it has a letter English does not
    # write (ß, é, ñ, ...); otherwise it is English, the Latin language the app follows.
    if short and not any(char.isalpha() and "\x7f" < char < "\u0250" for char in text):
        return "en"
    detector = _latin_detector_factory().create()
    detector.append(text)
    try:
        guesses = detector.get_probabilities()
    except LangDetectException:
        return "en"  # no letters langdetect can use
    if not guesses:
        return "en"
    code = str(guesses[0].lang)
    return _LANGDETECT_CODES.get(code, code)


def _latin_detector_factory() -> DetectorFactory:
    """langdetect's detector factory with every profile, loaded once for all threads.

    A private factory, not langdetect's module-level one, so that no other code's seed
    or profiles change our answers. Detectors made from it share the profiles read-only.
    """
    global _latin_factory
    factory = _latin_factory
    if factory is None:
        with _latin_factory_lock:  # the first calls may come from several threads at once
            if _latin_factory is None:
                _latin_factory = _load_latin_factory()
            factory = _latin_factory
    return factory


def _load_latin_factory() -> DetectorFactory:
    factory = DetectorFactory()
    try:
        factory.load_profile(PROFILES_DIRECTORY)
    except (OSError, LangDetectException) as error:
        raise ConfigError(
            f"The language profiles of the langdetect package cannot be read ({error}); "
            "reinstall Media Monitor to restore them."
        ) from error
    factory.set_seed(_LANGDETECT_SEED)
    return factory
