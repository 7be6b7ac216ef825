"""Writing the followed feeds as an OPML 2.0 file other readers import."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime

from monitor.sources.opml.repair import XML_ILLEGAL
from monitor.types import OpmlOutline


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


def _xml_safe(value: str) -> str:
    return XML_ILLEGAL.sub("", value)
