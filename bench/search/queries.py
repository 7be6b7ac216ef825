"""The search benchmark's queries: each kind in each script, drawn from the corpus itself.

Queries come from the corpus's own vocabularies and documents, so each finds something.
The memory benchmark runs the same kinds of query through the app.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bench.common.corpus import Corpus
from indexes.types import IndexDocument

KINDS = ("term", "and", "phrase", "prefix")
SCRIPTS = ("latin", "cyrillic", "han", "hangul")
SCRIPT_LANGUAGES = {"latin": ("en",), "cyrillic": ("ru", "uk"), "han": ("zh",), "hangul": ("ko",)}


class QueryMaker:
    """Queries of each kind and script, drawn from the corpus (seeded, reproducible)."""

    def __init__(self, corpus: Corpus, documents: Sequence[IndexDocument], seed: int) -> None:
        self.corpus = corpus
        self.rng = random.Random(f"{seed}:queries")
        self.by_language: dict[str, list[IndexDocument]] = {}
        for document in documents:
            self.by_language.setdefault(document.language or "", []).append(document)

    def _word(self, language: str) -> str:
        vocabulary = self.corpus.vocabularies[language]
        minimum = 2 if language in ("ko", "zh") else 4
        while True:
            if self.rng.random() < 0.25:
                word = self.rng.choice(vocabulary.names[:2000])
            else:
                # Content words, not the top function words a user would not search for.
                word = vocabulary.words[self.rng.randrange(30, min(5000, len(vocabulary.words)))]
            if len(word) >= minimum and word.isalpha():
                return word

    def _language(self, script: str) -> str:
        return self.rng.choice(SCRIPT_LANGUAGES[script])

    def _adjacent(self, script: str) -> str:
        """Two neighbouring words (four Han characters) from an article in ``script``."""
        while True:
            if script == "latin":
                document = self.rng.choice(self.by_language["ru"] + self.by_language["en"])
                text = document.text_translated or document.text
            else:
                text = self.rng.choice(self.by_language[self._language(script)]).text
            if script == "han":
                runs = [run for run in _han_runs(text) if len(run) >= 4]
                if runs:
                    run = self.rng.choice(runs)
                    start = self.rng.randrange(len(run) - 3)
                    return f'"{run[start : start + 4]}"'
                continue
            words = text.split()
            start = self.rng.randrange(len(words) - 1)
            pair = [word.strip(".,") for word in words[start : start + 2]]
            if all(len(word) >= 2 and word.isalpha() for word in pair):
                return f'"{pair[0]} {pair[1]}"'

    def _pair(self, script: str) -> str:
        """Two different words of one article, so that the AND has hits, as real ones do."""
        minimum = 2 if script in ("han", "hangul") else 4
        while True:
            document = self.rng.choice(self.by_language[self._language(script)])
            if script == "latin":
                words = (document.text_translated or document.text).split()
            elif script == "han":
                words = [run[i : i + 2] for run in _han_runs(document.text) for i in (0, 2)]
            else:
                words = document.text.split()
            words = [word.strip(".,") for word in words]
            words = [word for word in words if len(word) >= minimum and word.isalpha()]
            if len(set(words)) >= 2:
                first, second = self.rng.sample(sorted(set(words)), 2)
                return f"{first} {second}"

    def make(self, kind: str, script: str) -> str:
        if kind == "phrase":
            return self._adjacent(script)
        language = self._language(script)
        if kind == "term":
            return self._word(language)
        if kind == "and":
            return self._pair(script)
        # A prefix: three letters, or two CJK characters (the index holds CJK bigrams, so a
        # two-character prefix is the longest that still works as one).
        word = self._word(language)
        while len(word) < 4 and script in ("latin", "cyrillic"):
            word = self._word(language)
        return f"{word[: 2 if script in ('han', 'hangul') else 3]}*"


def _han_runs(text: str) -> list[str]:
    runs, current = [], []
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            current.append(char)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs
