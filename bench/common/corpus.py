"""A deterministic synthetic news corpus for the benchmarks: five languages, ~2 KB articles.

Articles are built word by word from per-language vocabularies ranked by frequency and drawn
with Zipf-Mandelbrot weights, plus a long tail of generated names (people, places, firms)
so that the term statistics look like a news archive's: a few very common words, many rare
ones, and a vocabulary that keeps growing with the corpus. Every non-English article has an
English "translation" (plausible English words, not a translation of the original).

Where the vocabularies come from:

* If the held-out evaluation corpus is present (its ``parallel`` and ``langid`` folders, in
  :func:`bench.common.paths.eval_dir`), words are counted from its sentences at run time.
  Nothing is copied into the project; only the ranked word lists live in memory.
* Otherwise (or with ``use_eval=False``) a built-in vocabulary is made from syllable and
  character pools per language, so the benchmark runs anywhere.

Article ``i`` depends only on the seed and ``i`` (its own ``random.Random``), so a 2k corpus is
the first 2k articles of the 100k one and any article can be regenerated alone.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common.paths import eval_dir as find_eval_dir
from indexes.search import DisplayText
from indexes.types import IndexDocument

LANGUAGE_MIX = {"ko": 0.25, "ru": 0.25, "zh": 0.20, "uk": 0.20, "en": 0.10}
# Characters of original text (on average; each article is 0.6 to 1.4 times this): about
# 2 KB of UTF-8 in every language, a short wire story. English translations of Cyrillic and
# CJK originals run to TRANSLATION_CHARS characters on average.
TARGET_CHARS = {"ko": 750, "zh": 700, "ru": 1050, "uk": 1050, "en": 2000}
TRANSLATION_CHARS = 1500
FIRST_DAY = datetime(2026, 9, 1, tzinfo=UTC)
DAYS = 90
NAME_SHARE = 0.08  # share of words that are names from the long tail
NUMBER_SHARE = 0.03
NAMES_PER_LANGUAGE = 60_000

OUTLETS: dict[str, tuple[str, ...]] = {
    "ko": ("Hanbit News", "Seoul Daily Wire", "Busan Ilbo", "Korea Morning", "Gyeonggi Times"),
    "ru": ("Neva Courier", "Volga Herald", "Ural Gazette", "Moscow Evening", "Siberia Wire"),
    "zh": ("East River Bulletin", "Pearl Daily", "Yangtze Post", "Northern Star News"),
    "uk": ("Dnipro Morning", "Kyiv Dispatch", "Lviv Courier", "Odesa Harbour"),
    "en": ("Harbour Chronicle", "Capital Ledger"),
}
SOURCE_IDS = {
    name: number
    for number, name in enumerate(itertools.chain.from_iterable(OUTLETS.values()), start=1)
}

_CJK_LANGUAGES = ("ko", "zh")
_WORD = {
    "en": re.compile(r"[A-Za-z]+(?:'[a-z]+)?"),
    "ru": re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)?"),
    "uk": re.compile(r"[А-Яа-яЄєІіЇїҐґ]+(?:['’][А-Яа-яЄєІіЇїҐґ]+)?"),
    "ko": re.compile(r"[\uac00-\ud7a3]+"),
    "zh": re.compile(r"[\u4e00-\u9fff]+"),
}
_EVAL_FILES = {
    "en": (
        "parallel/wmt22/generaltest2022.ru-en.ref.A.en",
        "parallel/wmt22/generaltest2022.uk-en.ref.A.en",
        "parallel/korean-english-park/korean-english-park.test.en",
        "langid/lingua/sentences/en.txt",
    ),
    "ru": ("parallel/wmt22/generaltest2022.ru-en.src.ru", "langid/lingua/sentences/ru.txt"),
    "uk": ("parallel/wmt22/generaltest2022.uk-en.src.uk", "langid/lingua/sentences/uk.txt"),
    "ko": (
        "parallel/korean-english-park/korean-english-park.test.ko",
        "langid/lingua/sentences/ko.txt",
    ),
    "zh": ("parallel/wmt22/generaltest2022.zh-en.src.zh", "langid/lingua/sentences/zh.txt"),
}


@dataclass(frozen=True)
class Vocabulary:
    """Words of one language, most frequent first, with cumulative Zipf weights."""

    language: str
    words: tuple[str, ...]
    names: tuple[str, ...]
    word_weights: tuple[float, ...]
    name_weights: tuple[float, ...]

    @classmethod
    def ranked(cls, language: str, words: list[str], names: list[str]) -> Vocabulary:
        return cls(language, tuple(words), tuple(names), _zipf(len(words)), _zipf(len(names)))


def _zipf(size: int, exponent: float = 1.0, shift: float = 2.7) -> tuple[float, ...]:
    return tuple(itertools.accumulate(1.0 / (rank + shift) ** exponent for rank in range(size)))


# --- vocabularies ------------------------------------------------------------------------


def _eval_words(language: str, eval_dir: Path) -> list[str] | None:
    counts: Counter[str] = Counter()
    for relative in _EVAL_FILES[language]:
        path = eval_dir / relative
        if not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        if language == "zh":
            # Chinese has no spaces: runs of Han are cut into two-character pseudo-words,
            # which is what most Chinese news words are.
            for run in _WORD["zh"].findall(text):
                counts.update(run[i : i + 2] for i in range(0, len(run) - 1, 2))
        else:
            counts.update(
                word.lower() if language != "ko" else word for word in _WORD[language].findall(text)
            )
    if len(counts) < 2000:
        return None
    return [word for word, _ in counts.most_common()]


_LATIN_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "ch",
    "cl",
    "dr",
    "gr",
    "pl",
    "sh",
    "st",
    "th",
    "tr",
]
_LATIN_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
_CYRILLIC_ONSETS = [
    "б",
    "в",
    "г",
    "д",
    "ж",
    "з",
    "к",
    "л",
    "м",
    "н",
    "п",
    "р",
    "с",
    "т",
    "ф",
    "х",
    "ч",
    "ш",
    "пр",
    "ст",
    "тр",
    "кр",
    "бл",
    "гр",
]
_CYRILLIC_VOWELS = {
    "ru": ["а", "е", "и", "о", "у", "ы", "я", "ю"],
    "uk": ["а", "е", "и", "і", "о", "у", "я", "ю", "є", "ї"],
}


def _syllable_pool(language: str, rng: random.Random) -> list[str]:
    if language == "ko":
        # Precomposed Hangul: initial x medial x (no final | a few common finals).
        return [
            chr(0xAC00 + (initial * 21 + medial) * 28 + final)
            for initial in range(19)
            for medial in (0, 4, 8, 13, 18, 20, 1, 6)
            for final in (0, 4, 8, 16, 21)
        ]
    if language == "zh":
        return [chr(code) for code in rng.sample(range(0x4E00, 0x9FA6), 3000)]
    if language == "en":
        return [onset + vowel for onset in _LATIN_ONSETS for vowel in _LATIN_VOWELS]
    tails = ["", "н", "л", "р", "й", "к", "в"]
    return [
        onset + vowel + tail
        for onset in _CYRILLIC_ONSETS
        for vowel in _CYRILLIC_VOWELS[language]
        for tail in tails[:3]
    ]


def _invent(
    pool: list[str], rng: random.Random, count: int, syllables: tuple[int, int]
) -> list[str]:
    made: dict[str, None] = {}
    while len(made) < count:
        made["".join(rng.choices(pool, k=rng.randint(*syllables)))] = None
    return list(made)


def build_vocabularies(seed: int, eval_dir: Path | None) -> dict[str, Vocabulary]:
    """Per language: real words from ``eval_dir`` if usable, else invented ones; plus names."""
    vocabularies = {}
    for language in LANGUAGE_MIX:
        rng = random.Random(f"{seed}:vocabulary:{language}")
        pool = _syllable_pool(language, rng)
        words = _eval_words(language, eval_dir) if eval_dir is not None else None
        if words is None:
            words = _invent(pool, rng, 20_000, (1, 2) if language == "zh" else (1, 4))
        elif language in _CJK_LANGUAGES:
            # Names are made of the characters real words use, not of rare ideographs.
            pool = sorted(set("".join(words[:3000])))
        shape = (2, 3)
        names = _invent(pool, rng, NAMES_PER_LANGUAGE, shape)
        if language not in _CJK_LANGUAGES:
            names = [name.capitalize() for name in names]
        vocabularies[language] = Vocabulary.ranked(language, words, names)
    return vocabularies


# --- articles ----------------------------------------------------------------------------


class Corpus:
    """The article generator. ``Corpus(seed).article(i)`` is always the same article."""

    def __init__(self, seed: int = 20261120, *, use_eval: bool = True) -> None:
        self.seed = seed
        eval_dir = find_eval_dir() if use_eval else None
        if eval_dir is not None and not eval_dir.is_dir():
            eval_dir = None
        self.vocabularies = build_vocabularies(seed, eval_dir)
        self.source = "evaluation-corpus words" if eval_dir else "built-in syllable pools"
        if eval_dir is not None and any(
            _eval_words(language, eval_dir) is None for language in LANGUAGE_MIX
        ):
            self.source = "evaluation-corpus words (some languages: built-in pools)"
        self._languages = tuple(LANGUAGE_MIX)
        self._language_weights = tuple(itertools.accumulate(LANGUAGE_MIX.values()))

    def article(self, article_id: int) -> IndexDocument:
        rng = random.Random(f"{self.seed}:article:{article_id}")
        (language,) = rng.choices(self._languages, cum_weights=self._language_weights)
        outlet = rng.choice(OUTLETS[language])
        published = FIRST_DAY + timedelta(seconds=rng.randrange(DAYS * 86_400))
        length = int(TARGET_CHARS[language] * rng.uniform(0.6, 1.4))
        title = self._sentence(language, rng, rng.randint(5, 10), title=True)
        text = self._text(language, rng, length)
        translated = language != "en"
        title_en = text_en = ""
        if translated:
            title_en = self._sentence("en", rng, rng.randint(6, 11), title=True)
            text_en = self._text("en", rng, int(TRANSLATION_CHARS * rng.uniform(0.6, 1.4)))
        return IndexDocument(
            article_id=article_id,
            source_id=SOURCE_IDS[outlet],
            outlet=outlet,
            language=language,
            published=published,
            title=title,
            text=text,
            title_translated=title_en,
            text_translated=text_en,
            translated=translated,
        )

    def articles(self, start: int, stop: int) -> Iterator[IndexDocument]:
        """Articles with ids ``start`` .. ``stop - 1``."""
        return (self.article(article_id) for article_id in range(start, stop))

    def paragraphs(self, language: str, count: int, *, first_article: int = 0) -> tuple[str, ...]:
        """The first ``count`` paragraphs in ``language`` of the articles from
        ``first_article`` on: text to train a model's tokenizer on."""
        found: list[str] = []
        article_id = first_article
        while len(found) < count:
            article = self.article(article_id)
            article_id += 1
            if article.language == language:
                found.extend(line for line in article.text.split("\n\n") if line.strip())
        return tuple(found[:count])

    def _words(self, language: str, rng: random.Random, count: int) -> list[str]:
        vocabulary = self.vocabularies[language]
        words = rng.choices(vocabulary.words, cum_weights=vocabulary.word_weights, k=count)
        # Rounding by a random fraction keeps the expected shares exact in short sentences.
        names = int(count * NAME_SHARE + rng.random())
        numbers = int(count * NUMBER_SHARE + rng.random())
        positions = rng.sample(range(count), min(count, names + numbers))
        drawn = rng.choices(vocabulary.names, cum_weights=vocabulary.name_weights, k=names)
        for index, name in zip(positions, drawn, strict=False):
            words[index] = name
        for index in positions[names:]:
            words[index] = str(rng.choice((rng.randint(1, 99), rng.randint(1990, 2026))))
        return words

    def _sentence(
        self, language: str, rng: random.Random, count: int, *, title: bool = False
    ) -> str:
        words = self._words(language, rng, count)
        if language == "zh":
            clauses = [
                "".join(words[i : i + 6]) for i in range(0, len(words), 6)
            ]  # no spaces in Chinese
            return "，".join(clauses) + ("" if title else "。")
        sentence = " ".join(words)
        if language != "ko":
            sentence = sentence[:1].upper() + sentence[1:]
            if count > 8 and not title:
                cut = sentence.find(" ", len(sentence) // 2)
                sentence = f"{sentence[:cut]},{sentence[cut:]}" if cut > 0 else sentence
        return sentence if title else sentence + "."

    def _text(self, language: str, rng: random.Random, length: int) -> str:
        paragraphs: list[str] = []
        size = 0
        while size < length:
            sentences = [
                self._sentence(
                    language, rng, rng.randint(12, 28) if language == "zh" else rng.randint(8, 20)
                )
                for _ in range(rng.randint(2, 5))
            ]
            paragraph = ("" if language == "zh" else " ").join(sentences)
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        return "\n\n".join(paragraphs)


def display_text(document: IndexDocument) -> DisplayText:
    """What the store would hand the search layer for snippets of ``document``."""
    translation = (
        f"{document.title_translated}\n{document.text_translated}" if document.translated else ""
    )
    return DisplayText(document.language, f"{document.title}\n{document.text}", translation)


def utf8_size(document: IndexDocument) -> int:
    """Bytes of original title and text, as stored."""
    return len(document.title.encode()) + len(document.text.encode())
