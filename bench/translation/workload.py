"""News-like articles in ko, ru, zh and uk for the translation benchmark, built deterministically.

Sentences come from the held-out evaluation corpus's parallel source files when they are
present (in :func:`bench.common.paths.eval_dir`; read at run time, never copied into the
project: the first lines of each file, in file order), and otherwise from
:class:`bench.common.corpus.Corpus`'s built-in generator. Either way the lines are cut into
sentences with the app's own splitter (:mod:`translations.segment`), duplicates are dropped,
and the sentences are put together into articles of a title and paragraphs of three
sentences, about fifteen sentences in all, like a short wire story.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bench.common.corpus import Corpus
from bench.common.paths import eval_dir
from translations.segment import segment
from translations.types import SourceDocument

LANGUAGES = ("ko", "ru", "zh", "uk")
SENTENCES_PER_ARTICLE = 15  # a title and fourteen body sentences
SENTENCES_PER_PARAGRAPH = 3
EVAL_SOURCES = {
    "ko": "korean-english-park/korean-english-park.test.ko",
    "ru": "wmt22/generaltest2022.ru-en.src.ru",
    "zh": "wmt22/generaltest2022.zh-en.src.zh",
    "uk": "wmt22/generaltest2022.uk-en.src.uk",
}
# Lines shorter than this are mostly headings, bylines and chat fragments, not news sentences.
MIN_SENTENCE_CHARS = {"ko": 12, "zh": 10, "ru": 30, "uk": 30}


@dataclass(frozen=True, slots=True)
class Workload:
    """The articles to translate, and where their sentences came from."""

    documents: tuple[SourceDocument, ...]
    source: str  # "evaluation corpus" or "generated"

    def sentences(self) -> list[str]:
        """Every distinct sentence the app translates for these articles, titles included.

        The same list, in the same order, that :func:`translations.align.translate_documents`
        gives the engine (the engine keeps the first copy of a repeated sentence).
        """
        texts: list[str] = []
        for document in self.documents:
            texts.append(document.title.strip())
            texts.extend(
                sentence.text
                for paragraph in segment(document.text, document.language)
                for sentence in paragraph.sentences
            )
        return list(dict.fromkeys(text for text in texts if text.strip()))


def _eval_lines(language: str) -> Iterator[str] | None:
    path = eval_dir() / "parallel" / EVAL_SOURCES[language]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return iter(lines)


def _generated_lines(language: str) -> Iterator[str]:
    corpus = Corpus(use_eval=False)
    article_id = 0
    while True:
        article = corpus.article(article_id)
        article_id += 1
        if article.language == language:
            yield from article.text.split("\n\n")


def tokenizer_text(language: str, count: int, *, use_eval: bool = True) -> tuple[str, ...]:
    """``count`` generated lines in ``language`` to train the copy models' tokenizers on.

    Not the sentences that are translated: :class:`bench.common.corpus.Corpus` strings
    together words with the frequencies of real news text, so frequent words become single
    pieces, as in a real package's tokenizer, and measured sentences are about as many pieces
    long as with one (see ``tokenizer_text`` in ``tests/support/argos_factory.py``).
    """
    return Corpus(use_eval=use_eval).paragraphs(language, count)


def sentences(language: str, count: int, *, use_eval: bool = True) -> tuple[list[str], str]:
    """The first ``count`` distinct sentences of ``language``, and where they came from."""
    lines = _eval_lines(language) if use_eval else None
    source = "evaluation corpus"
    if lines is None:
        lines, source = _generated_lines(language), "generated"
    found: dict[str, None] = {}
    for line in lines:
        for paragraph in segment(line, language):
            for sentence in paragraph.sentences:
                if len(sentence.text) >= MIN_SENTENCE_CHARS[language]:
                    found.setdefault(sentence.text)
                if len(found) >= count:
                    return list(found), source
    if source == "generated":
        raise AssertionError("the generator is endless")  # pragma: no cover
    # A short evaluation file: make up the rest rather than measure less.
    more, _ = sentences(language, count - len(found), use_eval=False)
    return [*found, *more], "evaluation corpus + generated"


def build_workload(per_language: int, *, use_eval: bool = True) -> Workload:
    """Articles holding ``per_language`` sentences in each of ko, ru, zh and uk."""
    documents: list[SourceDocument] = []
    sources: set[str] = set()
    for language in LANGUAGES:
        pool, source = sentences(language, per_language, use_eval=use_eval)
        sources.add(source)
        joiner = "" if language == "zh" else " "
        for start in range(0, len(pool), SENTENCES_PER_ARTICLE):
            title, *body = pool[start : start + SENTENCES_PER_ARTICLE]
            paragraphs = [
                joiner.join(body[i : i + SENTENCES_PER_PARAGRAPH])
                for i in range(0, len(body), SENTENCES_PER_PARAGRAPH)
            ]
            documents.append(
                SourceDocument(len(documents), title, "\n\n".join(paragraphs), language)
            )
    return Workload(tuple(documents), " and ".join(sorted(sources)))
