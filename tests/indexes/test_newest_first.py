"""Newest first without sorting every hit answers as Whoosh's sorted collector (still used
when facet counts are asked for): the same pages, totals and snippets, across segments,
deletions, undated articles, equal dates and pages past the end; ranked pages are unchanged."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from whoosh import query as wq

from indexes.index import SearchIndex
from indexes.query import build_query
from indexes.search import DisplayText, search
from indexes.types import IndexDocument, SearchRequest, SortOrder
from indexes.unions import matching_documents

START = datetime(2026, 9, 1, tzinfo=UTC)
WORDS = ["rocket", "launch", "orbit", "satellite", "budget", "rates", "election", "flood"]
RUSSIAN = ["ракета", "запуск", "орбита", "бюджет"]


def _document(article_id: int, rng: random.Random) -> IndexDocument:
    choice = rng.random()
    if choice < 0.1:
        published = None  # undated: last
    elif choice < 0.3:
        published = START  # many at one moment: ties keep index order
    else:
        published = START + timedelta(hours=rng.randrange(2000))
    english = " ".join(rng.choices(WORDS, k=8))
    if article_id % 3:
        return IndexDocument(article_id, article_id % 7, f"Outlet {article_id % 5}", "en",
                             published, english.title(), english)  # fmt: skip
    russian = " ".join(rng.choices(RUSSIAN, k=6))
    return IndexDocument(article_id, article_id % 7, f"Outlet {article_id % 5}", "ru", published,
                         russian, russian, english, english, translated=True)  # fmt: skip


@pytest.fixture
def documents() -> dict[int, IndexDocument]:
    rng = random.Random(20)
    return {article_id: _document(article_id, rng) for article_id in range(1, 161)}


@pytest.fixture
def index(tmp_path: Path, documents: dict[int, IndexDocument]) -> SearchIndex:
    index = SearchIndex(tmp_path / "index")
    first = [documents[i] for i in range(1, 121)]
    index.rebuild(first, synced=1)
    # Two more segments, one of them replacing and deleting articles of the first.
    index.apply([documents[i] for i in range(121, 141)], [5, 6, 7], synced=2)
    index.apply([documents[i] for i in (*range(141, 161), 8, 9)], [], synced=3)
    yield index
    index.close()


QUERIES = ["rocket", "rocket launch", '"orbit satellite"', "rock*", "ракета", "flood OR budget",
           "rocket -orbit", "nothingsuch"]  # fmt: skip


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize(("page", "page_size"), [(1, 20), (2, 7), (3, 50), (40, 20)])
def test_newest_first_pages_are_whooshs_sorted_pages(
    index: SearchIndex, documents: dict[int, IndexDocument], text: str, page: int, page_size: int
) -> None:
    def texts(ids: list[int]) -> dict[int, DisplayText]:
        shown = {i: documents[i] for i in ids}
        return {
            i: DisplayText(d.language, f"{d.title}\n{d.text}", d.text_translated)
            for i, d in shown.items()
        }

    asked = dict(text=text, sort=SortOrder.DATE, page=page, page_size=page_size)
    sorted_by_whoosh = search(index, SearchRequest(**asked, facets=True), texts)
    fast = search(index, SearchRequest(**asked, facets=False), texts)
    assert fast.total == sorted_by_whoosh.total
    assert fast.page == sorted_by_whoosh.page
    assert [(h.article_id, h.matched_in, h.snippet_original, h.snippet_translation)
            for h in fast.hits] == [
        (h.article_id, h.matched_in, h.snippet_original, h.snippet_translation)
        for h in sorted_by_whoosh.hits
    ]  # fmt: skip
    # (Whoosh's sort puts undated articles first: the column's default for a missing date.)
    dates = [documents[h.article_id].published for h in fast.hits]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)
    if text != "nothingsuch" and page == 1:
        assert fast.hits and all(h.score > 0 for h in fast.hits)  # the hit's own relevance


def test_newest_first_sees_a_commit(index: SearchIndex, documents: dict[int, IndexDocument]):
    newest = IndexDocument(
        500, 1, "Outlet 1", "en", START + timedelta(days=400), "Rocket", "rocket"
    )
    index.apply([newest], [], synced=4)
    result = search(
        index, SearchRequest("rocket", sort=SortOrder.DATE, facets=False), lambda ids: {}
    )
    dated = [
        h.article_id
        for h in result.hits
        if h.article_id == 500 or documents[h.article_id].published
    ]
    assert dated[0] == 500


@pytest.mark.parametrize(
    "text",
    [*QUERIES, "(rocket OR orbit) -budget", "lang:ru ракета", "outlet:outlet rates",
     "date:2026-09 flood", 'rocket NOT "orbit satellite"', "ракет* OR elect*", "Rocket"],
)  # fmt: skip
def test_matched_documents_as_sets_are_whooshs_own(index: SearchIndex, text: str) -> None:
    searcher = index.searcher()
    query = build_query(SearchRequest(text), searcher.schema)
    for leaf, _ in searcher.leaf_searchers():
        listed = set(query.matcher(leaf, leaf.boolean_context()).all_ids())
        assert matching_documents(query, leaf) == listed


CONJUNCTIONS = ["rocket launch", "rocket -orbit", "ракета бюджет", "rock* launch", "Rocket orbit",
                "(rocket OR flood) budget", "lang:ru ракета", "rocket nothingsuch",
                "orbit satellite -rates -flood"]  # fmt: skip


@pytest.mark.parametrize("text", CONJUNCTIONS)
@pytest.mark.parametrize(("page", "page_size"), [(1, 20), (2, 7), (30, 10)])
def test_an_ands_best_hits_are_the_collectors(
    index: SearchIndex, documents: dict[int, IndexDocument], text: str, page: int, page_size: int
) -> None:
    asked = dict(text=text, page=page, page_size=page_size)
    collected = search(index, SearchRequest(**asked, facets=True), lambda ids: {})
    fast = search(index, SearchRequest(**asked, facets=False), lambda ids: {})
    assert (fast.total, fast.page) == (collected.total, collected.page)
    assert [(h.article_id, h.score, h.matched_in) for h in fast.hits] == [
        (h.article_id, h.score, h.matched_in) for h in collected.hits
    ]


@pytest.mark.parametrize("text", ["rock*", "launch", "ра*", "Rocket", *CONJUNCTIONS])
@pytest.mark.parametrize("page_size", [1, 3])
def test_ranked_pages_count_every_hit(index: SearchIndex, text: str, page_size: int) -> None:
    # Without facets Whoosh's top-N collector used to skip the hits it judged unable to reach
    # the page, and counted neither them nor, for a prefix, some that could.
    request = SearchRequest(text, page_size=page_size)
    everything = search(index, SearchRequest(text, page_size=1000), lambda ids: {})
    for facets in (False, True):
        result = search(index, dataclasses.replace(request, facets=facets), lambda ids: {})
        assert result.total == everything.total
        assert [h.article_id for h in result.hits] == [
            h.article_id for h in everything.hits[:page_size]
        ]


def test_a_prefix_page_holds_the_documents_with_most_of_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Above 5,000 documents Whoosh matches an OR of fields with a tree of unions, which its
    # top-N collector prunes once the page is full: the same here, with 600.
    monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    # Many words start with "con"; a few articles hold many of them, the rest one each. An
    # array union's best possible score was taken for one word's, so once the page was full
    # the articles adding up several words were dropped as unable to reach it.
    rng = random.Random(7)
    words = [f"con{a}{b}" for a in "bdfgklmnprstvz" for b in "aeiou"]

    def text(i: int) -> str:
        return " ".join(rng.sample(words, 12 if i % 50 < 2 else 1) + rng.choices(WORDS, k=30))

    # English originals and Russian ones translated: the prefix matches in two fields.
    documents = [
        IndexDocument(i, 1, "Wire", "en", START, "News", text(i)) if i % 2
        else IndexDocument(i, 1, "Лента", "ru", START, "Новости", "ракета " * 5, "News", text(i),
                           translated=True)
        for i in range(1, 601)
    ]  # fmt: skip
    index = SearchIndex(tmp_path / "index")
    index.rebuild(documents, synced=1)
    everything = search(index, SearchRequest("con*", page_size=1000), lambda ids: {})
    assert everything.total == 600
    for facets in (False, True):
        page = search(index, SearchRequest("con*", page_size=5, facets=facets), lambda ids: {})
        assert page.total == 600
        assert [h.article_id for h in page.hits] == [h.article_id for h in everything.hits[:5]]
    index.close()
