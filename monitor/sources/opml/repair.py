"""The lenient pass's first step: mend what real exports get wrong, then let lxml recover.

Readers build OPML by pasting strings together, and many real exports are not XML: a raw
``"`` inside an attribute (``title="Газета "Коммерсантъ""``), a raw ``&`` in an address
(``?a=1&b=2``), HTML entities (``&nbsp;``, ``&laquo;``). lxml's recovering parser alone drops
such an attribute, or keeps ``?a=1=2`` — a wrong address followed silently. So each
``<outline …>`` tag is read again here by rules that fit what exports do, and written back
well-formed; what is still broken after that (a file cut off mid-element) is left to lxml,
which is told not to load DTDs, resolve entities or touch the network.
"""

from __future__ import annotations

import html.entities
import re
from typing import Any

_OUTLINE_START = re.compile(r"<outline(?=[\s/>])")
_ATTRIBUTE_NAME = re.compile(r"\s+([^\s=/>\"'<]+)")
_VALID_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_EQUALS = re.compile(r"\s*=\s*")
_UNQUOTED = re.compile(r"[^\s>\"'<]+")  # HTML habits: type=rss
_TAG_END = re.compile(r"\s*(/?)>")
# A quote closes a value only where an attribute or the tag's end follows it, so the
# inner quotes of title="Газета "Коммерсантъ"" stay in the title.
_CLOSING = {quote: re.compile(quote + r"(?=\s+[^\s=/>\"'<]+\s*=|\s*/?>)") for quote in ('"', "'")}
_REFERENCE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));")
_XML_NAMED = {"amp", "lt", "gt", "quot", "apos"}
_CLOSING_TAG = re.compile(r"</[A-Za-z][\w.:-]*\s*>")
_BARE_AMPERSAND = re.compile(r"&(?!#\d{1,7};|#[xX][0-9a-fA-F]{1,6};|(?:amp|lt|gt|quot|apos);)")
# Marks an outline whose tag could not be read to its end (a file cut off mid-element).
CUT_OFF = "media-monitor-cut-off"
# Characters XML 1.0 cannot carry at all, even escaped.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def recover(text: str) -> Any:
    """The root element lxml recovers from the mended ``text``, or ``None``."""
    from lxml import etree

    from monitor.collect.encoding import utf8_without_declared_encoding

    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(utf8_without_declared_encoding(mend(text)), parser)
    except etree.XMLSyntaxError:
        return None


def mend(text: str) -> str:
    """``text`` with every readable ``<outline>`` tag rewritten well-formed and entities fixed."""
    text = XML_ILLEGAL.sub("", text)
    pieces: list[str] = []
    position = 0
    start = _OUTLINE_START.search(text)
    while start is not None:
        pieces.append(_mend_markup(text[position : start.start()]))
        following = _OUTLINE_START.search(text, start.end())
        limit = following.start() if following else len(text)
        attributes, end, closed = _read_tag(text, start.end(), limit)
        if end is None:
            # Cut off, or beyond these rules: keep what was read, marked, and the end tags
            # that follow so that the folders around stay as they were.
            pieces.append(_write_tag([*attributes, (CUT_OFF, "")], closed=True))
            pieces.extend(_CLOSING_TAG.findall(text, start.end(), limit))
            position = limit
        else:
            pieces.append(_write_tag(attributes, closed))
            position = end
        start = following
    pieces.append(_mend_markup(text[position:]))
    return "".join(pieces)


def decode_references(value: str) -> str:
    """``value`` with character and HTML entity references decoded (``&nbsp;`` → U+00A0).

    Only references ended by ``;``: ``?a=1&region=2`` keeps its ``&reg`` as written.
    """
    return _REFERENCE.sub(_decoded, value) if "&" in value else value


def _decoded(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return html.entities.html5.get(name + ";", match.group(0))
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code > 0x10FFFF:
        return ""
    return XML_ILLEGAL.sub("", chr(code))


def _read_tag(text: str, index: int, limit: int) -> tuple[list[tuple[str, str]], int | None, bool]:
    """The attributes of the tag whose name ends at ``index``, where it ends, and whether it
    closes itself; the end is ``None`` when the tag cannot be read to its end before ``limit``
    (the attributes are then those read whole)."""
    attributes: list[tuple[str, str]] = []
    while True:
        end = _TAG_END.match(text, index, limit)
        if end is not None:
            return attributes, end.end(), end.group(1) == "/"
        name = _ATTRIBUTE_NAME.match(text, index, limit)
        if name is None:
            return attributes, None, False
        index = name.end()
        equals = _EQUALS.match(text, index, limit)
        if equals is None:  # a bare attribute (HTML habit)
            attributes.append((name.group(1), ""))
            continue
        index = equals.end()
        if index >= limit:
            return attributes, None, False
        quote = text[index]
        if quote in _CLOSING:
            closing = _CLOSING[quote].search(text, index + 1, limit)
            if closing is None:
                return attributes, None, False
            value = text[index + 1 : closing.start()]
            index = closing.end()
        else:
            unquoted = _UNQUOTED.match(text, index, limit)
            if unquoted is None:
                return attributes, None, False
            value = unquoted.group(0)
            index = unquoted.end()
        attributes.append((name.group(1), decode_references(value)))


def _write_tag(attributes: list[tuple[str, str]], closed: bool) -> str:
    written: dict[str, str] = {}
    for name, value in attributes:
        if _VALID_NAME.fullmatch(name) and name not in written:
            written[name] = value
    body = "".join(f' {name}="{_escape(value)}"' for name, value in written.items())
    return f"<outline{body}{'/>' if closed else '>'}"


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )


def _mend_markup(fragment: str) -> str:
    """Outside outline tags: HTML entities as character references, bare ``&`` escaped."""
    if "&" not in fragment:
        return fragment
    fragment = _REFERENCE.sub(_as_character_reference, fragment)
    return _BARE_AMPERSAND.sub("&amp;", fragment)


def _as_character_reference(match: re.Match[str]) -> str:
    name = match.group(3)
    if name is None or name in _XML_NAMED:
        return match.group(0)
    decoded = html.entities.html5.get(name + ";")
    if decoded is None:
        return "&amp;" + match.group(0)[1:]
    return "".join(f"&#{ord(character)};" for character in decoded)
