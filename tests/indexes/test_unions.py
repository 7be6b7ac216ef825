"""Array-read unions and capped prefix expansions: same hits and scores, fewer posting lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from whoosh import query as wq

from indexes import unions
from indexes.index import SearchIndex
from indexes.search import DisplayText, search
from indexes.types import IndexDocument, MatchedIn, SearchRequest
from indexes.unions import ArrayOr, Expansion

# Whoosh picks its own union tree above 5,000 documents only, and arrays below that when
# nothing needs the current document, so these tests compare against an explicit tree.
WORDS = [f"stat{suffix}" for suffix in ("e", "es", "ion", "ions", "us", "ue", "ure", "ic")]


def _documents(count: int) -> list[IndexDocument]:
    documents = []
    for number in range(1, count + 1):
        # Word i in every (i+1)-th document, repeated by the document's number: many
        # different term frequencies and document frequencies.
        words = [w for i, w in enumerate(WORDS) if number % (i + 1) == 0]
        text = " ".join(word for word in words for _ in range(1 + number % 3))
        documents.append(
            IndexDocument(
                article_id=number,
                source_id=1 + number % 3,
                outlet=f"Outlet {number % 3}",
                language="en",
                published=datetime(2026, 11, 1 + number % 20, tzinfo=UTC),
                title=f"Report {number}",
                text=f"{text} weather",
            )
        )
    return documents


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    index = SearchIndex(tmp_path / "index")
    index.rebuild(_documents(300), synced=1)
    yield index
    index.close()


def _scores(index: SearchIndex, query: wq.Query) -> dict[int, float]:
    searcher = index.searcher()
    results = searcher.search(query, limit=None)
    return {int(hit["id"]): round(float(hit.score or 0.0), 9) for hit in results}


def test_array_union_scores_as_the_union_tree_does(index: SearchIndex) -> None:
    terms = [wq.Term("orig_en", word) for word in ("state", "statu", "statur", "static")]
    tree = wq.Or(terms)
    tree.matcher_type = wq.Or.DEFAULT_MATCHER
    expected = _scores(index, tree)
    assert len(expected) > 50
    assert _scores(index, ArrayOr(terms)) == expected


def test_prefix_expansion_scores_every_term(index: SearchIndex) -> None:
    searcher = index.searcher()
    expanded = sorted(Expansion("orig_en", "stat")._btexts(searcher.reader()))
    assert len(expanded) >= 5  # the stems of WORDS
    tree = wq.Or([wq.Term("orig_en", term) for term in expanded])
    tree.matcher_type = wq.Or.DEFAULT_MATCHER
    assert _scores(index, Expansion("orig_en", "stat")) == _scores(index, tree)


def test_prefix_keeps_only_the_most_frequent_expansions(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = index.searcher().reader()
    every = list(wq.Prefix("orig_en", "stat")._btexts(reader))
    by_frequency = sorted(every, key=lambda term: -reader.doc_frequency("orig_en", term))
    monkeypatch.setattr(unions, "MAX_EXPANSIONS", 2)
    kept = Expansion("orig_en", "stat")._btexts(reader)
    assert sorted(kept) == sorted(by_frequency[:2])
    # The hits are those of the kept terms: the most frequent words' documents.
    hits = set(_scores(index, Expansion("orig_en", "stat")))
    assert hits == set(_scores(index, wq.Or([wq.Term("orig_en", term) for term in kept])))


def _texts(ids: object) -> dict[int, DisplayText]:
    return {}


def test_prefix_search_still_finds_the_matched_terms_of_the_page(index: SearchIndex) -> None:
    documents = {d.article_id: d for d in _documents(300)}

    def texts(ids: object) -> dict[int, DisplayText]:
        return {i: DisplayText("en", documents[i].text, "") for i in ids}  # type: ignore[attr-defined]

    result = search(index, SearchRequest("stat*"), texts)
    assert result.total > 100
    for hit in result.hits:
        assert hit.matched_in is MatchedIn.ORIGINAL
        assert "<b>stat" in hit.snippet_original  # highlights need the hit's matched terms


def test_facets_are_left_out_only_when_not_asked_for(index: SearchIndex) -> None:
    with_facets = search(index, SearchRequest("weather"), _texts)
    without = search(index, SearchRequest("weather", facets=False), _texts)
    assert with_facets.total == without.total == 300
    assert [hit.article_id for hit in with_facets.hits] == [hit.article_id for hit in without.hits]
    assert sum(with_facets.by_outlet.values()) == 300
    assert with_facets.by_language == {"en": 300}
    assert without.by_outlet == without.by_language == without.by_day == {}
