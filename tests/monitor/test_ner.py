"""Russian NER with the real model natasha's wheel ships: kinds, offsets and dictionary forms of
the names in news sentences written for these tests, batches, threads, and a damaged model."""

from __future__ import annotations

import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from monitor.names.ner import (
    FoundName,
    NerUnavailable,
    RussianNer,
    is_available,
    russian_names,
    russian_names_many,
)

SHOIGU = (
    "Министр обороны России Сергей Шойгу провёл совещание в Белгородской области, "
    "сообщил пресс-секретарь Кремля Дмитрий Песков."
)
CITIES = (
    "По словам Сергея Шойгу, беспилотники летели из Харькова в сторону Курска, "
    "а глава района Иван Петрович Сидоренко призвал жителей укрыться."
)
ORGANISATIONS = (
    "Минобороны России и ФСБ проверили сообщения о пожаре на объекте «Газпрома»; "
    "Ивану Петровичу Сидоренко вручили награду."
)
AGREEMENT = (
    "Депутаты Государственной думы встретились с Марией Захаровой, "
    "а представители Соединённых Штатов прилетели в Нью-Йорк."
)
NO_NAMES = "Утром шёл сильный дождь, а к вечеру температура опустилась почти до нуля."


def found(text: str) -> set[tuple[str, str, str]]:
    return {(name.kind, name.text, name.normal) for name in russian_names(text)}


def test_the_model_ships_with_the_install() -> None:
    assert is_available()


def test_people_and_places_in_their_dictionary_form() -> None:
    assert found(SHOIGU) == {
        ("place", "России", "Россия"),
        ("person", "Сергей Шойгу", "Сергей Шойгу"),
        ("place", "Белгородской области", "Белгородская область"),
        ("place", "Кремля", "Кремль"),
        ("person", "Дмитрий Песков", "Дмитрий Песков"),
    }


def test_inflected_names_and_cities() -> None:
    assert {
        ("person", "Сергея Шойгу", "Сергей Шойгу"),
        ("place", "Харькова", "Харьков"),
        ("place", "Курска", "Курск"),
        ("person", "Иван Петрович Сидоренко", "Иван Петрович Сидоренко"),
    } == found(CITIES)


def test_organisations_and_a_made_up_person_in_the_dative() -> None:
    assert found(ORGANISATIONS) == {
        ("organisation", "Минобороны", "Минобороны"),
        ("place", "России", "Россия"),
        ("organisation", "ФСБ", "ФСБ"),
        ("organisation", "Газпрома", "Газпром"),
        ("person", "Ивану Петровичу Сидоренко", "Иван Петрович Сидоренко"),
    }


def test_adjectives_agree_with_the_head_and_women_keep_their_gender() -> None:
    assert found(AGREEMENT) == {
        ("organisation", "Государственной думы", "Государственная дума"),
        ("person", "Марией Захаровой", "Мария Захарова"),
        ("place", "Соединённых Штатов", "Соединённые Штаты"),
        ("place", "Нью-Йорк", "Нью-Йорк"),
    }


def test_offsets_point_at_the_text_in_order() -> None:
    for text in (SHOIGU, CITIES, ORGANISATIONS, AGREEMENT):
        names = russian_names(text)
        assert names == sorted(names, key=lambda name: name.start)
        for name in names:
            assert isinstance(name, FoundName)
            assert text[name.start : name.end] == name.text


def test_a_text_without_names_gives_none() -> None:
    assert russian_names(NO_NAMES) == []
    assert russian_names("") == []
    assert russian_names_many(["", " \n", NO_NAMES, SHOIGU])[:3] == [[], [], []]


def test_a_batch_finds_what_one_text_at_a_time_finds() -> None:
    texts = [SHOIGU, NO_NAMES, CITIES, ORGANISATIONS] * 3
    assert russian_names_many(texts) == [russian_names(text) for text in texts]
    assert russian_names_many([]) == []


def test_threads_share_the_model() -> None:
    texts = [SHOIGU, CITIES, ORGANISATIONS] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(russian_names, texts))
    assert results == [russian_names(text) for text in texts]


def test_natasha_itself_is_never_imported() -> None:
    russian_names(SHOIGU)
    assert "natasha" not in sys.modules
    assert "pymorphy2" not in sys.modules


def model_files() -> tuple[Path, Path]:
    spec = importlib.util.find_spec("natasha")
    assert spec is not None
    assert spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    return (
        root / "data" / "emb" / "navec_news_v1_1B_250K_300d_100q.tar",
        root / "data" / "model" / "slovnet_ner_news_v1.tar",
    )


def test_a_damaged_model_is_refused_with_one_line(tmp_path: Path) -> None:
    embeddings, model = model_files()
    damaged = tmp_path / "slovnet_ner_news_v1.tar"
    damaged.write_bytes(model.read_bytes()[:100_000])
    with pytest.raises(NerUnavailable) as refused:
        RussianNer(embeddings, damaged)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("Russian name recognition is unavailable")


def test_a_missing_model_is_refused(tmp_path: Path) -> None:
    embeddings, _ = model_files()
    with pytest.raises(NerUnavailable, match="reinstall Media Monitor"):
        RussianNer(embeddings, tmp_path / "absent.tar")
