"""The strip above the compare columns: the story's articles as dots on one time axis.

Times are shown in the user's time zone. The earliest article's label is bold (who
published first); filled dots are articles shown in columns, hollow ones related coverage
that has no column. Labels are stacked in a few lanes so close times stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from monitor.types import CoverageEvent
from ui.compare.column import local_time_text
from ui.languages import badge_color, language_name
from ui.plain import escaped, isolated

LANES = 3
_MARGIN = 18
_DOT_RADIUS = 5.0
_TICK_STEPS = [
    timedelta(minutes=m) for m in (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)
]
_MIN_SPAN = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class _Placed:
    event: CoverageEvent
    centre: QPointF
    label: QRectF
    text: str


def _local(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone()


class CoverageStrip(QWidget):
    """Who published the story when, on one axis.

    Signals:
        article_clicked(int): the user clicked the dot of an article.
    """

    article_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.events: tuple[CoverageEvent, ...] = ()
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_events(self, events: Sequence[CoverageEvent]) -> None:
        self.events = tuple(events)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(600, (LANES + 1) * (line + 4) + round(2 * _DOT_RADIUS) + 16)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    # Geometry ----------------------------------------------------------------------------

    def _axis_y(self) -> float:
        return self.height() - QFontMetrics(self.font()).height() - 10.0

    def _range(self) -> tuple[datetime, timedelta] | None:
        times = [e.published for e in self.events if e.published is not None]
        if not times:
            return None
        first, last = min(times), max(times)
        span = max(last - first, _MIN_SPAN)
        pad = span * 0.08
        middle = first + (last - first) / 2
        start = middle - span / 2 - pad
        return start, span + 2 * pad

    def _x(self, moment: datetime, start: datetime, span: timedelta) -> float:
        width = self.width() - 2 * _MARGIN
        return _MARGIN + (moment - start) / span * width

    def placed(self) -> list[_Placed]:
        """Where each dated article's dot and label go, earliest first."""
        found = self._range()
        if found is None:
            return []
        start, span = found
        metrics = QFontMetrics(self._bold_font())
        line = metrics.height() + 4
        axis = self._axis_y()
        lane_ends = [float("-inf")] * LANES
        placed = []
        dated = [e for e in self.events if e.published is not None]
        for event in dated:
            assert event.published is not None
            x = self._x(event.published, start, span)
            text = f"{isolated(event.outlet)} · {_local(event.published):%H:%M}"
            width = metrics.horizontalAdvance(text) + 6
            left = min(max(x - width / 2, 2.0), self.width() - width - 2.0)
            lane = next((i for i, end in enumerate(lane_ends) if left > end + 6), None)
            if lane is None:
                lane = min(range(LANES), key=lambda i: lane_ends[i])
            lane_ends[lane] = left + width
            top = axis - _DOT_RADIUS - 6 - (lane + 1) * line
            placed.append(_Placed(event, QPointF(x, axis), QRectF(left, top, width, line), text))
        return placed

    def dot_positions(self) -> dict[int, QPointF]:
        return {p.event.article_id: p.centre for p in self.placed()}

    def _bold_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    # Painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        found = self._range()
        if found is None:
            painter.setPen(dim)
            message = "No publication times known for this story."
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, message)
            return
        start, span = found
        axis = self._axis_y()
        painter.setPen(QPen(dim, 1))
        painter.drawLine(QPointF(_MARGIN, axis), QPointF(self.width() - _MARGIN, axis))
        self._paint_ticks(painter, start, span, axis, dim)
        places = self.placed()
        first = places[0].event.article_id if places else None
        for place in places:
            colour = QColor(badge_color(place.event.language))
            colour.setAlpha(255)
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DotLine))
            painter.drawLine(place.centre, QPointF(place.centre.x(), place.label.bottom()))
            painter.setPen(QPen(colour, 2))
            painter.setBrush(colour if place.event.compared else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(place.centre, _DOT_RADIUS, _DOT_RADIUS)
            is_first = place.event.article_id == first
            painter.setFont(self._bold_font() if is_first else self.font())
            painter.setPen(text_colour if place.event.compared else dim)
            painter.drawText(place.label, Qt.AlignmentFlag.AlignCenter, place.text)
        painter.setFont(self.font())
        undated = [isolated(e.outlet) for e in self.events if e.published is None]
        if undated:
            painter.setPen(dim)
            text = "Time unknown: " + ", ".join(undated)
            painter.drawText(
                QRectF(_MARGIN, 2, self.width() - 2 * _MARGIN, 20),
                Qt.AlignmentFlag.AlignRight,
                text,
            )

    def _paint_ticks(
        self, painter: QPainter, start: datetime, span: timedelta, axis: float, colour: QColor
    ) -> None:
        metrics = QFontMetrics(self.font())
        room = max(
            1, int((self.width() - 2 * _MARGIN) / (metrics.horizontalAdvance("00 Nov 00:00") + 24))
        )
        step = next((s for s in _TICK_STEPS if span / s <= room), _TICK_STEPS[-1])
        local_start = _local(start)
        midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
        tick = midnight + step * -(-(local_start - midnight) // step)
        previous_day = None
        painter.setPen(colour)
        while tick <= local_start + span:
            x = self._x(tick, start, span)
            painter.drawLine(QPointF(x, axis - 3), QPointF(x, axis + 3))
            label = f"{tick:%H:%M}"
            if tick.date() != previous_day:
                label = (
                    f"{tick.day} {tick:%b} {label}"
                    if step < timedelta(days=1)
                    else f"{tick.day} {tick:%b}"
                )
                previous_day = tick.date()
            rect = QRectF(x - 60, axis + 4, 120, metrics.height() + 2)
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
            tick += step

    # Mouse -------------------------------------------------------------------------------

    def _hit(self, point: QPointF) -> _Placed | None:
        for place in self.placed():
            near_dot = (place.centre - point).manhattanLength() <= _DOT_RADIUS * 2.5
            if near_dot or place.label.contains(point):
                return place
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        place = self._hit(event.position())
        if place is None:
            QToolTip.hideText()
            self.unsetCursor()
            return
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_text(place), self)

    @staticmethod
    def tooltip_text(place: _Placed) -> str:
        """The tooltip of an article's dot: outlet, language, title and time."""
        tip = (
            f"<b>{escaped(place.event.outlet)}</b> ({escaped(language_name(place.event.language))})"
            f"<br>{escaped(place.event.title)}<br>{local_time_text(place.event.published)}"
        )
        if not place.event.compared:
            tip += "<br><i>Click to add it as a column</i>"
        return tip

    def mousePressEvent(self, event: QMouseEvent) -> None:
        place = self._hit(event.position())
        if place is not None and event.button() == Qt.MouseButton.LeftButton:
            self.article_clicked.emit(place.event.article_id)
            return
        super().mousePressEvent(event)
