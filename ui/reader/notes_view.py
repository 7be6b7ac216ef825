"""The reader's notes column: the margin beside the text, the list of an article's notes, and
the note editor.

The margin is a true margin: each note is drawn as a card level with its sentence, wherever
that sentence is on screen in the pane of its side (the translation side by side, either
pane when stacked), pushed down when the note above it takes the room, and it scrolls with
the text. A highlight without a note is a tick at its sentence's height. The list holds
every note of the article in sentence order, also those whose sentence is no longer in the
text (re-extracted or translated anew, and not found again by its text).

Notes are the user's own words, but they may come in a bundle from someone else: every note
and sentence is drawn as plain text (QPainter text, list items and plain labels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QIcon,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from monitor.types import Note, NoteColour, NoteSide
from ui.plain import plain_label, plain_tip

COLUMN_WIDTH = 250
_CARD_LINES = 7  # a longer note is cut with "…" in the margin; the list shows it whole
_CARD_GAP = 6
_PADDING = 6
_BAR = 4  # the coloured bar at a card's left, and a highlight's tick
_BASE_COLOURS = {
    NoteColour.YELLOW: QColor(255, 205, 0),
    NoteColour.GREEN: QColor(60, 190, 80),
    NoteColour.BLUE: QColor(60, 140, 255),
    NoteColour.PINK: QColor(255, 90, 160),
}
COLOUR_NAMES = {
    NoteColour.YELLOW: "Yellow",
    NoteColour.GREEN: "Green",
    NoteColour.BLUE: "Blue",
    NoteColour.PINK: "Pink",
}
# Semi-transparent, so the marks read on light and dark palettes alike.
_MARKED_ALPHA = 125  # the sentence that was marked
_COUNTERPART_ALPHA = 50  # its aligned sentence on the other side
_CARD_ALPHA = 60


def mark_colour(colour: NoteColour, *, counterpart: bool = False) -> QColor:
    """The background of a highlighted sentence; lighter on its counterpart's side."""
    shade = QColor(_BASE_COLOURS[colour])
    shade.setAlpha(_COUNTERPART_ALPHA if counterpart else _MARKED_ALPHA)
    return shade


def pane_marks(notes: Sequence[Note], side: NoteSide) -> dict[int, QColor]:
    """The backgrounds of one side's highlighted sentences: strong where a note was made on
    this side, light where it was made on the other."""
    marks: dict[int, QColor] = {}
    for own in (False, True):  # own marks last: they win over a counterpart's
        for note in notes:
            if note.sentence is not None and (note.side is side) == own:
                marks[note.sentence] = mark_colour(note.colour, counterpart=not own)
    return marks


def swatch(colour: NoteColour) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(_BASE_COLOURS[colour])
    return QIcon(pixmap)


def side_name(side: NoteSide) -> str:
    return "original" if side is NoteSide.ORIGINAL else "translation"


@dataclass(frozen=True, slots=True)
class _Card:
    note: Note
    level: int  # the sentence's top, in margin pixels
    rect: QRect  # where the card is drawn (empty for a highlight without a note)
    lines: tuple[str, ...]


class NoteMargin(QWidget):
    """Cards of the article's notes, each level with its sentence.

    ``locate(note)`` (set by the reader) gives the top of a note's sentence in this widget's
    pixels, or None when it is not shown.

    Signals:
        note_clicked(int): the user clicked a note's card (its id).
        note_activated(int): the user double-clicked a note's card.
    """

    note_clicked = Signal(int)
    note_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notes: tuple[Note, ...] = ()
        self.locate: Callable[[Note], int | None] = lambda note: None
        self.setMouseTracking(True)
        self.setMinimumWidth(120)

    def set_notes(self, notes: Sequence[Note]) -> None:
        self.notes = tuple(notes)
        self.update()

    def cards(self) -> list[_Card]:
        """Where each shown note is drawn: in sentence order, none over another."""
        metrics = QFontMetrics(self.font())
        width = max(self.width() - _BAR - 2 * _PADDING - 4, 40)
        placed: list[_Card] = []
        bottom = -(10**6)
        located = [(self.locate(note), note) for note in self.notes]
        for level, note in sorted(
            ((y, n) for y, n in located if y is not None), key=lambda item: (item[0], item[1].id)
        ):
            if not note.text:
                placed.append(_Card(note, level, QRect(), ()))
                continue
            lines = _wrapped(note.text, self.font(), metrics, width)
            height = len(lines) * metrics.lineSpacing() + 2 * _PADDING
            top = max(level, bottom + _CARD_GAP)
            rect = QRect(2, top, self.width() - 4, height)
            placed.append(_Card(note, level, rect, lines))
            bottom = rect.bottom()
        return placed

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        text_colour = self.palette().color(QPalette.ColorRole.Text)
        for card in self.cards():
            base = _BASE_COLOURS[card.note.colour]
            tick = QRect(0, card.level, _BAR, metrics.lineSpacing())
            painter.fillRect(tick, base)
            if card.rect.isEmpty():
                continue
            fill = QColor(base)
            fill.setAlpha(_CARD_ALPHA)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(card.rect), 4, 4)
            painter.fillRect(
                QRect(card.rect.left(), card.rect.top(), _BAR, card.rect.height()), base
            )
            if card.rect.top() != card.level:  # pushed down: a line back to its sentence
                painter.setPen(base)
                painter.drawLine(_BAR, card.level + 2, card.rect.left() + _BAR, card.rect.top())
            painter.setPen(text_colour)
            x = card.rect.left() + _BAR + _PADDING
            y = card.rect.top() + _PADDING + metrics.ascent()
            for line in card.lines:
                painter.drawText(QPoint(x, y), line)  # drawn as the characters it holds
                y += metrics.lineSpacing()
        painter.end()

    def _card_at(self, point: QPoint) -> Note | None:
        for card in self.cards():
            if card.rect.contains(point):
                return card.note
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        note = self._card_at(event.position().toPoint())
        if note is not None and event.button() == Qt.MouseButton.LeftButton:
            self.note_clicked.emit(note.id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        note = self._card_at(event.position().toPoint())
        if note is not None:
            self.note_activated.emit(note.id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        note = self._card_at(event.position().toPoint())
        self.setToolTip(plain_tip(note.text) if note is not None else "")
        shape = Qt.CursorShape.PointingHandCursor if note else Qt.CursorShape.ArrowCursor
        self.setCursor(shape)


def _wrapped(text: str, font: QFont, metrics: QFontMetrics, width: int) -> tuple[str, ...]:
    """``text`` broken into lines ``width`` pixels wide, at most :data:`_CARD_LINES`."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        layout = QTextLayout(paragraph, font)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            lines.append(paragraph[line.textStart() : line.textStart() + line.textLength()])
        layout.endLayout()
    if len(lines) > _CARD_LINES:
        last = lines[_CARD_LINES - 1].rstrip() + "…"
        cut = metrics.elidedText(last, Qt.TextElideMode.ElideRight, width)
        lines = [*lines[: _CARD_LINES - 1], cut if cut.endswith("…") else last]
    return tuple(line.rstrip() for line in lines)


class NoteList(QScrollArea):
    """Every note of the article, in sentence order, each whole; detached ones last, said
    as such.

    Signals:
        note_clicked(int): the user clicked a note (its id).
        note_activated(int): the user double-clicked a note.
        remove_requested(int): the user chose Remove on a note.
    """

    note_clicked = Signal(int)
    note_activated = Signal(int)
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._body = QWidget()
        self._rows = QVBoxLayout(self._body)
        self._rows.setContentsMargins(2, 2, 2, 2)
        self._rows.setSpacing(_CARD_GAP)
        self._rows.addStretch(1)
        self.setWidget(self._body)
        self.cards: list[_ListedNote] = []

    def set_notes(self, notes: Sequence[Note]) -> None:
        for card in self.cards:
            self._rows.removeWidget(card)
            card.hide()  # at once: it is deleted only when the event loop comes round
            card.deleteLater()
        self.cards = []
        for note in notes:
            card = _ListedNote(note, self)
            self._rows.insertWidget(self._rows.count() - 1, card)
            self.cards.append(card)


class _ListedNote(QFrame):
    """One note in the list: where it is, the sentence it was made on, and its text."""

    def __init__(self, note: Note, owner: NoteList) -> None:
        super().__init__()
        self.note = note
        self._owner = owner
        self.setAutoFillBackground(True)
        palette = self.palette()
        fill = QColor(_BASE_COLOURS[note.colour])
        fill.setAlpha(_CARD_ALPHA)
        palette.setColor(QPalette.ColorRole.Window, fill)
        self.setPalette(palette)
        if note.sentence is not None:
            where = f"Sentence {note.sentence + 1} · {side_name(note.side)}"
        else:
            where = "Its sentence is no longer in the text"
        quote = note.sentence_text
        quote = quote if len(quote) < 200 else quote[:199] + "…"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(_BAR + _PADDING, _PADDING, _PADDING, _PADDING)
        layout.setSpacing(2)
        for text, faint in (
            (where, True),
            (f"“{quote}”", True),
            (note.text or "(highlighted)", False),
        ):
            label = plain_label(text)
            label.setWordWrap(True)
            if faint:
                label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            layout.addWidget(label)
        self.setToolTip(plain_tip(note.text or note.sentence_text))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.fillRect(QRect(0, 0, _BAR, self.height()), _BASE_COLOURS[self.note.colour])
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._owner.note_clicked.emit(self.note.id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._owner.note_activated.emit(self.note.id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction("Edit note…", partial(self._owner.note_activated.emit, self.note.id))
        menu.addAction("Remove", partial(self._owner.remove_requested.emit, self.note.id))
        menu.exec(event.globalPos())
        menu.deleteLater()


class NotesColumn(QWidget):
    """The column right of the reader's text: its notes beside the text, or as a list.

    Shown while the article has notes or highlights.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(COLUMN_WIDTH)
        self.title = plain_label("Notes")
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.margin = NoteMargin()
        self.list = NoteList()
        self._pages = QStackedWidget()
        self._pages.addWidget(self.margin)
        self._pages.addWidget(self.list)
        self._group = QButtonGroup(self)
        self.beside_button = self._toggle("Beside", "Each note beside its sentence", 0)
        self.list_button = self._toggle("List", "Every note of the article, in order", 1)
        self.beside_button.setChecked(True)
        top = QHBoxLayout()
        top.setContentsMargins(4, 4, 0, 2)
        top.addWidget(self.title, 1)
        top.addWidget(self.beside_button)
        top.addWidget(self.list_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self._pages, 1)

    def _toggle(self, text: str, tip: str, page: int) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(partial(self._pages.setCurrentIndex, page))
        self._group.addButton(button)
        return button

    def set_notes(self, notes: Sequence[Note]) -> None:
        noted = sum(1 for note in notes if note.text)
        highlights = len(notes) - noted
        parts = [f"{noted} note{'' if noted == 1 else 's'}"] if noted else []
        if highlights:
            parts.append(f"{highlights} highlight{'' if highlights == 1 else 's'}")
        self.title.setText(" · ".join(parts) or "Notes")
        self.margin.set_notes(notes)
        self.list.set_notes(notes)

    def show_list(self, shown: bool = True) -> None:
        """The list of every note (True) or the margin (False)."""
        (self.list_button if shown else self.beside_button).setChecked(True)
        self._pages.setCurrentIndex(1 if shown else 0)

    @property
    def showing_list(self) -> bool:
        return self._pages.currentIndex() == 1


class NoteEditor(QDialog):
    """Writes or changes the note on one sentence; the sentence is shown above the note.

    Signals:
        saved(str): the user pressed Save with this note text ("" leaves a plain highlight).
    """

    saved = Signal(str)

    def __init__(self, sentence: str, heading: str, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.resize(460, 280)
        self.sentence = plain_label(sentence if len(sentence) < 400 else sentence[:399] + "…")
        self.sentence.setWordWrap(True)
        self.sentence.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.editor = QPlainTextEdit()
        self.editor.setPlainText(text)
        self.editor.setPlaceholderText("Your note on this sentence")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sentence)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.accepted.connect(lambda: self.saved.emit(self.editor.toPlainText().strip()))
        self.finished.connect(self.deleteLater)
