"""What the search benchmark checks before it reports a rate: that each query was answered
alike in every mode, that a newest-first page really is the newest, and that queries found
something. Any failure raises :class:`~bench.common.results.BenchmarkFailed`.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from bench.common.results import BenchmarkFailed
from indexes.index import SearchIndex
from indexes.query import build_query
from indexes.types import IndexDocument, SearchRequest

CHECKED_ROUNDS = 3  # rounds whose newest-first pages are checked against Whoosh's own sort
APP_MODES = ("plain", "snippets", "facets", "date", "date plain")


@dataclass(frozen=True)
class Answer:
    """What one query answered: its total and the ids of its first page, in order."""

    total: int
    ids: tuple[int, ...]


def check_answers(text: str, answers: Mapping[str, Answer], page_size: int) -> None:
    """The app's modes agree on the total; the relevance modes on the page, in order."""
    totals = {mode: answers[mode].total for mode in APP_MODES}
    if len(set(totals.values())) != 1:
        raise BenchmarkFailed(f"“{text}”: the modes found different totals: {totals}")
    pages = {answers[mode].ids for mode in ("plain", "snippets", "facets")}
    if len(pages) != 1:
        raise BenchmarkFailed(f"“{text}”: the relevance modes gave different pages: {pages}")
    if answers["date"].ids != answers["date plain"].ids:
        raise BenchmarkFailed(f"“{text}”: newest first gave different pages with snippets")
    for mode in APP_MODES:
        answer = answers[mode]
        if len(answer.ids) != min(answer.total, page_size) or len(set(answer.ids)) < len(
            answer.ids
        ):
            raise BenchmarkFailed(f"“{text}” ({mode}): a page of {answer.ids} for {answer.total}")


def check_newest_first(
    index: SearchIndex, text: str, answer: Answer, documents: Mapping[int, IndexDocument]
) -> None:
    """The date-ordered page holds the newest hits: the dates Whoosh's own sort gives for the
    app's query (ids may differ among articles published at the same moment)."""
    searcher = index.searcher()
    query = build_query(SearchRequest(text), searcher.schema)
    results = searcher.search(
        query, limit=max(1, len(answer.ids)), sortedby="published", reverse=True
    )
    expected = [documents[int(hit["id"])].published for hit in results]
    got = [documents[article_id].published for article_id in answer.ids]
    if got != expected or len(results) != answer.total:
        raise BenchmarkFailed(
            f"“{text}”: newest first gave {got} of {answer.total}, Whoosh {expected} of "
            f"{len(results)}"
        )


def check_found(hits: Mapping[tuple[str, str], list[int]]) -> None:
    """Queries are drawn from the corpus: a cell whose median query found nothing is wrong."""
    empty = [cell for cell, totals in hits.items() if statistics.median(totals) == 0]
    if empty:
        raise BenchmarkFailed(f"the median query found nothing in {empty}")
