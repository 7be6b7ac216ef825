"""Small pieces the entity and story windows are made of: headings, dimmed and wrapped
plain-text labels, and emptying a layout before it is filled again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QLayout

from ui.plain import plain_label
from ui.reader.pane import reading_font


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def dimmed(label: QLabel) -> QLabel:
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def wrapped(text: str, language: str | None = None) -> QLabel:
    """A word-wrapped, selectable plain-text label, in the language's reading font."""
    label = plain_label(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setMinimumWidth(120)
    if language:
        label.setFont(reading_font(label.font(), language))
    return label


def clear_layout(layout: QLayout) -> None:
    """Take every widget out of ``layout`` (hidden at once, deleted later)."""
    while (item := layout.takeAt(0)) is not None:
        if (widget := item.widget()) is not None:
            widget.hide()
            widget.deleteLater()
