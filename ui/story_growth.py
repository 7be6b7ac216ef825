"""How a story grew: its articles per hour, painted as bars (a story longer than two days is
drawn per day by :class:`ui.timeline.TimelineChart` instead)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from monitor.types import Story

HOURLY_SPAN = timedelta(days=2)  # a story this short grows by the hour, a longer one by day


def local_time(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone()


def growth(story: Story) -> tuple[bool, list[tuple[datetime, int]]]:
    """Articles per hour (a story of two days at most) or per day, local time, every slot
    from the first to the last; whether the slots are hours."""
    times = [local_time(m.published) for m in story.members if m.published is not None]
    if not times:
        return True, []
    hourly = max(times) - min(times) <= HOURLY_SPAN
    step = timedelta(hours=1) if hourly else timedelta(days=1)

    def slot(moment: datetime) -> datetime:
        moment = moment.replace(minute=0, second=0, microsecond=0)
        return moment if hourly else moment.replace(hour=0)

    counts = Counter(slot(t) for t in times)
    first, last = min(counts), max(counts)
    slots = []
    while first <= last:
        slots.append((first, counts.get(first, 0)))
        first += step
    return hourly, slots


class GrowthChart(QWidget):
    """Articles per hour as bars, a count over each bar and the hours under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slots: list[tuple[datetime, int]] = []
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(480, 150)

    def set_slots(self, slots: list[tuple[datetime, int]]) -> None:
        self.slots = slots
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        dim = palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = QFontMetrics(self.font())
        if not self.slots:
            painter.setPen(dim)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No times known.")
            return
        line = metrics.height()
        top, bottom = line + 6.0, self.height() - line - 8.0
        left, width = 8.0, self.width() - 16.0
        slot_width = width / len(self.slots)
        highest = max(count for _, count in self.slots) or 1
        bar_colour = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(dim)
        painter.drawLine(int(left), int(bottom), int(left + width), int(bottom))
        room = metrics.horizontalAdvance("20 Nov 00:00") + 10
        every = max(1, int(room // slot_width) + 1)
        previous_day = None
        for index, (moment, count) in enumerate(self.slots):
            x = left + index * slot_width
            bar = min(slot_width * 0.7, 40.0)
            height = (bottom - top) * count / highest
            rect = QRectF(x + (slot_width - bar) / 2, bottom - height, bar, height)
            if count:
                painter.fillRect(rect, bar_colour)
                painter.setPen(palette.color(QPalette.ColorRole.WindowText))
                above = QRectF(rect.center().x() - 20, rect.top() - line - 2, 40, line)
                painter.drawText(above, Qt.AlignmentFlag.AlignCenter, str(count))
            if index % every == 0:
                label = f"{moment:%H:%M}"
                if moment.date() != previous_day:
                    label = f"{moment.day} {moment:%b} {label}"
                    previous_day = moment.date()
                centre = x + slot_width / 2
                where = QRectF(centre - room / 2, bottom + 4, room, line)
                where.moveLeft(min(max(where.left(), 0.0), self.width() - room))
                painter.setPen(dim)
                painter.drawText(where, Qt.AlignmentFlag.AlignCenter, label)
