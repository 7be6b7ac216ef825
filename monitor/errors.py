"""The core's exceptions: one tree rooted in :class:`MonitorError`.

Every message is written for the user and says what to do where something can be done::

    MonitorError
    ├── ConfigError            bad data folder, bad settings
    │   └── MissingDependency  a package is missing from the install (monitor.dependencies)
    ├── StoreError             the SQLite store cannot be opened or written
    │   └── NotFoundError      no source/article with that id
    ├── SourceError            a source cannot be added (bad URL, duplicate)
    │   └── ChannelUnavailable a Telegram channel is private, deleted or renamed
    ├── FetchError             a URL could not be fetched
    │   ├── HTTPStatusError    the server answered 4xx/5xx (keeps status and Retry-After)
    │   ├── FetchTimeout       connect or read timed out
    │   ├── ConnectionFailed   DNS, refused, reset, TLS
    │   ├── TooLarge           the body exceeded the size cap
    │   ├── TooManyRedirects
    │   └── AddressRefused     on this machine or its network, and the source is not
    ├── FeedError              the document is not a feed, or beyond recovery
    │   └── NotAFeedError
    ├── ExtractionError        no main text could be taken from a page
    ├── QueryError             a search query the user can fix (the index's SearchError)
    ├── ModelError             a translation model cannot be installed, removed or used
    ├── NoNetworkError         the online model index cannot be reached
    ├── OPMLError              an OPML file cannot be read
    ├── BundleError            an air-gap bundle cannot be written, or is refused on import
    └── ExportCancelled        the user cancelled an export; nothing was written
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


class MonitorError(Exception):
    """Base of every error the core raises on purpose. ``str(error)`` is the user message."""


class ConfigError(MonitorError):
    pass


class StoreError(MonitorError):
    pass


class NotFoundError(StoreError):
    pass


class SourceError(MonitorError):
    pass


class ChannelUnavailable(SourceError):
    """A Telegram channel shows no posts: it is private, deleted, renamed or never was."""


class FetchError(MonitorError):
    """A URL could not be fetched. ``url`` is the URL asked for."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class HTTPStatusError(FetchError):
    def __init__(
        self, message: str, *, url: str, status: int, retry_after: datetime | None = None
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after


class FetchTimeout(FetchError):
    pass


class ConnectionFailed(FetchError):
    pass


class TooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class AddressRefused(FetchError):
    """The address is on this machine or its network, and the source is not."""


class FeedError(MonitorError):
    pass


class NotAFeedError(FeedError):
    pass


class ExtractionError(MonitorError):
    pass


class QueryError(MonitorError):
    """A search query the user can fix (unbalanced quotes, a bad date…): the message says how."""


class ModelError(MonitorError):
    """A translation model cannot be installed, removed, loaded or used (says which and why)."""


class NoNetworkError(MonitorError):
    """The online model index or a download cannot be reached: no network (the field's usual
    state, not a fault)."""


class OPMLError(MonitorError):
    pass


class BundleError(MonitorError):
    """A bundle cannot be written, or is refused on import (damaged, tampered, unknown)."""


class ExportCancelled(MonitorError):
    """The user cancelled an export; nothing was written under the name asked for."""

    def __init__(self, out: Path) -> None:
        super().__init__(f"the export to {out} was cancelled; nothing was written")
        self.out = out
