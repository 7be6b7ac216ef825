"""A small stacked bar chart of matches per day and outlet, drawn with QPainter.

Qt Charts is not part of PySide6-Essentials, and the chart needs little: one bar per day
(days without matches included, so gaps show), one colour per outlet, a legend, date
labels, a count axis, a tooltip per bar, and a click that picks the day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QDialog, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from monitor.types import SearchRequest
from ui.languages import language_name
from ui.plain import escaped, isolated
from ui.tasks import TaskManager

EMPTY_MESSAGE = "No matches to chart."
# Consecutive days are filled in up to this span; beyond it only the given days are drawn.
MAX_FILLED_DAYS = 400
MAX_BAR_WIDTH = 56.0
_MARGIN = 10
_GOLDEN_ANGLE = 137.508


def outlet_colour(index: int, dark: bool) -> QColor:
    """Well-separated hues, lighter on dark backgrounds so bars keep their contrast."""
    hue = round(210 + index * _GOLDEN_ANGLE) % 360
    return QColor.fromHsv(hue, 150 if dark else 190, 235 if dark else 200)


def _nice_step(maximum: int, room: int) -> int:
    """A 1-2-5 step giving at most ``room`` gridlines up to ``maximum``."""
    rough = max(1.0, maximum / max(1, room))
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * power >= rough:
            return int(factor * power)
    return int(10 * power)


def _day_label(day: str) -> str:
    parsed = date.fromisoformat(day)
    return f"{parsed.day} {parsed:%b}"


class TimelineChart(QWidget):
    """Matches per day, stacked by outlet.

    Signals:
        day_selected(str): the user clicked the bar of a day (ISO date, "2026-11-12").
    """

    day_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[str] = []
        self.outlets: list[str] = []  # most matches first: the legend's and the stack's order
        self.counts: dict[str, dict[str, int]] = {}
        self.selected_day: str | None = None
        self._hovered: str | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(640, 240)

    def set_data(self, days: Mapping[str, Mapping[str, int]]) -> None:
        """ISO day → outlet → matches. Days in between are shown as empty bars."""
        self.counts = {
            day: {o: n for o, n in per_outlet.items() if n > 0} for day, per_outlet in days.items()
        }
        totals: dict[str, int] = {}
        for per_outlet in self.counts.values():
            for outlet, count in per_outlet.items():
                totals[outlet] = totals.get(outlet, 0) + count
        self.outlets = sorted(totals, key=lambda o: (-totals[o], o.casefold()))
        self.days = self._all_days(sorted(d for d, c in self.counts.items() if c))
        if self.selected_day not in self.days:
            self.selected_day = None
        self.update()

    @staticmethod
    def _all_days(given: list[str]) -> list[str]:
        if not given:
            return []
        first, last = date.fromisoformat(given[0]), date.fromisoformat(given[-1])
        span = (last - first).days
        if span > MAX_FILLED_DAYS:
            return given
        return [(first + timedelta(days=n)).isoformat() for n in range(span + 1)]

    def set_selected_day(self, day: str | None) -> None:
        self.selected_day = day if day in self.days else None
        self.update()

    def total(self, day: str) -> int:
        return sum(self.counts.get(day, {}).values())

    # Geometry ------------------------------------------------------------------------------

    def _legend_rows(self) -> list[list[tuple[str, float]]]:
        """Legend entries (name, width) wrapped to the widget's width."""
        metrics = QFontMetrics(self.font())
        rows: list[list[tuple[str, float]]] = [[]]
        used = 0.0
        for outlet in self.outlets:
            width = metrics.height() + 6 + metrics.horizontalAdvance(outlet) + 16
            if rows[-1] and used + width > self.width() - 2 * _MARGIN:
                rows.append([])
                used = 0.0
            rows[-1].append((outlet, width))
            used += width
        return rows

    def plot_rect(self) -> QRectF:
        """Where the bars are drawn (inside the axes)."""
        metrics = QFontMetrics(self.font())
        legend = len(self._legend_rows()) * (metrics.height() + 4) + 6
        axis_width = metrics.horizontalAdvance(str(self._axis_max())) + 10
        return QRectF(
            _MARGIN + axis_width,
            _MARGIN + legend + metrics.height() / 2,
            self.width() - 2 * _MARGIN - axis_width,
            self.height() - 2 * _MARGIN - legend - metrics.height() * 1.5 - 6,
        )

    def _axis_max(self) -> int:
        highest = max((self.total(d) for d in self.days), default=0)
        step = _nice_step(highest, 5)
        return max(step, math.ceil(highest / step) * step)

    def bar_rect(self, day: str) -> QRectF:
        """The whole stacked bar of ``day`` (empty for days without matches or not shown)."""
        if day not in self.days:
            return QRectF()
        slot = self._slot(day)
        plot = self.plot_rect()
        height = plot.height() * self.total(day) / self._axis_max()
        return QRectF(slot.left(), plot.bottom() - height, slot.width(), height)

    def _slot(self, day: str) -> QRectF:
        """The column of the plot that belongs to ``day`` (the bar plus its gap)."""
        plot = self.plot_rect()
        width = plot.width() / len(self.days)
        index = self.days.index(day)
        bar = min(width - min(width * 0.25, 6.0), MAX_BAR_WIDTH)
        left = plot.left() + index * width + (width - bar) / 2
        return QRectF(left, plot.top(), bar, plot.height())

    def day_at(self, point: QPointF) -> str | None:
        """The day whose column (bar or the space above it) is under ``point``."""
        plot = self.plot_rect()
        if not self.days or not plot.contains(point):
            return None
        index = int((point.x() - plot.left()) / (plot.width() / len(self.days)))
        return self.days[min(index, len(self.days) - 1)]

    # Painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        if not self.days:
            painter.setPen(dim)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_MESSAGE)
            return
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        colours = {o: outlet_colour(i, dark) for i, o in enumerate(self.outlets)}
        self._paint_legend(painter, colours, text)
        plot = self.plot_rect()
        self._paint_axis(painter, plot, dim)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        for day in self.days:
            slot = self._slot(day)
            if day in (self.selected_day, self._hovered):
                shade = QColor(highlight)
                shade.setAlpha(90 if day == self.selected_day else 40)
                painter.fillRect(slot, shade)
            bottom = plot.bottom()
            for outlet in self.outlets:
                count = self.counts.get(day, {}).get(outlet, 0)
                if not count:
                    continue
                height = plot.height() * count / self._axis_max()
                painter.fillRect(
                    QRectF(slot.left(), bottom - height, slot.width(), height), colours[outlet]
                )
                bottom -= height
        self._paint_dates(painter, plot, dim)

    def _paint_legend(self, painter: QPainter, colours: dict[str, QColor], text: QColor) -> None:
        metrics = QFontMetrics(self.font())
        y = float(_MARGIN)
        for row in self._legend_rows():
            x = float(_MARGIN)
            for outlet, width in row:
                swatch = metrics.height() - 4
                painter.fillRect(QRectF(x, y + 2, swatch, swatch), colours[outlet])
                painter.setPen(text)
                label = QRectF(x + swatch + 6, y, width - swatch - 6, metrics.height())
                painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, outlet)
                x += width
            y += metrics.height() + 4

    def _paint_axis(self, painter: QPainter, plot: QRectF, colour: QColor) -> None:
        metrics = QFontMetrics(self.font())
        top = self._axis_max()
        step = _nice_step(top, max(1, int(plot.height() / (metrics.height() * 2))))
        grid = QColor(colour)
        grid.setAlpha(60)
        for value in range(0, top + 1, step):
            y = plot.bottom() - plot.height() * value / top
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(colour)
            label = QRectF(
                _MARGIN, y - metrics.height() / 2, plot.left() - _MARGIN - 6, metrics.height()
            )
            painter.drawText(
                label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value)
            )

    def _paint_dates(self, painter: QPainter, plot: QRectF, colour: QColor) -> None:
        metrics = QFontMetrics(self.font())
        room = metrics.horizontalAdvance("00 May") + 12
        every = max(1, math.ceil(room / (plot.width() / len(self.days))))
        painter.setPen(colour)
        for index, day in enumerate(self.days):
            if index % every:
                continue
            slot = self._slot(day)
            rect = QRectF(slot.center().x() - room / 2, plot.bottom() + 4, room, metrics.height())
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _day_label(day))

    # Mouse ---------------------------------------------------------------------------------

    def tooltip_text(self, day: str) -> str:
        parsed = date.fromisoformat(day)
        total = self.total(day)
        lines = [
            f"<b>{parsed:%a} {parsed.day} {parsed:%b %Y}</b>: {total} "
            f"{'match' if total == 1 else 'matches'}"
        ]
        per_outlet = self.counts.get(day, {})
        lines += [f"{escaped(o)}: {per_outlet[o]}" for o in self.outlets if per_outlet.get(o)]
        if total:
            lines.append("<i>Click to list this day's articles</i>")
        return "<br>".join(lines)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position())
        if day != self._hovered:
            self._hovered = day
            self.update()
        if day is None:
            QToolTip.hideText()
            return
        QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_text(day), self)

    def leaveEvent(self, event: QEvent) -> None:
        self._hovered = None
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position())
        if event.button() != Qt.MouseButton.LeftButton or day is None or not self.total(day):
            super().mousePressEvent(event)
            return
        self.selected_day = day
        self.update()
        self.day_selected.emit(day)


def browsed_request(outlet: str | None, language: str | None) -> tuple[SearchRequest, str]:
    """The articles of an outlet, of a language or of the whole collection (what the list shows
    without a search) as a search the timeline can chart, and its name for the title."""
    if outlet is not None:
        return SearchRequest("", outlets=(outlet,), since=date.min), outlet
    if language is not None:
        return SearchRequest("", languages=(language,), since=date.min), language_name(language)
    return SearchRequest("", since=date.min), "all articles"


def open_timeline(
    parent: QWidget, tasks: TaskManager, request: SearchRequest, title: str
) -> TimelineChart:
    """Show the timeline of ``request`` in its own window; the caller connects
    :attr:`TimelineChart.day_selected`."""
    window = QDialog(parent)
    window.setWindowTitle(f"Timeline: {isolated(title)}")
    window.resize(900, 420)
    chart = TimelineChart(window)
    QVBoxLayout(window).addWidget(chart)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    tasks.read(
        lambda monitor: monitor.timeline(request),
        success=chart.set_data,
        owner=chart,  # closing the window deletes the chart
    )
    window.show()
    return chart
