"""Reading an OPML file: strictly first, leniently when that fails, every outline accounted for.

Expat reads the file first. Only when it refuses does the lenient pass run
(:mod:`monitor.sources.opml.repair`), and the reading then says the file was damaged. Either
way the outlines are walked without recursion (a file can nest folders 10,000 deep): each one
is a feed (an http(s) ``xmlUrl``, or ``url``), a folder (outlines inside, no address), or
skipped with the reason the report gives.

Entities are never expanded: a file with a DOCTYPE or an entity declaration is refused before
either parser sees it, and lxml is told not to resolve entities or touch the network.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from monitor.collect.encoding import decode_document, utf8_without_declared_encoding
from monitor.errors import OPMLError
from monitor.sources.opml.addresses import UnusableAddress, feed_address
from monitor.sources.opml.repair import CUT_OFF, XML_ILLEGAL, decode_references, recover
from monitor.sources.opml.report import FoundFeed, OpmlReading, SkippedOutline
from monitor.types import OpmlOutline

MAX_OPML_BYTES = 16 * 1024 * 1024  # 100,000 subscriptions fit in less
MAX_TITLE_LENGTH = 300
_FOLDERS_NAMED = 5  # the innermost folders named in a feed's folder path

_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
# A web page's bare <!DOCTYPE html> declares nothing; any other DOCTYPE is refused.
_DOCTYPE = re.compile(r"<!DOCTYPE(?!\s+html\s*>)", re.IGNORECASE)
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,5}")
# Not feeds, though some carry an http(s) address: FreshRSS scrapes pages by these recipes.
_SCRAPING_TYPES = {"html+xpath", "xml+xpath", "json+dotnotation", "html+xpath+json+dotnotation"}
_TINY_TINY_RSS_SETTINGS = {"tt-rss-prefs", "tt-rss-labels", "tt-rss-filters"}


@dataclass(frozen=True, slots=True)
class _Folder:
    name: str
    parent: _Folder | None


def read_opml(data: bytes) -> OpmlReading:
    """The feeds and skipped outlines of an OPML file; :class:`OPMLError` when none can be read."""
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
    damage: str | None = None
    root: Any
    try:
        root = ET.fromstring(utf8_without_declared_encoding(text))
    except ET.ParseError as error:
        damage = f"XML error: {error}"
        root = recover(text)
        if root is None:
            raise OPMLError(f"The file is not valid OPML ({damage}).") from None
    root_name = _local_name(root.tag) if isinstance(root.tag, str) else ""
    if root_name.lower() != "opml":
        if damage is not None and root_name.lower() != "html":
            raise OPMLError(f"The file is not valid OPML ({damage}).")
        raise OPMLError(
            f"The file is not OPML (its root element is <{root_name}>). "
            "Export your subscriptions as OPML and retry."
        )
    reading = _walk(root, damage)
    if damage is not None and reading.outline_count == 0:
        raise OPMLError(f"The file is not valid OPML ({damage}); no outline could be recovered.")
    return reading


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """The feed subscriptions in an OPML file, folders flattened, duplicates dropped."""
    seen: set[str] = set()
    outlines: list[OpmlOutline] = []
    for found in read_opml(data).feeds:
        if found.outline.url not in seen:
            seen.add(found.outline.url)
            outlines.append(found.outline)
    return outlines


def _walk(root: Any, damage: str | None) -> OpmlReading:
    feeds: list[FoundFeed] = []
    skipped: list[SkippedOutline] = []
    position = 0
    stack: list[tuple[Any, _Folder | None]] = [(child, None) for child in reversed(root)]
    while stack:
        element, folder = stack.pop()
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction lxml kept
        children = list(element)
        if _local_name(element.tag) != "outline":
            stack.extend((child, folder) for child in reversed(children))
            continue
        if not element.attrib and not children:
            continue  # nothing to follow or report (what recovery keeps of a cut-off tag)
        position += 1
        attributes = {_local_name(key).lower(): value for key, value in element.attrib.items()}
        name = _plain(attributes.get("title", "")) or _plain(attributes.get("text", ""))
        kind = attributes.get("type", "").strip().lower()
        written = attributes.get("xmlurl", "").strip()
        other = attributes.get("url", "").strip()  # OPML 2.0's for links; some put feeds there
        if not written and kind not in {"link", "include"}:
            written = other

        reason = _not_a_feed(kind, name, attributes, written, has_children=bool(children))
        if reason is None and not written:  # a folder
            inner = _Folder(name, folder) if name else folder
            stack.extend((child, inner) for child in reversed(children))
            continue
        if reason is None:
            try:
                url = feed_address(written)
            except UnusableAddress as error:
                reason = str(error)
            else:
                outline = OpmlOutline(
                    url=url,
                    title=name or url,
                    language=_language(attributes.get("language", "")),
                    homepage=_homepage(attributes.get("htmlurl", "")),
                )
                feeds.append(FoundFeed(outline, _folder_path(folder), position))
                stack.extend((child, folder) for child in reversed(children))
                continue
        address = _plain(written or other)
        skipped.append(SkippedOutline(name or address or "(untitled)", address, reason, position))
    return OpmlReading(tuple(feeds), tuple(skipped), damage)


def _not_a_feed(
    kind: str, name: str, attributes: dict[str, str], written: str, *, has_children: bool
) -> str | None:
    """Why an outline is neither a feed nor a folder, or ``None`` when it is one of them."""
    if kind == "vfolder":
        return "not a feed: a Liferea search folder (vfolder)"
    if kind in _SCRAPING_TYPES:
        return f"not a feed: a FreshRSS scraping recipe ({attributes['type'].strip()})"
    if written:
        return None
    if name in _TINY_TINY_RSS_SETTINGS:
        return "not feeds: Tiny Tiny RSS settings"
    if CUT_OFF in attributes:
        return "damaged in the file; its feed address could not be read"
    if has_children:
        return None
    if kind == "link":
        return 'not a feed: a link to a web page (type="link")'
    if kind == "include":
        return "not a feed: it includes another OPML file; import that file itself"
    if attributes.get("htmlurl", "").strip():
        return "no feed address, only a web page (htmlUrl)"
    return "no feed address (an empty folder, or a note)"


def _plain(value: str) -> str:
    """Attribute text as shown: entities decoded, whitespace collapsed, length bounded."""
    text = " ".join(XML_ILLEGAL.sub("", decode_references(value)).split())
    if len(text) > MAX_TITLE_LENGTH:
        return text[: MAX_TITLE_LENGTH - 1] + "…"
    return text


def _language(value: str) -> str | None:
    value = value.strip()
    return value if _LANGUAGE.fullmatch(value) else None


def _homepage(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        return feed_address(value)
    except UnusableAddress:
        return None


def _folder_path(folder: _Folder | None) -> str | None:
    names: list[str] = []
    while folder is not None and len(names) < _FOLDERS_NAMED:
        names.append(folder.name)
        folder = folder.parent
    if folder is not None:
        names.append("…")
    return " / ".join(reversed(names)) or None


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
