"""Reading and writing OPML subscription lists, for moving sources in and out of the app.

Feed readers export their subscriptions as OPML; folders nest ``<outline>`` elements.
:func:`parse_opml` flattens the folders and keeps every outline that names a feed
(``xmlUrl``). Files are parsed with the standard library's expat after refusing entity
declarations, so a hostile file cannot expand entities ("billion laughs") or pull in
external resources.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime

from monitor.collect.encoding import decode_document, utf8_without_declared_encoding
from monitor.errors import OPMLError
from monitor.types import OpmlOutline

MAX_OPML_BYTES = 16 * 1024 * 1024  # thousands of subscriptions fit in far less

_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
# Characters XML 1.0 cannot carry at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """The feed subscriptions in an OPML file, folders flattened, duplicates dropped."""
    if not data.strip():
        raise OPMLError("The OPML file is empty. Export your subscriptions again and retry.")
    if len(data) > MAX_OPML_BYTES:
        raise OPMLError("The OPML file is larger than 16 MB; that is not a subscription list.")
    text = decode_document(data, None, markup="xml").text
    if _ENTITY_DECLARATION.search(text) or _DOCTYPE.search(text):
        raise OPMLError(
            "The OPML file contains a DOCTYPE or entity declarations, which are not allowed "
            "for safety. Remove them (feed readers never write them) and retry."
        )
    try:
        root = ET.fromstring(utf8_without_declared_encoding(text))
    except ET.ParseError as error:
        raise OPMLError(f"The file is not valid OPML (XML error: {error}).") from None
    if _local_name(root.tag).lower() != "opml":
        raise OPMLError(
            f"The file is XML but not OPML (its root element is <{_local_name(root.tag)}>)."
        )
    outlines: list[OpmlOutline] = []
    seen: set[str] = set()
    for element in root.iter():
        if _local_name(element.tag) != "outline":
            continue
        attributes = {_local_name(k).lower(): v.strip() for k, v in element.attrib.items()}
        url = attributes.get("xmlurl", "")
        if not url or url in seen:
            continue
        seen.add(url)
        outlines.append(
            OpmlOutline(
                url=url,
                title=" ".join((attributes.get("title") or attributes.get("text") or url).split()),
                language=attributes.get("language") or None,
                homepage=attributes.get("htmlurl") or None,
            )
        )
    return outlines


def write_opml(outlines: Iterable[OpmlOutline], title: str) -> bytes:
    """An OPML 2.0 document (UTF-8) listing the given feeds."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_safe(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ET.SubElement(root, "body")
    for outline in outlines:
        name = _xml_safe(outline.title) or _xml_safe(outline.url)
        element = ET.SubElement(
            body, "outline", type="rss", text=name, title=name, xmlUrl=_xml_safe(outline.url)
        )
        if outline.homepage:
            element.set("htmlUrl", _xml_safe(outline.homepage))
        if outline.language:
            element.set("language", _xml_safe(outline.language))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_safe(value: str) -> str:
    return _XML_ILLEGAL.sub("", value)
