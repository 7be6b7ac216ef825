"""One column of the compare view: an outlet's article, its translation or original, and the
buttons that move, pin, flip or remove it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from monitor.types import ComparedArticle, CompareRole, SentencePair
from ui.languages import language_name
from ui.plain import isolated, plain_label, plain_tip
from ui.reader.document import TERM_MARK, PaneText, build_pane, sentence_joiner, sentence_paragraphs
from ui.reader.pane import SentencePane

_ACTIVE_ALPHA = 120
_MATCH_ALPHA = 85
_ROLE_TEXT = {
    CompareRole.BASE: "Base",
    CompareRole.PINNED: "Pinned",
    CompareRole.RELATED: "Related",
}


def local_time_text(published: datetime | None) -> str:
    """'12 Nov 2026, 22:05' in the user's time zone, or 'Time unknown'."""
    if published is None:
        return "Time unknown"
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    local = published.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M}"


def _tool(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button


class CompareColumnWidget(QFrame):
    """One article in the compare view.

    Signals:
        move_requested(int): the user asked to swap with the left (-1) or right (+1) column.
        pin_toggled(bool): the user pinned (True) or unpinned the column.
        remove_requested(): the user removed the column.
        base_requested(): the user asked to compare from this article instead.
        open_requested(): the user asked to read this article in the reader.
        sentence_clicked(int): the user clicked sentence N of this column.
        flipped(bool): the column now shows its original (True) or translation (False).
    """

    move_requested = Signal(int)
    pin_toggled = Signal(bool)
    remove_requested = Signal()
    base_requested = Signal()
    open_requested = Signal()
    sentence_clicked = Signal(int)
    flipped = Signal(bool)

    def __init__(
        self,
        column: ComparedArticle,
        *,
        target_language: str,
        pinned: bool,
        pattern: re.Pattern[str] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.column = column
        self.target_language = target_language
        self.showing_original = not column.translated
        self.active: int | None = None
        self.matches: dict[int, float] = {}
        self._pattern = pattern
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.role_label = QLabel("Pinned" if pinned else _ROLE_TEXT[column.role])
        self.role_label.setObjectName("compareRole")
        self.outlet_label = plain_label(column.outlet)
        bold = QFont(self.outlet_label.font())
        bold.setBold(True)
        self.outlet_label.setFont(bold)
        self.outlet_label.setToolTip(plain_tip(column.outlet))
        self.outlet_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.left_button = _tool("◀", "Move this column left")
        self.right_button = _tool("▶", "Move this column right")
        self.pin_button = _tool("Pin", "Keep this column when the compared article changes")
        self.pin_button.setCheckable(True)
        self.pin_button.setChecked(pinned)
        self.menu_button = _tool("⋯", "More actions")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.menu_button)
        menu.addAction("Open in reader", self.open_requested.emit)
        base_action = menu.addAction("Compare from this article", self.base_requested.emit)
        base_action.setEnabled(column.role is not CompareRole.BASE)
        self.menu_button.setMenu(menu)
        self.remove_button = _tool("✕", "Remove this column")
        self.remove_button.setVisible(column.role is not CompareRole.BASE)
        self.pin_button.setVisible(column.role is not CompareRole.BASE)

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.role_label)
        top.addWidget(self.outlet_label, 1)
        buttons = (
            self.left_button,
            self.right_button,
            self.pin_button,
            self.menu_button,
            self.remove_button,
        )

        facts = f"{isolated(language_name(column.language))} · {local_time_text(column.published)}"
        self.facts_label = plain_label(facts)
        self.facts_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.title_label = plain_label()
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title_font = QFont(self.title_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.08)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title_label.setFont(title_font)

        self.flip_button = QToolButton()
        self.flip_button.setCheckable(True)
        self.flip_button.setEnabled(column.translated)
        self.flip_button.setChecked(self.showing_original)
        self.note_label = plain_label()
        self.note_label.setWordWrap(True)
        self.note_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        flip_row = QHBoxLayout()
        flip_row.setSpacing(2)
        flip_row.addWidget(self.flip_button)
        flip_row.addStretch(1)
        for button in buttons:
            flip_row.addWidget(button)

        self.pane = SentencePane()
        self.pane.setMinimumHeight(160)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.facts_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.note_label)
        layout.addLayout(flip_row)
        layout.addWidget(self.pane, 1)

        self.left_button.clicked.connect(lambda: self.move_requested.emit(-1))
        self.right_button.clicked.connect(lambda: self.move_requested.emit(1))
        self.pin_button.toggled.connect(self._on_pin)
        self.remove_button.clicked.connect(self.remove_requested)
        self.flip_button.toggled.connect(self.set_showing_original)
        self.pane.sentence_clicked.connect(self.sentence_clicked)
        self._style_role()
        self._show_text()

    @property
    def article_id(self) -> int:
        return self.column.article_id

    @property
    def pinned(self) -> bool:
        return self.pin_button.isChecked()

    def set_move_enabled(self, left: bool, right: bool) -> None:
        self.left_button.setEnabled(left)
        self.right_button.setEnabled(right)

    def set_showing_original(self, original: bool) -> None:
        """Show the original text (True) or the translation; no-op without a translation."""
        original = original or not self.column.translated
        if original == self.showing_original:
            return
        self.showing_original = original
        self.flip_button.setChecked(original)
        self._show_text()
        self.flipped.emit(original)

    def shown_text(self) -> str:
        return self.pane.toPlainText()

    def shown_title(self) -> str:
        return self.title_label.text()

    # Sentence marks ----------------------------------------------------------------------

    def mark_sentences(self, active: int | None, matches: Mapping[int, float]) -> None:
        """Tint the clicked sentence strongly and its matches (sentence → score) lightly."""
        self.active = active
        self.matches = dict(matches)
        self._apply_marks()

    def reveal(self, sentence: int) -> None:
        self.pane.reveal(sentence, centre=False)

    def _apply_marks(self) -> None:
        text = self.pane.text
        if text is None:
            return
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        selections = []
        tinted = []
        for sentence, score in self.matches.items():
            tint = QColor(highlight)
            tint.setAlpha(round(_MATCH_ALPHA * (0.8 + min(score, 1.0) * 0.6)))
            tinted.append(sentence)
            selections.append(self._tint(text, sentence, tint, underline=True))
        if self.active is not None:
            tint = QColor(highlight)
            tint.setAlpha(_ACTIVE_ALPHA)
            tinted.append(self.active)
            selections.append(self._tint(text, self.active, tint))
        # The shared-term marks go on top again, or a sentence tint would hide them.
        for start, end in text.term_spans:
            selections.append(self._selection(start, end, TERM_MARK))
        self.pane.setExtraSelections([s for s in selections if s is not None])

    def _tint(
        self, text: PaneText, sentence: int, colour: QColor, *, underline: bool = False
    ) -> QTextEdit.ExtraSelection | None:
        if sentence not in text.spans:
            return None
        selection = self._selection(*text.spans[sentence], colour)
        if underline:
            selection.format.setUnderlineStyle(selection.format.UnderlineStyle.DotLine)
        return selection

    def _selection(self, start: int, end: int, colour: QColor) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.pane.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format.setBackground(colour)
        return selection

    # Building ----------------------------------------------------------------------------

    def _show_text(self) -> None:
        column = self.column
        original = self.showing_original
        if column.translated:
            self.flip_button.setText("Show translation" if original else "Show original")
            self.flip_button.setToolTip(plain_tip(f"Translated by {column.model}"))
        else:
            self.flip_button.setText("Original")
            self.flip_button.setToolTip("There is no translation to switch to")
        title = column.title if original or not column.title_translated else column.title_translated
        self.title_label.setText(title)
        other_title = (column.title_translated or "") if original else column.title
        self.title_label.setToolTip(plain_tip(other_title))
        note = column.note
        if column.translated and original:
            note = f"Original ({language_name(column.language)})"
        self.note_label.setText(note or "")
        self.note_label.setVisible(bool(note))
        sentences = [
            SentencePair(s.paragraph, s.original, s.translation, s.degenerate)
            for s in column.sentences
        ]
        language = column.language if original or not column.translated else self.target_language
        built = build_pane(
            sentence_paragraphs(sentences, translation=not original),
            joiner=sentence_joiner(language),
            pattern=self._pattern,
            palette=self.palette(),
        )
        self.pane.set_text(built, language)
        self._apply_marks()

    def _style_role(self) -> None:
        self.role_label.setAutoFillBackground(False)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        self.role_label.setStyleSheet(
            "QLabel#compareRole { border-radius: 3px; padding: 0 4px;"
            f" background: rgba({highlight.red()},{highlight.green()},{highlight.blue()},70); }}"
        )

    def _on_pin(self, pinned: bool) -> None:
        self.role_label.setText("Pinned" if pinned else _ROLE_TEXT[self.column.role])
        self.pin_toggled.emit(pinned)
