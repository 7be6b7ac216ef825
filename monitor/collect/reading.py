"""Reading one source in the update's thread pool: its feed, or its Telegram channel.

Work done in the pool touches no store: each function returns what it read, or the error
that one source is to be blamed for, as an outcome the update run stores on its own thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from monitor.collect import cancelling
from monitor.collect.feeds import parse_feed
from monitor.collect.fetch import Fetcher
from monitor.collect.pages import PageOutcome
from monitor.collect.telegram import ChannelRead, channel_name, read_channel
from monitor.errors import MonitorError
from monitor.types import FetchedDocument, ParsedFeed, Source

_log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What reading a feed source gave: its document and feed, or the error."""

    source: Source
    document: FetchedDocument | None
    feed: ParsedFeed | None
    error: MonitorError | None


@dataclass(frozen=True, slots=True)
class ChannelOutcome:
    """What reading a channel source gave: its posts, or the error."""

    source: Source
    channel: ChannelRead | None
    error: MonitorError | None


Outcome = FeedOutcome | ChannelOutcome | PageOutcome


def fetch_feed(fetcher: Fetcher, source: Source) -> FeedOutcome:
    """Fetch and parse a feed source: a FeedOutcome, never an exception."""
    try:
        document = fetcher.fetch(
            source.url,
            etag=source.etag,
            last_modified=source.last_modified,
            accept=FEED_ACCEPT,
        )
        if document.not_modified:
            return FeedOutcome(source, document, None, None)
        feed = parse_feed(document.content, url=document.url, content_type=document.content_type)
        return FeedOutcome(source, document, feed, None)
    except MonitorError as error:
        return FeedOutcome(source, None, None, error)
    except Exception as bug:  # a bug must cost one source, not the whole update
        cancelling.check()  # the fetcher closed under a cancelled update is no bug
        _log.exception("unexpected error while reading %s", source.url)
        return FeedOutcome(source, None, None, MonitorError(f"unexpected error: {bug!r}"))


def read_channel_source(
    fetcher: Fetcher, source: Source, newest_known: int | None
) -> ChannelOutcome:
    """Read a Telegram channel source's new posts: a ChannelOutcome, never an exception."""
    name = channel_name(source.url)
    try:
        if name is None:
            raise MonitorError(f"{source.url} does not name a Telegram channel")
        channel = read_channel(fetcher, name, newest_known=newest_known)
        return ChannelOutcome(source, channel, None)
    except MonitorError as error:
        return ChannelOutcome(source, None, error)
    except Exception as bug:  # a bug must cost one source, not the whole update
        cancelling.check()
        _log.exception("unexpected error while reading %s", source.url)
        return ChannelOutcome(source, None, MonitorError(f"unexpected error: {bug!r}"))
