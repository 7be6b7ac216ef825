"""Untrusted text as plain text: labels, tooltips and documents that show it as typed.

Titles, outlet names, authors, article text, language codes, notes, errors and watchlist
names come from feeds, pages and bundles. Qt guesses: a label (``Qt.AutoText``), a message
box and every tooltip render text as HTML when :func:`Qt.mightBeRichText` says its first line
looks like markup, and rich text loads ``<img src="file:…">`` from disk, makes links and obeys
``<style>``. So a view never leaves the guess to Qt:

* a label that may show such text is a :func:`plain_label` (or made one with :func:`make_plain`);
* HTML built on purpose puts every such string through :func:`escaped`;
* a tooltip goes through :func:`plain_tip`, which escapes it when Qt would read it as HTML;
* an HTML document drawn by hand is an :class:`InertDocument`, which loads nothing.

Right-to-left text and bidi controls (a stray U+202E RIGHT-TO-LEFT OVERRIDE) reorder what
follows them on the same line: "Outlet‮ · 12:34" reads "Outlet43:21 ·". Such a string set
beside other text is :func:`isolated` first (:func:`escaped` does it too), so it can reorder
only itself.
"""

from __future__ import annotations

import unicodedata
from html import escape

from PySide6.QtCore import QUrl
from PySide6.QtGui import Qt, QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

_ISOLATES = "\u2066\u2067\u2068"  # LEFT-TO-RIGHT, RIGHT-TO-LEFT and FIRST STRONG ISOLATE
_POP_ISOLATE = "\u2069"
_REORDERING = {"R", "AL", "AN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}


def isolated(text: str | None) -> str:
    """``text`` as a unit in a line of other text: right-to-left letters and bidi controls in it
    reorder only it, never the text around it (Unicode's first-strong isolate).

    Text without right-to-left letters or controls is returned unchanged. An isolate the text
    closes without opening it is dropped, and one it leaves open is closed, so it cannot end
    the isolate around it early or leave it open.
    """
    text = text or ""
    if not any(unicodedata.bidirectional(char) in _REORDERING for char in text):
        return text
    kept: list[str] = []
    depth = 0
    for char in text:
        if char in _ISOLATES:
            depth += 1
        elif char == _POP_ISOLATE:
            if not depth:
                continue
            depth -= 1
        kept.append(char)
    return f"\u2068{''.join(kept)}{_POP_ISOLATE * depth}\u2069"


def escaped(text: str | None) -> str:
    """``text`` for a place inside HTML (also a quoted attribute): markup shown as typed, and
    :func:`isolated` from the text around it."""
    return escape(isolated(text), quote=True)


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` (and whatever is set later) as plain text, never as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def make_plain(*widgets: QLabel | QMessageBox) -> None:
    """Show these labels' or message boxes' text as plain text from now on."""
    for widget in widgets:
        widget.setTextFormat(Qt.TextFormat.PlainText)


def plain_tip(text: str | None) -> str:
    """A tooltip that Qt shows exactly as ``text`` reads.

    Tooltips have no text format of their own: Qt renders one as HTML when its first line
    looks like markup. Such a text is escaped inside an explicit HTML paragraph that keeps its
    line breaks and spaces; any other text is returned unchanged.
    """
    text = text or ""
    if not Qt.mightBeRichText(text):
        return text
    return f'<p style="white-space:pre-wrap">{escape(text, quote=False)}</p>'


class InertDocument(QTextDocument):
    """A text document that never loads a resource: no image, no style sheet, local or remote.

    For HTML a view draws itself (e.g. search snippets): should markup from an article slip
    through, it still cannot read a file from disk.
    """

    def loadResource(self, type: int, name: QUrl | str) -> object:
        return None


__all__ = ["InertDocument", "escaped", "isolated", "make_plain", "plain_label", "plain_tip"]
