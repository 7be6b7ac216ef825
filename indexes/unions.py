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
"""

from __future__ import annotations

import heapq
from typing import Any

from whoosh import matching
from whoosh import query as wq
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
    """Whoosh's array union, its best possible score worked out once.

    A scored collector asks for it each time it tries to replace its matcher (every ten
    hits), and Whoosh's answer asks each of up to 256 terms again: 23 % of a prefix search.
    A term's best possible score does not change as it moves, so neither does the union's.
    """

    _best: float | None = None

    def max_quality(self) -> float:
        if self._best is None:
            self._best = float(super().max_quality())
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
