"""The translation step of an update: every detected article into the target language.

Runs after collection (a :class:`~monitor.collect.pipeline.Stage`), in batches of articles so the
engine can batch their sentences together; checks the cancel flag between batches. An
article whose language has no model is noted ("untranslated: no ko→en model") and waits;
installing a model clears the notes so the next run picks them up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from monitor.clock import Clock
from monitor.dependencies import TRANSLATION, require
from monitor.store.translations import (
    ORIGINAL_LANGUAGE_ROUTE,
    UNKNOWN_LANGUAGE_ROUTE,
    TranslationStore,
)
from monitor.types import Progress, ProgressKind, SentencePair
from translations.align import translate_documents
from translations.engine import Engine
from translations.errors import Cancelled, NoRouteError, TranslationError
from translations.segment import segment
from translations.types import DocumentTranslation, SourceDocument

BATCH_ARTICLES = 16


class TranslationStage:
    def __init__(
        self,
        translations: TranslationStore,
        engine: Callable[[], Engine],
        *,
        target: str,
        clock: Clock,
        batch_articles: int = BATCH_ARTICLES,
    ) -> None:
        self._translations = translations
        self._engine = engine  # built on first need: loading models is not free
        self._target = target
        self._clock = clock
        self._batch = batch_articles

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        total = self._translations.waiting()
        done = 0
        blocked: set[str] = set()  # languages without a usable route in this run
        while not cancel.is_set():
            batch = self._translations.next_batch(self._batch, skip_languages=blocked)
            if not batch:
                return
            documents = []
            for article in batch:
                if article.language in (None, self._target):
                    self._store_unchanged(article.id, article.title, article.text, article.language)
                    done += 1
                    yield Progress(
                        ProgressKind.TRANSLATED, None, article.id, article.title, done, total
                    )
                    continue
                documents.append(
                    SourceDocument(article.id, article.title, article.text, article.language)
                )
            if documents:
                require(TRANSLATION)  # a broken install, not a damaged model: say so
            try:
                yield from self._translate(documents, blocked, done, total, cancel)
            except Cancelled:  # what was translated is in the cache for the next run
                return
            done += len(documents)

    def _translate(
        self,
        documents: list[SourceDocument],
        blocked: set[str],
        done: int,
        total: int,
        cancel: threading.Event,
    ) -> Iterator[Progress]:
        for result in translate_documents(self._engine(), documents, self._target, cancel):
            done += 1
            if isinstance(result, DocumentTranslation):
                self._store(result)
                yield Progress(ProgressKind.TRANSLATED, None, result.key, result.title, done, total)
                continue
            document, error = result
            if document.language not in blocked:
                blocked.add(document.language)
                # Every waiting article in this language says why, not just this batch's.
                self._translations.note_language(document.language, _note(error))
            yield Progress(ProgressKind.UNTRANSLATED, None, document.key, _note(error), done, total)

    def _store(self, result: DocumentTranslation) -> None:
        self._translations.save(
            result.key,
            target=self._target,
            title=result.title,
            route=result.route.description,
            is_pivot=result.route.is_pivot,
            at=self._clock(),
            sentences=result.sentences,
        )

    def _store_unchanged(
        self, article_id: int, title: str, text: str, language: str | None
    ) -> None:
        """Already in the target language (or unknown): aligned with itself, so the reader and
        the index treat every article alike."""
        route = ORIGINAL_LANGUAGE_ROUTE if language else UNKNOWN_LANGUAGE_ROUTE
        sentences = [
            SentencePair(paragraph.index, sentence.text, sentence.text)
            for paragraph in segment(text, language)
            for sentence in paragraph.sentences
        ]
        self._translations.save(
            article_id,
            target=self._target,
            title=title,
            route=route,
            is_pivot=False,
            at=self._clock(),
            sentences=sentences,
        )


def _note(error: TranslationError) -> str:
    if isinstance(error, NoRouteError):
        return f"untranslated: no {error.from_code}→{error.to_code} model"
    return f"untranslated: {error}"
