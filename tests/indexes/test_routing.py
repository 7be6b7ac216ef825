"""Words routed by their script lose no hits: Latin acronyms, numbers and mixed-script words
inside texts of other scripts are found, by relevance and newest first alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexes.index import SearchIndex
from indexes.search import search
from indexes.types import IndexDocument, MatchedIn, SearchRequest, SortOrder

DAY = datetime(2026, 11, 20, tzinfo=UTC)

DOCUMENTS = [
    # A Russian original with Latin acronyms and a number; its translation lacks "NATO".
    IndexDocument(
        1,
        1,
        "Neva Courier",
        "ru",
        DAY,
        "Саммит NATO",
        "На саммите NATO обсуждали COVID-19 и сети 5G в 2026 году.",
        "Alliance summit",
        "The alliance discussed the pandemic and new networks.",
        translated=True,
    ),
    # A Korean original with a Latin acronym.
    IndexDocument(
        2,
        2,
        "Seoul Daily Wire",
        "ko",
        DAY + timedelta(hours=1),
        "GDP 성장",
        "한국의 GDP 성장률은 2026년에 2.1%였다.",
        "GDP growth",
        "Korea's growth rate was 2.1% in 2026.",
        translated=True,
    ),
    # A Ukrainian original with a mixed-script word (Cyrillic letters and digits).
    IndexDocument(
        3,
        3,
        "Dnipro Morning",
        "uk",
        DAY + timedelta(hours=2),
        "Літак Су-35",
        "Ракета влучила в літак Су-35 біля Херсона.",
        "Su-35 jet",
        "A missile hit a Su-35 jet near Kherson.",
        translated=True,
    ),
    # A Russian original with the same Cyrillic word, and an English original.
    IndexDocument(
        4,
        4,
        "Neva Courier",
        "ru",
        DAY + timedelta(hours=3),
        "Ракета",
        "Ракета стартовала с космодрома.",
        "Rocket",
        "The rocket lifted off from the cosmodrome.",
        translated=True,
    ),
    IndexDocument(
        5,
        5,
        "Wire",
        "en",
        DAY + timedelta(hours=4),
        "COVID-19 cases",
        "COVID-19 cases rose in 2026; NATO met.",
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    index = SearchIndex(Path(tmp_path_factory.mktemp("routing")) / "index")
    index.rebuild(DOCUMENTS, synced=1)
    yield index
    index.close()


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("NATO", {1, 5}),  # a Latin acronym in a Russian original, and an English one
        ("GDP", {2}),  # in a Korean original (and its translation)
        ("COVID-19", {1, 5}),  # letters, a hyphen and digits: a phrase of its pieces
        ("2026", {1, 2, 5}),  # a number in Russian, Korean (2026년) and English texts
        ("5G", {1}),
        ("Су-35", {3}),  # Cyrillic letters and digits: both scripts' fields
        ("ракета", {3, 4}),  # Russian and Ukrainian originals
        ("rocket", {4}),  # through the translation
        ("NATO ракета", set()),
        ("NATO OR ракета", {1, 3, 4, 5}),
        ("nat*", {1, 5}),
    ],
)
@pytest.mark.parametrize("sort", [SortOrder.RELEVANCE, SortOrder.DATE])
def test_routed_words_find_every_article_that_has_them(
    index: SearchIndex, text: str, ids: set[int], sort: SortOrder
) -> None:
    result = search(index, SearchRequest(text, sort=sort, facets=False), lambda found: {})
    assert {hit.article_id for hit in result.hits} == ids
    assert result.total == len(ids)


def test_an_acronym_found_only_in_the_original_says_so(index: SearchIndex) -> None:
    result = search(index, SearchRequest("NATO", facets=False), lambda found: {})
    matched = {hit.article_id: hit.matched_in for hit in result.hits}
    assert matched[1] is MatchedIn.ORIGINAL
