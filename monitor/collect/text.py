"""Plain text from HTML fragments and messy strings, keeping paragraph breaks.

Feed descriptions, ``content:encoded`` and page fragments arrive as HTML. The store and the
translator want plain text with one blank line between paragraphs, no scripts or styles,
entities decoded and whitespace collapsed. These helpers never raise on any input.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ftfy.badness import is_bad

# Elements that end a paragraph: their text is separated from what follows by a blank line.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tr", "ul",
    }
)  # fmt: skip
# Elements whose content is never readable text.
_SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "head"}
)
_CELL_TAGS = frozenset({"td", "th"})

# Private-use placeholders that survive whitespace collapsing (removed from input first).
_PARAGRAPH = "\ue000"
_LINE = "\ue001"
_PLACEHOLDERS = re.compile("[\ue000\ue001]")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
# In UTF-8 read as Latin-1 or Windows-1252, U+0085 and U+00A0 are the bytes 0x85 and 0xA0 of
# letters ("ì\xa0\x95" is "정", "Ð\xa0" is "Р"), not spaces: the repair needs them.
_HORIZONTAL_SPACE_IN_MOJIBAKE = re.compile(r"[^\S\n\x85\xa0]+")
_SPACE_IN_MOJIBAKE = re.compile(r"[^\S\x85\xa0]+")
_C1_CONTROLS = re.compile("[\x80-\x9f]")
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG_HINT = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z]")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARAGRAPH)
            if tag == "pre":
                self._pre_depth += 1
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>, <div/>: a self-closed element opens and closes at once.
        if tag not in _SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARAGRAPH)
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            data = data.replace("\n", _LINE)
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML fragment or page.

    ``<p>``, ``<div>``, headings, list items and other blocks become paragraphs separated by
    one blank line; ``<br>`` becomes a line break (two in a row, a paragraph break).
    """
    if not html:
        return ""
    if not _TAG_HINT.search(html):
        return normalize_text(html)
    collector = _TextCollector()
    try:
        collector.feed(_PLACEHOLDERS.sub("", html))
        collector.close()
    except Exception:  # HTMLParser is lenient, but a parser bug must not lose the item
        return normalize_text(re.sub(r"<[^>]*>", " ", unescape(html)))
    return _finish("".join(collector.parts))


def normalize_text(text: str) -> str:
    """Plain text tidied up: whitespace collapsed, blank-line paragraphs kept, junk removed."""
    if not text:
        return ""
    text = _PLACEHOLDERS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\n[^\S\n]*\n\s*", _PARAGRAPH, text)
    return _finish(text.replace("\n", " "))


def single_line(text: str) -> str:
    """Text (plain or HTML) as one line, as wanted for titles and author names."""
    plain = html_to_text(text) if _TAG_HINT.search(text) else _PLACEHOLDERS.sub("", text)
    cleaned, mojibake = _clean_characters(plain)
    if mojibake:
        return _SPACE_IN_MOJIBAKE.sub(" ", cleaned).strip(" ")
    return " ".join(cleaned.split())


def _finish(marked: str) -> str:
    text, mojibake = _clean_characters(marked)
    spaces = _HORIZONTAL_SPACE_IN_MOJIBAKE if mojibake else _HORIZONTAL_SPACE
    text = spaces.sub(" ", text.replace("\n", " "))
    text = text.replace(_LINE, "\n").replace(_PARAGRAPH, "\n\n\n")
    lines = [line.strip(" " if mojibake else None) for line in text.split("\n")]
    text = "\n".join(lines)
    # Two or more line ends in a row (empty blocks, <br><br>) make a single paragraph break.
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _clean_characters(text: str) -> tuple[str, bool]:
    """Text without invisible characters, and whether it is UTF-8 mojibake.

    Mojibake keeps its C1 controls ("Ñ\x81" is "с" read as Latin-1): they are bytes the
    repair needs (:mod:`monitor.collect.mojibake`), which cleans up any it leaves.
    """
    if text.isascii():
        return _INVISIBLE.sub("", text), False
    punctuated = windows_1252_controls(text)
    mojibake = is_bad(punctuated)
    return _INVISIBLE.sub("", text if mojibake else punctuated), mojibake


def windows_1252_controls(text: str) -> str:
    """C1 control characters as the Windows-1252 punctuation they stand for.

    They are never meant: they are curly quotes, dashes and ellipses that went through a
    Latin-1 step somewhere. The five that Windows-1252 leaves undefined are dropped.
    """
    return _C1_CONTROLS.sub(_from_cp1252, text)


def _from_cp1252(match: re.Match[str]) -> str:
    try:
        return match.group().encode("latin-1").decode("cp1252")
    except UnicodeDecodeError:
        return ""


def absolute_http_url(href: str, base: str) -> str | None:
    """``href`` resolved against ``base`` if it is an http(s) address, else ``None``."""
    try:
        url = urljoin(base, href)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None
