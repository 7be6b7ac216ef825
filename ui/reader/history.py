"""A Telegram post's history in the reader: deleted from its channel, or edited (with the
changes word by word, in the original and, where both versions were translated, in the
translation).

Post texts are untrusted: the deleted and edited lines are plain-text labels, and the changes
are HTML built on purpose from :func:`ui.plain.escaped` pieces, in a label that follows no
link and loads nothing.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from monitor.types import ArticleVersion
from ui.languages import language_name
from ui.plain import escaped
from ui.viewdata import ReaderContent

REMOVED_COLOR = "#c62828"
ADDED_COLOR = "#2e7d32"
TRANSLATION_NOT_KEPT = (
    "An earlier version changed before it was translated: its changes are shown in the"
    " original only."
)
_STYLE = (
    "QFrame#readerHistory { background-color: rgba(200, 60, 60, 30);"
    " border: 1px solid rgba(200, 60, 60, 140); border-radius: 4px; }"
)
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")  # spaces, words, each punctuation mark


def moment_text(moment: datetime) -> str:
    """'14:05, 2 Mar 2026' in the user's time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    return f"{local:%H:%M}, {local.day} {local:%b %Y}"


def word_changes(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` turned into ``new`` word by word: ("same" | "removed" | "added", text) runs."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(after[j1:j2])))
    return runs


def changes_html(versions: tuple[ArticleVersion, ...], *, translated: bool = False) -> str:
    """Each edit as the earlier text with what was removed struck out in red and what was
    added in green; every piece of post text escaped. ``translated``: the edits of the
    translations, for the edits whose two versions were both translated."""
    blocks = []
    for old, new in pairwise(versions):
        if translated and (old.translation is None or new.translation is None):
            continue
        before = old.translation or "" if translated else old.text
        after = new.translation or "" if translated else new.text
        when = f"<b>{moment_text(old.seen_at)} → {moment_text(new.seen_at)}</b>"
        blocks.append(f"{when}<br>{_runs_html(word_changes(before, after))}")
    return "<br><br>".join(blocks)


def _runs_html(runs: list[tuple[str, str]]) -> str:
    pieces = []
    for index, (kind, text) in enumerate(runs):
        piece = escaped(text).replace("\n", "<br>")
        if kind == "removed":
            piece = f'<span style="color:{REMOVED_COLOR}"><s>{piece}</s></span>'
            if index + 1 < len(runs) and runs[index + 1][0] == "added":
                piece += " "  # a word replaced: the old and the new apart
        elif kind == "added":
            piece = f'<span style="color:{ADDED_COLOR}"><u>{piece}</u></span>'
        pieces.append(piece)
    return "".join(pieces)


def _both_sides_html(content: ReaderContent) -> tuple[str, bool]:
    """The changes in the original and, when the reader shows a translation, in it too;
    and whether some edit could only be shown in the original."""
    original = changes_html(content.versions)
    if not content.sentences:  # shown untranslated: the original's changes are the story
        return original, False
    translated = changes_html(content.versions, translated=True)
    edits = len(content.versions) - 1
    shown = translated.count("<b>")
    language = language_name(content.language)
    target = language_name(content.target_language)
    html = f"<i>{escaped(language)}</i><br>{original}"
    if translated:
        html += f"<br><br><i>{escaped(target)}</i><br>{translated}"
    return html, shown < edits


def _plain_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PostHistory(QFrame):
    """Says a post was deleted from its channel or edited; Show changes reveals the edits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerHistory")
        self.setStyleSheet(_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 5)
        self.deleted = _plain_label()
        layout.addWidget(self.deleted)
        edited_row = QHBoxLayout()
        self.edited = _plain_label()
        self.show_changes = QPushButton("Show changes")
        self.show_changes.setCheckable(True)
        self.show_changes.toggled.connect(self._on_toggled)
        edited_row.addWidget(self.edited, 1)
        edited_row.addWidget(self.show_changes, 0)
        layout.addLayout(edited_row)
        self.changes = QLabel()
        self.changes.setWordWrap(True)
        self.changes.setTextFormat(Qt.TextFormat.RichText)
        self.changes.setOpenExternalLinks(False)
        self.changes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.changes)
        self.translation_note = _plain_label()
        self.translation_note.setText(TRANSLATION_NOT_KEPT)
        layout.addWidget(self.translation_note)
        self._partly_translated = False
        self.hide()

    def show_for(self, content: ReaderContent) -> None:
        """Show what is known of the article's history, or hide."""
        if content.deleted_since is not None:
            self.deleted.setText(
                "Deleted from the channel — not seen since "
                f"{moment_text(content.deleted_since)} (kept as last seen)"
            )
        self.deleted.setVisible(content.deleted_since is not None)
        edited = len(content.versions) > 1 and content.edited_at is not None
        if edited and content.edited_at is not None:
            self.edited.setText(
                f"Edited: {len(content.versions)} versions,"
                f" last changed {moment_text(content.edited_at)}"
            )
            changes, partly = _both_sides_html(content)
            self.changes.setText(changes)
            self._partly_translated = partly
        self.edited.setVisible(edited)
        self.show_changes.setVisible(edited)
        self.show_changes.setChecked(False)
        self._on_toggled(False)
        self.setVisible(edited or content.deleted_since is not None)

    def _on_toggled(self, shown: bool) -> None:
        self.changes.setVisible(shown)
        self.translation_note.setVisible(shown and self._partly_translated)
        self.show_changes.setText("Hide changes" if shown else "Show changes")
