"""How the reader lays out the original and the translation: the layouts, and the pieces of
arithmetic and layout the view shares between its two panes."""

from __future__ import annotations

import bisect
import enum

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.reader.document import DOCUMENT_MARGIN
from ui.reader.pane import SentencePane

DOCUMENT_CAPTION_INDENT = int(DOCUMENT_MARGIN)


class ReaderLayout(enum.Enum):
    """How the reader arranges the original and the translation."""

    SIDE_BY_SIDE = "side-by-side"
    ORIGINAL_ONLY = "original"
    TRANSLATION_ONLY = "translation"
    STACKED = "stacked"


LAYOUT_BUTTONS = {
    ReaderLayout.SIDE_BY_SIDE: ("Side by side", "Original and translation side by side"),
    ReaderLayout.ORIGINAL_ONLY: ("Original", "The original text only"),
    ReaderLayout.TRANSLATION_ONLY: ("Translation", "The translation only"),
    ReaderLayout.STACKED: ("Stacked", "The original above the translation"),
}


def matching_scroll(source: SentencePane, target: SentencePane) -> int:
    """The target's scroll position showing the same place in the same paragraph."""
    source_bar, target_bar = source.verticalScrollBar(), target.verticalScrollBar()
    y = source_bar.value()
    if source_bar.maximum() > 0 and y >= source_bar.maximum():
        return target_bar.maximum()
    rows, other_rows = source.row_geometry(), target.row_geometry()
    if not rows or not other_rows or y < rows[0][0]:
        return y
    row = min(bisect.bisect_right([top for top, _ in rows], y) - 1, len(other_rows) - 1)
    top, height = rows[row]
    fraction = (y - top) / height if height > 0 else 0.0
    other_top, other_height = other_rows[row]
    return round(other_top + min(fraction, 1.0) * other_height)


def pane_box(pane: SentencePane, caption: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    caption.setContentsMargins(DOCUMENT_CAPTION_INDENT, 4, 0, 2)
    caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    layout.addWidget(caption)
    layout.addWidget(pane, 1)
    return box
