"""What the window says about its state, read from what it draws: status-bar messages, unread
counts while the writer is busy, and filter controls that name what the list shows.

The window runs over the demo collection (collected, no translation models).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QTreeWidgetItem

from tests.ui.dialog_support import SHOTS, demo_collection  # noqa: F401
from tests.ui.drawn_text import changed_columns, drawn_runs, drawn_text
from tests.ui.test_tasks import settle
from ui.main_window import MainWindow
from ui.sidebar import KIND_ROLE, SOURCE, VALUE_ROLE
from ui.tasks import Changes, TaskManager
from ui.timeline import TimelineChart


@pytest.fixture
def window(qtbot, demo_dir: Path, tmp_path: Path) -> Iterator[MainWindow]:
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"state-{tmp_path.name}")
    shown = MainWindow(TaskManager(demo_dir))
    qtbot.addWidget(shown)
    shown.resize(1400, 860)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: len(shown.article_list.rows()) == 33, timeout=10_000)
    settle(qtbot, shown.tasks)
    yield shown
    shown.close()  # cancels and joins the workers


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


# The status bar ---------------------------------------------------------------------------


def message_extent(qtbot, window: MainWindow, show) -> tuple[int, int]:
    """Where a message changes the status bar's pixels when ``show()`` puts it up."""
    bar = window.statusBar()
    bar.clearMessage()
    before = bar.grab().toImage()
    show()
    qtbot.waitUntil(lambda: bool(bar.currentMessage()), timeout=10_000)
    after = bar.grab().toImage()
    changed = changed_columns(before, after)
    assert changed is not None, f"{bar.currentMessage()!r} changed no pixel"
    return changed


def test_status_bar_messages_are_drawn_whole(qtbot, window: MainWindow):
    bar = window.statusBar()
    metrics = bar.fontMetrics()

    # An action that needs a selection says so (none is selected yet).
    first, last = message_extent(qtbot, window, window.compare_current)
    message = "Select an article to compare its coverage."
    assert bar.currentMessage() == message
    assert last - first + 1 >= metrics.horizontalAdvance(message) - 4
    assert message in drawn_text(bar)
    assert last < window.work.geometry().left()  # beside the work panel, not under it
    shot(bar, "status-bar-message.png")

    # A search's count, and a finished job's summary.
    window.search_bar.set_query("satellite")
    qtbot.waitUntil(lambda: "match" in bar.currentMessage(), timeout=10_000)
    counted = bar.currentMessage()
    first, last = message_extent(qtbot, window, lambda: bar.showMessage(counted, 4000))
    assert last - first + 1 >= metrics.horizontalAdvance(counted) - 4
    summary = "12 new, 3 updated from 5 sources"
    first, last = message_extent(qtbot, window, lambda: window._work_done(summary))
    assert last - first + 1 >= metrics.horizontalAdvance(summary) - 4
    assert window.work.last_update.isVisible()  # the panel keeps its own text meanwhile


# Unread counts ----------------------------------------------------------------------------


def drawn_count(window: MainWindow, item: QTreeWidgetItem) -> str:
    """The text drawn on a sidebar row: its count, then its name."""
    tree = window.sidebar.tree
    return " ".join(drawn_runs(tree.viewport(), tree.visualItemRect(item)))


def outlet_item(window: MainWindow, source_id: int) -> QTreeWidgetItem:
    tree = window.sidebar.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while items:
        item = items.pop()
        if item.data(0, KIND_ROLE) == SOURCE and item.data(0, VALUE_ROLE) == source_id:
            return item
        items.extend(item.child(i) for i in range(item.childCount()))
    raise AssertionError(f"source {source_id} is not in the sidebar")


def test_reading_articles_lowers_the_drawn_counts_while_the_writer_is_busy(
    qtbot, window: MainWindow
):
    everything = window.sidebar.tree.topLevelItem(0)
    assert drawn_count(window, everything) == "33 All articles"
    rows = window.article_list.rows()
    outlet = rows[0].outlet
    source_id = window.sidebar.source_named(outlet)
    assert source_id is not None
    of_outlet = [row for row in rows if row.outlet == outlet]
    before = len(of_outlet)
    assert drawn_count(window, outlet_item(window, source_id)).startswith(f"{before} ")

    # A long job holds the writer (an update, translation): the marks wait behind it.
    release = threading.Event()
    window.tasks.write(lambda _: release.wait(30), changes=Changes.NONE)
    try:
        read = rows[:6]
        for row in read:
            window.article_list.select_id(row.id)
            qtbot.waitUntil(
                lambda row=row: (
                    window.reader.content is not None and window.reader.content.article_id == row.id
                ),
                timeout=10_000,
            )
        expected_outlet = before - sum(1 for row in read if row.outlet == outlet)
        qtbot.waitUntil(
            lambda: drawn_count(window, window.sidebar.tree.topLevelItem(0)) == "27 All articles",
            timeout=10_000,
        )
        item = outlet_item(window, source_id)
        assert drawn_count(window, item).startswith(f"{expected_outlet} ")
    finally:
        release.set()
    settle(qtbot, window.tasks)  # the marks stored: the counts read from the store agree
    assert drawn_count(window, window.sidebar.tree.topLevelItem(0)) == "27 All articles"

    # Marked unread again (M): counted back at once.
    release = threading.Event()
    window.tasks.write(lambda _: release.wait(30), changes=Changes.NONE)
    try:
        window.toggle_read()
        qtbot.waitUntil(
            lambda: drawn_count(window, window.sidebar.tree.topLevelItem(0)) == "28 All articles",
            timeout=10_000,
        )
    finally:
        release.set()
    settle(qtbot, window.tasks)


# Filters ----------------------------------------------------------------------------------


def click_item(qtbot, window: MainWindow, item: QTreeWidgetItem) -> None:
    tree = window.sidebar.tree
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center()
    )


def searched(window: MainWindow) -> bool:
    rows = window.article_list.rows()
    return bool(rows) and all(row.matched_in for row in rows)


def test_a_sidebar_click_clears_the_search_it_no_longer_applies(qtbot, window: MainWindow):
    window.search_bar.set_query("satellite")
    qtbot.waitUntil(lambda: searched(window), timeout=10_000)
    assert "satellite" in drawn_text(window.search_bar.field)
    everything = window.sidebar.tree.topLevelItem(0)
    assert window.sidebar.tree.currentItem() is everything  # the search covers all outlets

    korean = next(
        window.sidebar.tree.topLevelItem(i)
        for i in range(window.sidebar.tree.topLevelItemCount())
        if window.sidebar.tree.topLevelItem(i).text(0) == "Korean"
    )
    outlet = korean.child(0)
    click_item(qtbot, window, outlet)
    qtbot.waitUntil(
        lambda: {row.outlet for row in window.article_list.rows()} == {outlet.text(0)},
        timeout=10_000,
    )
    assert not searched(window)
    assert "satellite" not in drawn_text(window.search_bar)
    assert window.search_bar.request() is None

    # Searching again, then clicking "All articles" (selected as the search's scope) shows
    # every article and empties the box.
    window.search_bar.set_query("satellite")
    qtbot.waitUntil(lambda: searched(window), timeout=10_000)
    assert window.sidebar.tree.currentItem() is window.sidebar.tree.topLevelItem(0)
    click_item(qtbot, window, window.sidebar.tree.topLevelItem(0))
    qtbot.waitUntil(lambda: len(window.article_list.rows()) == 33, timeout=10_000)
    assert not searched(window) and window.search_bar.field.text() == ""

    # Emptying the box of a search started from an outlet goes back to that outlet's list.
    click_item(qtbot, window, outlet)
    qtbot.waitUntil(lambda: len(window.article_list.rows()) < 33, timeout=10_000)
    window.search_bar.set_query("satellite")
    qtbot.waitUntil(lambda: searched(window), timeout=10_000)
    window.search_bar.set_query("")
    qtbot.waitUntil(
        lambda: {row.outlet for row in window.article_list.rows()} == {outlet.text(0)},
        timeout=10_000,
    )
    assert window.sidebar.tree.currentItem().text(0) == outlet.text(0)


def open_timeline(qtbot, window: MainWindow) -> TimelineChart:
    window.show_timeline()
    qtbot.waitUntil(lambda: bool(window.findChildren(TimelineChart)), timeout=10_000)
    chart = window.findChildren(TimelineChart)[-1]
    qtbot.waitUntil(lambda: bool(chart.days), timeout=10_000)
    qtbot.waitExposed(chart.window())
    return chart


def click_busiest_day(qtbot, chart: TimelineChart) -> str:
    day = max(chart.days, key=chart.total)
    centre = chart.bar_rect(day).center()
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(int(centre.x()), int(centre.y())))
    return day


def on_day(window: MainWindow, day: str) -> bool:
    rows = window.article_list.rows()
    return bool(rows) and all(
        row.published is not None and row.published.astimezone(UTC).date().isoformat() == day
        for row in rows
    )


def test_a_timeline_click_shows_its_day_in_the_date_filter(qtbot, window: MainWindow):
    window.search_bar.set_query("satellite")
    qtbot.waitUntil(lambda: searched(window), timeout=10_000)
    chart = open_timeline(qtbot, window)
    day = click_busiest_day(qtbot, chart)
    qtbot.waitUntil(lambda: on_day(window, day) and searched(window), timeout=10_000)

    assert len(window.article_list.rows()) == chart.total(day)
    drawn = drawn_text(window.search_bar)
    assert "Any date" not in drawn and "Custom range…" in drawn
    assert drawn.count(day) == 2  # from and to
    assert "satellite" in drawn
    chart.window().close()
    shot(window, "filters-after-timeline-click.png")


def test_a_timeline_without_a_search_charts_what_the_list_shows(qtbot, window: MainWindow):
    chart = open_timeline(qtbot, window)
    assert "all articles" in chart.window().windowTitle()
    assert sum(chart.total(day) for day in chart.days) == 33  # every demo article is dated
    day = click_busiest_day(qtbot, chart)
    qtbot.waitUntil(lambda: on_day(window, day), timeout=10_000)

    assert len(window.article_list.rows()) == chart.total(day)
    drawn = drawn_text(window.search_bar)
    assert "Custom range…" in drawn and drawn.count(day) == 2
    assert window.search_bar.field.text() == ""
    chart.window().close()
