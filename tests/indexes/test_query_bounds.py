"""Hostile queries: a very long word or query and deep nesting are refused at once, clearly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from whoosh.fields import Schema

from indexes.errors import InvalidRequest, QuerySyntaxError
from indexes.index import SearchIndex
from indexes.query import (
    MAX_NESTING,
    MAX_QUERY_CHARS,
    build_query,
    highlight_words,
    parse_query,
)
from indexes.schema import build_schema
from indexes.search import search
from indexes.types import SearchRequest

QUICK = 0.2  # seconds: the refusal comes before any parsing


@pytest.fixture(scope="module")
def schema() -> Schema:
    return build_schema()


def refused(text: str, schema: Schema) -> str:
    """The message of the QuerySyntaxError ``text`` raises, checking that it came quickly."""
    started = time.monotonic()
    with pytest.raises(QuerySyntaxError) as raised:
        parse_query(text, schema)
    assert time.monotonic() - started < QUICK
    return str(raised.value)


@pytest.mark.parametrize("letters", [10_000, 40_000])
def test_a_very_long_word_is_refused_quickly(schema: Schema, letters: int) -> None:
    message = refused(("ракета" * letters)[:letters], schema)
    assert f"more than the {MAX_QUERY_CHARS:,} a search can take" in message
    assert f"{letters:,} characters long" in message


def test_a_long_query_of_many_words_is_refused(schema: Schema) -> None:
    text = " OR ".join(["missile"] * 200)
    message = refused(text, schema)
    assert message.startswith(f"The query is {len(text):,} characters long")


def test_a_query_at_the_bound_is_still_searched(schema: Schema) -> None:
    words = ("missile launch " * MAX_QUERY_CHARS)[: MAX_QUERY_CHARS - 1].rstrip() + "s"
    text = f"  {words}  "  # surrounding blanks do not count
    assert len(text.strip()) <= MAX_QUERY_CHARS
    parse_query(text, schema)


def test_deep_nesting_is_refused_not_a_traceback(schema: Schema) -> None:
    message = refused("(" * 2000 + "missile" + ")" * 2000, schema)
    # The length bound comes first; nesting within it is refused on its own.
    assert "characters long" in message
    text = "(" * 400 + "missile" + ")" * 400
    assert len(text) <= MAX_QUERY_CHARS
    message = refused(text, schema)
    assert message.startswith(f"Parentheses are nested more than {MAX_NESTING} deep in “((((")


def test_nesting_up_to_the_bound_is_allowed(schema: Schema) -> None:
    parse_query("(" * MAX_NESTING + "missile" + ")" * MAX_NESTING, schema)
    deeper = MAX_NESTING + 1
    assert "nested more than" in refused("(" * deeper + "missile" + ")" * deeper, schema)


def test_siblings_do_not_add_up_to_depth(schema: Schema) -> None:
    parse_query(" ".join(["(missile OR rocket)"] * (MAX_NESTING + 5)), schema)


def test_filters_and_highlights_meet_the_same_bounds(schema: Schema) -> None:
    long_text = "x" * 5_000
    with pytest.raises(QuerySyntaxError, match="characters long"):
        build_query(SearchRequest(text=long_text, languages=("ru",)), schema)
    started = time.monotonic()
    assert highlight_words(long_text) == ()
    assert time.monotonic() - started < QUICK


@pytest.mark.parametrize(
    ("page", "page_size", "message"),
    [
        (1, 0, "a page holds from 1 to 1000 results, not 0"),
        (1, -5, "not -5"),
        (1, 10**9, "a page holds from 1 to 1000"),
        (0, 20, "pages are numbered from 1"),
        (2**63, 20, "pages are numbered from 1 to 100,000"),
    ],
)
def test_pages_out_of_bounds_are_refused(
    tmp_path: Path, page: int, page_size: int, message: str
) -> None:
    index = SearchIndex(tmp_path / "index")
    try:
        request = SearchRequest("ракета", page=page, page_size=page_size)
        with pytest.raises(InvalidRequest, match=message):
            search(index, request, lambda ids: {})
    finally:
        index.close()
