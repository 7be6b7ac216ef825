"""The strip above the compare columns: the story's articles as dots on one time axis.

Times are shown in the user's time zone. The earliest article's label is bold (who
published first); filled dots are articles shown in columns, hollow ones related coverage
that has no column. Labels never overprint one another: they are dealt to as few lanes as
keep each near its dot, pushed apart within a lane, and joined to their dots by leader lines
(:func:`lay_out_labels`); the strip grows a lane when close times need one.
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
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from monitor.types import CoverageEvent
from ui.compare.column import local_time_text
from ui.languages import badge_color, language_name
from ui.plain import escaped, isolated

_MARGIN = 18
_LABEL_GAP = 8.0  # between two labels in one lane
_NEAR_DOT = 1.0  # a label may sit this many label widths from its dot before a lane is added
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
    lane: int


def lay_out_labels(
    centres: Sequence[float], widths: Sequence[float], low: float, high: float
) -> list[tuple[int, float]]:
    """Each label's (lane, left edge): no two labels of a lane closer than the gap, every
    label within ``low``..``high`` when it fits.

    Labels, in time order, are dealt to the lanes in turn (neighbours in time go to different
    lanes); within a lane, labels that would overlap are pushed apart as a group centred on
    their dots. The fewest lanes that keep every label within about its width of its dot win;
    if none does, the fewest that fit at all.
    """
    count = len(centres)
    fitting: list[tuple[int, float]] | None = None
    for lanes in range(1, count + 1):
        layout: list[tuple[int, float]] = [(0, 0.0)] * count
        fits = True
        for lane in range(lanes):
            members = list(range(lane, count, lanes))
            lefts = _spread(
                [centres[i] - widths[i] / 2 for i in members],
                [widths[i] for i in members],
                low,
                high,
            )
            if lefts is None:
                fits = False
                break
            for i, left in zip(members, lefts, strict=True):
                layout[i] = (lane, left)
        if not fits:
            continue
        fitting = fitting or layout
        furthest = max(abs(left + widths[i] / 2 - centres[i]) for i, (_, left) in enumerate(layout))
        if furthest <= _NEAR_DOT * max(widths):
            return layout
    return fitting or []


def _spread(
    ideal: Sequence[float], widths: Sequence[float], low: float, high: float
) -> list[float] | None:
    """Left edges for one lane's labels (in order): each where ``ideal`` puts it, unless it
    would overlap; a group that overlaps is moved as one, to its members' mean wish, and kept
    within ``low``..``high``. None when the labels do not fit side by side."""
    blocks: list[list[int]] = []  # runs of labels set edge to edge
    lefts: list[float] = []

    def width(block: list[int]) -> float:
        return sum(widths[i] for i in block) + _LABEL_GAP * (len(block) - 1)

    def best_left(block: list[int]) -> float:
        offsets, wishes = 0.0, []
        for i in block:
            wishes.append(ideal[i] - offsets)
            offsets += widths[i] + _LABEL_GAP
        return max(low, min(sum(wishes) / len(wishes), high - width(block)))

    for index in range(len(ideal)):
        blocks.append([index])
        lefts.append(best_left([index]))
        while len(blocks) > 1 and lefts[-2] + width(blocks[-2]) + _LABEL_GAP > lefts[-1]:
            merged = blocks[-2] + blocks.pop()
            lefts.pop()
            blocks[-1] = merged
            lefts[-1] = best_left(merged)
        if len(blocks[-1]) > 1 and width(blocks[-1]) > high - low:
            return None
    placed: list[float] = []
    for block, left in zip(blocks, lefts, strict=True):
        for i in block:
            placed.append(left)
            left += widths[i] + _LABEL_GAP
    return placed


def _opaque(colour: QColor) -> QColor:
    opaque = QColor(colour)
    opaque.setAlpha(255)
    return opaque


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
        self._lanes = 1
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_events(self, events: Sequence[CoverageEvent]) -> None:
        self.events = tuple(events)
        self._lanes = self.lane_count()
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self._bold_font()).height() + 4
        rows = self.lane_count() + 1 + (1 if self._undated() else 0)
        return QSize(600, rows * line + round(2 * _DOT_RADIUS) + 16)

    def resizeEvent(self, event: QResizeEvent) -> None:
        lanes = self.lane_count()  # a narrower strip may need another lane, a wider one fewer
        if lanes != self._lanes:
            self._lanes = lanes
            self.updateGeometry()
        super().resizeEvent(event)

    def lane_count(self) -> int:
        """How many lanes of labels the strip needs at its present width."""
        return max((place.lane for place in self.placed()), default=0) + 1

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
        metrics = QFontMetrics(self._bold_font())  # the widest a label is drawn
        line = metrics.height() + 4
        axis = self._axis_y()
        dated = sorted(
            ((e, e.published) for e in self.events if e.published is not None),
            key=lambda pair: pair[1],
        )
        xs = [self._x(moment, start, span) for _, moment in dated]
        texts = [f"{isolated(e.outlet)} · {_local(moment):%H:%M}" for e, moment in dated]
        widths = [metrics.horizontalAdvance(text) + 8.0 for text in texts]
        layout = lay_out_labels(xs, widths, 2.0, self.width() - 2.0)
        placed = []
        rows = zip(dated, xs, texts, widths, layout, strict=True)
        for (event, _), x, text, width, (lane, left) in rows:
            top = axis - _DOT_RADIUS - 6 - (lane + 1) * line
            label = QRectF(left, top, width, line - 2)
            placed.append(_Placed(event, QPointF(x, axis), label, text, lane))
        return placed

    def _undated(self) -> list[str]:
        return [isolated(e.outlet) for e in self.events if e.published is None]

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
        colours = {p.event.article_id: _opaque(badge_color(p.event.language)) for p in places}
        for place in places:  # leader lines under every label: a label is never crossed out
            anchor = QPointF(
                min(max(place.centre.x(), place.label.left() + 4), place.label.right() - 4),
                place.label.bottom(),
            )
            painter.setPen(QPen(colours[place.event.article_id], 1, Qt.PenStyle.DotLine))
            painter.drawLine(place.centre, anchor)
        background = palette.color(QPalette.ColorRole.Window)
        for place in places:
            colour = colours[place.event.article_id]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(place.label, 3, 3)
            painter.setPen(QPen(colour, 1))
            painter.drawLine(place.label.bottomLeft(), place.label.bottomRight())
            is_first = place.event.article_id == first
            painter.setFont(self._bold_font() if is_first else self.font())
            painter.setPen(text_colour if place.event.compared else dim)
            painter.drawText(place.label, Qt.AlignmentFlag.AlignCenter, place.text)
        for place in places:
            colour = colours[place.event.article_id]
            painter.setPen(QPen(colour, 2))
            painter.setBrush(colour if place.event.compared else Qt.BrushStyle.NoBrush)
            painter.drawEllipse(place.centre, _DOT_RADIUS, _DOT_RADIUS)
        painter.setFont(self.font())
        undated = self._undated()
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
        painter.setPen(colour)
        for x, label, rect in self._ticks(start, span, axis):
            painter.drawLine(QPointF(x, axis - 3), QPointF(x, axis + 3))
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    def _ticks(
        self, start: datetime, span: timedelta, axis: float
    ) -> list[tuple[float, str, QRectF]]:
        """Each tick of the time axis: its x, its label and where the label is drawn."""
        metrics = QFontMetrics(self.font())
        room = max(
            1, int((self.width() - 2 * _MARGIN) / (metrics.horizontalAdvance("00 Nov 00:00") + 24))
        )
        step = next((s for s in _TICK_STEPS if span / s <= room), _TICK_STEPS[-1])
        local_start = _local(start)
        midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
        tick = midnight + step * -(-(local_start - midnight) // step)
        previous_day = None
        ticks = []
        while tick <= local_start + span:
            x = self._x(tick, start, span)
            label = f"{tick:%H:%M}"
            if tick.date() != previous_day:
                label = (
                    f"{tick.day} {tick:%b} {label}"
                    if step < timedelta(days=1)
                    else f"{tick.day} {tick:%b}"
                )
                previous_day = tick.date()
            width = metrics.horizontalAdvance(label) + 4
            # Centred under its tick, but kept inside the strip: the first label ("12 Nov
            # 13:00") was cut at the left edge.
            left = min(max(x - width / 2, 0.0), self.width() - width)
            ticks.append((x, label, QRectF(left, axis + 4, width, metrics.height() + 2)))
            tick += step
        return ticks

    def tick_labels(self) -> list[tuple[str, QRectF]]:
        """The axis labels as drawn now, with their rectangles (for tests and tooltips)."""
        found = self._range()
        if found is None:
            return []
        start, span = found
        return [(label, rect) for _, label, rect in self._ticks(start, span, self._axis_y())]

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
