"""Search and related coverage over the collection: the index finds, the store supplies text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from indexes.index import SearchIndex
from indexes.related import related
from indexes.search import DisplayText, search
from indexes.types import SearchRequest, SearchResult
from monitor.store import Store
from monitor.store.translations import TranslationStore
from monitor.types import Article


class Finder:
    def __init__(self, store: Store, index: SearchIndex) -> None:
        self._store = store
        self._translations = TranslationStore(store)
        self._index = index

    def search(self, request: SearchRequest) -> SearchResult:
        return search(self._index, request, self._display_texts)

    def related(
        self, article_id: int, *, limit: int = 5, window: timedelta = timedelta(days=7)
    ) -> list[tuple[Article, float]]:
        article = self._store.article(article_id)
        translation = self._translations.translation(article_id)
        translated = translation is not None and translation.by_model
        if translation is not None and translated:
            text = f"{translation.title}\n{translation.text}"
        else:
            text = f"{article.title}\n{article.text}"
        if article.language == "en":
            translated = True  # English originals are indexed as their own translation
        found = related(
            self._index,
            article_id,
            text,
            language=article.language,
            translated=translated,
            window=window,
            limit=limit,
        )
        articles = {a.id: a for a in self._store.articles_by_ids([i for i, _ in found])}
        return [(articles[i], score) for i, score in found if i in articles]

    def _display_texts(self, ids: Sequence[int]) -> Mapping[int, DisplayText]:
        texts = {}
        for article in self._store.articles_by_ids(ids):
            translation = self._translations.translation(article.id)
            translated = ""
            if translation is not None and translation.by_model:
                translated = f"{translation.title}\n{translation.text}"
            texts[article.id] = DisplayText(
                article.language, f"{article.title}\n{article.text}", translated
            )
        return texts
