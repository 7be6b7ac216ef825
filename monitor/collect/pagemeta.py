"""Article metadata read from a parsed HTML page: title, author, date, canonical URL, language.

Used by :mod:`monitor.collect.extract`. Only the page itself is consulted (meta tags, JSON-LD,
``<time>``, ``<h1>``, ``<title>``); nothing is fetched and no clock is read, so the same
page always gives the same answer.

Dates come from meta tags, JSON-LD and ``<time datetime>``; failing those, htmldate
searches the URL and the visible text (it gives a day only, and ignores dates later than
today). A value with an explicit offset is converted to UTC and its offset kept in
minutes. A value without any zone (``2020-04-27 10:00`` or a bare ``2020-04-27``) is
taken as UTC (midnight for a bare date) with the offset left ``None``, which tells the
caller the zone was unknown rather than pretending it was ``+00:00``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

# Separators sites put between an article title and the site name in <title>.
# Chinese sites write "标题-新华网" with no spaces, hence the unspaced dash after CJK text.
_TITLE_SEPARATORS = re.compile(
    r"\s+[|\-\u2013\u2014:·»/]\s+|\s*[\uff5c_]\s*|\s+::\s+"
    r"|(?<=[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e])[-\u2013\u2014|]"
)
_SEPARATOR_CHARS = " |-\u2013\u2014:·»/\uff5c_"
_SPACES = re.compile(r"\s+")
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "socialmediaposting",
    "report",
    "webpage",
}
# Non-standard codes sites commonly put in lang attributes for this app's languages.
_LANGUAGE_ALIASES = {
    "ua": "uk",
    "kr": "ko",
    "cn": "zh",
    "kor": "ko",
    "rus": "ru",
    "ukr": "uk",
    "zho": "zh",
    "chi": "zh",
    "eng": "en",
}
_MAX_JSON_LD_CHARS = 1_000_000  # a JSON-LD block bigger than this is not metadata
_MAX_AUTHOR_CHARS = 120
_MAX_TITLE_CHARS = 500
_PUBLISHED_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "og:published_time",
    "published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "sailthru.date",
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What the page says about itself; every field may be missing."""

    title: str | None
    author: str | None
    published: datetime | None  # timezone-aware, UTC
    published_offset_minutes: int | None  # None when the page gave no zone
    canonical_url: str | None
    language_hint: str | None  # ISO 639-1
    article_body: str | None  # JSON-LD articleBody as given (text or HTML), newlines kept


def read_page_metadata(tree: HtmlElement, url: str) -> PageMetadata:
    """Read the metadata of the page parsed into ``tree``; ``url`` resolves relative links."""
    metas = _meta_values(tree)
    json_ld = list(_json_ld_articles(tree))
    published, offset = _published(tree, metas, json_ld) or _date_from_page_text(tree, url)
    return PageMetadata(
        title=_title(tree, metas, json_ld),
        author=_author(tree, metas, json_ld),
        published=published,
        published_offset_minutes=offset,
        canonical_url=_canonical(tree, metas, url),
        language_hint=_language(tree, metas),
        article_body=next(
            (body for item in json_ld if isinstance(body := item.get("articleBody"), str)), None
        ),
    )


def normalize_language(value: str | None) -> str | None:
    """``"ko-KR"``, ``"ru_RU"``, ``"UA"`` → ISO 639-1 (``"ko"``, ``"ru"``, ``"uk"``); else None."""
    if not value:
        return None
    primary = re.split(r"[-_\s,;]", value.strip().lower(), maxsplit=1)[0]
    primary = _LANGUAGE_ALIASES.get(primary, primary)
    return primary if re.fullmatch(r"[a-z]{2}", primary) else None


def parse_date(value: str) -> tuple[datetime, int | None] | None:
    """Parse an ISO 8601 or RFC 2822 date into (UTC datetime, offset minutes or None)."""
    text = value.strip()
    if not text or len(text) > 64:
        return None
    parsed = _parse_iso(text) or _parse_rfc2822(text)
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.replace(tzinfo=UTC), None
    offset = parsed.utcoffset()
    assert offset is not None  # checked just above; for the type checker
    return parsed.astimezone(UTC), int(offset.total_seconds()) // 60


def _parse_iso(text: str) -> datetime | None:
    candidate = text.replace("/", "-") if re.match(r"\d{4}/\d", text) else text
    # "2020-04-27 10:00:00 +0900" has a space before the zone, which fromisoformat refuses.
    candidate = re.sub(r"(\d)\s+([+-]\d{2}:?\d{2})$", r"\1\2", candidate)
    candidate = re.sub(r"(\d)\s*(?:UTC|GMT)$", r"\1+00:00", candidate)
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _parse_rfc2822(text: str) -> datetime | None:
    if not re.search(r"[A-Za-z]{3}", text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    """First non-empty content of each <meta> keyed by lower-cased property/name/itemprop."""
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = _clean(meta.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = _clean(meta.get(attribute)).lower()
            if key and key not in values:
                values[key] = content
    return values


def _json_ld_articles(tree: HtmlElement) -> Iterator[dict[str, object]]:
    """JSON-LD objects describing an article (or web page), articles first."""
    pages: list[dict[str, object]] = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = script.text or ""
        if len(raw) > _MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        for item in _json_objects(data, depth=0):
            types = item.get("@type")
            names = {
                t.lower()
                for t in (types if isinstance(types, list) else [types])
                if isinstance(t, str)
            }
            if names & (_ARTICLE_TYPES - {"webpage"}):
                yield item
            elif "webpage" in names:
                pages.append(item)
    yield from pages


def _json_objects(data: object, depth: int) -> Iterator[dict[str, object]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _json_objects(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _json_objects(graph, depth + 1)


def _json_text(value: object) -> str | None:
    """A JSON-LD value as text: strings, or the ``name`` of objects, lists joined."""
    if isinstance(value, str):
        return _clean(value) or None
    if isinstance(value, dict):
        return _json_text(value.get("name"))
    if isinstance(value, list):
        names = [name for entry in value[:10] if (name := _json_text(entry))]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _title(
    tree: HtmlElement, metas: dict[str, str], json_ld: list[dict[str, object]]
) -> str | None:
    site_name = metas.get("og:site_name")
    candidates = [metas.get("og:title"), metas.get("twitter:title")]
    candidates += [_json_text(item.get("headline")) for item in json_ld]
    for candidate in candidates:
        if candidate:
            return _limit(_strip_site_name(candidate, site_name), _MAX_TITLE_CHARS)
    headings = [_clean(h.text_content()) for h in tree.iter("h1")]
    headings = [h for h in headings if h]
    page_title = _clean(tree.findtext(".//title"))
    if len(headings) == 1 or (headings and page_title.startswith(headings[0])):
        return _limit(headings[0], _MAX_TITLE_CHARS)
    if page_title:
        return _limit(
            _strip_site_name(_longest_title_part(page_title), site_name), _MAX_TITLE_CHARS
        )
    return _limit(headings[0], _MAX_TITLE_CHARS) if headings else None


def _strip_site_name(title: str, site_name: str | None) -> str:
    """Drop the site name when it is the first or last separated part of the title."""
    if not site_name:
        return title
    site = site_name.strip().lower()
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title
    last, first = separators[-1], separators[0]
    if _clean(title[last.end() :]).lower() == site:
        return title[: last.start()]
    if _clean(title[: first.start()]).lower() == site:
        return title[first.end() :].lstrip(_SEPARATOR_CHARS)
    return title


def _longest_title_part(title: str) -> str:
    """``"Headline | Site"`` or ``"Site - Section - Headline"`` → the headline (longest part)."""
    parts = [_clean(part) for part in _TITLE_SEPARATORS.split(title)]
    parts = [part for part in parts if part]
    return max(parts, key=len) if parts else title


def _limit(text: str, limit: int) -> str | None:
    text = _clean(text).rstrip(_SEPARATOR_CHARS)
    return text[:limit] if text else None


def _author(
    tree: HtmlElement, metas: dict[str, str], json_ld: list[dict[str, object]]
) -> str | None:
    candidates = [metas.get("author"), metas.get("article:author"), metas.get("byl")]
    candidates += [_json_text(item.get("author")) for item in json_ld]
    candidates += [_clean(e.text_content()) for e in tree.xpath('//*[@rel="author"]')[:1]]
    candidates += [
        _clean(e.get("content") or e.text_content())
        for e in tree.xpath('//*[@itemprop="author"]')[:1]
    ]
    for candidate in candidates:
        if not candidate or re.match(r"https?://|www\.", candidate):
            continue
        author = re.sub(r"^(by|от|від|기자)\s+", "", candidate, flags=re.IGNORECASE).strip()
        if author and len(author) <= _MAX_AUTHOR_CHARS:
            return author
    return None


def _published(
    tree: HtmlElement, metas: dict[str, str], json_ld: list[dict[str, object]]
) -> tuple[datetime, int | None] | None:
    candidates = [metas.get(key) for key in _PUBLISHED_META_KEYS]
    candidates += [_json_text(item.get("datePublished")) for item in json_ld]
    candidates += [_json_text(item.get("dateCreated")) for item in json_ld]
    time_elements = tree.xpath("//time[@pubdate or @itemprop='datePublished'][@datetime]")
    time_elements += tree.xpath("//article//time[@datetime] | //time[@datetime]")
    candidates += [element.get("datetime") for element in time_elements[:5]]
    for candidate in candidates:
        if candidate and (parsed := parse_date(candidate)):
            return parsed
    return None


def _date_from_page_text(tree: HtmlElement, url: str) -> tuple[datetime | None, int | None]:
    """Last resort: htmldate's search of the URL and visible text; it yields a day only."""
    # htmldate treats a *string* as a URL to download, so it is only ever given the tree.
    from htmldate import find_date  # a tenth of a second to import: on first use

    found = find_date(tree, extensive_search=False, original_date=True, url=url)
    parsed = parse_date(found) if isinstance(found, str) else None
    return parsed or (None, None)


def _canonical(tree: HtmlElement, metas: dict[str, str], url: str) -> str | None:
    links = tree.xpath("//link[@href]")
    hrefs = [
        link.get("href", "")
        for link in links
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    hrefs += [metas.get("og:url") or ""]
    for href in hrefs:
        if resolved := _absolute_http_url(href, url):
            return resolved
    return None


def _absolute_http_url(href: str, base: str) -> str | None:
    href = href.strip()
    if not href:
        return None
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit(parts._replace(fragment=""))


def _language(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += [metas.get("og:locale"), metas.get("content-language"), metas.get("language")]
    for candidate in candidates:
        if language := normalize_language(candidate):
            return language
    return None
