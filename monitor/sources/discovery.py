"""Finding feeds: the feed links an HTML page advertises, and a quick "is this a feed?" test.

Users often paste an outlet's home page instead of its feed address. The page's
``<link rel="alternate" type="application/rss+xml" href="...">`` elements name its feeds;
:func:`discover_feeds` lists them, resolved and deduplicated, in document order.
"""

from __future__ import annotations

import codecs
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from monitor.collect.text import absolute_http_url

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "application/x.atom+xml",
        "text/rss+xml",
        "text/atom+xml",
        # Generic XML types, seen on sites whose CMS does not know the specific ones.
        "application/xml",
        "text/xml",
    }
)

_FEED_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF)\b")
_PROLOG_NOISE = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.DOTALL)


class _FeedLinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base_href: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base", "a"):
            return
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "base":
            if self.base_href is None and values.get("href"):
                self.base_href = values["href"]
            return
        rel = values.get("rel", "").lower().split()
        mime = values.get("type", "").lower().split(";")[0].strip()
        href = values.get("href", "")
        if href and "alternate" in rel and mime in FEED_TYPES:
            self.links.append(href)


def discover_feeds(html: str, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the feeds an HTML page links to, deduplicated, in order."""
    collector = _FeedLinkCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # HTMLParser is lenient; a parser bug must not hide the links found so far
        pass
    base = _base(base_url, collector.base_href)
    found: list[str] = []
    for href in collector.links:
        url = _absolute_feed_url(href, base)
        if url is not None and url not in found:
            found.append(url)
    return found


def _base(page_url: str, base_href: str | None) -> str:
    """The URL the page's links are relative to: its ``<base href>``, unless that is damaged
    (``http://[::1`` makes urljoin raise), then the page's own."""
    if not base_href:
        return page_url
    try:
        return urljoin(page_url, base_href)
    except ValueError:
        return page_url


def looks_like_feed(data: bytes) -> bool:
    """A cheap test of the first bytes: is this an RSS, RDF, Atom or JSON feed document?"""
    head = _head_text(data)
    stripped = head.lstrip()
    if stripped.startswith("{"):
        return "jsonfeed.org/version" in stripped or _is_json_feed_text(data)
    # After the prolog the root element must come first.
    return _FEED_ROOT.match(_skip_prolog(head)) is not None


def looks_like_html(text: str) -> bool:
    """Whether a decoded document is an HTML page (by its first element)."""
    if text[:8192].lstrip("\ufeff \t\r\n").lower().startswith("<!doctype html"):
        return True
    lowered = _skip_prolog(text)[:200].lower()
    return lowered.startswith(("<html", "<head", "<body", "<meta", "<title"))


def _skip_prolog(text: str) -> str:
    """The text from its first element on: XML declaration, PIs, comments, DOCTYPE skipped."""
    rest = text[:8192].lstrip("\ufeff")
    while True:
        match = _PROLOG_NOISE.match(rest)
        if match is None or not match.group():
            return rest
        rest = rest[match.end() :]


def _absolute_feed_url(href: str, base: str) -> str | None:
    if href.lower().startswith("feed:"):
        # feed://host/path and feed:https://host/path are old browser conventions.
        rest = href[5:]
        href = rest if rest.lower().startswith(("http:", "https:")) else "http:" + rest
    return absolute_http_url(href, base)


def _head_text(data: bytes) -> str:
    head = data[:8192]
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "replace")
    if head[:4] == b"\x00\x00\x00<":
        return head.decode("utf-32-be", "replace")
    if head[:4] == b"<\x00\x00\x00":
        return head.decode("utf-32-le", "replace")
    if head[:1] == b"\x00":
        return head.decode("utf-16-be", "replace")
    if head[1:2] == b"\x00":
        return head.decode("utf-16-le", "replace")
    # Markup that matters here is ASCII in every other encoding we meet.
    return head.decode("latin-1")


def _is_json_feed_text(data: bytes) -> bool:
    if len(data) > 8 * 1024 * 1024:
        return False  # a feed that big would name its version in the first bytes
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, dict) and "jsonfeed.org" in str(parsed.get("version", ""))
