"""The reader's text as Qt documents: one document per pane, one block per paragraph.

Article text is plain text, so documents are built with :class:`QTextCursor` inserts rather
than HTML: nothing in an article can become markup, an image or a request. Each sentence is
an anchor ``s:N`` (N is its index in :attr:`ReaderContent.sentences`) so the pane can tell
which sentence the mouse is over; bare http(s) URLs in the text become real links; search
terms get a background mark. Paragraph ``i`` is block ``i`` in both panes, which is what lets
the reader line paragraphs up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html import escape

from PySide6.QtGui import (
    QColor,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from monitor.types import SentencePair
from ui.plain import plain_tip

# Languages written without spaces between sentences.
_UNSPACED_LANGUAGES = {"zh", "ja"}

# Semi-transparent so the marks read on light and dark palettes alike.
TERM_MARK = QColor(255, 190, 0, 115)
WARNING_COLOUR = QColor(225, 80, 40)
SENTENCE_PREFIX = "s:"
# Char-format property that tags a search-term mark (tests and tools read it back).
TERM_PROPERTY = int(QTextFormat.Property.UserProperty) + 1
PARAGRAPH_SPACING = 10.0
DOCUMENT_MARGIN = 14.0
_LINE_HEIGHT_PERCENT = 135.0
_URL = re.compile(r"https?://[^\s<>\"'«»“”]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}。，、！？）」』"
DEGENERATE_TIP = (
    "This sentence's translation looks unreliable (repeated, cut short or copied from the "
    "original). Check it against the original."
)


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all search terms, longest first; None when none."""
    words = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def marked_html(text: str, pattern: re.Pattern[str] | None) -> str:
    """Escaped ``text`` with search-term occurrences wrapped in a highlight span (for labels)."""
    if pattern is None:
        return escape(text)
    colour = f"rgba({TERM_MARK.red()},{TERM_MARK.green()},{TERM_MARK.blue()},{TERM_MARK.alpha()})"
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f'<span style="background-color:{colour}">{escape(match.group())}</span>')
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def published_text(published: datetime | None, offset_minutes: int | None) -> str:
    """'12 Nov 2025, 14:30 (UTC+09:00, source) · 06:30 your time', or 'Date unknown'."""
    if published is None:
        return "Date unknown"
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    local = published.astimezone()
    if offset_minutes is None:
        return f"{_date_time(local)} (your time)"
    source = published.astimezone(timezone(timedelta(minutes=offset_minutes)))
    zone = _utc_offset(offset_minutes)
    if local.utcoffset() == source.utcoffset():
        return f"{_date_time(source)} ({zone}, source and your time)"
    same_day = local.date() == source.date()
    local_text = local.strftime("%H:%M") if same_day else _date_time(local)
    return f"{_date_time(source)} ({zone}, source) · {local_text} your time"


def _date_time(moment: datetime) -> str:
    return f"{moment.day} {moment.strftime('%b %Y, %H:%M')}"


def _utc_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


@dataclass(frozen=True, slots=True)
class Piece:
    """One sentence (or, for untranslated text, a whole paragraph) as it goes into a pane."""

    text: str
    sentence: int | None  # index into ReaderContent.sentences; None for untranslated text
    degenerate: bool = False


@dataclass(slots=True)
class PaneText:
    """A built pane document and where each sentence landed in it."""

    document: QTextDocument
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    paragraphs: int = 0
    term_spans: list[tuple[int, int]] = field(default_factory=list)


def sentence_paragraphs(
    sentences: Sequence[SentencePair], *, translation: bool
) -> list[list[Piece]]:
    """Sentences grouped into paragraphs, in order: one side (original or translation)."""
    paragraphs: list[list[Piece]] = []
    current: int | None = None
    for index, sentence in enumerate(sentences):
        if not paragraphs or sentence.paragraph != current:
            paragraphs.append([])
            current = sentence.paragraph
        text = sentence.translation if translation else sentence.original
        paragraphs[-1].append(Piece(text, index, sentence.degenerate and translation))
    return paragraphs


def text_paragraphs(text: str) -> list[list[Piece]]:
    """Plain text split at blank lines, one piece per paragraph (the untranslated view)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[Piece(block.strip(), None)] for block in blocks if block.strip()]


def sentence_joiner(language: str | None) -> str:
    return "" if (language or "").lower() in _UNSPACED_LANGUAGES else " "


def build_pane(
    paragraphs: Sequence[Sequence[Piece]],
    *,
    joiner: str,
    pattern: re.Pattern[str] | None,
    palette: QPalette,
) -> PaneText:
    """A document with one block per paragraph, sentence anchors, links and term marks."""
    document = QTextDocument()
    document.setUndoRedoEnabled(False)
    document.setDocumentMargin(DOCUMENT_MARGIN)
    built = PaneText(document, paragraphs=len(paragraphs))
    cursor = QTextCursor(document)
    block_format = QTextBlockFormat()
    block_format.setBottomMargin(PARAGRAPH_SPACING)
    block_format.setLineHeight(
        _LINE_HEIGHT_PERCENT, int(QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    )
    plain = QTextCharFormat()
    for row, paragraph in enumerate(paragraphs):
        if row:
            cursor.insertBlock(block_format, plain)
        else:
            cursor.setBlockFormat(block_format)
        for position, piece in enumerate(paragraph):
            if position and joiner:
                cursor.insertText(joiner, plain)
            start = cursor.position()
            cursor.insertText(_one_block(piece.text), _piece_format(piece))
            if piece.sentence is not None:
                built.spans[piece.sentence] = (start, cursor.position())
    _mark_links(document, palette)
    if pattern is not None:
        built.term_spans = _mark_terms(document, pattern)
    return built


def _one_block(text: str) -> str:
    # A newline would start a new block and break the paragraph-per-block alignment.
    text = re.sub(r"[ \t]*\r?\n[ \t]*", "\u2028", text.strip())
    return text.replace("\r", " ")


def _piece_format(piece: Piece) -> QTextCharFormat:
    char_format = QTextCharFormat()
    if piece.sentence is not None:
        char_format.setAnchor(True)
        char_format.setAnchorHref(f"{SENTENCE_PREFIX}{piece.sentence}")
    if piece.degenerate:
        char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        char_format.setUnderlineColor(WARNING_COLOUR)
        char_format.setToolTip(DEGENERATE_TIP)
    return char_format


def _utf16_positions(text: str) -> list[int] | None:
    """Document positions of each character when ``text`` has characters beyond the BMP."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    positions = [0]
    for char in text:
        positions.append(positions[-1] + (2 if ord(char) >= 0x10000 else 1))
    return positions


def _matches(document: QTextDocument, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    text = document.toPlainText()  # one character per document position (in UTF-16 units)
    positions = _utf16_positions(text)
    found = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if positions is not None:
            start, end = positions[start], positions[end]
        found.append((start, end, match.group()))
    return found


def _select(document: QTextDocument, start: int, end: int) -> QTextCursor:
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor


def _mark_terms(document: QTextDocument, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    mark = QTextCharFormat()
    mark.setBackground(TERM_MARK)
    mark.setProperty(TERM_PROPERTY, True)
    spans = []
    for start, end, _ in _matches(document, pattern):
        _select(document, start, end).mergeCharFormat(mark)
        spans.append((start, end))
    return spans


def _mark_links(document: QTextDocument, palette: QPalette) -> None:
    for start, end, url in _matches(document, _URL):
        trimmed = url.rstrip(_URL_TRAILING)
        if len(trimmed) <= len("https://"):
            continue
        link = QTextCharFormat()
        link.setAnchor(True)
        link.setAnchorHref(trimmed)
        link.setForeground(palette.color(QPalette.ColorRole.Link))
        link.setFontUnderline(True)
        link.setToolTip(plain_tip(f"Open {trimmed} in your browser"))
        _select(document, start, end - (len(url) - len(trimmed))).mergeCharFormat(link)


def term_marks(document: QTextDocument) -> list[str]:
    """The marked search-term fragments of a built document, in order (for tests and tools)."""
    marks: list[str] = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().boolProperty(TERM_PROPERTY):
                marks.append(fragment.text())
            iterator += 1
        block = block.next()
    return marks
