"""How an article row looks: its times, its snippet, its badges, and the delegate that
paints it (:class:`ArticleDelegate`), for the article list (:mod:`ui.article_list`).

Each row shows the original title, the translated title beneath it (dimmer), the outlet with
its language badge, the publication time in local time, unread (bold, with a dot) and
starred (★) state, a Telegram-blue "TG" badge for a channel's posts, a muted "edited" or
"deleted" for a post changed or gone since it was read, a "via EN" badge when a search matched
only through the translation and, for search results, a snippet with the matched words
highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.languages import badge_color, badge_font, badge_size, badge_text, draw_badge
from ui.plain import InertDocument, escaped
from ui.viewdata import ArticleRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
STAR = "★"
CHANNEL_BADGE = "TG"
TELEGRAM_BLUE = QColor(42, 171, 238, 150)
EDITED_MARK, DELETED_MARK = "edited", "deleted"
CJK_LINE_FACTOR = 1.3
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
Index = QModelIndex | QPersistentModelIndex


def local_now() -> datetime:
    """Now, in the computer's time zone."""
    return datetime.now().astimezone()


def format_time(published: datetime | None, now: datetime) -> str:
    """Short local time: "12 min ago", "2 h ago", "14:05" (today), "Mon 12:00", "3 Nov"."""
    if published is None:
        return ""
    local = published.astimezone(now.tzinfo)
    ago = now - local
    clock = f"{local:%H:%M}"
    days_back = (now.date() - local.date()).days
    if timedelta(0) <= ago < timedelta(minutes=1):
        return "just now"
    if timedelta(0) <= ago < timedelta(hours=1):
        return f"{int(ago.total_seconds() // 60)} min ago"
    if days_back == 0:
        return f"{int(ago.total_seconds() // 3600)} h ago" if ago < timedelta(hours=6) else clock
    if days_back == 1:
        return f"Yesterday {clock}"
    if 1 < days_back < 7:
        return f"{_WEEKDAYS[local.weekday()]} {clock}"
    day = f"{local.day} {_MONTHS[local.month - 1]}"
    return day if local.year == now.year else f"{day} {local.year}"


def full_time(published: datetime | None, now: datetime) -> str:
    """The long form for tooltips: "Thu 26 Nov 2026, 14:30"."""
    if published is None:
        return "Publication time unknown"
    local = published.astimezone(now.tzinfo)
    return (
        f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local:%H:%M}"
    )


class Clocked(Protocol):
    """What the delegate asks its model: the time now, for "5 min ago"."""

    now: Callable[[], datetime]


def _mix(a: QColor, b: QColor, weight: float) -> QColor:
    """``a`` moved ``weight`` of the way towards ``b``: a dim text colour for any palette."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * weight,
        a.greenF() + (b.greenF() - a.greenF()) * weight,
        a.blueF() + (b.blueF() - a.blueF()) * weight,
    )


def snippet_html(row: ArticleRow) -> str:
    """The snippet to show: from the side that matched, whitespace collapsed ("" if none).

    The index escapes the text and marks matches with ``<b>``; any other markup means that
    promise was broken, and the snippet is then shown as text, marks and all.
    """
    if row.matched_in == "translation":
        chosen = row.snippet_translation or row.snippet_original
    elif "<b>" in row.snippet_original or not row.snippet_translation:
        chosen = row.snippet_original
    else:
        chosen = row.snippet_translation
    collapsed = re.sub(r"\s+", " ", chosen).strip()
    if "<" in collapsed.replace("<b>", "").replace("</b>", ""):
        return escaped(collapsed)
    return collapsed


def via_text(row: ArticleRow, target_language: str) -> str:
    """ "via EN" when a search matched through the translation, else ""."""
    return f"via {target_language.upper()}" if row.matched_in in ("translation", "both") else ""


def post_mark(row: ArticleRow) -> str:
    """ "deleted" or "edited" for a channel post changed since it was read, else ""."""
    return DELETED_MARK if row.deleted else EDITED_MARK if row.edited else ""


def snippet_document(html: str, font: QFont, palette: QPalette) -> QTextDocument:
    """The snippet as a document, its matched words marked with the palette's highlight.

    The document loads nothing (:class:`~ui.plain.InertDocument`).
    """
    mark = QColor(palette.color(QPalette.ColorRole.Highlight))
    mark.setAlpha(80)
    document = InertDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(font)
    rgba = f"{mark.red()},{mark.green()},{mark.blue()},{mark.alpha()}"
    document.setDefaultStyleSheet(f"b {{ background-color: rgba({rgba}); }}")
    document.setHtml(html)
    return document


class ArticleDelegate(QStyledItemDelegate):
    """Paints one article per row; rows grow by a line for a translation and two for a snippet."""

    PAD_X, PAD_Y, GAP = 14, 7, 2
    SNIPPET_LINES = 2

    def __init__(self, model: Clocked, target_language: str, parent: QObject) -> None:
        super().__init__(parent)
        self.model = model
        self.target_language = target_language

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        row = index.data(ROW_ROLE)
        line = option.fontMetrics.lineSpacing()
        lines = 2 + bool(row and row.title_translated)
        height = 2 * self.PAD_Y + lines * (line + self.GAP)
        if row and snippet_html(row):
            height += self._snippet_height(line) + self.GAP * 2
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if not isinstance(row, ArticleRow):
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        if selected:
            ink = palette.color(QPalette.ColorRole.HighlightedText)
            dim = _mix(ink, palette.color(QPalette.ColorRole.Highlight), 0.3)
        else:
            ink = palette.color(QPalette.ColorRole.Text)
            dim = _mix(ink, palette.color(QPalette.ColorRole.Base), 0.42)

        painter.save()
        painter.setPen(_mix(palette.color(QPalette.ColorRole.Base), ink, 0.1))
        painter.drawLine(opt.rect.bottomLeft(), opt.rect.bottomRight())
        rect = opt.rect.adjusted(self.PAD_X, self.PAD_Y, -10, -self.PAD_Y)
        line = opt.fontMetrics.lineSpacing()
        y = rect.top()
        if not row.is_read:  # a dot in the margin, as mail readers mark unread mail
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ink if selected else palette.color(QPalette.ColorRole.Highlight))
            painter.drawEllipse(QPoint(opt.rect.left() + 5, y + line // 2), 3, 3)
            painter.restore()

        # Line 1: title, then star and time on the right.
        when = format_time(row.published, self.model.now())
        painter.setFont(opt.font)
        right = rect.right() - painter.fontMetrics().horizontalAdvance(when)
        painter.setPen(dim)
        painter.drawText(QRect(right, y, rect.right() - right + 1, line), _LEFT, when)
        if row.is_starred:
            star_width = painter.fontMetrics().horizontalAdvance(STAR)
            right -= star_width + 6
            painter.setPen(QColor(230, 160, 0) if not selected else ink)
            painter.drawText(QRect(right, y, star_width, line), _LEFT, STAR)
        title_font = QFont(opt.font)
        title_font.setWeight(QFont.Weight.Bold if not row.is_read else QFont.Weight.Normal)
        title_area = QRect(rect.left(), y, right - 10 - rect.left(), line)
        self._text(painter, title_font, ink, title_area, row.title)
        y += line + self.GAP

        # Line 2: the translated title.
        if row.title_translated:
            area = QRect(rect.left(), y, rect.width(), line)
            self._text(painter, opt.font, dim, area, row.title_translated)
            y += line + self.GAP

        # Line 3: language badge, outlet, "TG" for a channel, "via EN" when matched through
        # the translation, "edited"/"deleted" for a changed post.
        painter.setFont(opt.font)
        code = badge_text(row.language)
        size = badge_size(opt.font, code)
        badge = QRect(rect.left(), y + (line - size.height()) // 2, size.width(), size.height())
        draw_badge(painter, badge, code, badge_color(row.language), palette, selected=selected)
        left = badge.right() + 7
        via = via_text(row, self.target_language)
        mark = post_mark(row)
        tags = [(CHANNEL_BADGE, TELEGRAM_BLUE)] if row.from_channel else []
        if via:
            fill = QColor(palette.color(QPalette.ColorRole.Highlight))
            fill.setAlpha(70)
            tags.append((via, fill))
        tags_width = sum(badge_size(opt.font, text).width() + 8 for text, _ in tags)
        mark_font = badge_font(opt.font)
        mark_width = QFontMetrics(mark_font).horizontalAdvance(mark) + 8 if mark else 0
        outlet_area = QRect(left, y, rect.right() - left - tags_width - mark_width, line)
        x = left + self._text(painter, opt.font, dim, outlet_area, row.outlet)
        for text, fill in tags:
            size = badge_size(opt.font, text)
            tag = QRect(x + 8, y + (line - size.height()) // 2, size.width(), size.height())
            painter.setFont(opt.font)
            draw_badge(painter, tag, text, fill, palette, selected=selected)
            x = tag.right()
        if mark:
            muted = dim if selected else palette.color(QPalette.ColorRole.PlaceholderText)
            self._text(painter, mark_font, muted, QRect(x + 8, y, mark_width, line), mark)
        y += line + self.GAP

        snippet = snippet_html(row)
        if snippet:
            height = self._snippet_height(line)
            area = QRect(rect.left(), y + self.GAP, rect.width(), height)
            self._snippet(painter, opt.font, snippet, area, dim, palette)
        painter.restore()

    def _snippet_height(self, line: int) -> int:
        # Han and Hangul come from a fallback font with taller lines than the UI font's.
        return round(self.SNIPPET_LINES * line * CJK_LINE_FACTOR)

    @staticmethod
    def _text(painter: QPainter, font: QFont, color: QColor, area: QRect, text: str) -> int:
        """Draw ``text`` elided to ``area``; return the width used."""
        painter.setFont(font)
        painter.setPen(color)
        metrics = painter.fontMetrics()
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, area.width()))
        painter.drawText(area, _LEFT, elided)
        return metrics.horizontalAdvance(elided)

    @staticmethod
    def _snippet(
        painter: QPainter, font: QFont, html: str, area: QRect, color: QColor, palette: QPalette
    ) -> None:
        document = snippet_document(html, font, palette)
        document.setTextWidth(area.width())
        # Clip after the last whole line that fits, never through one. The snippet is a single
        # paragraph, as snippet_html collapses its line breaks.
        document.size()  # lays the document out, so its lines exist
        layout = document.firstBlock().layout()
        lines = (layout.lineAt(i).rect().bottom() for i in range(layout.lineCount()))
        bottom = max((b for b in lines if b <= area.height() + 1), default=0.0)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, color)
        context.clip = QRectF(0, 0, area.width(), bottom)
        painter.save()
        painter.translate(area.topLeft())
        painter.setClipRect(context.clip)
        document.documentLayout().draw(painter, context)
        painter.restore()


_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
