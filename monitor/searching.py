"""Search and related coverage over the collection: the index finds, the store supplies text.

One path for every caller (the window, the CLI, watchlists, exports): the index's hits for a
page are joined to their articles and translations in one batched read, which also gives the
index the texts it cuts snippets from, so no article is read twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta

from indexes.errors import SearchError
from indexes.index import SearchIndex
from indexes.related import related
from indexes.search import DisplayText, all_matches, search
from indexes.types import Hit, IndexMatch, SearchRequest
from monitor.errors import QueryError
from monitor.names.aliases import AliasTable
from monitor.store import Store
from monitor.types import Article, FoundArticle, FoundPage


class Finder:
    def __init__(
        self, store: Store, index: SearchIndex, aliases: Callable[[], AliasTable] | None = None
    ) -> None:
        self._store = store
        self._translations = store.translations
        self._index = index
        self._aliases = aliases  # a typed name's other forms (monitor.names.aliases)

    def _names(self, request: SearchRequest) -> Callable[[str], Sequence[str]] | None:
        if request.exact or self._aliases is None:
            return None
        return self._aliases().other_forms

    def search(self, request: SearchRequest) -> FoundPage:
        """One page of hits joined to their articles. Raises :class:`QueryError` for a query
        the user can fix."""
        read: dict[int, tuple[Article, tuple[str, str] | None]] = {}

        def display_texts(ids: Sequence[int]) -> Mapping[int, DisplayText]:
            read.update(self._read(ids))
            return {
                article_id: DisplayText(
                    article.language,
                    f"{article.title}\n{article.text}",
                    f"{translated[0]}\n{translated[1]}" if translated else "",
                )
                for article_id, (article, translated) in read.items()
            }

        try:
            result = search(self._index, request, display_texts, self._names(request))
        except SearchError as error:
            raise QueryError(str(error)) from error
        unread = [hit.article_id for hit in result.hits if hit.article_id not in read]
        read.update(self._read(unread))  # only when no snippet asked for the texts
        return FoundPage(
            tuple(
                _found(hit, *read[hit.article_id]) for hit in result.hits if hit.article_id in read
            ),
            result.total,
            result.page,
            result.pages,
            result.by_outlet,
            result.by_language,
            result.by_day,
            result.expansions,
        )

    def matches(self, request: SearchRequest) -> list[IndexMatch]:
        """Every article ``request`` matches, paging ignored (for watchlists and timelines)."""
        try:
            return all_matches(self._index, request, self._names(request))
        except SearchError as error:
            raise QueryError(str(error)) from error

    def _read(self, ids: Iterable[int]) -> dict[int, tuple[Article, tuple[str, str] | None]]:
        articles = self._store.articles_by_ids(list(ids))
        translated = self._translations.machine_texts(a.id for a in articles)
        return {a.id: (a, translated.get(a.id)) for a in articles}

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
        try:
            found = related(
                self._index,
                article_id,
                text,
                language=article.language,
                translated=translated,
                window=window,
                limit=limit,
            )
        except SearchError as error:
            raise QueryError(str(error)) from error
        articles = {a.id: a for a in self._store.articles_by_ids([i for i, _ in found])}
        return [(articles[i], score) for i, score in found if i in articles]


def _found(hit: Hit, article: Article, translated: tuple[str, str] | None) -> FoundArticle:
    return FoundArticle(
        article,
        translated[0] if translated else None,
        hit.matched_in.value,
        hit.score,
        hit.snippet_original,
        hit.snippet_translation,
    )
