"""The search benchmark's checks fail a run whose answers are wrong, and its plain-Whoosh
baseline answers on the app's index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.common.results import BenchmarkFailed
from bench.search.baseline import PlainWhoosh
from bench.search.checks import Answer, check_answers, check_found, check_newest_first
from indexes.index import SearchIndex
from indexes.search import search
from indexes.types import IndexDocument, SearchRequest, SortOrder

DAY = datetime(2026, 11, 20, tzinfo=UTC)
DOCUMENTS = {
    i: IndexDocument(i, 1, "Wire", "en", DAY + timedelta(hours=i), "Rocket", f"rocket launch {i}")
    for i in range(1, 31)
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    index = SearchIndex(Path(tmp_path_factory.mktemp("bench")) / "index")
    index.rebuild(DOCUMENTS.values(), synced=1)
    yield index
    index.close()


def _answers(page: tuple[int, ...], total: int, date_page: tuple[int, ...]) -> dict[str, Answer]:
    same = Answer(total, page)
    return {"plain": same, "snippets": same, "facets": same,
            "date": Answer(total, date_page), "date plain": Answer(total, date_page)}  # fmt: skip


def test_answers_that_agree_pass_and_others_fail() -> None:
    check_answers("q", _answers((1, 2), 2, (2, 1)), page_size=20)
    with pytest.raises(BenchmarkFailed):
        check_answers("q", {**_answers((1, 2), 2, (2, 1)), "facets": Answer(3, (1, 2))}, 20)
    with pytest.raises(BenchmarkFailed):
        check_answers("q", _answers((1,), 2, (2, 1)), page_size=20)  # a short page
    with pytest.raises(BenchmarkFailed):
        check_found({("term", "latin"): [0, 0, 3]})


def test_newest_first_is_checked_against_whooshs_sort(index: SearchIndex) -> None:
    request = SearchRequest("rocket", sort=SortOrder.DATE, facets=False, page_size=5)
    result = search(index, request, lambda ids: {})
    answer = Answer(result.total, tuple(hit.article_id for hit in result.hits))
    assert answer.ids == (30, 29, 28, 27, 26)
    check_newest_first(index, "rocket", answer, DOCUMENTS)
    with pytest.raises(BenchmarkFailed):
        check_newest_first(index, "rocket", Answer(30, (29, 30, 28, 27, 26)), DOCUMENTS)


def test_plain_whoosh_answers_on_the_apps_index(index: SearchIndex) -> None:
    whoosh = PlainWhoosh(index, DOCUMENTS)
    found = whoosh.search("rocket", "latin", page_size=5, snippets=True, by_date=True)
    assert found == Answer(30, (30, 29, 28, 27, 26))
    assert whoosh.search("launc*", "latin", page_size=5, snippets=False, by_date=False).total == 30
