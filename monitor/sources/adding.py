"""Adding sources by URL: is it a feed, a page that links to feeds, or a single article page?"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from monitor.clock import Clock
from monitor.collect.encoding import decode_document
from monitor.collect.extract import extract_page
from monitor.collect.feeds import parse_feed
from monitor.collect.fetch import Fetcher
from monitor.collect.pipeline import FEED_ACCEPT
from monitor.errors import FeedError, FetchError, MonitorError, SourceError
from monitor.sources.discovery import discover_feeds
from monitor.store import Store
from monitor.types import Source, SourceKind


@dataclass(frozen=True, slots=True)
class AddedSource:
    source: Source
    note: str  # what was found, or why it could not be checked now


def normalise_url(url: str) -> str:
    """Accept what users paste: surrounding spaces, a missing scheme."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SourceError(f"{url!r} is not a web address (http:// or https://)")
    return url


def add_source_by_url(
    store: Store,
    fetcher: Fetcher,
    clock: Clock,
    url: str,
    *,
    name: str | None = None,
    language: str | None = None,
    check: bool = True,
) -> AddedSource:
    """Follow ``url``: a feed as is, an HTML page through the feed it advertises, else as a page.

    Offline (or with ``check=False``) the URL is added as a feed and checked on the next update,
    so a field user can prepare sources without a network.
    """
    url = normalise_url(url)
    if store.find_source_by_url(url) is not None:
        raise SourceError(f"{url} is already followed")
    if not check:
        source = store.add_source(
            url, kind=SourceKind.FEED, name=name or url, language_hint=language
        )
        return AddedSource(source, "added without checking; it will be fetched on the next update")
    try:
        document = fetcher.fetch(url, accept=FEED_ACCEPT)
    except FetchError as error:
        source = store.add_source(
            url, kind=SourceKind.FEED, name=name or url, language_hint=language
        )
        store.record_failure(source.id, error=str(error), at=clock(), next_attempt_at=None)
        return AddedSource(store.source(source.id), f"added, but could not check it now: {error}")
    try:
        feed = parse_feed(document.content, url=document.url, content_type=document.content_type)
    except FeedError:
        feed = None
    if feed is not None:
        source = store.add_source(
            url,
            kind=SourceKind.FEED,
            name=name or feed.title or url,
            language_hint=language or feed.language_hint,
            homepage=feed.link,
        )
        return AddedSource(source, f"feed with {len(feed.items)} items")
    html = decode_document(document.content, document.content_type, markup="html").text
    for feed_url in discover_feeds(html, document.url):
        if store.find_source_by_url(feed_url) is not None:
            raise SourceError(f"{url} advertises the feed {feed_url}, which is already followed")
        added = add_source_by_url(
            store, fetcher, clock, feed_url, name=name, language=language, check=True
        )
        return AddedSource(added.source, f"found the feed {feed_url} on the page; {added.note}")
    try:
        page = extract_page(html, document.url)
    except MonitorError as error:
        raise SourceError(f"{url} is neither a feed nor an article page: {error}") from error
    source = store.add_source(
        url,
        kind=SourceKind.PAGE,
        name=name or page.title or url,
        language_hint=language or page.language_hint,
        homepage=f"{urlsplit(document.url).scheme}://{urlsplit(document.url).netloc}/",
    )
    return AddedSource(source, "no feed found; following the page as a single article")
