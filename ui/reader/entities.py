"""The people, places and organisations an article names, as chips under the reader's header.

Each chip shows an entity's name, a dot in its kind's colour (person, place, organisation) and
how often the article names it. Hovering a chip marks the entity's mentions in both panes, as
the article and its translation write them (no store access: the forms came with the
article); clicking it asks for the entity's page. Names come from the alias table and articles
are untrusted: chips paint their text as plain text, and tooltips go through :func:`plain_tip`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QTextEdit,
    QWidget,
    QWidgetItem,
)

from monitor.types import ArticleEntity, EntityKind, NamedEntity
from ui.plain import isolated, plain_tip

MAX_CHIPS = 12
_MAX_NAME_WIDTH = 240
_PADDING = 9
_DOT = 8
KIND_COLOURS = {
    EntityKind.PERSON: QColor(70, 130, 230),
    EntityKind.PLACE: QColor(40, 160, 90),
    EntityKind.ORGANISATION: QColor(215, 120, 30),
}
_MARK_ALPHA = 120
# Extra-selection property that tags an entity's mention mark (tests and tools read it back).
MENTION_PROPERTY = int(QTextFormat.Property.UserProperty) + 2


def kind_colour(kind: EntityKind) -> QColor:
    return QColor(KIND_COLOURS.get(kind, QColor(128, 128, 128)))


def mention_mark(kind: EntityKind) -> QColor:
    """The background that marks an entity's mentions in the text: its kind's colour."""
    colour = kind_colour(kind)
    colour.setAlpha(_MARK_ALPHA)
    return colour


class FlowLayout(QLayout):
    """Lays its items out left to right, wrapping to a new row when one is full."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def add(self, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + row_height + self._gap
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


class EntityChip(QWidget):
    """One entity as a small rounded chip: kind dot, name, and a count when above one.

    Signals:
        hovered(bool): the mouse entered (True) or left (False) the chip.
        clicked(): the chip was clicked with the left button.
    """

    hovered = Signal(bool)
    clicked = Signal()

    def __init__(
        self, text: str, kind: EntityKind | None, count: int = 1, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.text = text
        self.kind = kind
        self.count = count
        self._under_mouse = False
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def _badge(self) -> str:
        return str(self.count) if self.count > 1 else ""

    def _name_width(self) -> int:
        # A pixel to spare: elidedText() cuts a name given exactly its own advance.
        return min(QFontMetrics(self.font()).horizontalAdvance(self.text) + 2, _MAX_NAME_WIDTH)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        width = _PADDING * 2 + self._name_width()
        if self.kind is not None:
            width += _DOT + 6
        if self._badge():
            width += 6 + metrics.horizontalAdvance(self._badge()) + 8
        return QSize(width, metrics.height() + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        border = QColor(text_colour)
        border.setAlpha(120 if self._under_mouse else 60)
        fill = QColor(kind_colour(self.kind) if self.kind else text_colour)
        fill.setAlpha(70 if self._under_mouse else 28)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(border)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
        metrics = QFontMetrics(self.font())
        x = float(_PADDING)
        if self.kind is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(kind_colour(self.kind))
            painter.drawEllipse(QRectF(x, (self.height() - _DOT) / 2, _DOT, _DOT))
            x += _DOT + 6
        painter.setPen(text_colour)
        name = metrics.elidedText(self.text, Qt.TextElideMode.ElideRight, self._name_width())
        name_rect = QRectF(x, 0, self._name_width(), self.height())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter, name)
        badge = self._badge()
        if badge:
            x += self._name_width() + 6
            width = metrics.horizontalAdvance(badge) + 8
            pill = QRectF(x, 4, width, self.height() - 8)
            shade = QColor(text_colour)
            shade.setAlpha(40)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)
            painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            painter.setPen(text_colour)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, badge)

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self._under_mouse = True
        self.update()
        self.hovered.emit(True)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._under_mouse = False
        self.update()
        self.hovered.emit(False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
            return
        super().mouseReleaseEvent(event)


def entity_chip(entity: NamedEntity, count: int, what: str) -> EntityChip:
    """A chip for ``entity`` whose tooltip says its kind and ``what`` its count counts."""
    chip = EntityChip(entity.name, entity.kind, count)
    counted = f"{count} {what}" if count != 1 else f"1 {what.removesuffix('s')}"
    chip.setToolTip(plain_tip(f"{isolated(entity.name)} — {entity.kind.value}, {counted}"))
    return chip


class EntityStrip(QWidget):
    """The chips of the entities an article names, most named first, wrapped in rows.

    At most :data:`MAX_CHIPS` are shown with a "+N more" chip that shows the rest.

    Signals:
        entity_hovered(object): the :class:`ArticleEntity` under the mouse, or None.
        entity_clicked(str): the id of the entity whose chip was clicked.
    """

    entity_hovered = Signal(object)
    entity_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entities: tuple[ArticleEntity, ...] = ()
        self.chips: list[EntityChip] = []
        self._flow = FlowLayout(self)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_for(self, entities: Sequence[ArticleEntity]) -> None:
        """Show chips for ``entities`` (none: the strip hides)."""
        self.entities = tuple(entities)
        self._fill(expanded=len(self.entities) <= MAX_CHIPS + 1)
        self.setVisible(bool(self.entities))

    def chip_for(self, entity_id: str) -> EntityChip | None:
        for chip, found in zip(self.chips, self.entities, strict=False):
            if found.entity.id == entity_id:
                return chip
        return None

    def _fill(self, *, expanded: bool) -> None:
        while (item := self._flow.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.chips = []
        shown = self.entities if expanded else self.entities[:MAX_CHIPS]
        for found in shown:
            chip = entity_chip(found.entity, found.mentions, "mentions")
            if found.in_translation_only:
                chip.setToolTip(
                    plain_tip(f"{isolated(found.entity.name)} — named in the translation only")
                )
            chip.hovered.connect(
                lambda inside, f=found: self.entity_hovered.emit(f if inside else None)
            )
            chip.clicked.connect(lambda f=found: self.entity_clicked.emit(f.entity.id))
            self.chips.append(chip)
            self._flow.add(chip)
        rest = len(self.entities) - len(shown)
        if rest:
            more = EntityChip(f"+{rest} more", None)
            more.setToolTip("Show every person, place and organisation the article names")
            more.clicked.connect(lambda: self._fill(expanded=True))
            self._flow.add(more)
        self.updateGeometry()


def mark_mentions(pane: QTextEdit, forms: Iterable[str], colour: QColor) -> int:
    """Add marks on every occurrence of ``forms`` in ``pane`` to its extra selections (they
    go when the pane's selections are next redrawn); returns how many were marked."""
    document = pane.document()
    selections = list(pane.extraSelections())
    marked = 0
    for form in sorted({f for f in forms if f.strip()}, key=len, reverse=True):
        cursor = document.find(form, 0, QTextDocument.FindFlag.FindCaseSensitively)
        while not cursor.isNull():
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(cursor)
            selection.format.setBackground(colour)
            selection.format.setProperty(MENTION_PROPERTY, True)
            selections.append(selection)
            marked += 1
            cursor = document.find(form, cursor, QTextDocument.FindFlag.FindCaseSensitively)
    pane.setExtraSelections(selections)
    return marked


def marked_mentions(pane: QTextEdit) -> list[str]:
    """The mentions marked in ``pane`` now, in order (for tests and tools)."""
    return [
        selection.cursor.selectedText()
        for selection in pane.extraSelections()
        if selection.format.boolProperty(MENTION_PROPERTY)
    ]
