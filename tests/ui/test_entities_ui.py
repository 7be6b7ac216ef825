"""People, places and organisations in the window, over a real collection: the reader's chips
(drawn, hovered to mark a name as the article writes it, clicked) and the entity page they
open (count, timeline, sentences in both languages, silent outlets, Follow)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from monitor import Monitor, open_monitor
from monitor.types import ArticleEntity, EntityKind, NamedEntity, SentencePair
from tests.support.inside import parts
from tests.support.stored_articles import Outlets, store_article
from tests.ui.dialog_support import screenshot
from tests.ui.drawn_text import drawn_runs
from tests.ui.test_readme_pictures import save_picture
from tests.ui.test_tasks import settle
from tests.ui.window_support import WAIT, drawn, main_window
from translations.segment import segment
from ui.entity_page import EntityPageWindow
from ui.main_window import MainWindow
from ui.reader.entities import EntityChip, EntityStrip, marked_mentions

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ROUTE = "{language}→en (written by hand for the tests)"
# (outlet, language, day offset, title, text, English written by hand: title, sentences)
ARTICLES = [
    (
        "Kyiv Wire",
        "uk",
        0,
        "Нарада у Києві",
        "Президент Зеленський провів нараду у Києві з Сирським.",
        ("Meeting in Kyiv", ("President Zelensky held a meeting in Kyiv with Syrskyi.",)),
    ),
    (
        "Neva Post",
        "ru",
        0,
        "Заявление Кремля",
        "Песков прокомментировал слова Зеленского о Киеве.",
        ("Kremlin statement", ("Peskov commented on Zelensky's words about Kyiv.",)),
    ),
    (
        "Seoul Daily",
        "ko",
        1,
        "젤렌스키 연설",
        "젤렌스키 대통령이 연설했다. 김정은은 침묵했다.",
        ("Zelensky's speech", ("President Zelensky gave a speech.", "Kim Jong Un kept silent.")),
    ),
    (
        "East Bulletin",
        "zh",
        1,
        "泽连斯基讲话",
        "乌克兰总统泽连斯基发表讲话。习近平会见了来宾。",
        (
            "Zelensky speaks",
            ("Ukrainian President Zelensky gave a speech.", "Xi Jinping met the guests."),
        ),
    ),
    (
        "Neva Post",
        "ru",
        2,
        "Погода",
        "В Москве похолодало, на улицах зелень и листья.",
        ("Weather", ("It turned cold in Moscow; greenery and leaves in the streets.",)),
    ),
    ("Harbour Ledger", "en", 2, "Markets", "Shares rose in Busan on Tuesday.", None),
]


def store_articles(monitor: Monitor) -> dict[str, int]:
    """The articles of tests/monitor/test_entities.py, with their English stored as the
    translation stage stores a model's (the original split by the same segmenter)."""
    outlets = Outlets(monitor)
    ids: dict[str, int] = {}
    for outlet, language, days, title, text, english in ARTICLES:
        published = DAY + timedelta(days=days)
        article_id = store_article(monitor, outlets, outlet, language, published, title, text)
        ids[title] = article_id
        if english is not None:
            originals = [
                (paragraph.index, sentence.text)
                for paragraph in segment(text, language)
                for sentence in paragraph.sentences
            ]
            parts(monitor).translations.save(
                article_id,
                target="en",
                title=english[0],
                route=ROUTE.format(language=language),
                is_pivot=False,
                at=DAY + timedelta(days=days, hours=1),
                sentences=[
                    SentencePair(paragraph, original, translated)
                    for (paragraph, original), translated in zip(originals, english[1], strict=True)
                ],
            )
    return ids


@pytest.fixture
def collection(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        ids = store_articles(monitor)
        list(monitor.sync_index())
    return data, ids


@pytest.fixture
def window(qtbot, collection: tuple[Path, dict[str, int]], tmp_path: Path) -> Iterator[MainWindow]:
    with main_window(qtbot, collection[0], f"entities-{tmp_path.name}", len(ARTICLES)) as shown:
        yield shown


def test_chips_mark_a_name_and_open_its_page_which_follows_it(
    qtbot, window: MainWindow, collection: tuple[Path, dict[str, int]], tmp_path: Path
):
    data, ids = collection
    reader = window.reader
    russian = ids["Заявление Кремля"]
    window.article_list.select_id(russian)
    qtbot.waitUntil(
        lambda: reader.content is not None and reader.content.article_id == russian, timeout=WAIT
    )
    settle(qtbot, window.tasks)
    chips = drawn_runs(reader.entities)
    assert "Volodymyr Zelensky" in chips and "Dmitry Peskov" in chips
    assert not marked_mentions(reader.original_pane)

    # Hovering his chip marks him as each side writes him; leaving takes the marks away.
    chip = reader.entities.chip_for("volodymyr-zelensky")
    assert chip is not None
    qtbot.mouseMove(chip, chip.rect().center())
    qtbot.waitUntil(lambda: bool(marked_mentions(reader.original_pane)), timeout=WAIT)
    assert marked_mentions(reader.original_pane) == ["Зеленского"]
    assert marked_mentions(reader.translation_pane) == ["Zelensky's"]
    screenshot(window, "reader-chips.png")
    qtbot.mouseMove(reader.original_pane, QPoint(5, 5))
    qtbot.waitUntil(lambda: not marked_mentions(reader.original_pane), timeout=WAIT)

    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.entity_window is not None, timeout=WAIT)
    page = window.entity_window
    assert isinstance(page, EntityPageWindow)
    qtbot.waitUntil(lambda: page.page is not None, timeout=WAIT)
    qtbot.waitExposed(page)
    chinese = "乌克兰总统泽连斯基发表讲话。"
    qtbot.waitUntil(lambda: chinese in drawn(page), timeout=WAIT)  # laid out and shown
    text = drawn(page)
    assert "Volodymyr Zelensky" in text and "Mentioned in 4 articles" in text
    assert "Ukrainian President Zelensky gave a speech." in text
    assert drawn(page.silent) == "Harbour Ledger"
    assert {"Kyiv", "Dmitry Peskov", "Kim Jong Un"} <= set(drawn_runs(page.company))
    assert {"Kyiv Wire", "Neva Post", "Seoul Daily", "East Bulletin"} <= set(drawn_runs(page.chart))
    page.resize(1300, 640)  # the picture without the room a longer list of sentences fills
    qtbot.waitUntil(lambda: page.height() == 640, timeout=WAIT)
    qtbot.wait(50)  # laid out again
    assert chinese in drawn(page)
    screenshot(page, "entity-page.png")
    save_picture(page.grab(), "screenshot-entity.png", tmp_path)

    qtbot.mouseClick(page.follow_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.follow_button.text() == "Following", timeout=WAIT)
    qtbot.waitUntil(lambda: "Volodymyr Zelensky" in drawn(window.sidebar), timeout=WAIT)
    settle(qtbot, window.tasks)
    page.close()
    window.close()
    with open_monitor(data) as monitor:
        followed = {s.name: s.watchlist.query for s in monitor.watchlists()}
    assert followed == {"Volodymyr Zelensky": "entity:volodymyr-zelensky"}


def test_a_named_with_chip_opens_its_page_and_back_returns(qtbot, window: MainWindow):
    window.open_entity_named("Зеленского")  # any form, any script
    qtbot.waitUntil(lambda: window.entity_window is not None, timeout=WAIT)
    page = window.entity_window
    assert page is not None
    qtbot.waitUntil(lambda: page.page is not None, timeout=WAIT)
    assert page.page is not None and page.page.entity.id == "volodymyr-zelensky"
    assert page.back_button.isHidden()
    [kyiv] = [chip for chip in page.company.findChildren(EntityChip) if chip.text == "Kyiv"]
    qtbot.mouseClick(kyiv, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.page is not None and page.page.entity.id == "kyiv", timeout=WAIT)
    assert "Mentioned in 2 articles" in drawn(page)
    assert not page.back_button.isHidden()
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.page is not None and page.page.entity.id != "kyiv", timeout=WAIT)
    assert page.back_button.isHidden()


def test_a_spelling_added_on_the_page_is_shown_and_searched(qtbot, window: MainWindow):
    window.open_entity_named("Peskov")
    qtbot.waitUntil(lambda: window.entity_window is not None, timeout=WAIT)
    page = window.entity_window
    assert page is not None
    qtbot.waitUntil(lambda: page.page is not None, timeout=WAIT)
    page.add_spelling("Peskoff")
    qtbot.waitUntil(
        lambda: page.page is not None and "Peskoff" in page.page.entity.forms(), timeout=WAIT
    )
    # The page is drawn again after its data arrives: on a busy machine, a moment later.
    qtbot.waitUntil(lambda: "Peskoff" in drawn(page.forms), timeout=WAIT)
    # Every thread's Monitor sees the new spelling: a search from the window widens to it.
    found: list[tuple[str, ...]] = []
    window.tasks.read(lambda monitor: monitor.name_forms("Peskov"), success=found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=WAIT)
    assert "Peskoff" in found[0]


def test_finding_a_name_nobody_has_says_so_in_the_window(qtbot, window: MainWindow):
    messages: list[str] = []
    window.tasks.failed.connect(messages.append)
    window.open_entity_named("Harbour City")
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT)
    assert "no person, place or organisation is called 'Harbour City'" in messages[0]
    assert window.entity_window is None


def test_a_long_list_of_names_shows_twelve_chips_and_the_rest_on_request(qtbot):
    people = tuple(
        ArticleEntity(
            NamedEntity(f"person-{n}", EntityKind.PERSON, (("en", (f"Person {n}",)),)),
            mentions=15 - n,
            in_translation_only=False,
            written_original=(f"Person {n}",),
            written_translation=(),
        )
        for n in range(15)
    )
    strip = EntityStrip()
    qtbot.addWidget(strip)
    strip.resize(700, 200)
    strip.show_for(people)
    strip.show()
    qtbot.waitUntil(lambda: "+3 more" in drawn_runs(strip), timeout=WAIT)
    runs = drawn_runs(strip)
    assert "Person 11" in runs and "Person 12" not in runs
    clicked: list[str] = []
    strip.entity_clicked.connect(clicked.append)
    [more] = [chip for chip in strip.findChildren(EntityChip) if chip.text == "+3 more"]
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Person 14" in drawn_runs(strip), timeout=WAIT)
    assert "+3 more" not in drawn_runs(strip) and not clicked
    last = strip.chip_for("person-14")
    assert last is not None and last.geometry().bottom() < strip.height()  # not clipped
    qtbot.mouseClick(last, Qt.MouseButton.LeftButton)
    assert clicked == ["person-14"]
