"""Telling Russian from Ukrainian (and from Belarusian or Bulgarian) in Cyrillic text.

Used by :mod:`monitor.language.detect` once the text is known to be mostly Cyrillic. The steps:

1. Letters only one language writes (``ы э ё ъ`` against ``і ї є ґ`` and the apostrophe)
   decide when there are about as many as a text in that language would show.
2. Otherwise a naive-Bayes score weighs every word: how frequent it is in each language
   (jusText's Wikipedia frequency lists) or, for a word on no list, how likely its spelling
   is under a character model trained on those lists, plus what its ending says by the
   grammar of the two languages (the lists are too short to know many stems, so endings
   such as Ukrainian ``-ння`` or Russian ``-ие`` carry what the spelling model misses).
3. Last, the full Russian and Ukrainian morphological dictionaries (pymorphy3's) say which
   language has each word form at all: "ракетний" is only Ukrainian and "дождь" only
   Russian, though neither is on a frequency list. This settles most two-word headlines
   the lists cannot.

Everything is deterministic; the models and dictionaries are loaded once, on first use.
"""

from __future__ import annotations

import functools
import math
import pkgutil
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from monitor.errors import ConfigError

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer

__all__ = ["CyrillicVerdict", "judge_cyrillic", "spelling_log_prob_per_letter"]

_RU_ONLY_LETTERS: Final = frozenset("ыэё")
_UK_ONLY_LETTERS: Final = frozenset("іїєґ")
_IOTATED: Final = frozenset("еёюяєї")
# Letters of Cyrillic alphabets other than ours: Belarusian ў, Serbian and Macedonian
# ј љ њ ђ ћ џ ѓ ќ ѕ, Kazakh, Tatar, Bashkir and others' extra letters.
_FOREIGN_LETTERS: Final = frozenset("ўјљњђћџѓќѕәғқңөұүһҗҙҫӣӯҳҷ")
# Russian has one of ы э ё in about every 45th letter and Ukrainian one of і ї є ґ in about
# every 15th. Fewer than one in 150 (Russian) or one in 50 (Ukrainian) is more likely a
# quotation, such as a Ukrainian title in a Russian text, than the language itself.
_LETTERS_PER_RUSSIAN_MARK: Final = 150
_LETTERS_PER_UKRAINIAN_MARK: Final = 50
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
class CyrillicVerdict:
    """Which of Russian and Ukrainian the text is (None: neither, or cannot tell).

    ``close_call`` says the evidence is thin enough for a feed's declared language, if it
    is one of ``contenders``, to settle the matter instead.
    """

    language: str | None
    close_call: bool
    contenders: tuple[str, ...] = ("ru", "uk")


def judge_cyrillic(text: str) -> CyrillicVerdict:
    """Judge mostly-Cyrillic ``text`` (already cleaned of markup, links and digits)."""
    words = _cyrillic_words(text)
    letters = sum(len(word) for word in words)
    foreign = sum(char in _FOREIGN_LETTERS for word in words for char in word)
    # One such letter in fifty is more than a quoted name in a Russian text would bring.
    if foreign and foreign * 50 >= letters:
        return CyrillicVerdict(None, close_call=False)  # Belarusian, Serbian, Kazakh, ...
    ru_marks, uk_marks, bulgarian_marks = _count_marks(words)
    # One decisive letter in a long text can be a quoted name or title; letters decide
    # alone only when there are as many as a text in that language would show.
    enough = max(1, letters // _LETTERS_PER_RUSSIAN_MARK)
    if uk_marks >= max(1, letters // _LETTERS_PER_UKRAINIAN_MARK) and not ru_marks:
        return CyrillicVerdict("uk", close_call=False)
    if ru_marks >= enough and not uk_marks:
        return CyrillicVerdict("ru", close_call=False)
    if bulgarian_marks >= enough and not uk_marks:
        return CyrillicVerdict(None, close_call=False)
    # Both sets (a Ukrainian text quoting Russian, or Belarusian) or neither: let the
    # statistics weigh every word.
    scores = _cyrillic_model().score(words)
    scores["ru"] += _RUSSIAN_PRIOR
    others = max(scores[name] for name in scores if name not in ("ru", "uk"))
    if others - max(scores["ru"], scores["uk"]) > _OTHER_LANGUAGE_MARGIN:
        return CyrillicVerdict(None, close_call=False)
    # The dictionaries know Russian and Ukrainian only, so they weigh one against the
    # other after Belarusian and Bulgarian have had their say.
    margin = scores["ru"] - scores["uk"] - sum(_dictionary_log_odds(word) for word in words)
    ours = "ru" if margin > 0 else "uk"
    if margin == 0:
        return CyrillicVerdict(None, close_call=True)
    return CyrillicVerdict(ours, close_call=abs(margin) < _CLOSE_CALL)


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
            if not listed:
                # Split evenly so the ending moves Russian against Ukrainian only, not
                # the pair against Belarusian or Bulgarian.
                odds = _ending_log_odds(word)
                totals["uk"] += odds / 2
                totals["ru"] -= odds / 2
        return totals


# Word endings that one language's grammar makes common and the other's rare, with the
# log-odds (Ukrainian over Russian) each is worth. Stems are shared between the two and
# five thousand listed words know few of them, so the character model often prefers
# whichever list happens to have the stem; endings are where the languages differ.
# Endings with a decisive letter (-ів, -ої, -ія, -ый, ...) need no entry here.
_ENDINGS_LOG_ODDS: Final = {
    # Ukrainian: verbal nouns in -ння (Russian -ние), synthetic future -тиме/-тимуть,
    # instrumental -ою/-ею (Russian -ой/-ей), first person plural -емо/-имо, infinitives
    # in -ати/-ити (Russian -ать/-ить).
    "ння": 3.0,
    "нням": 3.0,
    "ннями": 3.0,
    "ннях": 3.0,
    "тиме": 3.0,
    "тимуть": 3.0,
    "тимемо": 3.0,
    "ою": 2.0,
    "ею": 2.0,
    "емо": 2.0,
    "имо": 2.0,
    "ати": 1.5,
    "ити": 2.0,
    # Russian: nouns in -ие/-ия/-ии/-ию/-ией (Ukrainian -ння, -ія, -ії, ...), adjectives in
    # -ое/-ая/-ее/-ой/-его (Ukrainian -е/-а/-є/-ої/-ього), verbs in -ешь/-ишь/-ет
    # (Ukrainian -еш/-иш/-е), instrumental -ью (Ukrainian -ю after a doubled consonant).
    "ие": -3.0,
    "ия": -3.0,
    "ии": -3.0,
    "ию": -2.0,
    "ией": -3.0,
    "ое": -3.0,
    "ая": -3.0,
    "ее": -2.0,
    "ой": -2.0,
    "его": -2.0,
    "ешь": -2.0,
    "ишь": -2.0,
    "ет": -1.5,
    "ью": -2.0,
}
_LONGEST_ENDING: Final = max(len(ending) for ending in _ENDINGS_LOG_ODDS)
# The soft sign before к in -ськ-/-цьк-/-зьк- (Ukrainian -ський, Russian -ский) is as good
# as a decisive letter, wherever it stands in the word.
_UKRAINIAN_SOFT_SK: Final = ("ськ", "цьк", "зьк")
_SOFT_SK_LOG_ODDS: Final = 3.0


def _ending_log_odds(word: str) -> float:
    """What the word's ending says, log-odds of Ukrainian over Russian (0 for nothing)."""
    odds = 0.0
    # The longest matching ending wins; the rest of the word must be at least one letter.
    for length in range(min(_LONGEST_ENDING, len(word) - 1), 0, -1):
        found = _ENDINGS_LOG_ODDS.get(word[-length:])
        if found is not None:
            odds = found
            break
    if any(group in word for group in _UKRAINIAN_SOFT_SK):
        odds += _SOFT_SK_LOG_ODDS
    return odds


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


_WELL_SPELLED: Final = -3.5  # log-probability per letter that no wrong decoding reaches


# Bounded: a long-running app sees an endless stream of new words.
@functools.lru_cache(maxsize=50_000)
def spelling_log_prob_per_letter(word: str) -> float:
    """How well a lower-case Cyrillic word is spelled as Russian, Ukrainian, Belarusian or
    Bulgarian: its best log-probability per letter (its end counted as one), 0 for a listed
    word.

    Real words score above about -4 (99% of the lingua test words); Cyrillic letters in the
    order a wrong decoding puts them (KOI8-R read as Windows-1251, UTF-8 read as
    Windows-1251, GBK read as Windows-1251) score below -5, and mostly below -6. Used by
    :mod:`monitor.language.plausibility` to judge decodings and repairs.
    """
    models = _cyrillic_model().models
    if any(word in model.word_log_prob for model in models.values()):
        return 0.0
    # Russian and Ukrainian first: a word either spells well in one of them (most real
    # words do, and then the others need not be asked) or all four must be.
    best = max(models[code].spelling_log_prob(word) for code in ("ru", "uk")) / (len(word) + 1)
    if best >= _WELL_SPELLED:
        return best
    others = (model for code, model in models.items() if code not in ("ru", "uk"))
    return max(best, *(model.spelling_log_prob(word) / (len(word) + 1) for model in others))


# Log-odds (Ukrainian over Russian) of a word form that one language's dictionary has and
# the other's lacks. The dictionaries list every inflected form of some 250,000 (Russian)
# and 300,000 (Ukrainian) lemmas, so a form missing from one is strong evidence; shared
# forms ("президента", "удар") and names in neither say nothing. Weighted to outvote one
# word's frequency-list evidence, which only says how common a word is on Wikipedia
# (checked on the tests' labelled set: 3 leaves "ракетний удар" Russian).
_DICTIONARY_WEIGHT: Final = 5.0
_dictionaries_lock: Final = threading.Lock()
_dictionaries: dict[str, MorphAnalyzer] = {}


def _load_dictionaries() -> dict[str, MorphAnalyzer]:
    """pymorphy3's Ukrainian and Russian analyzers, loaded once (about 40 MB, 0.1 s)."""
    if _dictionaries:
        return _dictionaries
    with _dictionaries_lock:
        if not _dictionaries:
            try:
                import pymorphy3

                loaded = {lang: pymorphy3.MorphAnalyzer(lang=lang) for lang in ("uk", "ru")}
            except (ImportError, ValueError, OSError) as error:
                raise ConfigError(
                    "The Russian or Ukrainian dictionary of pymorphy3 (packages "
                    "pymorphy3-dicts-ru and pymorphy3-dicts-uk) is missing or damaged; "
                    f"reinstall Media Monitor to restore it ({error})."
                ) from error
            _dictionaries.update(loaded)
    return _dictionaries


# Bounded: a long-running app sees an endless stream of new words.
@functools.lru_cache(maxsize=20_000)
def _dictionary_log_odds(word: str) -> float:
    """Log-odds of Ukrainian over Russian from which dictionary has the word form."""
    dictionaries = _load_dictionaries()
    # The Ukrainian dictionary spells the apostrophe as ASCII.
    for apostrophe in _APOSTROPHES:
        word = word.replace(apostrophe, "'")
    in_uk = dictionaries["uk"].word_is_known(word)
    in_ru = dictionaries["ru"].word_is_known(word)
    return _DICTIONARY_WEIGHT * (int(in_uk) - int(in_ru))
