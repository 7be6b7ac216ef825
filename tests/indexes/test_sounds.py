"""Sound keys: names typed in Latin letters against their Cyrillic, Hangul and Han forms."""

from __future__ import annotations

import pytest

from indexes.sounds import close_enough, query_key, skeleton, text_keys, word_key


def found(typed: str, text: str, language: str | None = None) -> bool:
    """Whether the words typed (space-separated) match any key text_keys gives for ``text``."""
    query = query_key(typed.split())
    assert query is not None
    return any(close_enough(query, key) for key, _, _ in text_keys(text, language))


ZELENSKY_TYPED = ["Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskyi"]
ZELENSKY_FORMS = [
    ("Зеленский", "ru"),
    ("Зеленского", "ru"),
    ("Зеленскому", "ru"),
    ("Зеленський", "uk"),
    ("Зеленського", "uk"),
]


@pytest.mark.parametrize("typed", ZELENSKY_TYPED)
@pytest.mark.parametrize(("form", "language"), ZELENSKY_FORMS)
def test_zelensky_in_every_spelling_finds_every_form(typed: str, form: str, language: str) -> None:
    assert found(typed, form, language)
    assert found(typed, form)  # the language guessed from the letters
    assert found(typed, f"Вчера {form} заявил")


@pytest.mark.parametrize(
    ("typed", "text", "language"),
    [
        ("Kyiv", "Київ", "uk"),
        ("Kyiv", "Києва", "uk"),
        ("Kiev", "Киев", "ru"),
        ("Kiev", "Киева", "ru"),
        ("Kharkiv", "Харків", "uk"),
        ("Kharkov", "Харьков", "ru"),
        ("Kharkiv", "Харьков", "ru"),
        ("Odesa", "Одеса", "uk"),
        ("Odessa", "Одеса", "uk"),
        ("Odesa", "Одесса", "ru"),
        ("Odessa", "Одесса", "ru"),
        ("Odesa", "Одессы", "ru"),
        ("Zaporizhzhia", "Запоріжжя", "uk"),
        ("Shoigu", "Шойгу", "ru"),
        ("Peskov", "Песков", "ru"),
        ("Peskov", "Пескова", "ru"),
        ("Lavrov", "Лавров", "ru"),
        ("Lavrov", "Лаврова", "ru"),
        ("Zakharova", "Захарова", "ru"),
        ("Navalny", "Навальный", "ru"),
        ("Navalny", "Навальний", "uk"),
        ("Medvedev", "Медведев", "ru"),
        ("Vladimir Putin", "Владимир Путин", "ru"),
        ("Vladimir Putin", "заявил Владимир Путин в среду", "ru"),
        ("Putin", "Путина", "ru"),
        ("Syrskyi", "Сирський", "uk"),
        ("Budanov", "Буданов", "ru"),
        ("Budanov", "Буданов", "uk"),
    ],
)
def test_cyrillic_names(typed: str, text: str, language: str) -> None:
    assert found(typed, text, language)
    assert found(typed, text)


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("Xi Jinping", "习近平"),
        ("Xi Jinping", "国家主席习近平主席在北京会见了客人。"),
        ("Li Qiang", "李强"),
        ("Wang Yi", "王毅"),
        ("Qin Gang", "外交部长秦刚表示"),
        ("Lai Ching-te", "賴清德"),
    ],
)
def test_chinese_names(typed: str, text: str) -> None:
    assert found(typed, text, "zh")


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("Jinping", "近平"),  # a given name alone: no surname opens the window
        ("Beijing", "北京"),  # places are the alias table's (monitor/names/aliases.toml)
        ("Shanghai", "上海"),
    ],
)
def test_chinese_windows_start_at_a_surname(typed: str, text: str) -> None:
    assert not found(typed, text, "zh")


def test_korean_windows_start_at_a_surname() -> None:
    # 평 opens no Korean name, and a name is three syllables: places are the alias table's.
    for place, written in (("Pyongyang", "평양"), ("Busan", "부산"), ("Seoul", "서울")):
        assert not found(place, written, "ko")
    assert found("Moon Jae-in", "문재인 전 대통령은", "ko")


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("Kim Jong Un", "김정은"),
        ("Kim Jong-un", "김정은"),
        ("Kim Jong Un", "김정은은 어제 연설에서 말했다"),
        ("Kim Jong-un", "김정은은 어제 연설에서 말했다"),
        ("Yoon Suk Yeol", "윤석열"),
        ("Yoon Suk-yeol", "윤석열"),
        ("Moon Jae-in", "문재인"),
        ("Choe Son Hui", "최선희"),
        ("Choe Son-hui", "최선희"),
    ],
)
def test_korean_names(typed: str, text: str) -> None:
    assert found(typed, text, "ko")


@pytest.mark.parametrize(
    ("typed", "text", "language"),
    [
        ("Zelensky", "Зелень", "ru"),
        ("Kim Jong Un", "김정일", "ko"),
        ("Kim Jong Un", "김정일은 말했다", "ko"),
        ("Kim Jong-un", "김정일", "ko"),
        ("Lavrov", "Львов", "ru"),
        ("Putin", "Путилов", "ru"),
        ("Jinping", "近代", "zh"),
        ("Shoigu", "Шойман", "ru"),
        ("Moon Jae-in", "문재", "ko"),
    ],
)
def test_different_names_do_not_match(typed: str, text: str, language: str) -> None:
    assert not found(typed, text, language)


@pytest.mark.parametrize(
    "text", ["ракеты", "запуск ракеты", "ракеты запустили вчера", "12345", "!!! —", ""]
)
def test_lowercase_words_digits_and_punctuation_give_no_keys(text: str) -> None:
    assert text_keys(text, "ru") == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Вчера Владимир Путин и Сергей Лавров, а также Песков 2026.", "ru"),
        ("Президент Зеленський зустрівся з Сирським у Києві.", "uk"),
        ("Kim Jong-un met Xi Jinping's envoy.", "en"),
        ("김정은은 오늘 평양에서 말했다.", "ko"),
        ("国家主席习近平在北京说，上海很好。", "zh"),
        ("Глава МИД Лавров и 王毅 встретились в Seoul, 서울.", None),
    ],
)
def test_offsets_point_at_the_words_in_text_order(text: str, language: str | None) -> None:
    keys = text_keys(text, language)
    assert keys
    assert [(start, end) for _, start, end in keys] == sorted(
        (start, end) for _, start, end in keys
    )
    single_spans = {(start, end) for _, start, end in keys if " " not in text[start:end]}
    for key, start, end in keys:
        assert 0 <= start < end <= len(text)
        span = text[start:end]
        assert span == span.strip()
        words = span.split(" ")
        if len(words) == 1:
            assert key == word_key(span, language)
        else:  # a pair of names, each of which has its own key too
            assert len(words) == 2
            assert (start, start + len(words[0])) in single_spans
            assert (end - len(words[1]), end) in single_spans


def test_words_pairs_and_windows() -> None:
    text = "Владимир Путин, Лавров"
    assert [(text[start:end], key) for key, start, end in text_keys(text, "ru")] == [
        ("Владимир", "vlatimil"),
        ("Владимир Путин", "vlatimilputin"),
        ("Путин", "putin"),
        ("Лавров", "lavlov"),  # after a comma: no pair with Путин
    ]
    korean = "김정은은"
    # A Korean word opening with a surname gives the window of a name: its first three.
    assert [korean[start:end] for _, start, end in text_keys(korean, "ko")] == ["김정은"]
    assert text_keys("习", "zh") == []  # one character alone is no window


def test_capitalised_common_words_may_give_keys() -> None:
    assert [key for key, _, _ in text_keys("Ракеты летят", "ru")]


@pytest.mark.parametrize(
    ("spellings"),
    [
        ["Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskyi", "Zelenskii", "Zelenskij"],
        ["Zaporizhzhia", "Zaporizhia", "Zaporizhzhya"],
        ["Kharkov", "Harkov", "Kharkow"],
        ["Pyongyang", "P'yŏngyang", "Pyeongyang"],
        ["Choe", "Ch'oe"],
        ["Seoul", "Seoŭl"],
        ["Busan", "Pusan"],
        ["Odesa", "Odessa"],
    ],
)
def test_romanisations_converge(spellings: list[str]) -> None:
    assert len({query_key([spelling]) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("Zelensky", "zelenski"),
        ("Shchukin", "sukin"),
        ("Kharkiv", "halkiv"),
        ("Xi", "si"),
        ("Qiang", "jiank"),
        ("Tsoi", "coi"),
        ("Moon Jae-in", "munjein"),
        ("", ""),
        ("123 - '", ""),
    ],
)
def test_skeleton(latin: str, expected: str) -> None:
    assert skeleton(latin) == expected


@pytest.mark.parametrize("word", ["", "123", "—", "'-'", "12:30"])
def test_no_letters_no_key(word: str) -> None:
    assert word_key(word) is None
    assert query_key([word]) is None


def test_query_key_of_nothing() -> None:
    assert query_key([]) is None


def test_word_key_in_every_script() -> None:
    assert word_key("Зеленского") == word_key("Zelensky")
    assert word_key("习近平") == query_key(["Xi", "Jinping"])
    assert word_key("김정은") == query_key(["Kim", "Jong", "Un"])
    assert word_key("Kim") == "kim"


@pytest.mark.parametrize(
    ("query", "indexed", "expected"),
    [
        ("putin", "putin", True),
        ("lvov", "lvoa", False),  # short keys must be equal
        ("halkiv", "halkov", True),
        ("zelenski", "zelensk", True),
        ("zelenski", "zelen", False),
        ("kimjonkun", "kimjonkil", False),
        ("iunsukiol", "iunsokiol", True),
        ("abcdef", "abcdefgh", False),
        ("abcdef", "bcdef", False),  # one delete, but the shorter is under six letters
        ("abcdefg", "bcdefg", True),
    ],
)
def test_close_enough(query: str, indexed: str, expected: bool) -> None:
    assert close_enough(query, indexed) is expected
    assert close_enough(indexed, query) is expected
