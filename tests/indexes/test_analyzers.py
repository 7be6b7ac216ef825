"""The per-language analyzers: token streams, and real Whoosh indexes built with them."""

from __future__ import annotations

import pickle
import re
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.highlight import HtmlFormatter
from whoosh.qparser import QueryParser

from indexes.analyzers import LanguageAnalyzer, analyzer_for, outlet_analyzer
from indexes.morphology import fold

LANGUAGES = ("ko", "ru", "zh", "uk", "en", "other")


def terms(language: str, text: str, mode: str = "index") -> list[str]:
    return [t.text for t in analyzer_for(language)(text, mode=mode)]


def spans(language: str, text: str, mode: str = "index") -> list[tuple[str, int, str]]:
    """(term, position, the characters of the text the token claims to come from)."""
    return [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in analyzer_for(language)(text, positions=True, chars=True, mode=mode)
    ]


# ---- token streams ---------------------------------------------------------------------------


def test_russian_word_forms_share_one_stem() -> None:
    assert len(set(terms("ru", "ракета ракеты ракетой Ракету"))) == 1
    assert terms("ru", "ракетка") != terms("ru", "ракета")


def test_russian_folds_case_and_yo() -> None:
    assert terms("ru", "ЕЩЁ") == terms("ru", "еще")
    assert terms("ru", "Москва") == terms("ru", "МОСКВА")
    assert terms("ru", "ра\u0301кета") == terms("ru", "ракета")  # a stress mark
    assert terms("ru", "ра\u00adке\u00adта") == terms("ru", "ракета")  # soft hyphens


def test_ukrainian_apostrophes_are_one_word_and_one_spelling() -> None:
    variants = ["м'ясо", "м’ясо", "мʼясо", "М'ЯСО"]
    assert {tuple(terms("uk", word)) for word in variants} == {("м'ясо",)}
    assert terms("uk", "п’ять") == ["п'ять"]


def test_ukrainian_forms_meet_at_the_lemma_in_queries() -> None:
    index_terms = {word: set(terms("uk", word)) for word in ("банк", "банків", "банку")}
    for query_word in ("банк", "банків", "банку"):
        (query_term,) = terms("uk", query_word, mode="query")
        assert all(query_term in found for found in index_terms.values()), query_word


def test_ukrainian_ambiguous_form_keeps_every_lemma_at_one_position() -> None:
    tokens = spans("uk", "у банку")
    lemmas = {term for term, pos, _ in tokens if pos == 1}
    assert {"банк", "банка"} <= lemmas
    assert {(pos, chars) for _, pos, chars in tokens[1:]} == {(1, "банку")}
    assert len(terms("uk", "банку", mode="query")) == 1


def test_english_stems() -> None:
    assert terms("en", "missiles launched") == terms("en", "missile launch")
    assert terms("en", "Korea’s") == terms("en", "Korea")


def test_numbers_stay_whole() -> None:
    for language in LANGUAGES:
        assert terms(language, "3.5 2026 3,5") == ["3.5", "2026", "3,5"], language
    assert terms("zh", "２０２６年") == ["2026", "年"]


def test_latin_diacritics_fold_but_cyrillic_letters_stay() -> None:
    assert terms("other", "Café NAÏVE Łódź Straße") == ["cafe", "naive", "lodz", "strasse"]
    assert terms("uk", "Київ") != terms("uk", "Киів")
    assert fold("й") == "й"
    assert fold("и\u0306") == "й"  # decomposed й keeps its breve


def test_chinese_runs_become_bigrams_and_characters() -> None:
    assert spans("zh", "韩国火箭") == [
        ("韩国", 0, "韩国"),
        ("韩", 0, "韩"),
        ("国火", 1, "国火"),
        ("国", 1, "国"),
        ("火箭", 2, "火箭"),
        ("火", 2, "火"),
        ("箭", 2, "箭"),
    ]
    assert spans("zh", "韩国火箭", mode="query") == [
        ("韩国", 0, "韩国"),
        ("国火", 1, "国火"),
        ("火箭", 2, "火箭"),
    ]
    assert terms("zh", "美", mode="query") == ["美"]


def test_korean_particles_stay_inside_bigrams() -> None:
    assert terms("ko", "누리호가", mode="query") == ["누리", "리호", "호가"]
    assert set(terms("ko", "누리호", mode="query")) <= set(terms("ko", "누리호가 발사됐다"))


def test_positions_after_a_cjk_run_agree_between_index_and_query() -> None:
    text = "韩国火箭 SpaceX 발사 美 launch"
    index_spans = spans("other", text)
    for term, pos, chars in spans("other", text, mode="query"):
        assert (term, pos, chars) in index_spans


def test_other_languages_fold_words_and_bigram_cjk_runs() -> None:
    assert terms("other", "Größe 東京タワー", mode="query") == [
        "grosse",
        "東京",
        "京タ",
        "タワ",
        "ワー",
    ]
    assert terms("other", "हिन्दी समाचार") == ["हिन्दी", "समाचार"]  # vowel signs stay inside
    assert analyzer_for("de") == analyzer_for("fr") == analyzer_for("other")


def test_outlet_names_are_lowercase_words() -> None:
    assert terms("other", "x") == ["x"]
    analyzer = outlet_analyzer()
    assert [t.text for t in analyzer("Seoul Daily Wire (demo)")] == [
        "seoul",
        "daily",
        "wire",
        "demo",
    ]
    assert [t.text for t in analyzer("TASS", mode="query")] == ["tass"]


def test_untokenized_text_is_folded_only() -> None:
    tokens = analyzer_for("ru")("РАКЕТ", tokenize=False, mode="query")
    assert [t.text for t in tokens] == ["ракет"]
    assert list(analyzer_for("ru")("\u0301", tokenize=False)) == []


def test_keeporiginal_and_offsets() -> None:
    analyzer = analyzer_for("ru")
    tokens = analyzer("Пуск ракет", keeporiginal=True, chars=True, start_char=10)
    assert [(t.original, t.startchar, t.endchar) for t in tokens] == [
        ("Пуск", 10, 14),
        ("ракет", 15, 20),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_analyzers_pickle_to_an_equal_analyzer(language: str) -> None:
    analyzer = analyzer_for(language)
    list(analyzer("прогрев кэшей 火箭 банку"))  # loads stemmers and dictionaries first
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    assert isinstance(restored, LanguageAnalyzer)
    assert len(pickle.dumps(analyzer)) < 200


def test_analyzers_give_the_same_terms_from_many_threads() -> None:
    words = [f"банк{ending}" for ending in ("", "у", "ів", "ами", "ові")] * 40
    text = " ".join([*words, "ракетами", "ракетой", "missiles"])
    expected = {lang: terms(lang, text) for lang in ("uk", "ru", "en")}
    results: list[bool] = []

    def work(language: str) -> None:
        for _ in range(20):
            results.append(terms(language, text) == expected[language])

    threads = [threading.Thread(target=work, args=(lang,)) for lang in ("uk", "ru", "en") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results
    assert all(results)


MIXED = st.text(
    alphabet=st.sampled_from(
        list("абвгдеёжийкопрстуьяЁЇїґ'’ʼ-.,3 5火箭韩国누리호가美 abcÉé\u0301\u00ad\n")
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(MIXED, st.text(max_size=40)), language=st.sampled_from(LANGUAGES))
def test_every_query_token_is_in_the_index_at_its_position(text: str, language: str) -> None:
    index_spans = spans(language, text)
    previous = (0, 0)
    for term, _pos, chars in index_spans:
        assert term
        assert chars
    positions = [pos for _, pos, _ in index_spans]
    assert positions == sorted(positions)
    for token in analyzer_for(language)(text, positions=True, chars=True):
        assert 0 <= token.startchar < token.endchar <= len(text)
        assert (token.pos, token.startchar) >= previous
        previous = (token.pos, token.startchar)
    for query_span in spans(language, text, mode="query"):
        assert query_span in index_spans


# ---- real Whoosh indexes ---------------------------------------------------------------------

DOCUMENTS = {
    "ru1": ("ru", "Россия запустила ракету «Ангара» с космодрома Плесецк. Пуск прошёл штатно."),
    "ru2": ("ru", "Ракетка для тенниса подорожала на 3.5 процента в 2026 году."),
    "uk1": ("uk", "Національний банк підвищив облікову ставку. У банку кажуть, що м’ясо дорожчає."),
    "uk2": ("uk", "Ціни на п'ять видів хліба не змінилися."),
    "zh1": ("zh", "韩国火箭发射成功，美国表示祝贺。"),
    "zh2": ("zh", "火车站的箭楼今天开放。"),
    "ko1": ("ko", "누리호가 발사됐다. 과학기술정보통신부가 밝혔다."),
    "ko2": ("ko", "정부 누리집에서 신청할 수 있다."),
    "en1": ("en", "North Korea launched two ballistic missiles on Thursday."),
    "ot1": ("other", "Die Größe des Raketenstarts überraschte 东京 Beobachter."),
}


def build_index(directory: Path) -> None:
    fields = {f"orig_{lang}": TEXT(analyzer=analyzer_for(lang), phrase=True) for lang in LANGUAGES}
    schema = Schema(
        key=ID(stored=True, unique=True), outlet=TEXT(analyzer=outlet_analyzer()), **fields
    )
    created = index.create_in(directory, schema)
    with created.writer() as writer:
        for key, (lang, text) in DOCUMENTS.items():
            outlet = "Seoul Daily Wire (demo)" if lang == "ko" else "TASS"
            writer.add_document(key=key, outlet=outlet, **{f"orig_{lang}": text})
    created.close()


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("index")
    build_index(directory)
    return directory


def search(directory: Path, field: str, query_text: str) -> dict[str, list[str]]:
    """Keys of the documents found, each with the spans the highlighter marked."""
    reopened = index.open_dir(str(directory))  # analyzers come back from the pickled schema
    try:
        parser = QueryParser(field, reopened.schema)
        with reopened.searcher() as searcher:
            results = searcher.search(parser.parse(query_text), limit=None)
            results.formatter = HtmlFormatter(tagname="b")
            found = {}
            for hit in results:
                _, text = DOCUMENTS[hit["key"]]
                marked = hit.highlights(field, text=text, top=5)
                found[hit["key"]] = re.findall(r"<b[^>]*>(.*?)</b>", marked)
            return found
    finally:
        reopened.close()


def test_reopened_index_uses_the_pickled_analyzers(index_dir: Path) -> None:
    reopened = index.open_dir(str(index_dir))
    try:
        assert reopened.schema["orig_uk"].analyzer == analyzer_for("uk")
        assert reopened.schema["outlet"].analyzer == outlet_analyzer()
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("field", "query_text", "expected"),
    [
        ("orig_ru", "ракета", {"ru1": ["ракету"]}),
        ("orig_ru", "РАКЕТОЙ", {"ru1": ["ракету"]}),
        ("orig_ru", "прошел", {"ru1": ["прошёл"]}),
        ("orig_ru", "3.5", {"ru2": ["3.5"]}),
        ("orig_ru", "2026", {"ru2": ["2026"]}),
        ("orig_uk", "банків", {"uk1": ["банк", "банку"]}),
        ("orig_uk", "мʼясо", {"uk1": ["м’ясо"]}),
        ("orig_uk", "п’ять", {"uk2": ["п'ять"]}),
        ("orig_zh", "火箭", {"zh1": ["火箭"]}),
        ("orig_zh", "美", {"zh1": ["美"]}),
        ("orig_zh", "火箭发射", {"zh1": ["火箭", "发射"]}),
        ("orig_ko", "발사", {"ko1": ["발사"]}),
        ("orig_ko", "누리호", {"ko1": ["누리"]}),  # odd length: see the analyzers docstring
        ("orig_en", "missile launch", {"en1": ["launched", "missiles"]}),
        ("orig_other", "grosse 东京", {"ot1": ["Größe", "东京"]}),
        ("outlet", "tass", {key: [] for key, (lang, _) in DOCUMENTS.items() if lang != "ko"}),
        ("outlet", '"seoul daily"', {"ko1": [], "ko2": []}),
    ],
)
def test_queries_find_and_highlight(
    index_dir: Path, field: str, query_text: str, expected: dict[str, list[str]]
) -> None:
    found = search(index_dir, field, query_text)
    if field == "outlet":  # not highlighted: the outlet is not the text
        found = {key: [] for key in found}
    assert found == expected


def test_other_field_does_not_stem(index_dir: Path) -> None:
    assert search(index_dir, "orig_other", "groß") == {}


@pytest.mark.parametrize(
    ("field", "query_text", "expected"),
    [
        ("orig_ru", '"запустили ракеты"', {"ru1"}),
        ("orig_ru", '"ракеты запустили"', set()),
        ("orig_uk", '"національного банку"', {"uk1"}),
        ("orig_zh", '"火箭发射"', {"zh1"}),
        ("orig_zh", '"火箭"', {"zh1"}),
        ("orig_zh", "火 箭", {"zh1", "zh2"}),  # two separate characters, anywhere
        ("orig_zh", '"发射火箭"', set()),
        ("orig_ko", '"누리호가 발사됐다"', {"ko1"}),
        ("orig_ko", "누리", {"ko1", "ko2"}),
        ("orig_ko", "누리호", {"ko1"}),
        ("orig_en", '"ballistic missile"', {"en1"}),
    ],
)
def test_phrases_and_non_matches(
    index_dir: Path, field: str, query_text: str, expected: set[str]
) -> None:
    assert set(search(index_dir, field, query_text)) == expected


def test_chinese_highlight_lands_on_the_characters(index_dir: Path) -> None:
    reopened = index.open_dir(str(index_dir))
    try:
        with reopened.searcher() as searcher:
            query = QueryParser("orig_zh", reopened.schema).parse("火箭")
            results = searcher.search(query)
            results.formatter = HtmlFormatter(tagname="b", classname="", termclass="")
            marked = results[0].highlights("orig_zh", text=DOCUMENTS["zh1"][1])
    finally:
        reopened.close()
    assert re.sub(r"<b[^>]*>", "<b>", marked).startswith("韩国<b>火箭</b>发射成功")
