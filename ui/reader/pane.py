"""One side of the reader: a read-only text pane whose sentences are anchors.

The pane never loads a resource, reports the sentence under the mouse and clicked sentences,
can pad paragraphs so they line up with the other pane (see :mod:`ui.reader`), and draws the
user's highlights behind their sentences. Its context menu offers what its ``menu_extender``
adds for the sentences right-clicked or selected (the reader's Highlight and Add note…).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontInfo,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QMenu, QTextBrowser, QTextEdit, QWidget

from ui.reader.document import (
    DOCUMENT_MARGIN,
    PARAGRAPH_SPACING,
    SENTENCE_PREFIX,
    TERM_MARK,
    PaneText,
)
from ui.reader.header import is_web_url

_READING_FONT_SCALE = 1.12
# Han characters are drawn differently in Chinese and Korean; ask for the right CJK face
# (fonts-noto-cjk) after the UI font, which keeps drawing Latin letters and digits.
_CJK_FAMILIES = {"zh": "Noto Sans CJK SC", "ko": "Noto Sans CJK KR", "ja": "Noto Sans CJK JP"}
_HOVER_ALPHA = 55
_ACTIVE_ALPHA = 105


def reading_font(base: QFont, language: str | None) -> QFont:
    """The pane's font, with the CJK face that suits ``language`` as the first fallback."""
    font = QFont(base)
    cjk = _CJK_FAMILIES.get((language or "").lower())
    if cjk:
        # The resolved family, not an alias like "Sans Serif" that a family list would skip.
        families = [QFontInfo(base).family(), *base.families(), cjk]
        font.setFamilies(list(dict.fromkeys(families)))
    return font


class SentencePane(QTextBrowser):
    """One side of the reader: a read-only document that never loads anything.

    Signals:
        sentence_hovered(int): the sentence under the mouse changed (-1: none).
        sentence_clicked(int): the user clicked a sentence.
        web_link_clicked(str): the user clicked an http(s) link in the text.
        page_requested(int): Space (+1) or Shift+Space (-1) was pressed.
        relaid_out(): the pane's text was laid out anew (resized, or padding changed).
    """

    sentence_hovered = Signal(int)
    sentence_clicked = Signal(int)
    web_link_clicked = Signal(str)
    page_requested = Signal(int)
    relaid_out = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * _READING_FONT_SCALE)
        self.setFont(font)
        self.text: PaneText | None = None
        self._blank = QTextDocument(self)
        self.pads: list[float] = []
        self._hovered = -1
        self._marks: dict[int, QColor] = {}
        self._shown: tuple[int | None, int | None] = (None, None)
        # Adds actions for the given sentences to the context menu (set by the reader).
        self.menu_extender: Callable[[QMenu, list[int]], None] | None = None
        self.highlighted.connect(self._on_highlighted)
        self.anchorClicked.connect(self._on_anchor_clicked)

    def loadResource(self, type: int, name: QUrl | str) -> object:
        """Nothing is ever loaded: no images, no style sheets, local or remote."""
        return None

    def set_text(self, text: PaneText | None, language: str | None = None) -> None:
        """Show a built text (None: nothing). The pane keeps the text alive while shown."""
        document = self._blank if text is None else text.document
        if text is not None:
            document.setDefaultFont(reading_font(self.font(), language))
            document.documentLayout().documentSizeChanged.connect(self.relaid_out)
        # Switch documents before dropping the old text: Qt must never hold a deleted one.
        self.setDocument(document)
        self.text = text
        self.pads = [0.0] * (text.paragraphs if text else 0)
        self._hovered = -1
        self._marks = {}
        self._shown = (None, None)

    def row_tops(self) -> list[float]:
        """Where each paragraph starts, in document pixels."""
        return [rect_top for rect_top, _ in self.row_geometry()]

    def row_geometry(self) -> list[tuple[float, float]]:
        """(top, extent) of each paragraph in document pixels. The extent runs to the next
        paragraph's top (to the end of the text for the last), so it includes the space and
        any padding below the paragraph."""
        if self.text is None:
            return []
        document = self.document()
        layout = document.documentLayout()
        tops = []
        block = document.begin()
        while block.isValid():
            tops.append(layout.blockBoundingRect(block).top())
            block = block.next()
        end = layout.documentSize().height() - DOCUMENT_MARGIN
        return [
            (top, (tops[i + 1] if i + 1 < len(tops) else max(end, top)) - top)
            for i, top in enumerate(tops)
        ]

    def set_pad(self, row: int, pad: float) -> None:
        """Extra space below paragraph ``row`` so the next one lines up with the other pane."""
        if abs(self.pads[row] - pad) < 0.5:
            return
        self.pads[row] = pad
        document = self.document()
        if row == len(self.pads) - 1:
            # Qt leaves the last block's bottom margin out of the document's height, so the
            # last paragraph is padded by the margin of the frame around the whole text.
            frame = document.rootFrame()
            frame_format = frame.frameFormat()
            frame_format.setBottomMargin(DOCUMENT_MARGIN + pad)
            frame.setFrameFormat(frame_format)
            return
        block = document.findBlockByNumber(row)
        block_format = block.blockFormat()
        block_format.setBottomMargin(PARAGRAPH_SPACING + pad)
        QTextCursor(block).setBlockFormat(block_format)

    def span_rect(self, sentence: int) -> tuple[int, int] | None:
        """Top and bottom of a sentence in viewport pixels, or None if it is not in this pane."""
        if self.text is None or sentence not in self.text.spans:
            return None
        start, end = self.text.spans[sentence]
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        top = self.cursorRect(cursor).top()
        cursor.setPosition(end)
        return top, self.cursorRect(cursor).bottom()

    def sentence_visible(self, sentence: int) -> bool:
        rect = self.span_rect(sentence)
        return rect is not None and rect[0] >= 0 and rect[1] <= self.viewport().height()

    def reveal(self, sentence: int, *, centre: bool) -> None:
        """Scroll so the sentence is in view (a third of the way down when it was not)."""
        rect = self.span_rect(sentence)
        if rect is None or (not centre and self.sentence_visible(sentence)):
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect[0] - self.viewport().height() // 3)

    def set_marks(self, marks: Mapping[int, QColor]) -> None:
        """Draw these sentences on these backgrounds (the user's highlights), under the
        hovered and active tints."""
        self._marks = dict(marks)
        self.show_sentences(*self._shown)

    @property
    def marks(self) -> dict[int, QColor]:
        return dict(self._marks)

    def selected_sentences(self) -> list[int]:
        """The sentences the selection touches, in order (none without a selection)."""
        cursor = self.textCursor()
        if self.text is None or not cursor.hasSelection():
            return []
        chosen = (cursor.selectionStart(), cursor.selectionEnd())
        return sorted(s for s, span in self.text.spans.items() if self._overlaps(span, chosen))

    def show_sentences(self, hovered: int | None, active: int | None) -> None:
        """Tint the active (clicked) and hovered sentences with the palette's highlight."""
        self._shown = (hovered, active)
        if self.text is None:
            self.setExtraSelections([])
            return
        selections = [
            self._tint(*self.text.spans[sentence], colour)
            for sentence, colour in sorted(self._marks.items())
            if sentence in self.text.spans
        ]
        shown = []
        for sentence, alpha in ((active, _ACTIVE_ALPHA), (hovered, _HOVER_ALPHA)):
            if sentence is None or sentence not in self.text.spans or sentence in shown:
                continue
            shown.append(sentence)
            colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
            colour.setAlpha(alpha)
            selections.append(self._tint(*self.text.spans[sentence], colour))
        # Search-term marks go on top again, or the sentence tint would hide them.
        tinted = [*shown, *(s for s in self._marks if s in self.text.spans)]
        for start, end in self.text.term_spans:
            if any(self._overlaps(self.text.spans[s], (start, end)) for s in tinted):
                selections.append(self._tint(start, end, TERM_MARK))
        self.setExtraSelections(selections)

    @staticmethod
    def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    def _tint(self, start: int, end: int, colour: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format.setBackground(colour)
        return selection

    @staticmethod
    def sentence_of(href: str) -> int | None:
        if not href.startswith(SENTENCE_PREFIX):
            return None
        number = href.removeprefix(SENTENCE_PREFIX)
        return int(number) if number.isdigit() else None

    def _on_highlighted(self, url: QUrl) -> None:
        sentence = self.sentence_of(url.toString())
        self._set_hovered(-1 if sentence is None else sentence)

    def _set_hovered(self, sentence: int) -> None:
        if sentence != self._hovered:
            self._hovered = sentence
            self.sentence_hovered.emit(sentence)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        href = url.toString()
        sentence = self.sentence_of(href)
        if sentence is not None:
            self.sentence_clicked.emit(sentence)
        elif is_web_url(href):
            self.web_link_clicked.emit(href)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        # Every sentence is an anchor; a pointing hand over all the text would suggest links.
        if self.sentence_of(self.anchorAt(event.position().toPoint())) is not None:
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._set_hovered(-1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
        ):
            backwards = event.modifiers() == Qt.KeyboardModifier.ShiftModifier
            self.page_requested.emit(-1 if backwards else 1)
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        under = self.sentence_of(self.anchorAt(event.pos()))
        if under is not None:
            for action in menu.actions():
                if action.objectName() == "link-copy":  # "Copy Link Location" of s:N
                    menu.removeAction(action)
        # The selected sentences when the click is on the selection, else the one under it.
        selected = self.selected_sentences()
        sentences = selected if under in selected or under is None else [under]
        if sentences and self.menu_extender is not None:
            self.menu_extender(menu, sentences)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relaid_out.emit()
