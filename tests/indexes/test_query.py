"""The query language: parsing, routing by script, filters, errors, and real searches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.index import Index

from indexes.errors import QuerySyntaxError
from indexes.query import build_query, fields_for_term, highlight_words, parse_query
from indexes.schema import build_schema, original_field
from indexes.types import SearchRequest

ALL = ("trans", "orig_en", "orig_ru", "orig_uk", "orig_ko", "orig_zh", "orig_other")
CYRILLIC = ("orig_ru", "orig_uk", "orig_other")
HANGUL = ("orig_ko", "orig_other")
HAN = ("orig_zh", "orig_ko", "orig_other")
NOTES = "notes"  # every unfielded word also searches the user's notes


@pytest.fixture(scope="module")
def schema() -> Schema:
    return build_schema()


def leaves(query: wq.Query) -> Iterator[wq.Query]:
    """The queries at the bottom of ``query``'s tree (terms, phrases, prefixes, ranges)."""
    if query.is_leaf():
        yield query
        return
    for child in query.children():
        yield from leaves(child)


def fields_of(query: wq.Query) -> set[str]:
    return {leaf.fieldname for leaf in leaves(query)}


# --- routing by script ---


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("ракеты", CYRILLIC),
        ("п'ять", CYRILLIC),
        ("발사", HANGUL),
        ("火箭", HAN),
        ("missile", ALL),
        ("Zelenskyy", ALL),
        ("2026", ALL),
        ("—", ALL),  # nothing to tell by: searched like Latin text
        ("Ελλάδα", ("orig_other",)),
        ("G20에서", ALL),
        ("尹錫悅 윤석열", HAN),
        ("ракеты 火箭", (*CYRILLIC, *HAN)),
    ],
)
def test_fields_for_term_follows_the_script(text: str, fields: tuple[str, ...]) -> None:
    routed = fields_for_term(text)
    assert set(routed) == set(fields)
    assert len(set(routed)) == len(routed)


def test_unfielded_words_are_anded_and_each_routed_by_its_script(schema: Schema) -> None:
    query = parse_query("ракеты missile", schema)
    assert isinstance(query, wq.And)
    russian, english = query.subqueries
    assert isinstance(russian, wq.Or)
    assert fields_of(russian) == {*CYRILLIC, NOTES}
    assert fields_of(english) == {*ALL, NOTES}


def test_a_phrase_is_a_phrase_query_in_each_routed_field(schema: Schema) -> None:
    query = parse_query('"ключевую ставку"', schema)
    assert {type(leaf) for leaf in leaves(query)} == {wq.Phrase}
    assert fields_of(query) == {*CYRILLIC, NOTES}
    assert all(len(leaf.words) == 2 for leaf in leaves(query))


def test_a_word_the_analyzer_splits_becomes_a_phrase(schema: Schema) -> None:
    query = parse_query("COVID-19", schema)
    assert {type(leaf) for leaf in leaves(query)} == {wq.Phrase}
    assert all(leaf.words == ["covid", "19"] for leaf in leaves(query))


# --- operators and grouping ---


def test_or_and_grouping(schema: Schema) -> None:
    query = parse_query("(missile OR rocket) launch", schema)
    assert isinstance(query, wq.And)
    either, launch = query.subqueries
    assert isinstance(either, wq.Or)
    assert {leaf.text for leaf in leaves(either)} >= {"missil", "rocket"}
    assert {leaf.text for leaf in leaves(launch)} == {"launch"}


@pytest.mark.parametrize("text", ["missile NOT drill", "missile -drill", "missile AND NOT drill"])
def test_not_and_minus_exclude(schema: Schema, text: str) -> None:
    query = parse_query(text, schema)
    assert isinstance(query, wq.And)
    kept, excluded = query.subqueries
    assert not isinstance(kept, wq.Not)
    assert isinstance(excluded, wq.Not)
    assert {leaf.text for leaf in leaves(excluded)} == {"drill"}


def test_lowercase_operators_and_inner_hyphens_are_words(schema: Schema) -> None:
    query = parse_query("missile or rocket", schema)
    assert isinstance(query, wq.And)
    assert len(query.subqueries) == 3
    hyphenated = parse_query("Ким Чен-ын", schema)
    assert not any(isinstance(sub, wq.Not) for sub in hyphenated.subqueries)


def test_not_before_a_group_is_an_operator(schema: Schema) -> None:
    query = parse_query("launch NOT(drill OR exercise)", schema)
    assert isinstance(query.subqueries[1], wq.Not)


# --- prefixes ---


def test_prefix_searches_the_routed_fields(schema: Schema) -> None:
    query = parse_query("ракет*", schema)
    prefixes = [leaf for leaf in leaves(query) if isinstance(leaf, wq.Prefix)]
    assert {leaf.fieldname for leaf in prefixes} == {*CYRILLIC, NOTES}
    assert {(leaf.fieldname, "ракет") for leaf in prefixes} <= {
        (leaf.fieldname, leaf.text) for leaf in prefixes
    }


def test_prefix_also_tries_the_stem_of_what_was_typed(schema: Schema) -> None:
    query = parse_query("missile*", schema)
    texts = {leaf.text for leaf in leaves(query) if leaf.fieldname == "trans"}
    assert texts == {"missile", "missil"}


@pytest.mark.parametrize("text", ["a*", "р*", "*", "missile OR б*", "outlet:y*"])
def test_a_prefix_needs_two_letters(schema: Schema, text: str) -> None:
    with pytest.raises(QuerySyntaxError, match="at least 2 letters"):
        parse_query(text, schema)


# --- field filters ---


def test_outlet_word_and_phrase(schema: Schema) -> None:
    assert parse_query("outlet:Yonhap", schema) == wq.Term("outlet", "yonhap")
    phrase = parse_query('Outlet:"Seoul Daily"', schema)
    assert isinstance(phrase, wq.Phrase)
    assert (phrase.fieldname, phrase.words) == ("outlet", ["seoul", "daily"])


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("lang:ru", {"ru"}),
        ("lang:RU,uk", {"ru", "uk"}),
        ("language:korean", {"ko"}),
        ("lang:ru OR lang:zh", {"ru", "zh"}),
    ],
)
def test_lang_filter(schema: Schema, text: str, codes: set[str]) -> None:
    query = parse_query(text, schema)
    assert fields_of(query) == {"lang"}
    assert {leaf.text for leaf in leaves(query)} == codes


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("date:2026-11-20", "2026-11-20", "2026-11-20"),
        ("date:2026-11", "2026-11-01", "2026-11-30"),
        ("date:2028-02", "2028-02-01", "2028-02-29"),
        ("date:2026", "2026-01-01", "2026-12-31"),
        ("date:[2026-11-01 TO 2026-11-20]", "2026-11-01", "2026-11-20"),
        ("date:[2026-11-01 to 2026-11]", "2026-11-01", "2026-11-30"),
        ("date:{2026-11-01 TO 2026-11-20}", "2026-11-02", "2026-11-19"),
        ("date:[2026-11-01 TO]", "2026-11-01", None),
        ("date:[TO 2026-11-20]", None, "2026-11-20"),
        ("date:>=2026-11-01", "2026-11-01", None),
        ("date:>2026-11-01", "2026-11-02", None),
        ("date:>2026-11", "2026-12-01", None),
        ("date:<2026-11-20", None, "2026-11-19"),
        ("date:<=2026-11", None, "2026-11-30"),
    ],
)
def test_date_filter_days_are_inclusive(
    schema: Schema, text: str, start: str | None, end: str | None
) -> None:
    query = parse_query(text, schema)
    if start == end:
        assert query == wq.Term("day", start)
    else:
        assert isinstance(query, wq.TermRange)
        assert (query.fieldname, query.start, query.end) == ("day", start, end)
        assert not query.startexcl
        assert not query.endexcl


@pytest.mark.parametrize("text", ["note:spokesman", "NOTES:spokesman", 'note:"call him"'])
def test_note_searches_the_users_notes_only(schema: Schema, text: str) -> None:
    assert fields_of(parse_query(text, schema)) == {NOTES}


def test_a_note_filter_needs_a_value_and_is_not_marked_in_the_text(schema: Schema) -> None:
    with pytest.raises(QuerySyntaxError, match=r'note: needs a value .* note:"call the mayor"'):
        parse_query("rate note:", schema)
    assert highlight_words("rate note:spokesman") == ("rate",)


def test_filters_combine_with_words(schema: Schema) -> None:
    query = parse_query("lang:uk банк date:2026-11", schema)
    assert isinstance(query, wq.And)
    assert fields_of(query) == {"lang", "day", *CYRILLIC, NOTES}


@pytest.mark.parametrize("text", ["foo:bar", "10:30"])
def test_unknown_fields_are_plain_text(schema: Schema, text: str) -> None:
    query = parse_query(text, schema)
    assert fields_of(query) == {*ALL, NOTES}
    assert all(len(leaf.words) == 2 for leaf in leaves(query))


# --- errors a user can act on ---


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ('ракеты "ключевую ставку', 'Unbalanced quote in “"ключевую ставку”'),
        ("(missile OR rocket", "this ( is never closed"),
        ("missile) rocket", "this ) has no ("),
        ("missile ()", "Empty parentheses"),
        ("missile AND", "AND needs a word or phrase on both sides"),
        ("OR missile", "OR needs a word or phrase on both sides"),
        ("missile AND OR rocket", "AND needs a word"),
        ("(missile OR) rocket", "OR needs a word"),
        ("missile NOT", "NOT (or -) must be followed"),
        ("NOT drill", "only excludes"),
        ("-drill -exercise", "only excludes"),
        ("-", "Nothing to search for"),
        ("date:2026-02-30", "not a real date"),
        ("date:20.11.2026", "a date must look like 2026-11-20"),
        ("date:[2026-11-20 TO 2026-11-01]", "put the earlier date first"),
        ("date:{2026-11-01 TO 2026-11-02}", "holds no day"),
        ("date:[2026-11-01 TO", "closing ]"),
        ("date:[TO]", "at least one date"),
        ("date: 2026-11-20", "date: needs a value right after the colon"),
        ("lang:", "lang: needs a value"),
        ("lang:russisch", "is not a language"),
        ("outlet:[a TO b]", "only works after date:"),
    ],
)
def test_bad_queries_say_what_is_wrong(schema: Schema, text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text, schema)
    assert message in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab р火발 "()*-:[]{}<>=,~TOANDRNx2026', max_size=30))
def test_any_text_parses_or_raises_query_syntax_error(schema: Schema, text: str) -> None:
    message = None
    try:
        query = parse_query(text, schema)
    except QuerySyntaxError as error:
        message = str(error)
    else:
        assert isinstance(query, wq.Query)
        assert query is not wq.NullQuery
    assert message is None or message.endswith(".")


# --- build_query: text and parameter filters ---


def test_build_query_adds_parameter_filters(schema: Schema) -> None:
    request = SearchRequest(
        "ракеты",
        languages=("RU", "uk"),
        outlets=("Seoul Daily", "TASS"),
        since=date(2026, 11, 1),
        until=date(2026, 11, 20),
    )
    query = build_query(request, schema)
    assert isinstance(query, wq.And)
    assert fields_of(query) == {*CYRILLIC, NOTES, "lang", "outlet", "day"}
    day_range = next(leaf for leaf in leaves(query) if leaf.fieldname == "day")
    assert (day_range.start, day_range.end) == ("2026-11-01", "2026-11-20")
    assert {leaf.text for leaf in leaves(query) if leaf.fieldname == "lang"} == {"ru", "uk"}


def test_build_query_without_text_matches_everything_within_the_filters(schema: Schema) -> None:
    query = build_query(SearchRequest("  ", languages=("ko",)), schema)
    assert query == wq.Term("lang", "ko")
    with pytest.raises(QuerySyntaxError, match="empty"):
        build_query(SearchRequest(""), schema)


def test_build_query_allows_only_exclusions_within_filters(schema: Schema) -> None:
    query = build_query(SearchRequest("-drill", since=date(2026, 11, 1)), schema)
    assert any(isinstance(sub, wq.Not) for sub in query.subqueries)
    with pytest.raises(QuerySyntaxError, match="only excludes"):
        build_query(SearchRequest("-drill"), schema)


def test_build_query_rejects_an_upside_down_period(schema: Schema) -> None:
    request = SearchRequest("x", since=date(2026, 11, 20), until=date(2026, 11, 1))
    with pytest.raises(QuerySyntaxError, match="2026-11-20 is after the end date 2026-11-01"):
        build_query(request, schema)


# --- end to end, on a real index ---

DOCS = [
    # id, lang, outlet, day, original, translation
    (1, "ru", "TASS", "2026-11-20", "Испытание ракеты «Сармат» прошло успешно.",
     "The test of the Sarmat missile was successful."),
    (2, "ru", "Interfax", "2026-11-05", "Банк России сохранил ключевую ставку на уровне 16%.",
     "The Bank of Russia kept its key rate at 16%."),
    (3, "uk", "Ukrinform", "2026-11-18", "Національний банк України знизив облікову ставку.",
     "The National Bank of Ukraine cut its discount rate."),
    (4, "ko", "Seoul Daily", "2026-11-10", "북한이 동해상으로 탄도미사일을 발사했다.",
     "North Korea fired a ballistic missile into the East Sea."),
    (5, "zh", "Xinhua", "2026-11-12", "中国成功发射长征五号运载火箭。",
     "China successfully launched a Long March 5 carrier rocket."),
    (6, "en", "Yonhap English", "2026-10-30", "Seoul stocks rose on strong chip exports.", ""),
    (7, "ru", "TASS", None, "Запуск ракеты-носителя перенесли.", ""),
    (8, "ko", "KBS", "2026-11-21", "北 ICBM 발사 임박", ""),  # Hanja and Latin, untranslated
    (9, "bg", "BTA", "2026-11-19", "Ракетата е изстреляна успешно.", ""),  # in orig_other
]  # fmt: skip


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    folder: Path = tmp_path_factory.mktemp("index")
    created = whoosh_index.create_in(str(folder), build_schema())
    writer = created.writer()
    for article_id, lang, outlet, day, original, translation in DOCS:
        fields: dict[str, object] = {
            "id": article_id,
            "source_id": article_id,
            "outlet": outlet,
            "outlet_name": outlet,
            "lang": lang,
            original_field(lang): original,
            "translated": bool(translation),
        }
        if translation:
            fields["trans"] = translation
        if day:
            fields["day"] = day
            fields["published"] = datetime.fromisoformat(day)
        writer.add_document(**fields)
    writer.commit()
    yield created
    created.close()


def found(index: Index, text: str, **filters: object) -> set[int]:
    query = build_query(SearchRequest(text, **filters), index.schema)  # type: ignore[arg-type]
    with index.searcher() as searcher:
        return {int(hit["id"]) for hit in searcher.search(query, limit=None)}


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("ракеты", {1, 7}),  # the Russian stem matches ракеты-носителя too
        ("ракета", {1, 7}),
        ("missile", {1, 4}),  # through the English translations
        ("missiles", {1, 4}),
        ("stocks", {6}),  # an English original, never translated
        ('"ключевую ставку"', {2}),
        ('"ставку ключевую"', set()),
        ("банк", {2, 3}),
        ("lang:uk банк", {3}),
        ("lang:ru,uk банк", {2, 3}),
        ("발사", {4, 8}),
        ("北", {8}),  # Hanja in a Korean headline
        ("ICBM", {8}),  # Latin inside an untranslated Korean original
        ("ракетата", {9}),  # Cyrillic reaches the other-language original
        ("미사일", {4}),
        ("火箭", {5}),
        ("运载火箭", {5}),
        ("missile -ballistic", {1}),
        ("missile NOT ballistic", {1}),
        ("rocket OR missile", {1, 4, 5}),
        ("(rocket OR missile) lang:zh", {5}),
        ("ракет*", {1, 7, 9}),
        ("missile*", {1, 4}),
        ("launch*", {5}),
        ('outlet:"seoul daily"', {4}),
        ('outlet:"daily seoul"', set()),
        ("outlet:tass", {1, 7}),
        ("outlet:yonhap", {6}),
        ("date:[2026-11-10 TO 2026-11-18]", {3, 4, 5}),
        ("date:{2026-11-10 TO 2026-11-18}", {5}),
        ("date:<2026-11-10", {2, 6}),
        ("date:>=2026-11-18", {1, 3, 8, 9}),
        ("date:2026-11-20", {1}),
        ("date:2026-10", {6}),
        ("lang:ru -date:2026-11", {7}),
    ],
)
def test_search_finds_the_right_articles(index: Index, text: str, ids: set[int]) -> None:
    assert found(index, text) == ids


def test_a_latin_word_matches_in_the_translation_not_the_original(index: Index) -> None:
    query = parse_query("Sarmat", index.schema)
    with index.searcher() as searcher:
        results = searcher.search(query, terms=True)
        assert [int(hit["id"]) for hit in results] == [1]
        assert {field for field, _ in results[0].matched_terms()} == {"trans"}


def test_parameter_filters_search(index: Index) -> None:
    assert found(index, "", outlets=("Seoul Daily",)) == {4}
    assert found(index, "", outlets=("tass",)) == {1, 7}
    assert found(index, "банк", languages=("uk",)) == {3}
    assert found(index, "", since=date(2026, 11, 12), until=date(2026, 11, 18)) == {3, 5}
    assert found(index, "-ракеты", languages=("ru",)) == {2}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ракета missile", ("ракета", "missile")),
        ('"ключевую ставку" OR банк*', ("ключевую", "ставку", "банк")),
        ("NOT war peace", ("peace",)),
        ("-war (peace OR truce)", ("peace", "truce")),
        ("NOT (a OR b) c lang:ru date:[2026-11-01 TO 2026-11-20] d", ("c", "d")),
        ('outlet:"seoul daily" 위성 date:>=2026-11-01', ("위성",)),
        ('"unbalanced', ()),
    ],
)
def test_highlight_words_are_what_the_query_searches_for(text: str, words: tuple[str, ...]):
    assert highlight_words(text) == words
