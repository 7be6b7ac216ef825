"""The main window's browsing widgets over a real demo collection with tiny glossary models:
the sidebar, the search bar, the article list and the welcome page."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QEvent, QRect, Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QApplication

from indexes.types import SearchRequest, SortOrder
from monitor import open_monitor
from tests.support.argos_factory import build_package
from ui.article_list import (
    EMPTY_COLLECTION,
    EMPTY_SEARCH,
    ArticleList,
    format_time,
    snippet_html,
    via_text,
)
from ui.languages import FOLLOWED_LANGUAGES, badge_text, language_name
from ui.queries import article_rows, search_rows, source_rows
from ui.search_bar import DEBOUNCE_MS, HISTORY_LIMIT, SearchBar
from ui.sidebar import ERROR_ROLE, UNREAD_ROLE, Sidebar
from ui.viewdata import ArticleRow, SavedSearchRow, SourceRow
from ui.welcome import WelcomeView

# One word per language translates, so "satellite" finds stories only through translations.
GLOSSARIES = {
    "ru": {"спутник": "satellite"},
    "uk": {"супутник": "satellite"},
    "zh": {"卫星": "satellite"},
    "ko": {"위성": "satellite"},
}
KST = timezone(timedelta(hours=9))


@dataclass(frozen=True)
class Demo:
    sources: list[SourceRow]
    articles: list[ArticleRow]
    hits: list[ArticleRow]
    total: int


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("browsing")
    for language, glossary in GLOSSARIES.items():
        build_package(root / "models", language, "en", glossary=glossary)
    with open_monitor(root / "data") as monitor:
        monitor.install_models([root / "models"])
        monitor.update([s.id for s in monitor.add_demo_sources()])
        hits, total, _ = search_rows(monitor, SearchRequest("satellite", page_size=50))
        return Demo(source_rows(monitor), article_rows(monitor), hits, total)


# Sidebar ---------------------------------------------------------------------------------


def _top_items(sidebar: Sidebar) -> list:
    return [sidebar.tree.topLevelItem(i) for i in range(sidebar.tree.topLevelItemCount())]


def _click(qtbot, sidebar: Sidebar, item) -> None:
    rect = sidebar.tree.visualItemRect(item)
    qtbot.mouseClick(sidebar.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_sidebar_groups_outlets_by_language_with_counts(qtbot, demo: Demo):
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.set_sources(demo.sources)
    items = _top_items(sidebar)
    assert items[0].text(0) == "All articles"
    assert items[0].data(0, UNREAD_ROLE) == sum(row.unread for row in demo.sources)
    assert items[1].text(0) == "Starred"
    languages = sorted({row.language for row in demo.sources}, key=FOLLOWED_LANGUAGES.index)
    headers = items[2:]
    assert [header.text(0) for header in headers] == [language_name(c) for c in languages]
    for header, language in zip(headers, languages, strict=True):
        outlets = [row for row in demo.sources if row.language == language]
        children = [header.child(i).text(0) for i in range(header.childCount())]
        assert children == sorted(row.name for row in outlets)
        assert header.data(0, UNREAD_ROLE) == sum(row.unread for row in outlets) > 0
        assert header.isExpanded()
    assert language_name("ko") == "Korean" and badge_text("ko") == "KO"


def test_sidebar_error_badge_carries_the_reason_as_tooltip(qtbot, demo: Demo, tmp_path: Path):
    failing = replace(demo.sources[1], error="403 Forbidden since 10:02")
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.set_sources([demo.sources[0], failing, *demo.sources[2:]])
    sidebar.resize(280, 420)
    sidebar.show()
    assert sidebar.select_source(failing.id)
    item = sidebar.tree.currentItem()
    assert item.data(0, ERROR_ROLE) == "403 Forbidden since 10:02"
    assert "403 Forbidden since 10:02" in item.toolTip(0)
    others = [header.child(i) for header in _top_items(sidebar) for i in range(header.childCount())]
    assert len(others) == len(demo.sources)
    assert [o.data(0, ERROR_ROLE) for o in others if o is not item] == [None] * (len(others) - 1)
    assert sidebar.grab().save(str(tmp_path / "sidebar.png"))


def test_sidebar_selection_signals_and_kept_selection(qtbot, demo: Demo):
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.set_sources(demo.sources)
    sidebar.set_saved_searches(
        [SavedSearchRow(7, "Satellites", SearchRequest("satellite OR спутник"), 0, False)]
    )
    sidebar.resize(280, 500)
    sidebar.show()
    qtbot.waitExposed(sidebar)
    items = _top_items(sidebar)
    korean = next(item for item in items if item.text(0) == "Korean")
    outlet = korean.child(0)
    expected_id = next(row.id for row in demo.sources if row.name == outlet.text(0))

    with qtbot.waitSignal(sidebar.source_selected) as picked:
        _click(qtbot, sidebar, outlet)
    assert picked.args == [expected_id]
    with qtbot.waitSignal(sidebar.language_selected) as picked:
        _click(qtbot, sidebar, korean)
    assert picked.args == ["ko"]
    with qtbot.waitSignal(sidebar.saved_search_selected) as picked:
        _click(qtbot, sidebar, items[-1])
    assert picked.args == [7]
    with qtbot.waitSignal(sidebar.all_selected):
        _click(qtbot, sidebar, items[0])

    # A refresh keeps the chosen outlet without re-announcing it.
    assert sidebar.select_source(expected_id)
    with (
        qtbot.assertNotEmitted(sidebar.source_selected),
        qtbot.assertNotEmitted(sidebar.all_selected),
    ):
        sidebar.set_sources([replace(row, unread=0) for row in demo.sources])
    assert sidebar.current_key() == ("source", expected_id)
    # When it is removed, everything is shown again.
    with qtbot.waitSignal(sidebar.all_selected):
        sidebar.set_sources([row for row in demo.sources if row.id != expected_id])
    assert sidebar.current_key() == ("all", None)


# Search bar ------------------------------------------------------------------------------


def _recorder(bar: SearchBar) -> list[object]:
    emitted: list[object] = []
    bar.search_requested.connect(emitted.append)
    bar.search_cleared.connect(lambda: emitted.append(None))
    return emitted


def _type(widget, text: str) -> None:
    """Key presses carrying each character, as a keyboard layout would send them (QTest's
    keyClicks only knows ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def test_typing_searches_once_after_a_pause(qtbot):
    bar = SearchBar()
    qtbot.addWidget(bar)
    emitted = _recorder(bar)
    _type(bar.field, "спутник")
    assert emitted == [], "no search per key"
    with qtbot.waitSignal(bar.search_requested, timeout=DEBOUNCE_MS * 5) as blocker:
        pass
    assert blocker.args[0].text == "спутник"
    qtbot.wait(DEBOUNCE_MS + 100)
    assert len(emitted) == 1
    assert bar.history() == [], "typing alone is not history"


def test_slash_shortcut_target_focuses_and_selects(qtbot):
    bar = SearchBar()
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitExposed(bar)
    bar.activateWindow()
    bar.field.setText("ракета")
    bar.focus_search()
    qtbot.waitUntil(bar.field.hasFocus)
    assert bar.field.selectedText() == "ракета"


def test_enter_searches_at_once_and_escape_clears(qtbot):
    bar = SearchBar()
    qtbot.addWidget(bar)
    emitted = _recorder(bar)
    _type(bar.field, "  위성 OR 卫星 ")
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert [request.text for request in emitted] == ["위성 OR 卫星"]
    assert bar.history() == ["위성 OR 卫星"]
    qtbot.wait(DEBOUNCE_MS + 100)
    assert len(emitted) == 1, "the pending timer does not search again"
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert bar.field.text() == ""
    assert emitted[-1] is None, "search_cleared"


def test_filters_travel_as_request_parameters(qtbot, demo: Demo):
    bar = SearchBar(today=lambda: date(2026, 11, 27))
    qtbot.addWidget(bar)
    outlets = [row.name for row in demo.sources]
    bar.set_outlets(outlets)
    emitted = _recorder(bar)
    bar.language.setCurrentIndex(bar.language.findData("ru"))
    assert emitted[-1] == SearchRequest(
        "", languages=("ru",), page_size=bar.page_size, facets=False
    )
    bar.outlet.setCurrentIndex(bar.outlet.findText(outlets[1]))
    bar.dates.setCurrentIndex(bar.dates.findText("Last 7 days"))
    bar.sort.setCurrentIndex(bar.sort.findData(SortOrder.DATE))
    bar.set_query("ставка")
    assert emitted[-1] == SearchRequest(
        "ставка",
        languages=("ru",),
        outlets=(outlets[1],),
        since=date(2026, 11, 21),
        sort=SortOrder.DATE,
        page_size=bar.page_size,
        facets=False,
    )
    bar.dates.setCurrentIndex(bar.dates.findText("Custom range…"))
    assert bar.since.isVisibleTo(bar)
    bar.since.setDate(QDate(2026, 11, 1))
    bar.until.setDate(QDate(2026, 11, 12))
    assert (emitted[-1].since, emitted[-1].until) == (date(2026, 11, 1), date(2026, 11, 12))
    # The outlet disappears from the collection: the filter falls back to any outlet.
    bar.set_outlets(outlets[2:])
    assert emitted[-1].outlets == ()
    bar.clear()
    assert emitted[-1] is None and bar.request() is None


def test_history_is_recent_first_unique_and_capped(qtbot):
    bar = SearchBar()
    qtbot.addWidget(bar)
    bar.set_history(["b", "a", "b", " ", *[f"q{i}" for i in range(HISTORY_LIMIT + 5)]])
    assert bar.history()[:3] == ["b", "a", "q0"]
    assert len(bar.history()) == HISTORY_LIMIT
    with qtbot.waitSignal(bar.history_changed):
        bar.add_to_history("a")
    assert bar.history()[:2] == ["a", "b"]
    assert bar.completer.model().rowCount() == HISTORY_LIMIT
    bar.completer.setCompletionPrefix("q1")
    assert bar.completer.currentCompletion().startswith("q1")


# Article list ----------------------------------------------------------------------------


def _list(qtbot, rows: list[ArticleRow], now: datetime, **kwargs) -> ArticleList:
    articles = ArticleList(now=lambda: now)
    qtbot.addWidget(articles)
    articles.resize(520, 600)
    articles.set_rows(rows, **kwargs)
    articles.show()
    return articles


def test_list_shows_originals_with_translated_titles(qtbot, demo: Demo, tmp_path: Path):
    newest = max(row.published for row in demo.articles if row.published)
    articles = _list(qtbot, demo.articles, newest + timedelta(hours=2))
    assert articles.model.rowCount() == len(demo.articles)
    assert not articles.empty.isVisible()
    translated = [row for row in articles.rows() if row.title_translated]
    assert {row.language for row in translated} == set(GLOSSARIES)
    assert all(row.title_translated is None for row in articles.rows() if row.language == "en")
    heights = {
        row.title_translated is not None: articles.view.visualRect(articles.model.index(i)).height()
        for i, row in enumerate(articles.rows())
    }
    assert heights[True] > heights[False], "a translated title takes its own line"
    shot = tmp_path / "list.png"
    assert articles.grab().save(str(shot)) and shot.stat().st_size > 10_000


def test_times_are_local_and_relative(demo: Demo):
    published = next(row.published for row in demo.articles if row.published)
    local = published.astimezone(KST)
    assert format_time(published, local + timedelta(seconds=20)) == "just now"
    assert format_time(published, local + timedelta(minutes=12)) == "12 min ago"
    end_of_day = local.replace(hour=23, minute=59)
    if end_of_day - local >= timedelta(hours=2):
        assert format_time(published, local + timedelta(hours=2, minutes=5)) == "2 h ago"
    if end_of_day - local >= timedelta(hours=6):
        assert format_time(published, end_of_day) == f"{local:%H:%M}"
    next_day = (local + timedelta(days=1)).replace(hour=23)
    assert format_time(published, next_day) == f"Yesterday {local:%H:%M}"
    weekday = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[local.weekday()]
    assert format_time(published, local + timedelta(days=3)) == f"{weekday} {local:%H:%M}"
    later = format_time(published, local + timedelta(days=20))
    assert later.startswith(f"{local.day} ") and str(local.year) not in later
    assert format_time(published, local + timedelta(days=400)).endswith(str(local.year))
    assert format_time(None, local) == ""


def test_j_k_navigation_selection_and_activation(qtbot, demo: Demo):
    articles = _list(qtbot, demo.articles, datetime.now(KST))
    ids = [row.id for row in demo.articles]
    assert articles.current_id() is None
    with qtbot.waitSignal(articles.article_selected) as selected:
        articles.select_next()
    assert selected.args == [ids[0]]
    articles.select_next()
    articles.select_next()
    articles.select_previous()
    assert articles.current_id() == ids[1]
    with qtbot.waitSignal(articles.article_activated) as activated:
        qtbot.keyClick(articles.view, Qt.Key.Key_Return)
    assert activated.args == [ids[1]]

    # New rows (a refresh) keep the selected article without announcing it again.
    with qtbot.assertNotEmitted(articles.article_selected):
        articles.set_rows(list(reversed(demo.articles)))
    assert articles.current_id() == ids[1]
    articles.select_previous()  # upwards in the new order: the article after it before
    assert articles.current_id() == ids[2]
    starred = replace(demo.articles[1], is_read=True, is_starred=True)
    articles.update_row(starred)
    assert starred in articles.rows()


def test_search_rows_show_snippets_and_the_via_translation_badge(qtbot, demo: Demo):
    assert demo.hits and demo.total == len(demo.hits)
    articles = _list(qtbot, demo.hits, datetime.now(KST), total=demo.total)
    assert articles.summary.isVisible()
    assert articles.summary.text() == f"{demo.total} matches"
    for row in articles.rows():
        snippet = snippet_html(row)
        assert "<b>" in snippet and "\n" not in snippet
        if row.language == "en":
            assert row.matched_in == "original" and via_text(row, "en") == ""
        else:
            assert row.matched_in in {"translation", "both"}
            assert via_text(row, "en") == "via EN"
            assert "<b>satellite</b>" in snippet, "the snippet from the side that matched"
    # The snippet is drawn: the bottom third of each row has ink, as much as its top third.
    articles.view.clearSelection()
    image = articles.view.viewport().grab().toImage()
    for position in range(min(3, len(demo.hits))):
        rect = articles.view.visualRect(articles.model.index(position))
        third = rect.height() // 3
        top = _ink(image, rect.adjusted(0, 0, 0, third - rect.height()))
        bottom = _ink(image, rect.adjusted(0, rect.height() - third, 0, 0))
        assert bottom > top / 3 > 0


def _ink(image: QImage, rect: QRect) -> int:
    """Pixels in ``rect`` that differ from the list's background (sampled every other column)."""
    background = image.pixelColor(image.width() - 3, image.height() - 3)
    return sum(
        image.pixelColor(x, y) != background
        for x in range(rect.left(), rect.right(), 2)
        for y in range(rect.top(), rect.bottom())
    )


def test_empty_states(qtbot, demo: Demo):
    articles = _list(qtbot, [], datetime.now(KST))
    assert articles.empty.isVisible() and articles.empty.text() == EMPTY_COLLECTION
    articles.set_rows([], total=0)
    assert articles.empty.text() == EMPTY_SEARCH
    articles.set_rows(demo.articles[:3])
    assert articles.view.isVisible() and not articles.empty.isVisible()


# Welcome ---------------------------------------------------------------------------------


def test_welcome_buttons_emit(qtbot, tmp_path: Path):
    welcome = WelcomeView()
    qtbot.addWidget(welcome)
    welcome.resize(800, 560)
    welcome.show()
    for button, signal in (
        (welcome.catalog_button, welcome.catalog_requested),
        (welcome.demo_button, welcome.demo_requested),
        (welcome.models_button, welcome.models_requested),
    ):
        with qtbot.waitSignal(signal, timeout=1000):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert welcome.grab().save(str(tmp_path / "welcome.png"))
