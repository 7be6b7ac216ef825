"""Stories form as articles are indexed, across languages, in a real store and index: the
same event told by outlets in five languages is one story, a look-alike event of the same
day is another, a wire copy joins its original, and the user's corrections stand."""

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
from monitor.types import SearchRequest
from tests.support.extraction import page_outcome
from tests.support.inside import parts
from tests.support.stored_articles import Outlets, store_article

START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
# (key, outlet, language, hours after START, title, text)
ARTICLES = [
    (
        "ru",
        "Neva Post",
        "ru",
        0,
        "Удар по Харькову",
        "Ночью армия России нанесла удар по Харькову. Погибли 14 человек, ранены 37. "
        "Зеленский призвал союзников ускорить поставки ПВО.",
    ),
    (
        "uk",
        "Kyiv Wire",
        "uk",
        1,
        "Удар по Харкову",
        "Уночі росія атакувала Харків. Загинули 14 людей, поранено 37. "
        "Зеленський закликав партнерів пришвидшити постачання ППО.",
    ),
    (
        "ko",
        "Seoul Daily",
        "ko",
        3,
        "하르키우 공습",
        "러시아군이 밤사이 하르키우를 공격해 14명이 숨지고 37명이 다쳤다. "
        "젤렌스키 대통령은 방공망 지원을 촉구했다.",
    ),
    (
        "zh",
        "East Bulletin",
        "zh",
        4,
        "哈尔科夫遇袭",
        "俄军夜间袭击哈尔科夫，造成14人死亡、37人受伤。泽连斯基呼吁盟友加快提供防空系统。",
    ),
    (
        "en",
        "Harbour Ledger",
        "en",
        5,
        "Strike on Kharkiv kills 14",
        "A Russian strike on Kharkiv overnight killed 14 people and wounded 37. Zelensky urged "
        "allies to speed up air defence deliveries.",
    ),
    # The same day, the same kind of event, elsewhere: another story.
    (
        "odesa",
        "Neva Post",
        "ru",
        2,
        "Удар по Одессе",
        "Армия России нанесла удар по Одессе. Погибли 3 человека, ранены 11. Порт поврежден.",
    ),
    # A wire copy of the Russian report by another outlet.
    (
        "copy",
        "Volga Daily",
        "ru",
        6,
        "Харьков: 14 погибших",
        "Ночью армия России нанесла удар по Харькову. Погибли 14 человек, ранены 37. "
        "Зеленский призвал союзников ускорить поставки ПВО. Источник: Neva Post.",
    ),
    # Nothing in common with anything.
    ("cabbage", "Seoul Daily", "ko", 2, "배춧값 급등", "배추 가격이 한 달 새 두 배로 올랐다."),
]


def store_articles(monitor: Monitor) -> dict[str, int]:
    outlets = Outlets(monitor)
    return {
        key: store_article(
            monitor, outlets, outlet, language, START + timedelta(hours=hours), title, text
        )
        for key, outlet, language, hours, title, text in ARTICLES
    }


@pytest.fixture
def grouped(tmp_path: Path) -> Iterator[tuple[Monitor, dict[str, int]]]:
    with open_monitor(tmp_path / "data") as monitor:
        ids = store_articles(monitor)
        list(monitor.group_stories())
        yield monitor, ids


def story_sets(monitor: Monitor, ids: dict[str, int]) -> set[frozenset[str]]:
    by_story: dict[int | None, set[str]] = {}
    for key, article_id in ids.items():
        by_story.setdefault(monitor.story_of(article_id), set()).add(key)
    return {frozenset(keys) for keys in by_story.values()}


def test_one_event_in_five_languages_is_one_story_and_look_alikes_are_apart(grouped):
    monitor, ids = grouped
    assert story_sets(monitor, ids) == {
        frozenset({"ru", "uk", "ko", "zh", "en", "copy"}),
        frozenset({"odesa"}),
        frozenset({"cabbage"}),
    }
    [story] = monitor.stories()  # two articles at least
    assert story.outlets == (
        "Neva Post",
        "Kyiv Wire",
        "Seoul Daily",
        "East Bulletin",
        "Harbour Ledger",
        "Volga Daily",
    )
    assert set(story.languages) == {"ru", "uk", "ko", "zh", "en"}
    reasons = {m.article_id: m.reason for m in story.members}
    assert reasons[ids["ru"]] == "the first article of its story"
    assert reasons[ids["copy"]].startswith("the same text")
    assert "kharkiv" in reasons[ids["ko"]] and "14" in reasons[ids["ko"]]
    assert dict(story.entities)["kharkiv"] == 6


def test_the_users_moves_and_merges_stand_when_grouping_runs_again(grouped):
    monitor, ids = grouped
    story = monitor.story_of(ids["ru"])
    assert story is not None
    alone = monitor.move_to_story(ids["zh"], None)  # "this one is another story"
    list(monitor.group_stories())
    assert monitor.story_of(ids["zh"]) == alone != story
    odesa = monitor.story_of(ids["odesa"])
    assert odesa is not None
    assert monitor.merge_stories(story, odesa) == 1  # "these are one story"
    list(monitor.group_stories())
    assert monitor.story_of(ids["odesa"]) == story
    members = {m.article_id: m for m in monitor.story(story).members}
    assert members[ids["odesa"]].by_user
    with pytest.raises(NotFoundError):
        monitor.story(10_000)


def test_the_cli_lists_shows_moves_and_merges_stories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    with open_monitor(tmp_path / "data") as monitor:
        ids = store_articles(monitor)  # grouped by the CLI itself
    data = ["--data-dir", str(tmp_path / "data")]
    assert main([*data, "stories"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert "6 articles  Удар по Харькову" in listed[0]
    story = int(listed[0].split()[0])
    assert main([*data, "story", "show", str(story)]) == 0
    shown = capsys.readouterr().out
    assert "why: the first article of its story" in shown
    assert "why: the same text" in shown
    assert main([*data, "story", "show", "--json", str(story)]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert {a["id"] for a in as_json["articles"]} == {
        ids[k] for k in ("ru", "uk", "ko", "zh", "en", "copy")
    }
    assert main([*data, "story", "move", str(ids["en"])]) == 0
    assert "is now in a story of its own" in capsys.readouterr().out
    assert main([*data, "story", "show", "99999"]) == 1
    assert "no story with id 99999" in capsys.readouterr().err


def test_a_story_is_searched_followed_and_its_moves_reach_the_index(grouped):
    monitor, ids = grouped
    story = monitor.story_of(ids["ru"])
    found = monitor.search(SearchRequest(f"story:{story}", page_size=50))
    assert {hit.article.id for hit in found.hits} == {
        ids[k] for k in ("ru", "uk", "ko", "zh", "en", "copy")
    }
    monitor.add_watchlist("Kharkiv strike", f"story:{story}")
    # New coverage: a later Ukrainian report of the same strike joins and is counted.
    store = parts(monitor).store
    kyiv = next(s.id for s in monitor.sources() if s.name == "Kyiv Wire")
    text = (
        "Кількість загиблих у Харкові зросла: 14 людей, 37 поранених."
        " Зеленський висловив співчуття."
    )
    url = "https://example.test/later"
    draft = ArticleDraft(
        kyiv, url, url, "Харків: 14 загиблих", None, START + timedelta(hours=9), 0, "", "", "uk"
    )
    later = store.insert_article(draft)
    store.save_extraction(page_outcome(store.article(later), text, language="uk"))
    [status] = monitor.check_watchlists()
    assert (status.total_matches, status.fresh_matches) == (7, 1)
    assert monitor.story_of(later) == story
    # The user takes one out: the index follows at its next sync.
    monitor.move_to_story(ids["en"], None)
    list(monitor.group_stories())
    again = monitor.search(SearchRequest(f"story:{story}", page_size=50))
    assert ids["en"] not in {hit.article.id for hit in again.hits}


def test_stories_are_found_by_a_search_and_exported_as_a_dossier(grouped, tmp_path: Path):
    monitor, ids = grouped
    story = monitor.story_of(ids["ru"])
    assert [s.id for s in monitor.stories(query="Zelensky")] == [story]  # a name, any script
    assert monitor.stories(query="Одессе") == []  # in a story of one article
    assert [s.id for s in monitor.stories(query="Одессе", minimum=1)] == [
        monitor.story_of(ids["odesa"])
    ]
    dossier = tmp_path / "story.html"
    assert monitor.export_search(SearchRequest(f"story:{story}"), dossier, "html") == 6
    assert "Harbour Ledger" in dossier.read_text("utf-8")


def test_the_users_story_groupings_travel_in_a_bundle(grouped, tmp_path: Path):
    monitor, ids = grouped
    story = monitor.story_of(ids["ru"])
    odesa = monitor.story_of(ids["odesa"])
    assert story is not None and odesa is not None
    monitor.merge_stories(story, odesa)  # by hand: grouping alone keeps Odesa apart
    monitor.export_bundle(tmp_path / "stories.mmbundle")
    with open_monitor(tmp_path / "elsewhere") as other:
        other.import_bundle(tmp_path / "stories.mmbundle")
        list(other.group_stories())
        here = {a.title: a.id for a in other.articles()}
        together = other.story_of(here["Удар по Одессе"])
        assert together == other.story_of(here["Удар по Харькову"])
        assert other.story_of(here["배춧값 급등"]) != together  # grouped again, alone


def test_an_article_stored_as_a_duplicate_is_in_its_originals_story(tmp_path: Path):
    with open_monitor(tmp_path / "data") as monitor:
        ids = store_articles(monitor)
        # A report long enough to be recognised as the same text from another outlet.
        _, _, language, _, title, text = ARTICLES[0]
        text = f"{text} {text} {text}"
        outlets = Outlets(monitor)
        first = store_article(monitor, outlets, "Neva Post", language, START, title, text)
        later = START + timedelta(hours=7)
        again = store_article(monitor, outlets, "Mirror Post", language, later, title, text)
        assert monitor.article(again).duplicate_of == first  # the same text elsewhere
        list(monitor.group_stories())
        assert monitor.story_of(again) == monitor.story_of(first) is not None
        assert monitor.story_of(first) == monitor.story_of(ids["ru"])


def test_unfollowing_a_source_leaves_no_empty_story(grouped):
    monitor, ids = grouped
    cabbage = monitor.story_of(ids["cabbage"])
    kharkiv = monitor.story_of(ids["ru"])
    seoul = next(s for s in monitor.sources() if s.name == "Seoul Daily")
    monitor.remove_source(seoul.id)
    with parts(monitor).store.transaction() as raw:  # as the store holds it
        stories = {row[0] for row in raw.execute("SELECT id FROM stories")}
    assert cabbage not in stories  # its only article is gone, and the story with it
    assert kharkiv in stories
    assert len(monitor.story(kharkiv).members) == 5  # the Korean report left the story
