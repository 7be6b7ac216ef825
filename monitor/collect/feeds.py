"""Parsing RSS 0.9x/1.0/2.0, Atom and JSON Feed documents into :class:`ParsedFeed`.

feedparser does the XML work, but we decode the bytes ourselves (see ``monitor.collect.encoding``)
and hand it clean UTF-8, because its own charset handling has no sniffer and trusts wrong
declarations. Items are normalised: plain-text titles and bodies with paragraph breaks,
links made absolute, dates in UTC with the feed's original offset kept.

One bad field costs that field, not the item or the feed: a date that cannot be read or that
falls outside what a datetime holds (``0001-01-01T00:00:00+14:00`` is in the year 0 in UTC)
leaves the item undated, or dated by its next date (updated, created).
"""

from __future__ import annotations

import calendar
import email.utils
import html
import io
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import feedparser
from feedparser.datetimes import _parse_date as feedparser_parse_date

from monitor.collect.encoding import decode_document, utf8_without_declared_encoding
from monitor.collect.mojibake import repair_mojibake
from monitor.collect.text import absolute_http_url, html_to_text, normalize_text, single_line
from monitor.errors import FeedError, NotAFeedError
from monitor.sources.discovery import discover_feeds, looks_like_feed, looks_like_html
from monitor.types import DecodedText, FeedItem, ParsedFeed

MAX_ITEMS = 2000  # a feed longer than this is an archive dump; the newest come first
MAX_FEED_BYTES = 32 * 1024 * 1024  # bounds parsing time; real feeds are far smaller
_DERIVED_TITLE_CHARS = 120

# Time-zone names seen in our outlets' RFC 822 dates that the email module does not know.
_ZONE_OFFSETS = {"MSK": 180, "MSD": 240, "KST": 540, "JST": 540, "HKT": 480, "EET": 120,
                 "EEST": 180, "KYIV": 120}  # fmt: skip
_AMBIGUOUS_ZONES = frozenset({"CST", "IST"})  # China/US Central; India/Irish/Israel
_NUMERIC_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_UNKNOWN_LOCAL_OFFSET = re.compile(r"-0000\s*$")
# A zone at the end of a date in any of feedparser's forms: an offset, Z, or a name.
_WRITTEN_ZONE = re.compile(r"(?:[+-]\d{2}:?\d{2}|\d[Zz]|\b(?!(?i:am|pm)\b)[A-Za-z]{1,5})\s*$")
_ZONE_NAME = re.compile(r"\s([A-Za-z]{3,4})\s*$")
# Feeds that escape their HTML twice leave literal tags after one pass.
_LEFTOVER_TAGS = re.compile(r"</?(?:p|br|div|span|strong|em|b|i|a|img|li|ul|ol|h[1-6])\b[^>]*>")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_ROOT_ELEMENT = re.compile(r"<((?:[\w.-]+:)?(?:rss|feed|RDF))[\s>]")
_LEFTOVER_ENTITIES = re.compile(
    r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|quot|amp|lt|gt|nbsp|laquo|raquo|mdash|ndash|hellip);"
)


def parse_feed(data: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a fetched feed; raises NotAFeedError for HTML pages, FeedError if hopeless."""
    if not data.strip():
        raise FeedError(f"{url} returned an empty document, not a feed. Check the address.")
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(
            f"The feed at {url} is {len(data) // (1024 * 1024)} MB, too large to read "
            "(the limit is 32 MB). Check that the address is a news feed."
        )
    decoded = decode_document(data, content_type, markup="xml")
    if decoded.text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        return _parse_json_feed(decoded, url=url)
    if looks_like_html(decoded.text):
        raise NotAFeedError(_html_page_message(decoded.text, url))
    text = _CHARACTER_REFERENCE.sub(_sane_reference, _first_items_only(decoded.text))
    utf8 = utf8_without_declared_encoding(text)
    result = feedparser.parse(
        io.BytesIO(utf8),
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
        resolve_relative_uris=False,  # we resolve the links we keep; bodies become plain text
        sanitize_html=False,  # scripts and styles are dropped by html_to_text
    )
    version = str(result.get("version") or "")
    entries = list(result.get("entries") or [])
    channel: Mapping[str, Any] = dict(result.get("feed") or {})
    # A broken document still counts as a feed if its channel could be read.
    if not entries and (not version or (result.get("bozo") and not channel.get("title"))):
        if version or looks_like_feed(utf8):
            raise FeedError(
                f"The feed at {url} is damaged beyond repair: no items could be read from it. "
                "Try again later; if it persists, the site's feed is broken."
            )
        raise NotAFeedError(
            f"{url} is not an RSS, Atom or JSON feed. Check the address, or add the page "
            "that links to the feed."
        )
    channel_language = _language(channel.get("language"))
    # Plain dicts: FeedParserDict maps some missing keys to others, with a warning.
    items = tuple(_item(dict(entry), url, channel_language) for entry in entries[:MAX_ITEMS])
    return ParsedFeed(
        title=single_line(str(channel.get("title") or "")) or _host(url),
        link=_absolute_link(channel.get("link"), url),
        language_hint=channel_language,
        items=items,
        encoding=decoded.encoding,
        format=version or "unknown",
        recovered=bool(result.get("bozo")),
    )


def _sane_reference(match: re.Match[str]) -> str:
    """A numeric character reference as it is, or U+FFFD if it names no character.

    feedparser turns ``&#99999999999;`` into an OverflowError, ``&#x110000;`` into a
    ValueError and a lone surrogate into a UnicodeEncodeError: one bad reference would
    cost the whole feed.
    """
    digits = match.group(1) or match.group(2)
    if len(digits) > 8:
        return "&#xFFFD;"
    value = int(digits, 16) if match.group(1) else int(digits)
    if value == 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return "&#xFFFD;"
    return match.group(0)


def _first_items_only(text: str) -> str:
    """The document cut after :data:`MAX_ITEMS` items and closed, so parsing stays bounded."""
    root = _ROOT_ELEMENT.search(text, 0, 65536)
    if root is None:
        return text
    qname = root.group(1)
    item = "entry" if qname.endswith("feed") else "item"
    for count, match in enumerate(re.finditer(rf"<(?:[\w.-]+:)?{item}[\s>]", text), start=1):
        if count > MAX_ITEMS:
            closing = "</channel>" if qname.endswith("rss") else ""
            return f"{text[: match.start()]}{closing}</{qname}>"
    return text


class FeedDate(NamedTuple):
    """A date read from a feed."""

    utc: datetime
    offset_minutes: int | None  # the offset the feed wrote; None for "-0000" or no zone
    # Written without a zone: ``utc`` is then the clock reading as written, labelled UTC
    # until the pipeline knows the outlet's zone (see monitor.collect.zones).
    zoneless: bool = False


def parse_feed_date(raw: str | None) -> FeedDate | None:
    """A feed date, or None if it is unreadable or out of range (in UTC or as a timestamp).

    RFC 822 dates (RSS) and ISO 8601 dates (Atom, ``dc:date``) are read directly so the
    offset survives; other forms go through feedparser's many date handlers.
    """
    if not raw or not raw.strip():
        return None
    text = " ".join(raw.split())
    parsed = _parse_rfc822(text) or _parse_iso(text) or _parse_numeric(text)
    if parsed is not None:
        return parsed
    try:
        struct = feedparser_parse_date(text)
    except Exception:  # feedparser's handlers are many and not all are careful
        return None
    found = _from_struct(struct)
    if found is None or _WRITTEN_ZONE.search(text):
        return found
    return found._replace(zoneless=True)


def _item(entry: Mapping[str, Any], feed_url: str, channel_language: str | None) -> FeedItem:
    title, summary, content, repaired = _without_mojibake(
        _title(entry.get("title")),
        _detail_text(entry.get("summary_detail"), entry.get("summary")),
        _content_text(entry),
    )
    if not title:
        title = _derived_title(summary or content)
    published = None
    for key in ("published", "updated", "created"):
        published = parse_feed_date(entry.get(key))
        if published is not None:
            break
    if published is None:
        published = _from_struct(entry.get("published_parsed") or entry.get("updated_parsed"))
    guid = str(entry.get("id") or "").strip() or None
    link = _absolute_link(entry.get("link"), feed_url)
    if link is None and guid and guid.startswith(("http://", "https://")):
        link = guid
    return FeedItem(
        guid=guid,
        url=link,
        title=title,
        author=_author(entry),
        published=published.utc if published else None,
        published_offset_minutes=published.offset_minutes if published else None,
        published_zoneless=bool(published and published.zoneless),
        summary=summary,
        content=content,
        language_hint=_item_language(entry) or channel_language,
        repaired=repaired,
    )


def _without_mojibake(title: str, summary: str, content: str) -> tuple[str, str, str, bool]:
    """An item's texts with mojibake undone, and whether any was."""
    fixed = [repair_mojibake(text) for text in (title, summary, content)]
    return fixed[0].text, fixed[1].text, fixed[2].text, any(text.repaired for text in fixed)


def _detail_text(detail: Any, value: Any) -> str:
    text = str(value or "")
    kind = str(detail.get("type") or "") if isinstance(detail, Mapping) else ""
    return _body_text(text, kind)


def _body_text(text: str, kind: str) -> str:
    if kind == "text/plain" and "<" not in text:
        return normalize_text(text)
    plain = html_to_text(text)
    if len(_LEFTOVER_TAGS.findall(plain)) >= 2:
        plain = html_to_text(plain)
    return _unescape_leftovers(plain)


def _unescape_leftovers(text: str) -> str:
    """Decode entities left in text that was escaped once too often ("Лаба&#769;зник")."""
    return _LEFTOVER_ENTITIES.sub(lambda m: html.unescape(m.group()), text)


def _title(value: Any) -> str:
    return single_line(_unescape_leftovers(single_line(str(value or ""))))


def _content_text(entry: Mapping[str, Any]) -> str:
    bodies = [
        _body_text(str(part.get("value") or ""), str(part.get("type") or ""))
        for part in entry.get("content") or []
        if isinstance(part, Mapping)
    ]
    # Yandex's full-text element keeps whatever prefix the feed bound its namespace to.
    for key, value in entry.items():
        if str(key).endswith("full-text") and isinstance(value, str):
            bodies.append(_body_text(value, "text/html"))
    return max(bodies, key=len, default="")


def _author(entry: Mapping[str, Any]) -> str | None:
    detail = entry.get("author_detail")
    name = detail.get("name") if isinstance(detail, Mapping) else None
    author = single_line(str(name or entry.get("author") or ""))
    return author or None


def _item_language(entry: Mapping[str, Any]) -> str | None:
    declared = _language(entry.get("language"))
    if declared:
        return declared
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key)
        if isinstance(detail, Mapping) and detail.get("language"):
            return _language(detail["language"])
    for part in entry.get("content") or []:
        if isinstance(part, Mapping) and part.get("language"):
            return _language(part["language"])
    return None


def _language(value: Any) -> str | None:
    text = str(value or "").strip().replace("_", "-").lower()
    return text[:35] or None


def _derived_title(body: str) -> str:
    first = " ".join(body.split("\n\n", 1)[0].split())
    if len(first) <= _DERIVED_TITLE_CHARS:
        return first
    return first[: _DERIVED_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _absolute_link(value: Any, base: str) -> str | None:
    href = str(value or "").strip()
    return absolute_http_url(href, base) if href else None


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _parse_rfc822(text: str) -> FeedDate | None:
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    zone_name = _ZONE_NAME.search(text)
    if zone_name and zone_name.group(1).upper() in _AMBIGUOUS_ZONES:
        # "CST" is China Standard Time in a Chinese feed and US Central in an American
        # one: taken as no zone, so the outlet's own zone decides.
        return FeedDate(value.replace(tzinfo=UTC), None, zoneless=True)
    if value.tzinfo is None:
        if _UNKNOWN_LOCAL_OFFSET.search(text):  # "-0000": UTC, the local offset not said
            return FeedDate(value.replace(tzinfo=UTC), None)
        zone = _ZONE_NAME.search(text)
        minutes = _ZONE_OFFSETS.get(zone.group(1).upper()) if zone else None
        if minutes is None:  # no zone, or a name that could be several (CST)
            return FeedDate(value.replace(tzinfo=UTC), None, zoneless=True)
        value = value.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    return _utc_with_offset(value)


def _parse_numeric(text: str) -> FeedDate | None:
    """``2018/09/18 14:38``, ``2018.09.18 14:38:10``, ``2018年09月18日 14:38``, as Chinese
    and Korean portals write them (feedparser reads the first as 1 December)."""
    match = _NUMERIC_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    return FeedDate(value, None, zoneless=True)


def _parse_iso(text: str) -> FeedDate | None:
    try:
        value = datetime.fromisoformat(text.replace(" UTC", "Z").replace(" GMT", "Z"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return FeedDate(value.replace(tzinfo=UTC), None, zoneless=True)
    return _utc_with_offset(value)


def _utc_with_offset(value: datetime) -> FeedDate | None:
    """``value`` in UTC with its offset in minutes; None if UTC is out of range."""
    try:
        offset = value.utcoffset()
        utc = value.astimezone(UTC)  # 0001-01-01T00:00+14:00 would be in the year 0
    except (OverflowError, ValueError):
        return None
    return FeedDate(utc, None if offset is None else int(offset.total_seconds() // 60))


def _from_struct(struct: Any) -> FeedDate | None:
    if not isinstance(struct, time.struct_time):
        return None
    try:  # timegm raises ValueError for years outside 1..9999, fromtimestamp OverflowError
        return FeedDate(datetime.fromtimestamp(calendar.timegm(struct), UTC), None)
    except (OverflowError, ValueError, OSError):
        return None


def _html_page_message(text: str, url: str) -> str:
    feeds = discover_feeds(text[:1_000_000], url)
    if feeds:
        return (
            f"{url} is an HTML page, not a feed. The page links to this feed: {feeds[0]} "
            "— add that address instead."
        )
    return (
        f"{url} is an HTML page, not a feed, and it does not link to one. "
        "Look on the site for an RSS link, or add the page as a single article."
    )


def _parse_json_feed(decoded: DecodedText, *, url: str) -> ParsedFeed:
    try:
        document = json.loads(decoded.text)
    except (ValueError, RecursionError) as error:
        raise FeedError(f"The JSON feed at {url} cannot be read: {error}.") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise NotAFeedError(f"{url} is JSON data but not a JSON Feed. Check the address.")
    version = "json11" if str(document["version"]).rstrip("/").endswith("1.1") else "json1"
    language = _language(document.get("language"))
    raw_items = document.get("items")
    items = tuple(
        _json_item(raw, url, language)
        for raw in (raw_items if isinstance(raw_items, list) else [])[:MAX_ITEMS]
        if isinstance(raw, dict)
    )
    return ParsedFeed(
        title=single_line(str(document.get("title") or "")) or _host(url),
        link=_absolute_link(document.get("home_page_url"), url),
        language_hint=language,
        items=items,
        encoding=decoded.encoding,
        format=version,
        recovered=not isinstance(raw_items, list),
    )


def _json_item(raw: dict[str, Any], feed_url: str, feed_language: str | None) -> FeedItem:
    if raw.get("content_html"):
        content = _body_text(str(raw["content_html"]), "text/html")
    else:
        content = normalize_text(str(raw.get("content_text") or ""))
    title, summary, content, repaired = _without_mojibake(
        _title(raw.get("title")), normalize_text(str(raw.get("summary") or "")), content
    )
    title = title or _derived_title(summary or content)
    published = parse_feed_date(str(raw.get("date_published") or raw.get("date_modified") or ""))
    authors = raw.get("authors") or ([raw["author"]] if raw.get("author") else [])
    names = [str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    guid = str(raw.get("id") or "").strip() or None
    return FeedItem(
        guid=guid,
        url=_absolute_link(raw.get("url") or raw.get("external_url"), feed_url),
        title=title,
        author=single_line(", ".join(names)) or None,
        published=published.utc if published else None,
        published_offset_minutes=published.offset_minutes if published else None,
        published_zoneless=bool(published and published.zoneless),
        summary=summary,
        content=content,
        language_hint=_language(raw.get("language")) or feed_language,
        repaired=repaired,
    )
