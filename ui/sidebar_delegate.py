"""How a sidebar row looks: the item roles the sidebar fills, and the delegate that paints
them — counts, the "3 new" badge, the warning of a failing outlet, a muted saved search,
the "TG" badge of a Telegram channel.

The tree holds only plain data in these roles; :class:`SidebarDelegate` draws it, so a test
can read what a row says from what is painted.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.article_delegate import CHANNEL_BADGE, TELEGRAM_BLUE
from ui.languages import badge_color, badge_font, badge_size, badge_text, draw_badge

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # one of the kinds below
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # source id, language code or saved search id
UNREAD_ROLE = Qt.ItemDataRole.UserRole + 3  # the count in the pill: unread, or starred
ERROR_ROLE = Qt.ItemDataRole.UserRole + 4
LANGUAGE_ROLE = Qt.ItemDataRole.UserRole + 5
NEW_ROLE = Qt.ItemDataRole.UserRole + 6  # new since the user last looked (seen is not read)
MUTED_ROLE = Qt.ItemDataRole.UserRole + 7  # a saved search that never notifies
CHANNEL_ROLE = Qt.ItemDataRole.UserRole + 8  # an outlet that is a Telegram channel

ALL, STARRED, LANGUAGE, SOURCE = "all", "starred", "language", "source"
SECTION, SAVED = "section", "saved"
WARNING_MARK = "!"
MUTED_MARK = "muted"
Index = QModelIndex | QPersistentModelIndex


def new_badge_text(count: int) -> str:
    """What the badge of things new since the user last looked says: "3 new"."""
    return f"{count} new"


class SidebarDelegate(QStyledItemDelegate):
    """Paints sidebar rows: headers in small caps weight, outlets with badges and counts."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        extra = 12 if index.data(KIND_ROLE) in (SECTION,) else 8
        return QSize(size.width(), size.height() + extra)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        kind = index.data(KIND_ROLE)
        style = opt.widget.style() if opt.widget else QApplication.style()
        text, opt.text = opt.text, ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = opt.rect.adjusted(8, 0, -8, 0)
        painter.save()
        font = QFont(opt.font)
        if kind in (ALL, STARRED, LANGUAGE, SECTION):
            font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)

        right = rect.right()
        unread = int(index.data(UNREAD_ROLE) or 0)
        if unread and kind != SECTION:
            right = _draw_count(painter, rect, right, unread, palette, selected)
        new = int(index.data(NEW_ROLE) or 0)
        if new:
            right = _draw_new(painter, rect, right, new, palette, selected)
        error = index.data(ERROR_ROLE)
        if error:
            # The same red whether selected or not: a failing outlet should stand out.
            right = _draw_warning(painter, rect, right)
        muted = bool(index.data(MUTED_ROLE))
        if muted:
            right = _draw_muted(painter, rect, right, palette, selected)

        left = rect.left()
        if kind == SOURCE:
            language = index.data(LANGUAGE_ROLE)
            code = badge_text(language)
            size = badge_size(painter.font(), code)
            badge = QRect(
                left, rect.center().y() - size.height() // 2 + 1, size.width(), size.height()
            )
            draw_badge(painter, badge, code, badge_color(language), palette, selected=selected)
            left = badge.right() + 7
        if kind == SECTION:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            text = text.upper()
            small = QFont(font)
            small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
            painter.setFont(small)
        elif muted and not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        else:
            painter.setPen(palette.color(text_role))
        channel = kind == SOURCE and bool(index.data(CHANNEL_ROLE))
        channel_size = badge_size(painter.font(), CHANNEL_BADGE)
        reserved = channel_size.width() + 6 if channel else 0
        area = QRect(QPoint(left, rect.top()), QPoint(right - 6 - reserved, rect.bottom()))
        elided = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, area.width())
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        if kind == SECTION:
            align = Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft
            area.adjust(0, 0, 0, -3)
        painter.drawText(area, align, elided)
        if channel:  # beside the name, as the article list marks the channel's posts
            x = left + painter.fontMetrics().horizontalAdvance(elided) + 6
            top = rect.center().y() - channel_size.height() // 2 + 1
            tag = QRect(QPoint(x, top), channel_size)
            draw_badge(painter, tag, CHANNEL_BADGE, TELEGRAM_BLUE, palette, selected=selected)
        painter.restore()


def _draw_count(
    painter: QPainter, rect: QRect, right: int, count: int, palette: QPalette, selected: bool
) -> int:
    text = str(count)
    metrics = painter.fontMetrics()
    width = max(metrics.horizontalAdvance(text) + 12, metrics.height() + 2)
    pill = QRect(right - width, rect.center().y() - metrics.height() // 2, width, metrics.height())
    fill = QColor(palette.color(QPalette.ColorRole.Highlight))
    fill.setAlpha(60 if not selected else 0)
    draw_badge(painter, pill, text, fill, palette, selected=selected)
    return pill.left() - 4


def _draw_new(
    painter: QPainter, rect: QRect, right: int, count: int, palette: QPalette, selected: bool
) -> int:
    """A warm "3 new" tag: it reads apart from the unread count beside it."""
    text = new_badge_text(count)
    size = badge_size(painter.font(), text)
    top = rect.center().y() - size.height() // 2 + 1
    tag = QRect(right - size.width(), top, size.width(), size.height())
    fill = QColor.fromHsv(28, 190, 245, 150 if not selected else 210)
    draw_badge(painter, tag, text, fill, palette, selected=selected)
    return tag.left() - 4


def _draw_muted(
    painter: QPainter, rect: QRect, right: int, palette: QPalette, selected: bool
) -> int:
    painter.save()
    painter.setFont(badge_font(painter.font()))
    metrics = painter.fontMetrics()
    width = metrics.horizontalAdvance(MUTED_MARK)
    area = QRect(right - width, rect.top(), width, rect.height())
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
    painter.setPen(palette.color(role))
    painter.drawText(area, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, MUTED_MARK)
    painter.restore()
    return area.left() - 6


def _draw_warning(painter: QPainter, rect: QRect, right: int) -> int:
    size = painter.fontMetrics().height()
    badge = QRect(right - size, rect.center().y() - size // 2, size, size)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(220, 60, 40, 230))
    painter.drawEllipse(badge)
    painter.setPen(QColor(255, 255, 255))
    bold = QFont(painter.font())
    bold.setWeight(QFont.Weight.Bold)
    painter.setFont(bold)
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, WARNING_MARK)
    painter.restore()
    return badge.left() - 4
