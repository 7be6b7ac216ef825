"""Unions of many posting lists read into score arrays: word in many fields, prefix expansions.

Whoosh matches an ``Or`` of more than two queries in an index of more than 5,000 documents
with a binary tree of union matchers: every posting climbs the tree through ``is_active``,
``id`` and ``replace`` calls, several Python calls a level. A prefix that expands to hundreds
of terms in seven fields spent 90 % of a search there (profile in bench/RESULTS.md). Whoosh
also has an array union (``ArrayUnionMatcher``), which reads the postings of each term for a
window of 2,048 documents into an array of summed scores, one posting at a time with no
tree. Its scores are the same sums; it only cannot say which terms matched the current
document, which :func:`indexes.search._matched_terms` needs for the hits of one page: that
asks with ``needs_current`` and gets the tree, as before.

A prefix also keeps at most :data:`MAX_EXPANSIONS` of its terms per field, the ones in most
documents, as Lucene's ``max_expansions`` does: "co*" would otherwise read thousands of
posting lists, most of them names that occur once.

Where no score is needed for every hit (a page sorted by date), :func:`matching_documents`
reads a query's documents as sets: term postings a block at a time, ``Or``, ``And`` and
``Not`` as set operations. (Ranking an AND that way, its few hits scored one by one, was
slower than Whoosh's matchers skipping whole blocks of the longer list: 1.2× at p50, 20k.)
"""

from __future__ import annotations

import heapq
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import WrappingMatcher
from whoosh.searching import SearchContext, Searcher
from whoosh.util import make_binary_tree

MAX_EXPANSIONS = 256  # terms a prefix expands to in one field, the most frequent ones


class ArrayOr(wq.Or):  # type: ignore[misc]
    """``Or`` scored as Whoosh scores it, read into score arrays unless the caller needs terms."""

    def _matcher(
        self, subs: list[wq.Query], searcher: Searcher, context: SearchContext | None
    ) -> matching.Matcher:
        if len(subs) <= 2:
            return wq.Or._matcher(self, subs, searcher, context)
        matchers = [sub.matcher(searcher, context) for sub in subs]
        if context is not None and context.needs_current:
            # Whoosh would weigh each term by its document count to shape the tree (a look-up
            # per term, and for a prefix its expansion again): the caller only needs the
            # terms on a few documents, and a balanced tree sums the same scores.
            tree = make_binary_tree(matching.UnionMatcher, matchers)
            return matching.WrappingMatcher(tree, self.boost) if self.boost != 1.0 else tree
        # scored=True: a context without weighting still scores the terms with the searcher's
        # (Searcher.postings falls back to it), which is what the union tree would add up.
        return _ArrayUnion(matchers, searcher.doc_count_all(), boost=self.boost, scored=True)


class _ArrayUnion(matching.ArrayUnionMatcher):  # type: ignore[misc]
    """Whoosh's array union, with a true bound on its scores, worked out once.

    Whoosh bounds it by its best term's best score, but a document's score is the sum of
    its terms': a collector that prunes by the bound would drop documents that hold several
    (indexes.search._ExactTopCollector prunes nothing). Whoosh also asked each of up to 256
    terms again at every replace (every ten hits): 23 % of a prefix search. A term's best
    possible score does not change as it moves, so neither does the union's.
    """

    _best: float | None = None

    def max_quality(self) -> float:
        if self._best is None:
            best = sum(matcher.max_quality() for matcher in self._submatchers)
            self._best = float(best * self._boost)
        return self._best


class Expansion(wq.Prefix):  # type: ignore[misc]
    """A prefix query scored like the union of its terms, read through :class:`ArrayOr`."""

    def __init__(self, fieldname: str, text: str) -> None:
        super().__init__(fieldname, text, constantscore=False)

    def _btexts(self, reader: Any) -> list[bytes]:
        # Asked up to four times a search (its matcher and its size, for the search and for
        # the page's matched terms): the expansion is worked out once per segment reader.
        cached = self._expanded.get(id(reader))
        if cached is not None and cached[0] is reader:
            return cached[1]
        terms = [term for term in super()._btexts(reader) if term]
        if len(terms) > MAX_EXPANSIONS:
            frequency = reader.doc_frequency
            field = self.field()
            terms = sorted(
                heapq.nlargest(MAX_EXPANSIONS, terms, key=lambda term: frequency(field, term))
            )
        self._expanded[id(reader)] = (reader, terms)
        return terms

    @property
    def _expanded(self) -> dict[int, tuple[Any, list[bytes]]]:
        try:
            return self.__dict__["_expanded_terms"]  # type: ignore[no-any-return]
        except KeyError:
            return self.__dict__.setdefault("_expanded_terms", {})  # type: ignore[no-any-return]

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> Any:
        terms = [wq.Term(self.field(), term) for term in self._btexts(searcher.reader())]
        if not terms:
            return matching.NullMatcher()
        if len(terms) == 1:
            return terms[0].matcher(searcher, context)
        return ArrayOr(terms, boost=self.boost).matcher(searcher, context)


# --- documents as sets -------------------------------------------------------------


def matching_documents(query: wq.Query, leaf: Searcher) -> set[int]:
    """The segment-local numbers of the (undeleted) documents of ``leaf`` that ``query``
    matches: the same as listing its matcher's ids."""
    found = _documents(query, leaf, leaf.reader())
    deleted: frozenset[int] = getattr(leaf.reader(), "deleted_docs_set", frozenset())
    return found - deleted if deleted else found


def _documents(query: wq.Query, leaf: Searcher, reader: Any) -> set[int]:
    kind = type(query)
    if kind is wq.Term:
        return _term_documents(reader, query.fieldname, query.text)
    if isinstance(query, Expansion):
        found: set[int] = set()
        for term in query._btexts(reader):
            found |= _term_documents(reader, query.fieldname, term)
        return found
    if query is wq.NullQuery:
        return set()
    if isinstance(query, wq.Or) and not (query.minmatch or query.scale):
        found = set()
        for sub in query.subqueries:
            found |= _documents(sub, leaf, reader)
        return found
    if kind is wq.And:
        wanted = [sub for sub in query.subqueries if not isinstance(sub, wq.Not)]
        excluded = [sub.query for sub in query.subqueries if isinstance(sub, wq.Not)]
        if wanted:
            sets = sorted((_documents(sub, leaf, reader) for sub in wanted), key=len)
            found = sets[0].intersection(*sets[1:])
            for sub in excluded:
                if not found:
                    break
                found -= _documents(sub, leaf, reader)
            return found
    if kind is wq.AndNot:
        return _documents(query.a, leaf, reader) - _documents(query.b, leaf, reader)
    # Anything else (phrases, fuzzy terms, ranges, a lone Not): its own matcher lists it.
    return set(query.matcher(leaf, leaf.boolean_context()).all_ids())


def _term_documents(reader: Any, fieldname: str, text: Any) -> set[int]:
    if fieldname not in reader.schema:
        return set()
    field = reader.schema[fieldname]
    try:
        term = field.to_bytes(text) if not isinstance(text, bytes) else text
    except ValueError:
        return set()
    if (fieldname, term) not in reader:
        return set()
    matcher = reader.postings(fieldname, term)
    while isinstance(matcher, WrappingMatcher):  # deletions are taken out by the caller
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        return set(matcher.all_ids())
    found: set[int] = set()
    # Whoosh's own block reading (its private parts: Whoosh 2.7 is pinned and unmaintained).
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        found.update(matcher._ids[matcher._i :])
        matcher._next_block()
    return found
