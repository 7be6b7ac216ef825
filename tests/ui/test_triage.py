"""Triage in the window, read from what it draws: the Starred view, "Unread only", the
sidebar's context menus (mark all read, mark older than… read), "new since I last looked"
per outlet and per saved search, and saved searches renamed, edited, muted and deleted in
place.

The window runs over the demo collection (collected, no translation models): 33 articles in
five outlets, none read, none starred, no outlet looked at yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QInputDialog, QMenu, QTreeWidgetItem

from monitor import open_monitor
from monitor.types import SearchRequest
from tests.ui.dialog_support import SHOTS, demo_collection, task_manager  # noqa: F401
from tests.ui.drawn_text import drawn_runs, drawn_text
from tests.ui.test_tasks import settle
from ui import saved_searches
from ui.article_list import STAR, UNREAD_ONLY
from ui.dialogs.saved_search import SavedSearchDialog
from ui.main_window import MainWindow
from ui.sidebar import ALL, KIND_ROLE, LANGUAGE, SAVED, SOURCE, STARRED, VALUE_ROLE, Sidebar
from ui.tasks import TaskManager
from ui.triage import EDIT, MARK_ALL_READ, MARK_OLDER_READ, MUTE, RENAME
from ui.viewdata import SavedSearchRow, SourceRow

WAIT = 10_000
SEOUL = 1  # the demo's Korean outlet: 7 articles, all in Korean


def open_window(qtbot, data_dir: Path, name: str, *, fresh: bool = True) -> MainWindow:
    """A window over ``data_dir``; ``fresh``: without the preferences an earlier run kept."""
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(name)
    if fresh:
        QSettings().clear()
    shown = MainWindow(TaskManager(data_dir))
    qtbot.addWidget(shown)
    shown.resize(1400, 860)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: bool(shown.article_list.rows()), timeout=WAIT)
    settle(qtbot, shown.tasks)
    return shown


@pytest.fixture
def window(qtbot, demo_dir: Path, tmp_path: Path) -> Iterator[MainWindow]:
    shown = open_window(qtbot, demo_dir, f"triage-{tmp_path.name}")
    yield shown
    shown.close()  # cancels and joins the workers


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def item_of(sidebar: Sidebar, kind: str, value: object = None) -> QTreeWidgetItem:
    tree = sidebar.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while items:
        item = items.pop()
        if item is None:
            continue
        if item.data(0, KIND_ROLE) == kind and (value is None or item.data(0, VALUE_ROLE) == value):
            return item
        items.extend(item.child(i) for i in range(item.childCount()))
    raise AssertionError(f"no {kind} {value} row in the sidebar")


def drawn_row(sidebar: Sidebar, kind: str, value: object = None) -> str:
    """The text painted on one sidebar row, run by run."""
    tree = sidebar.tree
    return " ".join(drawn_runs(tree.viewport(), tree.visualItemRect(item_of(sidebar, kind, value))))


def click(qtbot, sidebar: Sidebar, kind: str, value: object = None) -> None:
    tree = sidebar.tree
    rect = tree.visualItemRect(item_of(sidebar, kind, value))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def menu_action(menu: QMenu, text: str):
    return next(action for action in menu.actions() if action.text() == text)


def open_menu(qtbot, window: MainWindow, kind: str, value: object = None) -> QMenu:
    """The row's menu, laid out and drawable (the offscreen platform cannot pop one up)."""
    menu = window.triage.menu_for(kind, value)
    assert menu is not None
    qtbot.addWidget(menu)
    menu.ensurePolished()
    menu.adjustSize()
    return menu


def shot_over(window: MainWindow, menu: QMenu, kind: str, value: object, name: str) -> None:
    """The window with the menu drawn where a right click on the row would open it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    picture = window.grab()
    tree = window.sidebar.tree
    at = tree.viewport().mapTo(
        window, tree.visualItemRect(item_of(window.sidebar, kind, value)).center()
    )
    painter = QPainter(picture)
    painter.drawPixmap(at, menu.grab())
    painter.end()
    assert picture.save(str(SHOTS / name))


# The sidebar's badges ---------------------------------------------------------------------


def test_the_sidebar_draws_new_counts_beside_unread_ones_and_marks_a_muted_search(qtbot):
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.resize(300, 360)
    rows = [
        SourceRow(1, "Seoul Daily", "ko", "KR", "https://a.test/rss", 7, 20, None, new=3),
        SourceRow(2, "Neva Courier", "ru", "RU", "https://b.test/rss", 5, 9, None, new=0),
    ]
    sidebar.set_sources(rows, starred=2)
    sidebar.set_saved_searches(
        [
            SavedSearchRow(1, "Rate cuts", SearchRequest("rate"), 4, False),
            SavedSearchRow(2, "Typhoons", SearchRequest("typhoon"), 0, True),
        ]
    )
    sidebar.show()
    qtbot.waitExposed(sidebar)

    assert drawn_row(sidebar, ALL) == "12 All articles"
    assert drawn_row(sidebar, STARRED) == "2 Starred"
    assert drawn_row(sidebar, SOURCE, 1) == "7 3 new KO Seoul Daily"
    assert drawn_row(sidebar, SOURCE, 2) == "5 RU Neva Courier"  # nothing new: no badge
    assert drawn_row(sidebar, SAVED, 1) == "4 new Rate cuts"
    assert drawn_row(sidebar, SAVED, 2) == "muted Typhoons"
    shot(sidebar, "sidebar-badges.png")


# New since I last looked ------------------------------------------------------------------


def test_an_outlets_new_badge_clears_when_it_is_viewed_and_its_unread_count_stays(
    qtbot, window: MainWindow
):
    sidebar = window.sidebar
    # Never looked at: every article of an outlet is new (and unread).
    assert drawn_row(sidebar, SOURCE, SEOUL).startswith("7 7 new ")
    assert drawn_row(sidebar, SOURCE, 2).startswith("6 6 new ")
    shot(window.sidebar, "sidebar-new-before.png")

    click(qtbot, sidebar, SOURCE, SEOUL)
    qtbot.waitUntil(lambda: "new" not in drawn_row(sidebar, SOURCE, SEOUL), timeout=WAIT)
    settle(qtbot, window.tasks)

    assert drawn_row(sidebar, SOURCE, SEOUL).startswith("7 KO ")  # seen is not read
    assert drawn_row(sidebar, SOURCE, 2).startswith("6 6 new ")  # only what was viewed
    assert drawn_row(sidebar, ALL) == "33 All articles"
    with open_monitor(window.tasks.data_dir) as monitor:
        assert SEOUL not in monitor.new_counts()
        assert monitor.unread_counts()[SEOUL] == 7


# The Starred view and "Unread only" -------------------------------------------------------


def test_the_starred_view_lists_the_starred_articles(qtbot, window: MainWindow):
    rows = window.article_list.rows()
    starred = {rows[0].id, rows[5].id}
    for article_id in starred:
        window.article_list.select_id(article_id)
        window.toggle_star()
    qtbot.waitUntil(lambda: drawn_row(window.sidebar, STARRED) == "2 Starred", timeout=WAIT)

    click(qtbot, window.sidebar, STARRED)
    qtbot.waitUntil(lambda: len(window.article_list.rows()) == 2, timeout=WAIT)

    assert {row.id for row in window.article_list.rows()} == starred
    assert drawn_text(window.article_list.view.viewport()).count(STAR) == 2
    assert window.sidebar.current_key() == (STARRED, None)


def test_unread_only_hides_what_was_read_and_is_kept_for_the_next_session(
    qtbot, demo_dir: Path, tmp_path: Path
):
    window = open_window(qtbot, demo_dir, f"unread-{tmp_path.name}")
    try:
        first = window.article_list.rows()[0]
        window.article_list.select_id(first.id)  # read in the reader: marked read
        qtbot.waitUntil(lambda: drawn_row(window.sidebar, ALL) == "32 All articles", timeout=WAIT)
        assert UNREAD_ONLY in drawn_text(window.article_list)

        qtbot.mouseClick(window.article_list.unread_only, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(window.article_list.rows()) == 32, timeout=WAIT)
        assert first.id not in {row.id for row in window.article_list.rows()}
        assert all(not row.is_read for row in window.article_list.rows())

        window.search_bar.set_query("Korea")  # a search lists its unread matches only
        qtbot.waitUntil(lambda: window.article_list.summary.isVisible(), timeout=WAIT)
        assert "unread of" in drawn_text(window.article_list.summary)
        window.search_bar.set_query("")
        qtbot.waitUntil(lambda: len(window.article_list.rows()) == 32, timeout=WAIT)
    finally:
        window.close()
    assert QSettings().value("list/unread_only", type=bool)

    again = open_window(qtbot, demo_dir, f"unread-{tmp_path.name}", fresh=False)
    try:
        assert again.article_list.unread_only.isChecked()
        assert len(again.article_list.rows()) == 32
        articles_menu = next(a.menu() for a in again.menuBar().actions() if a.text() == "&Articles")
        assert articles_menu.actions()[0].isChecked()  # the menu's tick says so too
    finally:
        again.close()


# The context menus ------------------------------------------------------------------------


def test_context_menus_mark_an_outlet_a_language_and_everything_read(
    qtbot, window: MainWindow, monkeypatch
):
    sidebar = window.sidebar
    menu = open_menu(qtbot, window, SOURCE, 2)
    drawn = drawn_text(menu)
    assert MARK_ALL_READ in drawn and MARK_OLDER_READ in drawn and RENAME not in drawn
    shot_over(window, menu, SOURCE, 2, "sidebar-context-menu-outlet.png")
    menu_action(menu, MARK_ALL_READ).trigger()
    menu.close()
    qtbot.waitUntil(lambda: drawn_row(sidebar, ALL) == "27 All articles", timeout=WAIT)
    assert drawn_row(sidebar, SOURCE, 2).startswith("6 new ")  # no unread count; still new
    assert "Marked 6 articles read" in window.statusBar().currentMessage()

    menu = open_menu(qtbot, window, LANGUAGE, "ko")
    menu_action(menu, MARK_ALL_READ).trigger()
    menu.close()
    qtbot.waitUntil(lambda: drawn_row(sidebar, ALL) == "20 All articles", timeout=WAIT)
    assert drawn_row(sidebar, LANGUAGE, "ko") == "Korean"

    # Older than 21 days before now: the demo's articles are of November 2026.
    asked: list[int] = []

    def get_int(parent, title, label, value, low, high):
        asked.append(value)
        return 0, True

    monkeypatch.setattr(QInputDialog, "getInt", get_int)
    menu = open_menu(qtbot, window, ALL)
    menu_action(menu, MARK_OLDER_READ).trigger()
    menu.close()
    qtbot.waitUntil(lambda: drawn_row(sidebar, ALL) == "All articles", timeout=WAIT)
    assert asked == [7]
    # The list shows the marks: no article is drawn bold (unread) any more.
    qtbot.waitUntil(lambda: all(row.is_read for row in window.article_list.rows()), timeout=WAIT)


def test_a_right_click_asks_for_the_rows_menu_and_does_not_pick_the_row_again(
    qtbot, window: MainWindow
):
    sidebar = window.sidebar
    sidebar.menu_requested.disconnect(window.triage.show_menu)  # no popup offscreen
    asked: list[tuple[str, object]] = []
    sidebar.menu_requested.connect(lambda kind, value, _where: asked.append((kind, value)))
    tree = sidebar.tree
    everything = tree.visualItemRect(item_of(sidebar, ALL)).center()
    with qtbot.assertNotEmitted(sidebar.all_selected):  # the list is not reloaded
        qtbot.mousePress(tree.viewport(), Qt.MouseButton.RightButton, pos=everything)
        qtbot.mouseRelease(tree.viewport(), Qt.MouseButton.RightButton, pos=everything)
    tree.customContextMenuRequested.emit(tree.visualItemRect(item_of(sidebar, SOURCE, 2)).center())
    tree.customContextMenuRequested.emit(everything)
    assert asked == [(SOURCE, 2), (ALL, None)]


# Saved searches ---------------------------------------------------------------------------


@pytest.fixture
def watched(demo_dir: Path) -> Path:
    with open_monitor(demo_dir) as monitor:
        monitor.add_watchlist("Korea news", "Korea", existing_seen=False)
        monitor.add_watchlist("Typhoons", "typhoon")
    return demo_dir


def test_a_saved_searchs_new_matches_clear_when_it_is_opened(qtbot, watched: Path, tmp_path):
    window = open_window(qtbot, watched, f"saved-{tmp_path.name}")
    try:
        sidebar = window.sidebar
        korea = next(s for s in sidebar.saved_searches() if s.name == "Korea news")
        assert drawn_row(sidebar, SAVED, korea.id) == f"{korea.new} new Korea news"
        assert korea.new == 4
        shot(window, "window-saved-search-badges.png")

        click(qtbot, sidebar, SAVED, korea.id)
        qtbot.waitUntil(lambda: drawn_row(sidebar, SAVED, korea.id) == "Korea news", timeout=WAIT)
        assert window.search_bar.text() == "Korea"
        assert sidebar.current_key() == (SAVED, korea.id)  # the search keeps it selected
    finally:
        window.close()


def test_rename_mute_edit_and_delete_a_saved_search_in_place(
    qtbot, watched: Path, tmp_path, monkeypatch
):
    window = open_window(qtbot, watched, f"manage-{tmp_path.name}")
    try:
        sidebar = window.sidebar
        typhoons = next(s for s in sidebar.saved_searches() if s.name == "Typhoons")
        sidebar.tree.setFocus()
        click(qtbot, sidebar, SAVED, typhoons.id)

        # F2 renames the selected saved search.
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Storms", True))
        qtbot.keyClick(sidebar.tree, Qt.Key.Key_F2)
        qtbot.waitUntil(lambda: drawn_row(sidebar, SAVED, typhoons.id) == "Storms", timeout=WAIT)

        # Mute from the context menu: drawn as muted; the menu then offers to unmute.
        menu = open_menu(qtbot, window, SAVED, typhoons.id)
        drawn = drawn_text(menu)
        for entry in (MARK_ALL_READ, "Rename…", EDIT, MUTE, "Delete…"):
            assert entry in drawn
        shot_over(window, menu, SAVED, typhoons.id, "sidebar-context-menu-saved-search.png")
        menu_action(menu, MUTE).trigger()
        menu.close()
        qtbot.waitUntil(
            lambda: drawn_row(sidebar, SAVED, typhoons.id) == "muted Storms", timeout=WAIT
        )
        menu = window.triage.menu_for(SAVED, typhoons.id)
        assert menu is not None and "Unmute notifications" in [a.text() for a in menu.actions()]

        # Edit: a query that cannot be searched is said under the field, in the parser's words.
        row = sidebar.saved_search(typhoons.id)
        assert row is not None
        dialog = SavedSearchDialog(window.tasks, row, sidebar.source_names(), window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=WAIT)
        assert "1 match now" in drawn_text(dialog.found)
        dialog.bar.field.setText("-typhoon")
        dialog.bar.field.returnPressed.emit()
        qtbot.waitUntil(lambda: dialog.bar.error.isVisible(), timeout=WAIT)
        assert "only excludes" in drawn_text(dialog.bar.error)
        assert not dialog.save_button.isEnabled()
        shot(dialog, "saved-search-edit-error.png")
        dialog.bar.field.setText("typhoon OR Hainan")
        dialog.bar.field.returnPressed.emit()
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=WAIT)
        with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: sidebar.saved_search(typhoons.id).query == "typhoon OR Hainan",  # type: ignore[union-attr]
            timeout=WAIT,
        )
        assert "typhoon OR Hainan" in item_of(sidebar, SAVED, typhoons.id).toolTip(0)

        # Del deletes it, after asking.
        asked: list[str] = []
        monkeypatch.setattr(
            saved_searches, "confirm_delete", lambda parent, name: asked.append(name) or True
        )
        with qtbot.waitActive(window):  # back from the dialog
            window.activateWindow()
        sidebar.tree.setFocus()
        click(qtbot, sidebar, SAVED, typhoons.id)
        qtbot.keyClick(sidebar.tree, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: sidebar.saved_search(typhoons.id) is None, timeout=WAIT)
        assert asked == ["Storms"]
        assert "Storms" not in drawn_text(sidebar.tree.viewport())
        with open_monitor(watched) as monitor:
            assert [s.name for s in monitor.watchlists()] == ["Korea news"]
    finally:
        window.close()


def test_a_saved_searchs_name_is_plain_text_in_its_dialogs(qtbot, tasks):
    hostile = '<b>Bold</b> <img src="file:///etc/passwd">'
    row = SavedSearchRow(1, hostile, SearchRequest("typhoon"), 0, False)
    dialog = SavedSearchDialog(tasks, row, [])
    qtbot.addWidget(dialog)
    assert dialog.heading.textFormat() == Qt.TextFormat.PlainText
    assert hostile in drawn_text(dialog.heading)
    question = saved_searches.delete_question(dialog, hostile)
    assert question.textFormat() == Qt.TextFormat.PlainText
    assert hostile in question.text()
    settle(qtbot, tasks)


def test_shift_a_marks_all_read_except_in_the_search_field(qtbot, window: MainWindow):
    with qtbot.waitActive(window):
        window.activateWindow()
    window.search_bar.field.setFocus()
    qtbot.keyClick(window.search_bar.field, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert window.search_bar.field.text().lower() == "a"  # typed, not a shortcut
    window.search_bar.clear()
    settle(qtbot, window.tasks)
    assert drawn_row(window.sidebar, ALL) == "33 All articles"

    window.article_list.view.setFocus()
    qtbot.keyClick(window.article_list.view, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: drawn_row(window.sidebar, ALL) == "All articles", timeout=WAIT)
