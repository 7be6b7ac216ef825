"""Searching: one page of hits with facets, where each hit matched, and snippets of both sides.

Snippets are made only for the page shown (highlighting is the expensive part), from text the
caller supplies (the store is the source of text; the index stores none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from whoosh import highlight, sorting
from whoosh.searching import Hit as WhooshHit

from indexes.index import SearchIndex
from indexes.query import build_query
from indexes.schema import ORIGINAL_FIELDS, TRANSLATION_FIELD, original_field
from indexes.snippets import MergingHtmlFormatter
from indexes.types import Hit, MatchedIn, SearchRequest, SearchResult, SortOrder

SNIPPET_FRAGMENTS = 2
SNIPPET_CONTEXT = 60  # characters around a match


@dataclass(frozen=True, slots=True)
class DisplayText:
    """What the store holds for one article, for snippets."""

    language: str | None
    original: str  # title and text
    translation: str  # translated title and text ("" when untranslated)


TextSource = Callable[[Sequence[int]], Mapping[int, DisplayText]]


def search(index: SearchIndex, request: SearchRequest, texts: TextSource) -> SearchResult:
    """Run ``request``; ``texts(ids)`` supplies display text for the hits of the page."""
    searcher = index.searcher()
    query = build_query(request, searcher.schema)
    facets = {
        "outlet": sorting.FieldFacet("outlet_name"),
        "lang": sorting.FieldFacet("lang"),
        "day": sorting.FieldFacet("day"),
    }
    sortedby = (
        sorting.FieldFacet("published", reverse=True) if request.sort is SortOrder.DATE else None
    )
    page = searcher.search_page(
        query,
        max(1, request.page),
        pagelen=request.page_size,
        sortedby=sortedby,
        groupedby=facets,
        maptype=sorting.Count,
        terms=True,
    )
    results = page.results
    shown = list(page)
    display = texts([int(hit["id"]) for hit in shown])
    hits = tuple(_hit(hit, display.get(int(hit["id"]))) for hit in shown)
    return SearchResult(
        hits=hits,
        total=len(results),
        page=page.pagenum,
        page_size=request.page_size,
        by_outlet=_counts(results.groups("outlet")),
        by_language=_counts(results.groups("lang")),
        by_day=dict(sorted(_counts(results.groups("day")).items())),
    )


def _counts(groups: Mapping[object, object]) -> dict[str, int]:
    return {str(key): int(value) for key, value in groups.items() if key not in (None, "")}  # type: ignore[call-overload]


def _hit(hit: WhooshHit, text: DisplayText | None) -> Hit:
    fields = {field for field, _ in (hit.matched_terms() or [])}
    in_original = bool(fields & set(ORIGINAL_FIELDS))
    in_translation = TRANSLATION_FIELD in fields
    if in_original and in_translation:
        matched = MatchedIn.BOTH
    elif in_translation:
        matched = MatchedIn.TRANSLATION
    else:
        matched = MatchedIn.ORIGINAL
    snippet_original = snippet_translation = ""
    if text is not None:
        snippet_original = _snippet(hit, original_field(text.language), text.original)
        if text.translation:
            snippet_translation = _snippet(hit, TRANSLATION_FIELD, text.translation)
    return Hit(
        int(hit["id"]), float(hit.score or 0.0), matched, snippet_original, snippet_translation
    )


def _snippet(hit: WhooshHit, field: str, text: str) -> str:
    hit.results.fragmenter = highlight.ContextFragmenter(maxchars=300, surround=SNIPPET_CONTEXT)
    hit.results.formatter = MergingHtmlFormatter()
    highlighted = hit.highlights(field, text=text, top=SNIPPET_FRAGMENTS)
    if highlighted:
        return str(highlighted)
    return str(highlight.htmlescape(text[: 2 * SNIPPET_CONTEXT].strip()))  # no match here
