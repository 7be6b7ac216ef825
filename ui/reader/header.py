"""The reader's header: both titles, the facts a journalist checks, warnings and banners.

Everything shown comes from :class:`ReaderContent` and is escaped before it reaches a rich-text
label; the only links (http and https only) are the original page's address and, for a
Telegram post, the post it forwards or answers.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from monitor.types import PostAttachment, PostDetails
from ui.languages import language_name
from ui.plain import escaped
from ui.reader.document import marked_html, published_text, term_pattern
from ui.viewdata import ReaderContent, TextSourceKind

# Tinted, semi-transparent frames: readable with light and dark palettes.
_WARNING_STYLE = (
    "QFrame#{name} {{ background-color: rgba(255, 150, 0, 38);"
    " border: 1px solid rgba(255, 150, 0, 150); border-radius: 4px; }}"
)
_INFO_STYLE = (
    "QFrame#{name} {{ background-color: rgba(70, 140, 255, 34);"
    " border: 1px solid rgba(70, 140, 255, 140); border-radius: 4px; }}"
)
_NO_MODEL = re.compile(r"no (\w+)\s*→\s*(\w+) model")


def is_web_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme.lower() in {"http", "https"}


def _label(*, rich: bool = False, selectable: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    flags = (
        Qt.TextInteractionFlag.TextSelectableByMouse if selectable else Qt.TextInteractionFlag(0)
    )
    if rich:
        flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse
    label.setTextInteractionFlags(flags)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


class Banner(QFrame):
    """Why an article has no translation, with an Install… button when a model is missing.

    Signals:
        install_clicked(): the user pressed Install….
    """

    install_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.message = _label()
        self.install_button = QPushButton("Install…")
        self.install_button.setToolTip("Install a translation model from a file or folder")
        self.install_button.clicked.connect(self.install_clicked)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.install_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_for(self, content: ReaderContent) -> None:
        """Show the banner that fits an untranslated article, or hide it."""
        message, needs_model, warning = _banner_text(content)
        if message is None:
            self.hide()
            return
        self.message.setText(message)
        self.install_button.setVisible(needs_model)
        style = _WARNING_STYLE if warning else _INFO_STYLE
        self.setStyleSheet(style.format(name="readerBanner"))
        self.show()


def _banner_text(content: ReaderContent) -> tuple[str | None, bool, bool]:
    """(message, offer Install…, is a warning) for an article shown without translation."""
    if content.sentences:
        if content.queue_position is not None:  # a headline: the title and lead only
            return (
                "Headline and lead translated; the rest is on its way"
                f" (number {content.queue_position} in the queue).",
                False,
                False,
            )
        return None, False, False
    note = content.untranslated_note or ""
    missing = _NO_MODEL.search(note)
    if missing:
        source, target = (language_name(code) for code in missing.groups())
        return f"No {source}→{target} model installed — showing the original only.", True, True
    if note:
        reason = note.removeprefix("untranslated:").strip()
        return f"Not translated: {reason}", False, True
    if content.queue_position is not None:
        return f"Translating… (number {content.queue_position} in the queue)", False, False
    if content.language and content.language == content.target_language:
        return None, False, False
    if not content.language:
        return "Language not recognised — not translated.", False, True
    return "Waiting for translation.", False, False


def post_line_html(post: PostDetails) -> str:
    """A Telegram post's forward, reply, views and media, escaped; links are web links only."""
    parts = []
    if post.forwarded_from or post.forwarded_from_url:
        name = post.forwarded_from or "another post"
        parts.append(f"Forwarded from {_link(name, post.forwarded_from_url)}")
    if post.reply_to_url:
        parts.append(f"in reply to {_link('a post', post.reply_to_url)}")
    if post.views is not None:
        parts.append(f"{post.views:,} views")
    if post.media:
        parts.append(escape(media_summary(post.media)))
    return " · ".join(parts)


def media_summary(media: tuple[PostAttachment, ...]) -> str:
    """ "2 photos, 1 video, document report.pdf — 1.4 MB": what is attached (not fetched)."""
    counts = Counter(item.kind for item in media if item.kind != "document")
    parts = [f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in counts.items()]
    parts += [f"document {item.caption}".strip() for item in media if item.kind == "document"]
    return ", ".join(parts)


def _link(text: str, url: str | None) -> str:
    if not is_web_url(url):
        return escape(text)
    return f'<a href="{escape(url or "", quote=True)}">{escape(text)}</a>'


class ReaderHeader(QWidget):
    """Titles in both languages, outlet, author, times, language, model and warning flags.

    Signals:
        original_link_clicked(str): the user clicked the link to the original page.
    """

    original_link_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.title = _label(rich=True)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title_translated = _label(rich=True)
        translated_font = QFont(self.font())
        translated_font.setPointSizeF(translated_font.pointSizeF() * 1.15)
        self.title_translated.setFont(translated_font)
        self.facts = _label(rich=True)
        self.facts.linkActivated.connect(self._on_link)
        self.flags = QFrame()
        self.flags.setObjectName("readerFlags")
        self.flags.setStyleSheet(_WARNING_STYLE.format(name="readerFlags"))
        flags_layout = QVBoxLayout(self.flags)
        flags_layout.setContentsMargins(10, 5, 10, 5)
        self.flags_text = _label()
        flags_layout.addWidget(self.flags_text)
        for widget in (self.title, self.title_translated, self.facts, self.flags):
            layout.addWidget(widget)
        self._url: str | None = None

    def show_content(self, content: ReaderContent) -> None:
        pattern = term_pattern(content.highlight_terms)
        self.title.setText(marked_html(content.title or "(no title)", pattern))
        self.title_translated.setText(marked_html(content.title_translated or "", pattern))
        self.title_translated.setVisible(bool(content.title_translated))
        self._url = content.url if is_web_url(content.url) else None
        self.facts.setText(self._facts_html(content))
        flags = self.flag_texts(content)
        self.flags_text.setText("\n".join(flags))
        self.flags.setVisible(bool(flags))

    def _facts_html(self, content: ReaderContent) -> str:
        parts = [f"<b>{escaped(content.outlet)}</b>"]
        if content.author:
            parts.append(f"by {escaped(content.author)}")
        when = published_text(content.published, content.published_offset_minutes)
        if content.published_zone:  # the feed wrote no zone: say which was assumed, and why
            when += f" — zone assumed: {content.published_zone}"
        parts.append(escape(when))
        line = " · ".join(parts)
        language = language_name(content.language)
        if content.sentences:
            language += f" → {language_name(content.target_language)}"
        second = [escaped(language)]
        if content.model:
            second.append(f"translated by {escaped(content.model)}")
        if self._url:
            host = urlsplit(self._url).hostname or self._url
            second.append(f'<a href="{escape(self._url, quote=True)}">{escape(host)} ↗</a>')
        lines = [line, " · ".join(second)]
        if content.post is not None:
            lines.append(post_line_html(content.post))
        return "<br>".join(line for line in lines if line)

    @staticmethod
    def flag_texts(content: ReaderContent) -> list[str]:
        """The warnings a reader should see before trusting this text."""
        flags = []
        # A Telegram post's text is the whole post, not a feed's summary of a page.
        if content.text_origin == TextSourceKind.FEED and content.post is None:
            flags.append(
                "⚠ Text comes from the feed, not the article page: it may be a summary "
                "or cut short."
            )
        flagged = sum(1 for s in content.sentences if s.degenerate)
        if flagged:
            noun = "sentence looks" if flagged == 1 else "sentences look"
            flags.append(
                f"⚠ {flagged} translated {noun} unreliable (wavy underline): "
                "check against the original."
            )
        elif content.degenerate:
            flags.append(
                "⚠ This translation looks unreliable (repeated or cut-short output): "
                "check it against the original."
            )
        return flags

    def _on_link(self, url: str) -> None:
        if is_web_url(url):
            self.original_link_clicked.emit(url)
