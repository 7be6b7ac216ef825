"""Translating whole documents while keeping original and translation aligned by sentence.

Each document is split into paragraphs and sentences (:mod:`translations.segment`); every
sentence of every document in one call goes to the engine together, so CTranslate2 batches
across articles; the answers are put back in place as (paragraph, sentence, original,
translation) pairs, plus the title's translation.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence

from translations.engine import Engine
from translations.errors import TranslationError
from translations.segment import segment
from translations.types import DocumentTranslation, Route, SentencePair, SourceDocument


def translate_documents(
    engine: Engine,
    documents: Sequence[SourceDocument],
    to_code: str,
    cancel: threading.Event | None = None,
) -> Iterator[DocumentTranslation | tuple[SourceDocument, TranslationError]]:
    """Translate each document into ``to_code``, grouped by language; failures are yielded too.

    A document whose language has no route (or whose model is damaged) comes back as
    ``(document, error)`` and the others go on. With ``cancel`` set, :class:`Cancelled` is
    raised between the model's batches.
    """
    by_language: dict[str, list[SourceDocument]] = defaultdict(list)
    for document in documents:
        by_language[document.language].append(document)
    for language, group in by_language.items():
        try:
            route = engine.route(language, to_code)
            yield from _translate_group(engine, route, group, cancel)
        except TranslationError as error:
            for document in group:
                yield document, error


def _translate_group(
    engine: Engine, route: Route, documents: list[SourceDocument], cancel: threading.Event | None
) -> Iterator[DocumentTranslation]:
    layouts = []
    texts: list[str] = []
    for document in documents:
        title = document.title.strip()
        pairs = [
            (paragraph.index, sentence.text)
            for paragraph in segment(document.text, document.language)
            for sentence in paragraph.sentences
        ]
        layouts.append((title, pairs))
        texts.append(title)
        texts.extend(text for _, text in pairs)
    translated = iter(engine.translate(route, texts, cancel))
    for document, (_, pairs) in zip(documents, layouts, strict=True):
        title_translation, _ = next(translated)
        sentences = []
        for paragraph, original in pairs:
            translation, degenerate = next(translated)
            sentences.append(SentencePair(paragraph, original, translation, degenerate))
        yield DocumentTranslation(document.key, title_translation, tuple(sentences), route)
