"""Adding sources by URL: is it a feed, a page that links to feeds, or a single article page?"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from monitor.clock import Clock
from monitor.collect.encoding import decode_document
from monitor.collect.extract import extract_page
from monitor.collect.feeds import parse_feed
from monitor.collect.fetch import Fetcher
from monitor.collect.reading import FEED_ACCEPT
from monitor.collect.telegram import channel_name, channel_url, read_channel
from monitor.errors import ChannelUnavailable, FeedError, FetchError, MonitorError, SourceError
from monitor.sources.discovery import discover_feeds
from monitor.store import Store
from monitor.types import Source, SourceKind


@dataclass(frozen=True, slots=True)
class AddedSource:
    source: Source
    note: str  # what was found, or why it could not be checked now


MAX_URL_LENGTH = 8192  # far beyond any feed's address; servers refuse longer request lines
_MAX_HOST_LENGTH = 253  # DNS: a name of at most 253 characters, labels of at most 63
# A scheme, unless what follows its colon is a port ("localhost:8080" has none).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")


def normalise_url(url: str) -> str:
    """Accept what users paste (surrounding spaces, a missing scheme); refuse anything that is
    not an http(s) address a fetch could reach, with a message that says why.
    """
    url = url.strip()
    shown = url if len(url) <= 80 else url[:79] + "…"
    if not url:
        raise SourceError("give the address of a feed or a page (http:// or https://)")
    if len(url) > MAX_URL_LENGTH:
        raise SourceError(
            f"{shown!r} is {len(url):,} characters long; no web address is longer than "
            f"{MAX_URL_LENGTH:,}"
        )
    if any(c.isspace() or not c.isprintable() for c in url):
        raise SourceError(
            f"{shown!r} contains a space or a control character; copy the address again"
        )
    if not _SCHEME.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (read for the ValueError of a port that is not a number)
    except ValueError as error:  # "http://[::1" (an unclosed IPv6 address), "host:99999"
        raise SourceError(f"{shown!r} is not a valid web address ({error})") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise SourceError(f"{shown!r} is not a web address (http:// or https://)")
    if _bad_host(host):
        raise SourceError(
            f"{shown!r} does not name a valid host: a host name has at most "
            f"{_MAX_HOST_LENGTH} characters, in parts of 1 to 63 separated by dots, none"
            " starting or ending with a hyphen"
        )
    return url


def _bad_host(host: str) -> bool:
    if ":" in host:
        return False  # an IPv6 address, which urlsplit has checked
    try:
        encoded = host.encode("idna")  # the check the resolver makes before it is asked
    except UnicodeError:
        return True
    labels = encoded.decode("ascii").rstrip(".").split(".")
    # A name's labels neither start nor end with a hyphen ("http://-" names no host).
    return len(encoded) > _MAX_HOST_LENGTH or any(
        not label or label.startswith("-") or label.endswith("-") for label in labels
    )


def add_source_by_url(
    store: Store,
    fetcher: Fetcher,
    clock: Clock,
    url: str,
    *,
    name: str | None = None,
    language: str | None = None,
    check: bool = True,
    follow_links: bool = True,
) -> AddedSource:
    """Follow ``url``: a feed as is, an HTML page through the feed it advertises, else as a page.

    Offline (or with ``check=False``) the URL is added as a feed and checked on the next update,
    so a field user can prepare sources without a network. An advertised feed's own links are
    not followed (``follow_links=False``): two pages that name each other cannot loop.
    A Telegram channel (``@name``, ``t.me/name``, ``t.me/s/name``) is added as one.
    """
    channel = channel_name(url)
    if channel is not None:
        return _add_channel(
            store, fetcher, clock, channel, name=name, language=language, check=check
        )
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
    for link in discover_feeds(html, document.url) if follow_links else []:
        try:
            feed_url = normalise_url(link)
        except SourceError:
            continue  # a damaged link; the page may advertise a good one after it
        if fetcher.is_local(feed_url) and not fetcher.is_local(url):
            continue  # a page out there may not point us at this machine or its network
        if store.find_source_by_url(feed_url) is not None:
            raise SourceError(f"{url} advertises the feed {feed_url}, which is already followed")
        added = add_source_by_url(
            store,
            fetcher,
            clock,
            feed_url,
            name=name,
            language=language,
            check=True,
            follow_links=False,
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


def _add_channel(
    store: Store,
    fetcher: Fetcher,
    clock: Clock,
    channel: str,
    *,
    name: str | None,
    language: str | None,
    check: bool,
) -> AddedSource:
    """Follow a public Telegram channel at its preview page; a private or missing channel is
    refused when it can be checked, and added unchecked when Telegram cannot be reached."""
    url = channel_url(channel)
    if store.find_source_by_url(url) is not None:
        raise SourceError(f"the Telegram channel @{channel} is already followed")
    note = "Telegram channel added without checking; it will be read on the next update"
    title = None
    error = None
    if check:
        try:
            # Only the latest page: the first update reads the older ones.
            read = read_channel(fetcher, channel, pages_back=0)
            title = read.title
            note = f"Telegram channel {title or '@' + channel}"
        except ChannelUnavailable as unavailable:
            raise SourceError(str(unavailable)) from unavailable
        except FetchError as failure:
            error = failure
            note = f"Telegram channel added, but could not check it now: {failure}"
    source = store.add_source(
        url, kind=SourceKind.TELEGRAM, name=name or title or url, language_hint=language
    )
    if error is not None:
        store.record_failure(source.id, error=str(error), at=clock(), next_attempt_at=None)
        source = store.source(source.id)
    return AddedSource(source, note)
