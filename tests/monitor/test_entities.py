"""Entities in every article and on their pages, through the door, with a real SQLite store,
a real Whoosh index and the bundled alias table: found in every script, searchable as
``entity:<id>``, widened from a typed name, and extended by a spelling the user adds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.errors import NotFoundError
from monitor.store.store import ArticleDraft
from monitor.types import EntityKind, SearchRequest
from tests.support.extraction import page_outcome
from tests.support.inside import parts
from tests.support.stored_articles import Outlets, store_article

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# (outlet, language, day offset, title, text)
ARTICLES = [
    (
        "Kyiv Wire",
        "uk",
        0,
        "Нарада у Києві",
        "Президент Зеленський провів нараду у Києві з Сирським.",
    ),
    ("Neva Post", "ru", 0, "Заявление Кремля", "Песков прокомментировал слова Зеленского о Киеве."),
    ("Seoul Daily", "ko", 1, "젤렌스키 연설", "젤렌스키 대통령이 연설했다. 김정은은 침묵했다."),
    ("East Bulletin", "zh", 1, "泽连斯基讲话", "乌克兰总统泽连斯基发表讲话。习近平会见了来宾。"),
    ("Neva Post", "ru", 2, "Погода", "В Москве похолодало, на улицах зелень и листья."),
    ("Harbour Ledger", "en", 2, "Markets", "Shares rose in Busan on Tuesday."),
]


def store_articles(monitor: Monitor) -> dict[str, int]:
    outlets = Outlets(monitor)
    return {
        title: store_article(
            monitor, outlets, outlet, language, DAY + timedelta(days=days), title, text
        )
        for outlet, language, days, title, text in ARTICLES
    }


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[tuple[Monitor, dict[str, int]]]:
    with open_monitor(tmp_path / "data") as monitor:
        ids = store_articles(monitor)
        list(monitor.sync_index())
        yield monitor, ids


def test_each_article_names_its_entities_in_its_own_script(collection):
    monitor, ids = collection
    named = {
        title: {found.entity.id for found in monitor.article_entities(article_id)}
        for title, article_id in ids.items()
    }
    assert named["Нарада у Києві"] == {"volodymyr-zelensky", "kyiv", "oleksandr-syrskyi"}
    assert named["Заявление Кремля"] == {"kremlin", "dmitry-peskov", "volodymyr-zelensky", "kyiv"}
    assert named["젤렌스키 연설"] == {"volodymyr-zelensky", "kim-jong-un"}
    assert named["泽连斯基讲话"] == {"ukraine", "volodymyr-zelensky", "xi-jinping"}
    assert "volodymyr-zelensky" not in named["Погода"]  # зелень is a word, not a name
    [zelensky] = [
        e
        for e in monitor.article_entities(ids["Заявление Кремля"])
        if e.entity.id == "volodymyr-zelensky"
    ]
    assert zelensky.written_original == ("Зеленского",)  # as the article writes him: to mark


def test_an_entity_page_has_its_timeline_sentences_company_and_silent_outlets(collection):
    monitor, _ = collection
    page = monitor.entity_page("Zelensky")
    assert page.entity.id == "volodymyr-zelensky" and page.articles == 4
    assert [(day, outlet) for day, outlet, _ in page.timeline] == [
        ("2026-11-20", "Kyiv Wire"),
        ("2026-11-20", "Neva Post"),
        ("2026-11-21", "East Bulletin"),
        ("2026-11-21", "Seoul Daily"),
    ]
    originals = {sentence.original for sentence in page.sentences}
    assert "乌克兰总统泽连斯基发表讲话。" in originals
    assert "Песков прокомментировал слова Зеленского о Киеве." in originals
    assert not any("习近平" in text for text in originals)  # only sentences that name him
    company = {entity.id: count for entity, count in page.mentioned_with}
    assert company["kyiv"] == 2 and company["kim-jong-un"] == 1
    assert page.silent_outlets == ("Harbour Ledger",)


def test_entity_ids_are_searchable_and_a_typed_name_is_widened(collection):
    monitor, ids = collection
    found = monitor.search(SearchRequest("entity:volodymyr-zelensky"))
    assert found.total == 4
    widened = monitor.search(SearchRequest("Zelensky"))
    assert {hit.article.id for hit in widened.hits} == {
        ids[t] for t in ("Нарада у Києві", "Заявление Кремля", "젤렌스키 연설", "泽连斯基讲话")
    }
    [expansion] = widened.expansions
    assert {"젤렌스키", "泽连斯基", "Зеленський", "Зеленский"} <= set(expansion.forms)
    assert monitor.search(SearchRequest("Zelensky", exact=True)).total == 0


def test_a_spelling_the_user_adds_is_searched_and_found_in_articles(collection):
    monitor, ids = collection
    with pytest.raises(NotFoundError, match="no person, place or organisation"):
        monitor.entity("Harbour City")
    # A place the table lacks, with its Korean spelling, and a spelling of a known entity.
    harbour = monitor.add_spelling("Harbour City", "부산항", kind=EntityKind.PLACE)
    assert harbour.id == "user-harbour-city" and harbour.kind is EntityKind.PLACE
    monitor.add_spelling("Busan", "Pusan Harbour")
    list(monitor.sync_index())
    assert monitor.name_forms("Harbour City") == ("부산항",)
    assert "Pusan Harbour" in monitor.entity("Busan").forms("en")
    # The article naming Busan was indexed again with the table as it is now.
    assert "busan" in {e.entity.id for e in monitor.article_entities(ids["Markets"])}
    again = monitor.entity_page("user-harbour-city")
    assert again.articles == 0 and again.entity.name == "Harbour City"


def test_the_cli_shows_an_entity_adds_a_spelling_and_says_what_a_search_widened(
    collection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    monitor, _ = collection
    monitor.close()  # the CLI opens the data folder itself
    data = ["--data-dir", str(tmp_path / "data")]
    assert main([*data, "entity", "Зеленского"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("Volodymyr Zelensky  (person, volodymyr-zelensky)")
    assert "2026-11-21    1  East Bulletin" in page
    assert "Never mention it: Harbour Ledger" in page
    assert main([*data, "entity", "--json", "Kim", "Jong", "Un"]) == 0
    assert json.loads(capsys.readouterr().out)["entity"]["id"] == "kim-jong-un"

    assert main([*data, "search", "Zelensky"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0].startswith("Zelensky also searched as: 젤렌스키, 泽连斯基")
    assert shown[1] == "4 matches"
    assert main([*data, "search", "--exact", "Zelensky"]) == 0
    assert capsys.readouterr().out.strip() == "No matches."

    assert main([*data, "names", "add", "Harbour City", "부산항", "--kind", "place"]) == 0
    assert "Harbour City (user-harbour-city) is also written 부산항." in capsys.readouterr().out
    assert main([*data, "names", "show", "부산항"]) == 0
    assert "  ko  부산항" in capsys.readouterr().out
    assert main([*data, "entity", "Atlantis"]) == 1
    assert "no person, place or organisation is called 'Atlantis'" in capsys.readouterr().err


def test_a_watchlist_follows_an_entity_in_every_script(collection):
    monitor, _ = collection
    monitor.add_watchlist("Zelensky everywhere", "entity:volodymyr-zelensky")
    [status] = monitor.check_watchlists()
    assert status.total_matches == 4  # what it matches at first counts as seen
    # A new Korean article naming him is a new match; one that does not is not.
    store = parts(monitor).store
    seoul = next(s.id for s in monitor.sources() if s.name == "Seoul Daily")
    for number, text in enumerate(("젤렌스키 대통령이 서울을 방문했다.", "부산에 비가 내렸다.")):
        url = f"https://example.test/later/{number}"
        draft = ArticleDraft(seoul, url, url, text, None, DAY + timedelta(days=3), 0, "", "", "ko")
        article_id = store.insert_article(draft)
        store.save_extraction(page_outcome(store.article(article_id), text, language="ko"))
    [status] = monitor.check_watchlists()
    assert (status.total_matches, status.new_matches, status.fresh_matches) == (5, 1, 1)


def test_names_the_table_lacks_are_found_in_russian_by_the_model(collection):
    monitor, _ = collection
    store = parts(monitor).store
    neva = next(s.id for s in monitor.sources() if s.name == "Neva Post")
    text = (
        "Глава района Иван Петрович Сидоренко приехал в Шебекино. "
        "Ивана Петровича Сидоренко встретил Песков."
    )
    url = "https://example.test/later/ner"
    draft = ArticleDraft(neva, url, url, "Визит", None, DAY + timedelta(days=3), 0, "", "", "ru")
    article_id = store.insert_article(draft)
    store.save_extraction(page_outcome(store.article(article_id), text, language="ru"))
    list(monitor.sync_index())
    found = {e.entity.id: e for e in monitor.article_entities(article_id)}
    person = found["found:person:Иван_Петрович_Сидоренко"]
    assert person.mentions == 2 and person.entity.kind is EntityKind.PERSON
    assert set(person.written_original) == {"Иван Петрович Сидоренко", "Ивана Петровича Сидоренко"}
    assert "dmitry-peskov" in found  # the table's, not found twice
    page = monitor.entity_page("Сидоренко")  # by the surname of its dictionary form
    assert page.entity.name == "Иван Петрович Сидоренко" and page.articles == 1
    assert len(page.sentences) == 2
    hits = monitor.search(SearchRequest("entity:found:person:Иван_Петрович_Сидоренко"))
    assert [hit.article.id for hit in hits.hits] == [article_id]
