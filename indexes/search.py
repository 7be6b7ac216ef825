"""Searching: one page of hits with facets, where each hit matched, and snippets of both sides.

Snippets are made only for the page shown (highlighting is the expensive part), from text the
caller supplies (the store is the source of text; the index stores none).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from heapq import nlargest
from typing import Any

from whoosh import collectors, highlight, sorting
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.reading import IndexReader
from whoosh.searching import ResultsPage, Searcher

from indexes.analyzers import LanguageAnalyzer, match_spans, sound_spans
from indexes.errors import InvalidRequest
from indexes.index import SearchIndex
from indexes.names import NameLookup
from indexes.query import build_query, build_query_with_names
from indexes.schema import (
    NOTES_FIELD,
    ORIGINAL_FIELDS,
    SOUND_FIELD,
    TRANSLATION_FIELD,
    original_field,
)
from indexes.snippets import MergingHtmlFormatter
from indexes.types import (
    Hit,
    IndexMatch,
    MatchedIn,
    NameExpansion,
    SearchRequest,
    SearchResult,
    SortOrder,
)
from indexes.unions import matching_documents

SNIPPET_FRAGMENTS = 2
SNIPPET_CONTEXT = 60  # characters around a match
DATE_FIELD = "published"


@dataclass(frozen=True, slots=True)
class DisplayText:
    """What the store holds for one article, for snippets."""

    language: str | None
    original: str  # title and text
    translation: str  # translated title and text ("" when untranslated)


TextSource = Callable[[Sequence[int]], Mapping[int, DisplayText]]


def search(
    index: SearchIndex,
    request: SearchRequest,
    texts: TextSource,
    names: NameLookup | None = None,
) -> SearchResult:
    """Run ``request``; ``texts(ids)`` supplies display text for the hits of the page;
    ``names`` gives a typed name's other forms (see :mod:`indexes.names`)."""
    _check_bounds(request)
    searcher = index.searcher()
    query, expansions = build_query_with_names(request, searcher.schema, names)
    facets = (
        {
            "outlet": sorting.FieldFacet("outlet_name"),
            "lang": sorting.FieldFacet("lang"),
            "day": sorting.FieldFacet("day"),
        }
        if request.facets
        else None
    )
    sortedby = (
        sorting.FieldFacet(DATE_FIELD, reverse=True) if request.sort is SortOrder.DATE else None
    )
    pagenum = max(1, request.page)
    if request.sort is SortOrder.DATE and facets is None:
        return _newest_first_page(searcher, query, request, texts, expansions)
    limit = pagenum * request.page_size
    if facets is None and sortedby is None and limit < searcher.doc_count():
        collector: collectors.Collector = _ExactTopCollector(limit, usequality=False)
    else:
        collector = searcher.collector(
            limit=limit, sortedby=sortedby, groupedby=facets, maptype=sorting.Count,
            # Skipping blocks that cannot reach the top N needs per-block score bounds, which
            # rebuilt segments do not keep (indexes.index._bulk_codec); trying costs more
            # than it saves, and the total needs every hit anyway.
            optimize=False,
        )  # fmt: skip
    # Unions of many terms are read into score arrays (indexes.unions); which terms each hit
    # of the page contains is worked out afterwards, for those hits only.
    searcher.search_with_collector(query, collector)
    results = collector.results()
    page = ResultsPage(results, pagenum, request.page_size)
    shown = [(hit.docnum, int(hit["id"]), float(hit.score or 0.0)) for hit in page]
    return SearchResult(
        hits=_hits(searcher, query, shown, texts, scores=request.sort is SortOrder.RELEVANCE),
        total=len(results),
        page=page.pagenum,
        page_size=request.page_size,
        by_outlet=_counts(results.groups("outlet")) if facets else {},
        by_language=_counts(results.groups("lang")) if facets else {},
        by_day=dict(sorted(_counts(results.groups("day")).items())) if facets else {},
        expansions=expansions,
    )


class _ExactTopCollector(collectors.TopCollector):  # type: ignore[misc]
    """Whoosh's top-N collector, counting every hit.

    Once its page is full, Whoosh's collector has its matcher drop the branches that cannot
    score above the page's last hit (a union becomes an intersection): those hits were then
    neither counted nor, for a prefix, always rightly judged, since Whoosh bounds an array
    union by its best term where a document adds several up. At 20k articles "con*" counted
    398 of 16,093 hits and showed a different page than with facet counts (which collect
    every hit). Here the bound stays 0: nothing is dropped, the total is every hit.
    """

    def _collect(self, global_docnum: int, score: float) -> Any:
        key = super()._collect(global_docnum, score)
        self.minscore = 0
        return key


def _newest_first_page(
    searcher: Searcher,
    query: wq.Query,
    request: SearchRequest,
    texts: TextSource,
    expansions: tuple[NameExpansion, ...],
) -> SearchResult:
    """A page of hits, newest first, without scoring or sorting every hit.

    Whoosh's sorted collector scores each hit, asks the date column for each, and sorts
    them all. Here the hits are only gathered, as sets
    (:func:`indexes.unions.matching_documents`), the dates come from the column read once
    per segment and kept while the searcher lives, and only the newest ``page × page size``
    are sorted: the same order (ties by index order), and the same total. The page's own
    hits are scored afterwards, with their terms.
    """
    pagenum = max(1, request.page)
    wanted = pagenum * request.page_size
    total = 0
    newest: list[tuple[int, int]] = []  # (date value, global docnum)
    for leaf, offset in searcher.leaf_searchers():
        ids = sorted(matching_documents(query, leaf))  # sorted: ties keep index order
        total += len(ids)
        dates = _dates(leaf.reader())
        newest += [
            (dates[docnum], offset + docnum)
            for docnum in nlargest(wanted, ids, key=dates.__getitem__)
        ]
    newest.sort(key=lambda item: (-item[0], item[1]))
    ordered = [(0.0, docnum) for _, docnum in newest]
    return _page(searcher, query, request, texts, expansions, ordered, total, scores=False)


def _page(
    searcher: Searcher,
    query: wq.Query,
    request: SearchRequest,
    texts: TextSource,
    expansions: tuple[NameExpansion, ...],
    ordered: Sequence[tuple[float, int]],
    total: int,
    *,
    scores: bool,
) -> SearchResult:
    """The requested page of ``ordered`` hits, (score, global docnum), best first."""
    pagenum = min(max(1, request.page), -(-total // request.page_size))  # as ResultsPage does
    start = max(0, (pagenum - 1) * request.page_size)
    shown = [
        (docnum, int(searcher.stored_fields(docnum)["id"]), score)
        for score, docnum in ordered[start : start + request.page_size]
    ]
    return SearchResult(
        hits=_hits(searcher, query, shown, texts, scores=scores),
        total=total,
        page=pagenum,
        page_size=request.page_size,
        expansions=expansions,
    )


def all_matches(
    index: SearchIndex, request: SearchRequest, names: NameLookup | None = None
) -> list[IndexMatch]:
    """Every article ``request`` matches (its paging and sort ignored), unscored."""
    searcher = index.searcher()
    query = build_query(request, searcher.schema, names)
    return [
        IndexMatch(int(fields["id"]), fields.get("day") or None, str(fields.get("outlet_name", "")))
        for fields in (hit.fields() for hit in searcher.search(query, limit=None, scored=False))
    ]


def _counts(groups: Mapping[object, object]) -> dict[str, int]:
    return {str(key): int(value) for key, value in groups.items() if key not in (None, "")}  # type: ignore[call-overload]


def _hits(
    searcher: Searcher,
    query: wq.Query,
    shown: Sequence[tuple[int, int, float]],
    texts: TextSource,
    *,
    scores: bool,
) -> tuple[Hit, ...]:
    """The page's hits from (docnum, article id, score); without ``scores`` (a page sorted
    by date), each hit's score is worked out with its matched terms."""
    display = texts([article_id for _, article_id, _ in shown])
    matched, page_scores = _matched_terms(searcher, query, [docnum for docnum, _, _ in shown])
    return tuple(
        _hit(
            searcher.schema,
            article_id,
            score if scores else page_scores.get(docnum, 0.0),
            display.get(article_id),
            matched[docnum],
        )
        for docnum, article_id, score in shown
    )


def _matched_terms(
    searcher: Searcher, query: wq.Query, docnums: Sequence[int]
) -> tuple[dict[int, set[tuple[str, bytes]]], dict[int, float]]:
    """The query terms each of ``docnums`` (hits of the query) contains, as (field, term),
    and each one's score.

    Whoosh's ``terms=True`` records this for every hit, checking each of the query's terms
    at each one: with a prefix that expands to hundreds of terms and thousands of hits,
    that was most of the search. Here the query's matcher is moved to each hit of the page
    only, and the term matchers standing on it are the terms it contains.
    """
    found: dict[int, set[tuple[str, bytes]]] = {docnum: set() for docnum in docnums}
    scores: dict[int, float] = {}
    wanted = sorted(found)
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        local = [docnum - offset for docnum in wanted if offset <= docnum < end]
        if not local:
            continue
        # needs_current: otherwise Whoosh may read a union of terms into one array at once,
        # and its term matchers no longer stand on any document.
        matcher = query.matcher(leaf, leaf.boolean_context().set(needs_current=True))
        terms = list(matcher.term_matchers())
        for docnum in local:
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active():
                break
            if matcher.id() != docnum:
                continue
            scores[docnum + offset] = float(matcher.score())
            for term in terms:
                if term.is_active() and term.id() == docnum:
                    found[docnum + offset].add(term.term())
    return found, scores


def _dates(reader: IndexReader) -> Sequence[int]:
    """Each document's publication date as the ``published`` column sorts it (undated: the
    column's default), read once per segment reader: a list beats a column read per hit."""
    try:
        return _DATES[reader]
    except KeyError:
        dates: Sequence[int] = reader.column_reader(DATE_FIELD, translate=False).load()
        _DATES[reader] = dates
        return dates


_DATES: weakref.WeakKeyDictionary[IndexReader, Sequence[int]] = weakref.WeakKeyDictionary()


def _hit(
    schema: Schema,
    article_id: int,
    score: float,
    text: DisplayText | None,
    terms: set[tuple[str, bytes]],
) -> Hit:
    fields = {field for field, _ in terms}
    in_original = bool(fields & set(ORIGINAL_FIELDS))
    in_translation = TRANSLATION_FIELD in fields
    if in_original and in_translation:
        matched = MatchedIn.BOTH
    elif in_translation:
        matched = MatchedIn.TRANSLATION
    elif not in_original and NOTES_FIELD in fields:
        matched = MatchedIn.NOTES
    else:
        matched = MatchedIn.ORIGINAL
    snippet_original = snippet_translation = ""
    if text is not None:
        snippet_original = _snippet(schema, terms, original_field(text.language), text.original)
        if text.translation:
            snippet_translation = _snippet(schema, terms, TRANSLATION_FIELD, text.translation)
    return Hit(article_id, score, matched, snippet_original, snippet_translation)


def _snippet(schema: Schema, terms: set[tuple[str, bytes]], field: str, text: str) -> str:
    # Only this hit's matched terms in this field are looked for, with match_spans rather
    # than Whoosh's re-analysis of the whole text through its token filters: that took
    # most of a page's time (two texts for each of 20 hits).
    field_object = schema[field]
    words = {field_object.from_bytes(term) for name, term in terms if name == field}
    analyzer = field_object.analyzer
    language = analyzer.language if isinstance(analyzer, LanguageAnalyzer) else "other"
    spans = match_spans(language, text, words) if words else []
    sounds = {term.decode("utf-8") for name, term in terms if name == SOUND_FIELD}
    if sounds:  # names found by their sound: mark the words (or windows) that gave the key
        spans = sorted({*spans, *sound_spans(text, language, sounds)})
    if spans:
        tokens = [
            highlight.Token(text=text[start:end].casefold(), startchar=start, endchar=end)
            for start, end in _longest_per_start(spans)
        ]
        fragments = _FRAGMENTER.fragment_matches(text, tokens)
        best = highlight.top_fragments(
            fragments, SNIPPET_FRAGMENTS, _SCORER, highlight.FIRST, minscore=1
        )
        if best:
            return str(_FORMATTER.format(best))
    return str(highlight.htmlescape(text[: 2 * SNIPPET_CONTEXT].strip()))  # no match here


def _longest_per_start(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # A bigram and its first character start together; the bigram is the match to draw.
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if kept and kept[-1][0] == start:
            kept[-1] = (start, max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return kept


_FRAGMENTER = highlight.PinpointFragmenter(maxchars=300, surround=SNIPPET_CONTEXT, autotrim=True)
_SCORER = highlight.BasicFragmentScorer()
_FORMATTER = MergingHtmlFormatter()


MAX_PAGE_SIZE = 1000
MAX_PAGE = 100_000  # the collector keeps page × page size hits in memory


def _check_bounds(request: SearchRequest) -> None:
    if not 1 <= request.page_size <= MAX_PAGE_SIZE:
        raise InvalidRequest(
            f"a page holds from 1 to {MAX_PAGE_SIZE} results, not {request.page_size}"
        )
    if not 1 <= request.page <= MAX_PAGE:
        raise InvalidRequest(f"pages are numbered from 1 to {MAX_PAGE:,}, not {request.page}")
