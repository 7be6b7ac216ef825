"""The translation step of an update: headlines first, then every waiting article whole.

A model translates some sixteen sentences a second on two cores, so a 1,000-article update
(~20,000 sentences) takes twenty minutes to translate whole. The queue is ordered for the
reader, not by arrival:

1. an article the user opened (:meth:`TranslationStore.prioritize`), whole, looked for again
   before every batch;
2. the headline of every waiting article, newest first, across the whole update: its title
   and the first sentences of its lead (:func:`translations.align.translate_documents` with
   ``lead``), stored as an incomplete translation, so the list shows translated titles
   within minutes;
3. ``after_headlines`` (the index stage): the headlines become searchable and the
   watchlists can match them;
4. the articles a watchlist matches (``watched``), whole; then the rest, newest first.

A headline's sentences are cached by the engine, so the whole translation does not ask the
model for them again. Runs after collection (a :class:`~monitor.collect.pipeline.Stage`), in
batches of articles so the engine batches their sentences together; checks the cancel flag
between batches. An article whose language has no model is noted ("untranslated: no ko→en
model") and waits; installing a model clears the notes so the next run picks them up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator, Sequence

from monitor.clock import Clock
from monitor.dependencies import TRANSLATION, require
from monitor.store.translations import (
    ORIGINAL_LANGUAGE_ROUTE,
    UNKNOWN_LANGUAGE_ROUTE,
    QueuedArticle,
    TranslationStore,
)
from monitor.types import Progress, ProgressKind, SentencePair, WorkerStage
from translations.align import translate_documents
from translations.engine import Engine
from translations.errors import Cancelled, NoRouteError, TranslationError
from translations.segment import segment
from translations.types import DocumentTranslation, SourceDocument

BATCH_ARTICLES = 16
# Articles taken from the queue's head at a time, then ordered by language (the model loaded
# last first): each language needs its model loaded, up to a second a time, and the engine
# keeps two. Newest first holds from one window to the next.
HEADLINE_WINDOW = 96  # a title and two sentences each: some 300 sentences, ~20 s on 2 cores
WHOLE_WINDOW = 64
LEAD_SENTENCES = 2  # of the lead paragraph, with the title: what a reader scanning a list needs

Steps = Generator[Progress, None, None]


class TranslationStage:
    worker_stage = WorkerStage.TRANSLATE  # translation workers run it for a shared store

    def __init__(
        self,
        translations: TranslationStore,
        engine: Callable[[], Engine],
        *,
        target: str,
        clock: Clock,
        batch_articles: int = BATCH_ARTICLES,
        after_headlines: Callable[[threading.Event], Iterator[Progress]] | None = None,
        watched: Callable[[], set[int]] | None = None,
        threads: Callable[[], int] | None = None,
    ) -> None:
        self._translations = translations
        self._engine = engine  # built on first need: loading models is not free
        self._target = target
        self._clock = clock
        self._batch = batch_articles
        self._after_headlines = after_headlines
        self._watched = watched
        self._threads = threads  # asked before each batch: the window's user may come back

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        return _Run(self, cancel).steps()

    def translate_articles(
        self, article_ids: Sequence[int], cancel: threading.Event, *, headline: bool = False
    ) -> Iterator[Progress]:
        """Translate those of ``article_ids`` still waiting, whole, their sentences batched
        together as an update's are (a translation worker's job); the others are left. With
        ``headline``, only the title and lead of those with no translation at all yet."""
        return _Run(self, cancel, only=article_ids, headline=headline).steps()

    def store(self, result: DocumentTranslation) -> None:
        self._translations.save(
            result.key,
            target=self._target,
            title=result.title,
            route=result.route.description,
            is_pivot=result.route.is_pivot,
            at=self._clock(),
            sentences=result.sentences,
            complete=result.complete,
        )

    def store_unchanged(self, article: QueuedArticle) -> None:
        """Already in the target language (or unknown): aligned with itself, so the reader and
        the index treat every article alike."""
        route = ORIGINAL_LANGUAGE_ROUTE if article.language else UNKNOWN_LANGUAGE_ROUTE
        sentences = [
            SentencePair(paragraph.index, sentence.text, sentence.text)
            for paragraph in segment(article.text, article.language)
            for sentence in paragraph.sentences
        ]
        self._translations.save(
            article.id,
            target=self._target,
            title=article.title,
            route=route,
            is_pivot=False,
            at=self._clock(),
            sentences=sentences,
        )


class _Run:
    """One run of the stage: the languages found to have no usable route, and the counts its
    progress reports."""

    def __init__(
        self,
        stage: TranslationStage,
        cancel: threading.Event,
        only: Sequence[int] = (),
        *,
        headline: bool = False,
    ) -> None:
        self._stage = stage
        self._queue = stage._translations
        self._cancel = cancel
        self._only = list(only)  # a worker's job: these articles, nothing else...
        self._headline_only = headline  # ...their headlines, or (False) them whole
        self._blocked: set[str] = set()  # languages without a usable route in this run
        self._done = 0
        self._total = len(self._only) if only else self._queue.waiting()
        self._headlines = 0
        self._headlines_total = 0
        self._recent: list[str | None] = []  # the last two languages translated, oldest first

    def steps(self) -> Steps:
        if not self._total:
            return
        try:
            if self._only and self._headline_only:
                self._headlines_total = len(self._only)
                window = self._queue.queued(self._only, untouched=True)
                yield from self._translate(self._by_language(window), lead=LEAD_SENTENCES)
                return
            if self._only:
                yield from self._whole(self._only)
                return
            yield from self._all_headlines()
            if self._headlines and self._stage._after_headlines and not self._cancel.is_set():
                yield from self._stage._after_headlines(self._cancel)
            yield from self._all_whole()
        except Cancelled:  # what was translated is in the cache for the next run
            return

    def _all_headlines(self) -> Steps:
        self._headlines_total = self._queue.headlines_waiting()
        while not self._cancel.is_set():
            yield from self._opened()
            window = self._queue.without_headline(HEADLINE_WINDOW, self._blocked)
            if not window:
                return
            yield from self._translate(self._by_language(window), lead=LEAD_SENTENCES)

    def _all_whole(self) -> Steps:
        tried: set[int] = set()
        while not self._cancel.is_set():
            plan = [i for i in self._queue.waiting_ids(self._blocked) if i not in tried]
            if not plan:
                return
            watched = self._stage._watched() if self._stage._watched else set()
            plan.sort(key=lambda article_id: article_id not in watched)  # stable: newest first
            tried.update(plan)
            yield from self._whole(plan, opened_first=True)

    def _whole(self, plan: Sequence[int], *, opened_first: bool = False) -> Steps:
        """The articles of ``plan`` still waiting, whole, a window at a time grouped by
        language (the opened ones before each batch when ``opened_first``)."""
        for start in range(0, len(plan), WHOLE_WINDOW):
            window = self._by_language(self._queue.queued(plan[start : start + WHOLE_WINDOW]))
            for at in range(0, len(window), self._stage._batch):
                if self._cancel.is_set():
                    return
                if opened_first:
                    yield from self._opened()
                chunk = window[at : at + self._stage._batch]
                yield from self._translate(
                    [
                        a
                        for a in self._queue.queued(a.id for a in chunk)
                        if (a.language or "") not in self._blocked
                    ],
                    lead=None,
                )

    def _by_language(self, window: Sequence[QueuedArticle]) -> list[QueuedArticle]:
        """``window`` grouped by language: the languages translated last first (the engine
        keeps their models loaded), the language before it next, then the others in the order
        of their first article; within a language, as given."""
        rank = {a.language: -n for n, a in reversed(list(enumerate(window)))}
        for place, language in enumerate(self._recent):  # least recent first
            rank[language] = len(window) + 1 + place
        grouped = sorted(window, key=lambda a: -rank[a.language])
        for article in grouped:
            if self._recent[-1:] != [article.language]:
                self._recent = [*(x for x in self._recent if x != article.language)][-1:]
                self._recent.append(article.language)
        return grouped

    def _opened(self) -> Steps:
        while not self._cancel.is_set():
            batch = self._queue.opened(self._stage._batch, self._blocked)
            if not batch:
                return
            yield from self._translate(batch, lead=None)

    def _translate(self, batch: Sequence[QueuedArticle], *, lead: int | None) -> Steps:
        documents = []
        for article in batch:
            if article.language in (None, self._stage._target):
                self._stage.store_unchanged(article)
                yield from self._stored(article.id, article.title, headline=lead is not None)
                continue
            documents.append(
                SourceDocument(article.id, article.title, article.text, article.language)
            )
        if not documents:
            return
        require(TRANSLATION)  # a broken install, not a damaged model: say so
        engine = self._stage._engine()
        if self._stage._threads is not None:
            engine.use_threads(self._stage._threads())
        for result in translate_documents(
            engine, documents, self._stage._target, self._cancel, lead=lead
        ):
            if isinstance(result, DocumentTranslation):
                self._stage.store(result)
                yield from self._stored(
                    result.key, result.title, headline=lead is not None, whole=result.complete
                )
                continue
            document, error = result
            if document.language not in self._blocked:
                self._blocked.add(document.language)
                # Every waiting article in this language says why, not just this batch's.
                self._queue.note_language(document.language, _note(error))
            yield Progress(
                ProgressKind.UNTRANSLATED, None, document.key, _note(error), self._done, self._total
            )

    def _stored(self, article_id: int, title: str, *, headline: bool, whole: bool = True) -> Steps:
        """Progress for an article stored: its headline (in the headlines' count), and then
        the article, when all of it is translated (a short one's lead is the whole)."""
        if headline:
            self._headlines += 1
            yield Progress(
                ProgressKind.HEADLINE,
                None,
                article_id,
                title,
                self._headlines,
                self._headlines_total,
            )
        if whole:
            self._done += 1
            yield Progress(
                ProgressKind.TRANSLATED, None, article_id, title, self._done, self._total
            )


def _note(error: TranslationError) -> str:
    if isinstance(error, NoRouteError):
        return f"untranslated: no {error.from_code}→{error.to_code} model"
    return f"untranslated: {error}"
