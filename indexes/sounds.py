"""Sound keys: a name typed in Latin letters finds its forms in Cyrillic, Hangul and Han text.

A *sound key* is a short string of lowercase ASCII letters. Every script is first romanised
(each in one fixed way), and then the romanised text and whatever a user types go through
the same :func:`skeleton`, which erases the differences between romanisation systems:
Зеленский, Зеленський, "Zelensky", "Zelenskyy" and "Zelenskiy" all become ``zelenski``.
Matching is then key equality, or one edit apart for keys of six letters or more
(:func:`close_enough`), which absorbs the rest (Kharkiv/Харьков, Suk/석 "seok").

How each script is romanised:

* Cyrillic: the word is first reduced to its dictionary form, so that a declined name gives
  the key of the name (Зеленского → зеленский, Пескова → песков). Russian uses pymorphy3's
  Russian dictionary, preferring a proper-name reading (Песков is the surname, not "of
  sands"); the Snowball stemmer the word index uses would cut Песков to песк and Медведев
  to медвед, far from "Peskov" and "Medvedev". Ukrainian uses the lemmatiser of
  :mod:`indexes.morphology`. The lemma is then romanised with our own small table, close to
  the press spellings (х kh, ц ts, ж zh, й y, я ya, Ukrainian г h and ї yi). ISO 9,
  BGN/PCGN and Ukraine's 2010 system differ from it only in ways the skeleton erases.
* Hangul: decomposed arithmetically into jamo and romanised with Revised Romanisation
  tables, one syllable at a time (cached); the skeleton merges RR with McCune-Reischauer
  and press spellings (ŏ/eo → o, ŭ/eu → u, g/k, d/t, b/p, r/l, oo → u).
* Han: pypinyin's per-character dictionary, the first (most common) reading, tone marks
  dropped, cached per character. No word segmentation: text_keys takes every window of two
  and three characters instead.

The skeleton (see :func:`skeleton`) works on the folded lowercase letters, left to right,
longest spelling first. Consonant classes: zh dzh dj j ch tch tsch, and pinyin q before i/u,
→ ``j``; sh shch sch ş, and pinyin x before i/u, → ``s``; ts tz, and c before e/i/y, → ``c``;
other c, q and g → ``k``; kh → ``h``; ph → ``f``; d → ``t``; b → ``p``; r → ``l``; w → ``v``;
dz → ``z``; other x → ``ks``. Vowels: y, and j after a vowel but not before one (the ISO
and German -skij), → ``i``; ee → ``i``; oo → ``u``; eo → ``o``;
eu → ``u``; ae → ``e``; the five vowels a e i o u otherwise stay distinct, which keeps
김정은 (kimjonkun) and 김정일 (kimjonkil) two edits apart. Finally a doubled letter is
written once. Keys of several parts (syllables, words of a name) are the parts' skeletons
joined, a doubled letter at a join also written once; the same joining serves text and
query, so "Kim Jong-un" and 김정은 meet.

Libraries: pypinyin 0.55 (MIT; its dictionary ships inside the package, nothing is fetched),
pymorphy3 2.0 with pymorphy3-dicts-ru/-uk (MIT; dictionaries from OpenCorpora and
LanguageTool's Ukrainian dictionary, shipped in the packages). Everything else is ours.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from indexes.morphology import APOSTROPHES, CACHE_SIZE, fold, ukrainian_terms

# A name key shorter than this must match exactly: one edit on "lvov" is another city.
MIN_FUZZY_LENGTH = 6

_SPELLINGS = {
    "tsch": "j",
    "shch": "s",
    "dzh": "j",
    "sch": "s",
    "tch": "j",
    "zh": "j",
    "ch": "j",
    "dj": "j",
    "sh": "s",
    "kh": "h",
    "ts": "c",
    "tz": "c",
    "dz": "z",
    "ph": "f",
    "ee": "i",
    "oo": "u",
    "eo": "o",
    "eu": "u",
    "ae": "e",
    "c": "k",
    "g": "k",
    "q": "k",
    "d": "t",
    "b": "p",
    "r": "l",
    "w": "v",
    "y": "i",
    "x": "ks",
}
# Spelling rules that look at the next letter come first; then the longest spellings.
_SPELLING_PATTERN = re.compile(
    r"(?P<soft_c>c(?=[eiy]))|(?P<pinyin_x>x(?=[iuy]))|(?P<pinyin_q>q(?=[iuy]))|"
    r"(?P<semivowel_j>(?<=[aeiouy])j(?![aeiouy]))|"
    + "|".join(sorted((s for s in _SPELLINGS if len(s) > 1), key=len, reverse=True))
    + r"|[a-z]"
)
_LOOKAHEAD_CLASSES = {"soft_c": "c", "pinyin_x": "s", "pinyin_q": "j", "semivowel_j": "i"}
_DOUBLED = re.compile(r"([a-z])\1+")
_NOT_ASCII_LETTERS = re.compile(r"[^a-z]+")


def _spell(match: re.Match[str]) -> str:
    if match.lastgroup is not None:
        return _LOOKAHEAD_CLASSES[match.lastgroup]
    spelling = match.group()
    return _SPELLINGS.get(spelling, spelling)


@lru_cache(maxsize=CACHE_SIZE)
def skeleton(latin: str) -> str:
    """A Latin-letter string (typed by a user, or romanised) reduced to its sound skeleton:
    lowercase ASCII letters only; spellings of one name in different romanisations converge."""
    letters = _NOT_ASCII_LETTERS.sub("", fold(latin))
    return _DOUBLED.sub(r"\1", _SPELLING_PATTERN.sub(_spell, letters))


def _join(keys: Sequence[str]) -> str:
    """Parts' keys as one key: a letter doubled across a join is written once, as within."""
    joined = ""
    for key in keys:
        if joined and key and joined[-1] == key[0]:
            joined += key[1:]
        else:
            joined += key
    return joined


# ---- Cyrillic -------------------------------------------------------------------------

_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ў": "u",
}
_UKRAINIAN = {"г": "h", "и": "y", "ї": "yi", "є": "ye"}
# After these (and at the start of a word) е, є and ї are written with a y, as the press does.
_IOTATING = set("аеёиіїоуыэюяєъь'")
_UKRAINIAN_LETTERS = set("іїєґ")
_NAME_GRAMMEMES = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn", "Trad"})


class _RussianMorphology:
    """pymorphy3's Russian analyser, built on first use; calls are serialised (see morphology)."""

    def __init__(self) -> None:
        self._analyzer: Any = None
        self._lock = threading.Lock()

    def parse(self, word: str) -> tuple[list[Any], bool]:
        """The readings of ``word``, and whether the dictionary knows it (else they are guesses)."""
        with self._lock:
            if self._analyzer is None:
                import pymorphy3

                self._analyzer = pymorphy3.MorphAnalyzer(lang="ru")
            parses: list[Any] = self._analyzer.parse(word)
            known = bool(self._analyzer.word_is_known(word))
        return parses, known


_RUSSIAN_MORPHOLOGY = _RussianMorphology()


@lru_cache(maxsize=CACHE_SIZE)
def _russian_lemma(folded: str) -> str:
    parses, known = _RUSSIAN_MORPHOLOGY.parse(folded)
    if not parses:
        return folded
    # Sound keys are for names: Песков is the surname before it is "of sands" (песок).
    for parse in parses:
        if _NAME_GRAMMEMES & parse.tag.grammemes:
            return str(parse.normal_form)
    # An unknown word is trusted to be declined only like an adjective (Залужного, a surname
    # in -ий/-ый); a guessed noun lemma cuts names short (Одеса → одес, Кулеба → кулеб).
    if known or "ADJF" in parses[0].tag.grammemes:
        return str(parses[0].normal_form)
    return folded


def _ukrainian_lemma(folded: str) -> str:
    lemmas = ukrainian_terms(folded)
    return lemmas[0] if lemmas else folded


def _romanise_cyrillic(word: str, ukrainian: bool) -> str:
    letters: list[str] = []
    previous = ""
    for char in word:
        spelling = (_UKRAINIAN.get(char) if ukrainian else None) or _CYRILLIC.get(char)
        if spelling is None:
            spelling = char  # a Latin letter among Cyrillic ones, or an apostrophe
        elif char in "еєї" and (not previous or previous in _IOTATING) and spelling[0] != "y":
            spelling = "y" + spelling[-1]
        letters.append(spelling)
        previous = char
    return "".join(letters)


@lru_cache(maxsize=CACHE_SIZE)
def _cyrillic_key(word: str, language: str | None) -> str:
    folded = fold(word)
    if language not in ("ru", "uk"):
        language = "uk" if _UKRAINIAN_LETTERS & set(folded) else "ru"
    lemma = _ukrainian_lemma if language == "uk" else _russian_lemma
    parts = [part for part in folded.split("-") if part]
    return _join([skeleton(_romanise_cyrillic(lemma(part), language == "uk")) for part in parts])


# ---- Hangul and Han -------------------------------------------------------------------

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
# Revised Romanisation: initial consonants, vowels and final consonants in Unicode order.
# fmt: off
_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h",
)
_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "eu", "ui", "i",
)
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
    "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)
# fmt: on


@cache  # at most 11,172 syllables
def _hangul_key(syllable: str) -> str:
    index = ord(syllable) - _HANGUL_FIRST
    initial, rest = divmod(index, 21 * 28)
    vowel, final = divmod(rest, 28)
    return skeleton(_INITIALS[initial] + _VOWELS[vowel] + _FINALS[final])


_PINYIN: dict[int, str] | None = None
_PINYIN_LOCK = threading.Lock()


def _pinyin_readings() -> dict[int, str]:
    global _PINYIN
    if _PINYIN is None:
        with _PINYIN_LOCK:
            from pypinyin.pinyin_dict import pinyin_dict

            _PINYIN = pinyin_dict
    return _PINYIN


@lru_cache(maxsize=CACHE_SIZE)
def _han_key(character: str) -> str | None:
    readings = _pinyin_readings().get(ord(character))
    if not readings:
        return None
    return skeleton(readings.split(",", 1)[0]) or None


def _syllable_key(character: str) -> str | None:
    if _HANGUL_FIRST <= ord(character) <= _HANGUL_LAST:
        return _hangul_key(character)
    return _han_key(character)


# ---- Words and texts ------------------------------------------------------------------

_HYPHENS = "-\u2010\u2011"
_LATIN_OR_CYRILLIC = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0400-\u0481\u048a-\u052f"
)
_INSIDE_WORD = "\u0300-\u036f\u00ad\u200c\u200d"
_WORD = (
    f"[{_LATIN_OR_CYRILLIC}][{_LATIN_OR_CYRILLIC}{_INSIDE_WORD}]*"
    f"(?:[{_HYPHENS}{APOSTROPHES}][{_LATIN_OR_CYRILLIC}][{_LATIN_OR_CYRILLIC}{_INSIDE_WORD}]*)*"
)
_HANGUL_RUN = "[\uac00-\ud7a3]+"
_HAN_RUN = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+"
_TOKEN = re.compile(f"(?P<syllables>{_HANGUL_RUN}|{_HAN_RUN})|(?P<word>{_WORD})")
_HYPHEN_SPLIT = re.compile(f"[{_HYPHENS}]+")
_POSSESSIVE = re.compile(f"[{APOSTROPHES}]s$", re.IGNORECASE)
_CYRILLIC_LETTER = re.compile("[\u0400-\u052f]")
_SYLLABLE = re.compile(f"{_HANGUL_RUN}|{_HAN_RUN}")


@lru_cache(maxsize=CACHE_SIZE)
def _latin_key(word: str) -> str:
    word = _POSSESSIVE.sub("", word)
    return _join([skeleton(part) for part in _HYPHEN_SPLIT.split(word)])


def word_key(word: str, language: str | None = None) -> str | None:
    """The sound key of one word in any script (Cyrillic: stemmed/lemmatised first by language
    'ru'/'uk' — guess uk when the word has і ї є ґ, else ru — then romanised, then skeleton;
    Latin: skeleton; Hangul/Han: romanised syllable by syllable then skeleton); None when the
    word has no letters."""
    if _CYRILLIC_LETTER.search(word):
        key = _cyrillic_key(word, language if language in ("ru", "uk") else None)
    elif _SYLLABLE.search(word):
        parts = [_syllable_key(char) for run in _SYLLABLE.findall(word) for char in run]
        key = _join([part for part in parts if part])
    else:
        key = _latin_key(word)
    return key or None


def text_keys(text: str, language: str | None = None) -> list[tuple[str, int, int]]:
    """The keys to index for a text: (key, startchar, endchar) in text order. Latin and Cyrillic:
    only capitalised words (names; their key as word_key) and each pair of adjacent capitalised
    words concatenated (key1+key2, spanning both). Hangul and Han runs: windows of 2 and 3
    syllables/characters, romanised and concatenated, where a name may start (see
    _add_windows; a particle attached, 김정은은, still gives the window 김정은). Nothing for
    other scripts, digits or punctuation."""
    keys: list[tuple[str, int, int]] = []
    previous: tuple[str, int, int] | None = None  # the last capitalised word, if a name
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if match.lastgroup == "syllables":
            previous = None
            _add_windows(keys, match.group(), start)
            continue
        word = match.group()
        key = word_key(word, language) if word[0].isupper() else None
        if key is None:
            previous = None
            continue
        if previous is not None and text[previous[2] : start].isspace():
            keys.append((_join((previous[0], key)), previous[1], end))
        keys.append((key, start, end))
        previous = (key, start, end)
    # Already in text order: a pair key starts with the word before it and ends after it.
    return keys


# Chinese names start with the surname: windows are kept only where a common one begins.
# The surnames of about nine in ten people in mainland China and Taiwan (the Ministry of
# Public Security's 2020 ranking and Taiwan's household register), simplified and
# traditional, plus a few rarer ones of people these outlets name often (习 Xi, 栗 Li, 秦 Qin).
_HAN_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
    "关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华"
    "喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗"
    "瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝习栗"
    "張劉陳楊黃趙吳許韓馮鄧葉蘇魏呂盧鍾譚陸賈韋鄒熊邱薛閆雷龍陶賀顧龔萬錢嚴湯溫莊聶魯賴蕭"
    "蔣潘謝羅鄭梁孫馬郭何高林"
)


# Korean surnames: the hundred commonest (Statistics Korea's 2015 census) cover nearly every
# Korean; the two-syllable ones (남궁, 황보, 제갈, 선우) start with one of these too.
_HANGUL_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민나진"
    "지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉"
    "사부리림라려로태피감음빈동온호범좌팽승간상갈시탄견"
)


def _add_windows(keys: list[tuple[str, int, int]], run: str, offset: int) -> None:
    """Windows of 2 and 3 syllables where a Korean or Chinese name may start: a Korean
    word opening with a surname (a name opens its word: 김정은은, 윤석열 대통령), and in
    Chinese wherever a common surname stands. A foreign name written in Hangul or Han
    (젤렌스키) never sounds like its Latin spelling: the alias table has those. Every window
    of every text made the sound field most of the index (290 keys an article of Korean,
    1,170 of Chinese), and slowed every name query that looked through it."""
    parts = [_syllable_key(char) for char in run]
    hangul = "\uac00" <= run[0] <= "\ud7a3"
    if hangul:
        starts = [0] if run[0] in _HANGUL_SURNAMES else []
    else:
        starts = [i for i, char in enumerate(run) if char in _HAN_SURNAMES]
    for index in starts:
        if index + 1 >= len(parts):
            continue
        first, second = parts[index], parts[index + 1]
        if first is None or second is None:
            continue
        pair = _join((first, second))
        if not hangul:  # a Korean name is three syllables; a Chinese one two or three
            keys.append((pair, offset + index, offset + index + 2))
        if index + 2 < len(parts) and (third := parts[index + 2]) is not None:
            keys.append((_join((pair, third)), offset + index, offset + index + 3))


def query_key(words: Sequence[str]) -> str | None:
    """The key of a run of typed words (["Kim", "Jong-un"] or ["Zelensky"]): each word's
    skeleton (hyphens and apostrophes dropped) concatenated; None if empty."""
    # Each hyphen-separated part is a part of its own, as a syllable is in native text, so
    # "Jae-in" joins exactly as 재 and 인 do. A word in another script gets its word_key.
    parts = [word_key(part) for word in words for part in _HYPHEN_SPLIT.split(word)]
    key = _join([part for part in parts if part])
    return key or None


def close_enough(query: str, indexed: str) -> bool:
    """Whether two keys match: equal, or within one edit (Levenshtein) when both are at least
    6 letters long."""
    if query == indexed:
        return True
    if min(len(query), len(indexed)) < MIN_FUZZY_LENGTH:
        return False
    return _one_edit_apart(query, indexed)


def _one_edit_apart(first: str, second: str) -> bool:
    if len(first) > len(second):
        first, second = second, first
    if len(second) - len(first) > 1:
        return False
    prefix = 0
    while prefix < len(first) and first[prefix] == second[prefix]:
        prefix += 1
    if len(first) == len(second):
        return first[prefix + 1 :] == second[prefix + 1 :]
    return first[prefix:] == second[prefix + 1 :]
