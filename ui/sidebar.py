"""The sidebar: "All articles", the outlets grouped by language, and saved searches.

Each outlet row shows its language badge, name, unread count and, when the last update
failed, a warning badge whose tooltip gives the reason. Rows are painted by
:class:`SidebarDelegate`; the tree holds only plain data in item roles.
"""

from __future__ import annotations

from itertools import groupby

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor.types import SearchRequest
from ui.languages import badge_color, badge_size, badge_text, draw_badge, language_name
from ui.languages import language_order as _language_order
from ui.plain import plain_tip
from ui.viewdata import SourceRow

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # one of the _Kind strings below
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # source id, language code or saved query
UNREAD_ROLE = Qt.ItemDataRole.UserRole + 3
ERROR_ROLE = Qt.ItemDataRole.UserRole + 4
LANGUAGE_ROLE = Qt.ItemDataRole.UserRole + 5

ALL, LANGUAGE, SOURCE, SECTION, SAVED = "all", "language", "source", "section", "saved"
WARNING_MARK = "!"
Index = QModelIndex | QPersistentModelIndex


class Sidebar(QWidget):
    """Where the user picks what the article list shows.

    A pick is announced when the selection changes, and also when the user clicks the row
    that is already selected (after a search, "All articles" stays selected as the search's
    scope; clicking it shows all articles again).

    Signals:
        all_selected(): "All articles" was picked.
        source_selected(int): an outlet was picked (its source id).
        language_selected(str): a language header was picked (its code, e.g. "ko").
        saved_search_selected(str): a saved search was picked (its query text).
    """

    all_selected = Signal()
    source_selected = Signal(int)
    language_selected = Signal(str)
    saved_search_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setItemDelegate(SidebarDelegate(self.tree))
        self.tree.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.tree.setAccessibleName("Outlets")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        self._rows: list[SourceRow] = []
        self._saved: list[tuple[str, str]] = []
        self._collapsed: set[str] = set()
        self._restoring = False
        self._current_before_press: QTreeWidgetItem | None = None
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.tree.viewport().installEventFilter(self)
        self.tree.itemPressed.connect(self._on_pressed)
        self.tree.itemCollapsed.connect(lambda item: self._collapsed.add(_key(item)))
        self.tree.itemExpanded.connect(lambda item: self._collapsed.discard(_key(item)))
        self._rebuild()
        self.select_all()

    # Public API ----------------------------------------------------------------------

    def set_sources(self, rows: list[SourceRow]) -> None:
        """Show ``rows`` grouped by language, keeping the current selection where it still is."""
        self._rows = list(rows)
        self._rebuild()

    def set_saved_searches(self, searches: list[tuple[str, str]]) -> None:
        """Show saved searches as (name, query) pairs below the outlets."""
        self._saved = list(searches)
        self._rebuild()

    def select_all(self) -> None:
        """Select "All articles" (emits all_selected if the selection changes)."""
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def select_source(self, source_id: int) -> bool:
        """Select the outlet ``source_id``; False when it is not listed."""
        item = self._find(f"{SOURCE}:{source_id}")
        if item is not None:
            self.tree.setCurrentItem(item)
        return item is not None

    def select_quietly(self, kind: str, value: object = None) -> bool:
        """Show ``kind``/``value`` (``ALL``, ``SOURCE`` with its id, ``LANGUAGE`` with its
        code, ``SAVED`` with its query) as selected without announcing it: the list already
        shows it. False when there is no such row."""
        item = self._find(f"{kind}:{'' if value is None else value}")
        if item is not None:
            self._restoring = True
            try:
                self.tree.setCurrentItem(item)
            finally:
                self._restoring = False
        return item is not None

    def show_browsed(self, source_id: int | None, language: str | None) -> None:
        """Select, without announcing it, what the list shows without a search."""
        if source_id is not None:
            self.select_quietly(SOURCE, source_id)
        elif language is not None:
            self.select_quietly(LANGUAGE, language)
        else:
            self.select_quietly(ALL)

    def show_scope_of(self, request: SearchRequest) -> None:
        """Select, without announcing it, what a search covers: the outlet or language it is
        filtered to, else "All articles". A saved search being run stays selected."""
        if self.current_key() == (SAVED, request.text):
            return
        outlet = self.source_named(request.outlets[0]) if len(request.outlets) == 1 else None
        language = request.languages[0] if len(request.languages) == 1 else None
        if not (outlet is not None and self.select_quietly(SOURCE, outlet)) and not (
            language is not None and self.select_quietly(LANGUAGE, language)
        ):
            self.select_quietly(ALL)

    def source_named(self, name: str) -> int | None:
        """The id of the outlet called ``name``, if one is listed."""
        return next((row.id for row in self._rows if row.name == name), None)

    def source_name(self, source_id: int) -> str | None:
        return next((row.name for row in self._rows if row.id == source_id), None)

    def current_key(self) -> tuple[str, object] | None:
        """What is selected: ("all", None), ("source", id), ("language", code), ("saved", query)."""
        item = self.tree.currentItem()
        if item is None:
            return None
        return str(item.data(0, KIND_ROLE)), item.data(0, VALUE_ROLE)

    # Building ------------------------------------------------------------------------

    def _rebuild(self) -> None:
        current = self.tree.currentItem()
        selected = _key(current) if current is not None else f"{ALL}:"
        self._restoring = True
        try:
            self.tree.clear()
            self._add_items()
            restored = self._find(selected)
            if restored is not None:
                self.tree.setCurrentItem(restored)
        finally:
            self._restoring = False
        if restored is None:
            # What was shown is gone (a removed outlet, a deleted search): show everything.
            self.select_all()

    def _add_items(self) -> None:
        total_unread = sum(row.unread for row in self._rows)
        everything = _item(ALL, None, "All articles", unread=total_unread)
        everything.setToolTip(0, f"{sum(r.articles for r in self._rows)} articles, all outlets")
        self.tree.addTopLevelItem(everything)
        ordered = sorted(self._rows, key=lambda r: (_language_order(r.language), r.name.lower()))
        for language, group in groupby(ordered, key=lambda r: r.language or None):
            outlets = list(group)
            header = _item(
                LANGUAGE,
                language,
                language_name(language),
                unread=sum(r.unread for r in outlets),
                language=language,
            )
            noun = "outlet" if len(outlets) == 1 else "outlets"
            header.setToolTip(
                0,
                f"{len(outlets)} {noun}, {sum(r.articles for r in outlets)} articles, "
                f"{sum(r.unread for r in outlets)} unread",
            )
            if language is None:
                # An unknown language cannot be filtered on; the header only groups.
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(header)
            for row in outlets:
                header.addChild(_source_item(row))
            header.setExpanded(_key(header) not in self._collapsed)
        if self._saved:
            section = _item(SECTION, None, "Saved searches")
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(section)
            for name, query in self._saved:
                saved = _item(SAVED, query, name)
                saved.setToolTip(0, plain_tip(query))
                self.tree.addTopLevelItem(saved)

    def _find(self, key: str) -> QTreeWidgetItem | None:
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if _key(item) == key:
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            self._current_before_press = self.tree.currentItem()
        return super().eventFilter(watched, event)

    def _on_pressed(self, item: QTreeWidgetItem, _column: int) -> None:
        # A press on a new row was announced by the selection change it made.
        if item is self._current_before_press:
            self._announce(item)
        self._current_before_press = None

    def _on_current_changed(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if self._restoring or item is None:
            return
        self._announce(item)

    def _announce(self, item: QTreeWidgetItem) -> None:
        kind, value = item.data(0, KIND_ROLE), item.data(0, VALUE_ROLE)
        if kind == ALL:
            self.all_selected.emit()
        elif kind == SOURCE:
            self.source_selected.emit(int(value))
        elif kind == LANGUAGE and value:
            self.language_selected.emit(str(value))
        elif kind == SAVED:
            self.saved_search_selected.emit(str(value))


def _item(
    kind: str,
    value: object,
    text: str,
    *,
    unread: int = 0,
    language: str | None = None,
) -> QTreeWidgetItem:
    item = QTreeWidgetItem([text])
    item.setData(0, KIND_ROLE, kind)
    item.setData(0, VALUE_ROLE, value)
    item.setData(0, UNREAD_ROLE, unread)
    item.setData(0, LANGUAGE_ROLE, language)
    return item


def _source_item(row: SourceRow) -> QTreeWidgetItem:
    item = _item(SOURCE, row.id, row.name, unread=row.unread, language=row.language)
    item.setData(0, ERROR_ROLE, row.error)
    details = f"{row.url}\n{row.articles} articles, {row.unread} unread"
    tip = f"Last update failed: {row.error}\n{details}" if row.error else details
    item.setToolTip(0, plain_tip(tip))
    return item


def _key(item: QTreeWidgetItem) -> str:
    value = item.data(0, VALUE_ROLE)
    return f"{item.data(0, KIND_ROLE)}:{'' if value is None else value}"


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
        if kind in (ALL, LANGUAGE, SECTION):
            font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)

        right = rect.right()
        unread = int(index.data(UNREAD_ROLE) or 0)
        if unread and kind != SECTION:
            right = _draw_count(painter, rect, right, unread, palette, selected)
        error = index.data(ERROR_ROLE)
        if error:
            # The same red whether selected or not: a failing outlet should stand out.
            right = _draw_warning(painter, rect, right)

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
        else:
            painter.setPen(palette.color(text_role))
        area = QRect(QPoint(left, rect.top()), QPoint(right - 6, rect.bottom()))
        elided = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, area.width())
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        if kind == SECTION:
            align = Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft
            area.adjust(0, 0, 0, -3)
        painter.drawText(area, align, elided)
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
