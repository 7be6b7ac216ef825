"""The timeline chart: stacked bars per day and outlet, clicks pick a day, empty data says so."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette

from ui.timeline import EMPTY_MESSAGE, TimelineChart, outlet_colour

SHOTS = Path("/tmp/ui-shots")
DAYS = {
    "2026-11-10": {"Seoul Daily Wire": 3, "Neva Courier": 1},
    "2026-11-12": {"Seoul Daily Wire": 2, "Neva Courier": 4, "East River Bulletin": 5},
    "2026-11-13": {"Dnipro Morning": 1},
}


def make_chart(qtbot, days=DAYS) -> TimelineChart:
    chart = TimelineChart()
    qtbot.addWidget(chart)
    chart.resize(720, 280)
    chart.set_data(days)
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def save(chart: TimelineChart, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.grab().save(str(SHOTS / f"timeline-{name}.png"))


def test_days_between_are_filled_and_outlets_ordered_by_matches(qtbot):
    chart = make_chart(qtbot)
    assert chart.days == ["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"]
    # Five matches each (ties by name), then one.
    assert chart.outlets == [
        "East River Bulletin",
        "Neva Courier",
        "Seoul Daily Wire",
        "Dnipro Morning",
    ]
    assert chart.total("2026-11-12") == 11
    assert chart.total("2026-11-11") == 0
    save(chart, "light")


def test_bar_heights_follow_the_totals(qtbot):
    chart = make_chart(qtbot)
    tall = chart.bar_rect("2026-11-12")
    short = chart.bar_rect("2026-11-13")
    assert tall.height() > 0 and short.height() > 0
    assert abs(tall.height() / short.height() - 11) < 0.05
    assert tall.bottom() == short.bottom()
    assert chart.bar_rect("2026-11-11").height() == 0
    assert tall.left() > chart.bar_rect("2026-11-10").right()


def test_bars_are_painted_in_outlet_colours(qtbot):
    chart = make_chart(qtbot)
    image = chart.grab().toImage()
    dark = chart.palette().color(QPalette.ColorRole.Window).lightness() < 128
    only_dnipro = QColor(image.pixel(chart.bar_rect("2026-11-13").center().toPoint()))
    assert only_dnipro.rgb() == outlet_colour(chart.outlets.index("Dnipro Morning"), dark).rgb()
    stacked = chart.bar_rect("2026-11-12")
    bottom = QColor(image.pixel(QPointF(stacked.center().x(), stacked.bottom() - 2).toPoint()))
    top = QColor(image.pixel(QPointF(stacked.center().x(), stacked.top() + 2).toPoint()))
    # The stack starts with the outlet with most matches and ends with the fewest.
    assert bottom.rgb() == outlet_colour(0, dark).rgb()
    assert top.rgb() == outlet_colour(2, dark).rgb()


def test_clicking_a_bar_emits_its_day(qtbot):
    chart = make_chart(qtbot)
    bar = chart.bar_rect("2026-11-12")
    with qtbot.waitSignal(chart.day_selected) as signal:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar.center().toPoint())
    assert signal.args == ["2026-11-12"]
    assert chart.selected_day == "2026-11-12"
    save(chart, "selected")


def test_clicking_an_empty_day_or_outside_emits_nothing(qtbot):
    chart = make_chart(qtbot)
    empty = chart.plot_rect()
    with qtbot.assertNotEmitted(chart.day_selected):
        gap_day = chart.bar_rect("2026-11-11").center()  # zero height: its slot's middle
        point = QPointF(gap_day.x(), empty.center().y()).toPoint()
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    assert chart.selected_day is None


def test_tooltip_lists_outlets_of_the_day(qtbot):
    chart = make_chart(qtbot)
    tip = chart.tooltip_text("2026-11-12")
    assert "11 matches" in tip
    assert "East River Bulletin: 5" in tip
    assert "Dnipro Morning" not in tip
    assert chart.day_at(chart.bar_rect("2026-11-10").center()) == "2026-11-10"


def test_empty_data_shows_a_message(qtbot):
    chart = make_chart(qtbot, {})
    assert chart.days == []
    assert chart.bar_rect("2026-11-12").isEmpty()
    assert chart.day_at(QPointF(100, 100)) is None
    save(chart, "empty")
    image = chart.grab().toImage()
    background = chart.palette().color(QPalette.ColorRole.Window)
    centre = image.rect().center()
    row = [QColor(image.pixel(x, centre.y())) for x in range(image.width())]
    assert any(c != background for c in row), EMPTY_MESSAGE


def test_dark_palette_keeps_text_and_bars_readable(qtbot):
    chart = TimelineChart()
    qtbot.addWidget(chart)
    palette = chart.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(30, 30, 32))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(230, 230, 230))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150))
    chart.setPalette(palette)
    chart.setAutoFillBackground(True)
    chart.resize(720, 280)
    chart.set_data(DAYS)
    chart.show()
    qtbot.waitExposed(chart)
    image = chart.grab().toImage()
    bar = QColor(image.pixel(chart.bar_rect("2026-11-13").center().toPoint()))
    assert bar.lightness() > 100  # a bar stands out from the dark background
    save(chart, "dark")
