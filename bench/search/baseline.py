"""Plain Whoosh on the same index: the floor the app's overhead is measured against.

"Plain" is what a developer gets from Whoosh's own calls, with none of the app's work: the
stock ``MultifieldParser`` over the fields that hold articles in the query's script (the
English translation and English originals for Latin; the Russian and Ukrainian originals
for Cyrillic; Chinese for Han; Korean for Hangul), ``Searcher.search`` for a page of 20,
``len(results)`` for the total, ``Hit.highlights`` for snippets and
``sortedby="published"`` for the newest first. It routes no word to other fields, widens
no name, caps no prefix and searches no notes, so it finds fewer articles than the app
(its hits are reported beside the app's): the ratio is the price of what the app adds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from whoosh.qparser import MultifieldParser

from bench.common.corpus import display_text
from bench.search.checks import Answer
from indexes.index import SearchIndex
from indexes.schema import TRANSLATION_FIELD, original_field
from indexes.types import IndexDocument

FIELDS_BY_SCRIPT: dict[str, tuple[str, ...]] = {
    "latin": (TRANSLATION_FIELD, original_field("en")),
    "cyrillic": (original_field("ru"), original_field("uk")),
    "han": (original_field("zh"),),
    "hangul": (original_field("ko"),),
}


class PlainWhoosh:
    """Whoosh's own calls on the app's index (see the module's docstring)."""

    def __init__(self, index: SearchIndex, documents: Mapping[int, IndexDocument]) -> None:
        self.index = index
        self.documents = documents

    def search(
        self, text: str, script: str, *, page_size: int, snippets: bool, by_date: bool
    ) -> Answer:
        searcher = self.index.searcher()
        query = MultifieldParser(list(FIELDS_BY_SCRIPT[script]), searcher.schema).parse(text)
        if by_date:
            results = searcher.search(query, limit=page_size, sortedby="published", reverse=True)
        else:
            results = searcher.search(query, limit=page_size)
        total = len(results)
        ids = tuple(int(hit["id"]) for hit in results)
        if snippets:
            for hit in results:
                self._highlight(hit, ids[hit.rank])
        return Answer(total, ids)

    def _highlight(self, hit: object, article_id: int) -> Sequence[str]:
        document = self.documents[article_id]
        shown = display_text(document)
        pieces = [hit.highlights(original_field(document.language), text=shown.original)]  # type: ignore[attr-defined]
        if shown.translation:
            pieces.append(hit.highlights(TRANSLATION_FIELD, text=shown.translation))  # type: ignore[attr-defined]
        return pieces
