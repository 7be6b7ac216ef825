"""Stories in the window, over a real collection grouped by the core: the story view of one
event told in five languages (drawn title, outlets, languages, a folded wire copy, why-lines),
Follow, "Not this story", the Stories… picker and the list grouped by story."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from shiboken6 import isValid

from monitor import open_monitor
from tests.monitor.test_stories import ARTICLES, store_articles
from tests.ui.dialog_support import screenshot
from tests.ui.test_readme_pictures import save_picture
from tests.ui.test_tasks import settle
from tests.ui.window_support import WAIT, drawn, main_window
from ui.main_window import MainWindow
from ui.story_view import StoryPicker, StoryWindow


@pytest.fixture
def collection(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        ids = store_articles(monitor)
        list(monitor.group_stories())
    return data, ids


@pytest.fixture
def window(qtbot, collection: tuple[Path, dict[str, int]], tmp_path: Path) -> Iterator[MainWindow]:
    with main_window(qtbot, collection[0], f"stories-{tmp_path.name}", len(ARTICLES)) as shown:
        yield shown


def open_story_of(qtbot, window: MainWindow, article_id: int) -> StoryWindow:
    window.article_list.select_id(article_id)
    [action] = [a for a in window.article_list.view.actions() if "story" in a.text()]
    action.trigger()  # the list's context menu: "Open its story"
    qtbot.waitUntil(lambda: window.story_window is not None, timeout=WAIT)
    view = window.story_window
    assert view is not None
    qtbot.waitUntil(lambda: view.story is not None, timeout=WAIT)
    qtbot.waitExposed(view)
    settle(qtbot, window.tasks)
    qtbot.wait(50)  # laid out
    return view


def test_the_story_view_shows_who_told_it_and_follows_it(
    qtbot, window: MainWindow, collection: tuple[Path, dict[str, int]], tmp_path: Path
):
    data, ids = collection
    view = open_story_of(qtbot, window, ids["ru"])
    story = view.story
    assert story is not None and len(story.members) == 6
    text = drawn(view)
    assert story.title in text
    assert "Told by 6 outlets in 5 languages" in text
    for language in ("Russian", "Ukrainian", "Korean", "Chinese", "English"):
        assert language in text
    assert "copy: Volga Daily" in text
    assert text.count("why: ") == 5  # the copy is folded under its original, not a row
    strip = drawn(view.strip)
    assert "Neva Post · " in strip and "Harbour Ledger · " in strip  # one time axis
    assert "Neva Post" not in drawn(view.silent)  # it told the story
    screenshot(view, "story-view.png")
    view.resize(1300, 840)
    qtbot.waitUntil(lambda: view.height() == 840, timeout=WAIT)
    qtbot.wait(50)
    save_picture(view.grab(), "screenshot-story.png", tmp_path)

    qtbot.mouseClick(view.follow_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.follow_button.text() == "Following", timeout=WAIT)
    settle(qtbot, window.tasks)
    story_id = story.id
    view.close()
    window.close()
    with open_monitor(data) as monitor:
        followed = {s.watchlist.query for s in monitor.watchlists()}
        names = [s.name for s in monitor.watchlists()]
    assert followed == {f"story:{story_id}"}
    assert names[0].startswith("Story: ")


def test_not_this_story_takes_the_english_article_out(
    qtbot, window: MainWindow, collection: tuple[Path, dict[str, int]]
):
    _, ids = collection
    view = open_story_of(qtbot, window, ids["ru"])
    assert view.story is not None
    english = ids["en"]
    buttons = [
        button
        for button in view.members.findChildren(QPushButton)
        if button.isVisible() and button.text() == "Not this story"
    ]
    assert len(buttons) == 6  # one per article, the folded copy's too
    members = [m.article_id for m in view.story.members]
    view.not_this_story(english)
    qtbot.waitUntil(
        lambda: view.story is not None and len(view.story.members) == len(members) - 1,
        timeout=WAIT,
    )
    assert english not in {m.article_id for m in view.story.members}
    qtbot.wait(50)
    assert "Harbour Ledger" not in drawn(view.members)
    assert "Told by 5 outlets in 4 languages" in drawn(view)


def test_stories_are_picked_from_the_view_menu_and_the_list_groups_by_story(
    qtbot, window: MainWindow, collection: tuple[Path, dict[str, int]]
):
    _, ids = collection
    window.show_stories()
    qtbot.waitUntil(lambda: bool(window.findChildren(StoryPicker)), timeout=WAIT)
    [picker] = window.findChildren(StoryPicker)
    qtbot.waitUntil(lambda: picker.list.count() == 1, timeout=WAIT)
    assert "6 articles" in picker.list.item(0).text()
    picker.list.itemActivated.emit(picker.list.item(0))
    qtbot.waitUntil(lambda: window.story_window is not None, timeout=WAIT)
    view = window.story_window
    assert view is not None
    qtbot.waitUntil(lambda: view.story is not None, timeout=WAIT)
    story_id = view.story.id if view.story else None
    view.close()

    lists = window.article_list
    lists.by_story.setChecked(True)
    qtbot.waitUntil(lambda: lists.stories.count() == 3, timeout=WAIT)  # and two of one
    texts = [lists.stories.item(i).text() for i in range(3)]
    [grouped] = [t for t in texts if "6 articles" in t]
    assert "[RU] [UK] [KO] [ZH] [EN]" in grouped
    assert lists.stories.isVisible() and not lists.view.isVisible()
    screenshot(lists, "story-list.png")
    row = next(i for i in range(3) if "6 articles" in lists.stories.item(i).text())
    item = lists.stories.item(row)
    assert item.data(Qt.ItemDataRole.UserRole) == story_id
    lists.stories.itemClicked.emit(item)
    qtbot.waitUntil(
        lambda: (
            window.story_window is not None
            and isValid(window.story_window)
            and window.story_window.story is not None
            and window.story_window.story.id == story_id
        ),
        timeout=WAIT,
    )
    lists.by_story.setChecked(False)
    assert lists.view.isVisible() and ids["ru"] in {r.id for r in lists.rows()}
