"""The entity finder over the bundled alias table: declined and particle-attached forms are
found, common words and the insides of words are not."""

from __future__ import annotations

import pytest

from monitor.names.aliases import load_table
from monitor.names.entities import EntityFinder, article_entities


@pytest.fixture(scope="module")
def finder() -> EntityFinder:
    return EntityFinder(load_table())


def named(finder: EntityFinder, text: str, language: str) -> set[str]:
    return {entity for entity, _, _ in article_entities(finder, text, language)}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Песков прокомментировал слова Зеленского о Киеве.",
            "ru",
            {"dmitry-peskov", "volodymyr-zelensky", "kyiv"},
        ),
        ("Удар по Харькову и Одессе.", "ru", {"kharkiv", "odesa"}),
        (
            "Зеленський прибув до Києва, потім до Харкова.",
            "uk",
            {"volodymyr-zelensky", "kyiv", "kharkiv"},
        ),
        ("김정은은 평양에서 연설했다.", "ko", {"kim-jong-un", "pyongyang"}),
        ("习近平主席在北京会见了泽连斯基。", "zh", {"xi-jinping", "beijing", "volodymyr-zelensky"}),
        ("Zelenskyy's visit to Kyiv's suburbs.", "en", {"volodymyr-zelensky", "kyiv"}),
    ],
)
def test_forms_are_found_declined_and_with_particles(
    finder: EntityFinder, text: str, language: str, expected: set[str]
):
    assert expected <= named(finder, text, language)


def test_common_words_and_insides_of_words_are_no_names(finder: EntityFinder):
    assert not named(finder, "На улицах зелень, в магазинах изюм.", "ru")
    assert "kaesong" not in named(finder, "그는 무개성한 사람이다.", "ko")
    # 개성 is also "personality": searched for as Kaesong, never taken as a mention.
    assert "kaesong" not in named(finder, "북한 개성에서 회담이 열렸다.", "ko")
    assert named(finder, "朝鲜开城的会谈", "zh") >= {"kaesong"}


def test_a_longer_form_wins_and_counts_once(finder: EntityFinder):
    found = article_entities(finder, "Ким Чен Ын встретился с Ким Чен Ыном.", "ru")
    assert found[0][:2] == ("kim-jong-un", 2)
    assert "kim-jong-il" not in {entity for entity, _, _ in found}


def test_acronyms_and_short_words_match_only_as_written(finder: EntityFinder):
    # Found in the evaluation corpus: "Буду" read as BYD, "ПРА" as PLA, "Ltd" as RT.
    assert not named(finder, "Буду ждать Вашу историю. Было отчего.", "ru")
    assert not named(finder, "ПРА ГЭТА СПАКОЙНА", "be")
    assert not named(finder, "Alliance Pipeline Ltd. and the CUPE Cool Bus", "en")
    assert named(finder, "Автомобили BYD и PLA на учениях; заявление RT.", "ru") >= {
        "byd",
        "peoples-liberation-army",
        "rt",
    }


def test_an_adjective_the_model_takes_for_a_place_is_no_entity(finder: EntityFinder):
    found = named(finder, "Южнокорейская ракета-носитель стартовала с космодрома Наро.", "ru")
    assert "found:place:Наро" in found
    assert not any("Южнокорейская" in entity for entity in found)


def test_names_the_model_read_in_one_batch_are_the_same_as_one_by_one(finder: EntityFinder):
    from monitor.names.entities import names_by_model

    texts = [
        "Глава района Иван Петрович Сидоренко приехал в Шебекино.",
        "",
        "Песков встретил Ивана Петровича Сидоренко в Белгороде.",
    ]
    batched = names_by_model(texts)
    if batched is None:
        pytest.skip("the Russian NER model is not installed")
    for text, names in zip(texts, batched, strict=True):
        alone = article_entities(finder, text, "ru")
        assert article_entities(finder, text, "ru", model_names=names) == alone
