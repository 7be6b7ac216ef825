"""The HTTP fetcher: one polite, bounded GET that returns a FetchedDocument or a FetchError.

:class:`Fetcher` wraps an ``httpx.Client`` (proxy settings from the environment) and adds what
a monitoring app needs on a field laptop:

* hard limits: connect/read timeouts, a total time per request that also catches headers
  and bodies dripping in slowly (every socket operation is cut to what is left of it, see
  :mod:`monitor.collect.deadlines`), a cap on the *decoded* body size (gzip bombs included)
  and on redirects;
* conditional GET (ETag / Last-Modified) with ``304`` returned as a document, not an error;
* politeness per host, shared by all threads: at most ``per_host_concurrency`` requests in
  flight, ``min_host_interval`` seconds between request starts, and no request at all to a
  host that asked us (Retry-After on 429/503) to wait — a short wait (up to
  ``retry_after_max_wait``) is waited out, a longer one fails at once with HTTPStatusError;
* every failure as an exception from :mod:`monitor.errors` with a message a user can act on;
  no httpx exception escapes.

Files served by :class:`LocalDirectoryTransport` (the demo collection) are not a remote host,
so no politeness delays apply to them.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from types import TracebackType
from typing import Self

import httpx

from monitor.clock import utc_now
from monitor.collect import addresses, cancelling, deadlines
from monitor.collect.backoff import next_attempt_after
from monitor.collect.decompress import (
    SUPPORTED_ENCODINGS,
    BodyTooLarge,
    DamagedBody,
    UnsupportedEncoding,
    read_capped,
)
from monitor.collect.fetch_messages import (
    describe_transport_error,
    format_size,
    format_utc,
    host_label,
    parse_retry_after,
    status_message,
)
from monitor.collect.hostlimits import HostLimiter
from monitor.collect.local_transport import LocalDirectoryTransport
from monitor.errors import (
    AddressRefused,
    ConfigError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from monitor.types import FetchedDocument

__all__ = [
    "ANY_ACCEPT",
    "FetchSettings",
    "Fetcher",
    "LocalDirectoryTransport",
    "next_attempt_after",
]

ANY_ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml,"
    " application/xml;q=0.9, */*;q=0.8"
)


def _version() -> str:
    try:
        return metadata.version("media-monitor")
    except metadata.PackageNotFoundError:  # running from a source checkout
        return "dev"


@dataclass(frozen=True)
class FetchSettings:
    """Limits and manners of the fetcher; the defaults suit a laptop on a slow link."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # whole request incl. slow drip bodies and redirects
    max_bytes: int = 10 * 1024 * 1024  # decompressed body cap
    max_redirects: int = 5
    per_host_concurrency: int = 2
    min_host_interval: float = 1.0  # seconds between request starts to one host
    retry_after_max_wait: float = 15.0  # a shorter Retry-After is waited out, not failed
    pages_per_update: int = 100  # article pages fetched per source in one update, newest first
    # Pages of the last this many days fetched again (within pages_per_update, once an update
    # interval) to catch stealth edits; 0 leaves stored pages alone. open_monitor sets it
    # from the user's settings, as it does telegram_pages_back.
    recheck_days: int = 0
    user_agent: str = (
        f"MediaMonitor/{_version()} (+https://github.com/media-monitor; offline news monitoring)"
    )
    # Addresses taken as public although they are not: the tests stand a "remote" site on a
    # second loopback address, since no test may reach the internet. Empty for users.
    public_addresses: tuple[str, ...] = ()
    # Telegram channels: where their preview pages are (the tests point it at a local server)
    # and how many pages of older posts a channel's first update reads beyond its latest page
    # (about twenty posts a page: a few days of a busy news channel).
    telegram_base: str = "https://t.me"
    telegram_pages_back: int = 5

    def __post_init__(self) -> None:
        positive = {
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "total_timeout": self.total_timeout,
            "max_bytes": self.max_bytes,
            "per_host_concurrency": self.per_host_concurrency,
            "pages_per_update": self.pages_per_update,
        }
        for name, value in positive.items():
            if not value > 0:
                raise ConfigError(f"fetch setting {name} must be greater than 0, not {value}")
        not_negative = {
            "max_redirects": self.max_redirects,
            "min_host_interval": self.min_host_interval,
            "retry_after_max_wait": self.retry_after_max_wait,
            "telegram_pages_back": self.telegram_pages_back,
            "recheck_days": self.recheck_days,
        }
        for name, value in not_negative.items():
            if value < 0:
                raise ConfigError(f"fetch setting {name} cannot be negative, not {value}")


class _Budget:
    """What is left of the total time of one fetch; politeness waits do not count."""

    def __init__(self, total: float) -> None:
        self.total = total
        self._used = 0.0
        self._since: float | None = None

    def start(self) -> None:
        self._since = time.monotonic()

    def stop(self) -> None:
        if self._since is not None:
            self._used += time.monotonic() - self._since
            self._since = None

    def left(self) -> float:
        running = 0.0 if self._since is None else time.monotonic() - self._since
        return self.total - self._used - running


class Fetcher:
    """Fetches URLs politely and safely; thread-safe, share one per application."""

    def __init__(
        self,
        settings: FetchSettings = FetchSettings(),  # frozen, so one shared default is safe
        *,
        transport: httpx.BaseTransport | None = None,
        mounts: Mapping[str, httpx.BaseTransport] | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = cancelling.sleep,  # time.sleep, ended by a cancel
    ) -> None:
        self.settings = settings
        self._guard = addresses.AddressGuard(
            frozenset(ipaddress.ip_address(a) for a in settings.public_addresses)
        )
        self._clock = clock
        self._sleep = sleep
        self._limiter = HostLimiter(
            settings.per_host_concurrency, settings.min_host_interval, clock=clock, sleep=sleep
        )
        self._transport = transport
        self._all_local = isinstance(transport, LocalDirectoryTransport)
        self._local_hosts = {
            t.host for t in (mounts or {}).values() if isinstance(t, LocalDirectoryTransport)
        }
        self._client = httpx.Client(
            trust_env=True,
            transport=transport,
            mounts=dict(mounts) if mounts else None,
            follow_redirects=False,  # followed by hand: each hop is polite and counted
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": SUPPORTED_ENCODINGS},
        )
        # The client's own transports, those for proxies from the environment included.
        network = [self._client._transport, *self._client._mounts.values()]
        # The deadline backend under the guard: it then connects to the address the guard
        # checked, and can do it in slices that end on a cancel.
        deadlines.install(network)
        addresses.install(network, self._guard)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections; the fetcher cannot be used afterwards."""
        self._client.close()

    def plain_client(self, *, timeout: float = 60.0) -> httpx.Client:
        """A client for bulk downloads (model packages) with the same network and identity.

        It follows redirects by itself and has no size cap or politeness: the caller streams
        and bounds what it reads.
        """
        return httpx.Client(
            trust_env=True,
            transport=self._transport,
            follow_redirects=True,
            timeout=httpx.Timeout(timeout, connect=self.settings.connect_timeout),
            headers={"User-Agent": self.settings.user_agent},
        )

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ANY_ACCEPT,
        origin: str | None = None,
    ) -> FetchedDocument:
        """GET ``url``, following redirects; a ``304`` comes back as a not-modified document.

        ``origin`` is the address the user gave for the source ``url`` belongs to (the URL
        itself when ``None``): only if that is on this machine or its networks may the fetch
        reach such addresses (see :mod:`monitor.collect.addresses`).

        Raises HTTPStatusError, FetchTimeout, ConnectionFailed, TooLarge, TooManyRedirects or
        FetchError (bad address, damaged body), all with ``url`` set to the URL asked for.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            request = self._client.build_request("GET", url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, TypeError, ValueError) as error:
            raise FetchError(f"not a valid web address: {url!r} ({error})", url=url) from None
        budget = _Budget(self.settings.total_timeout)
        with addresses.fetching(allow_local=self._allows_local(origin or url)):
            for _ in range(self.settings.max_redirects + 1):
                outcome = self._hop(request, url, budget, etag, last_modified)
                if isinstance(outcome, FetchedDocument):
                    return outcome
                request = outcome
        raise TooManyRedirects(
            f"more than {self.settings.max_redirects} redirects (the site may be sending us"
            f" round in a loop); last one pointed to {request.url}",
            url=url,
        )

    def _hop(
        self,
        request: httpx.Request,
        url: str,
        budget: _Budget,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchedDocument | httpx.Request:
        """One request/response: a document, or the next request of a redirect."""
        if request.url.scheme not in ("http", "https"):
            raise FetchError(
                f"only http and https addresses can be fetched, not {request.url}", url=url
            )
        host = host_label(request.url)
        if self._all_local or request.url.host in self._local_hosts:
            return self._exchange(request, url, budget, etag, last_modified)
        try:
            self._guard.check_known(request.url.host)
        except addresses.LocalAddressRefused as refused:
            raise AddressRefused(str(refused), url=url) from None
        self._respect_block(host, url)
        with self._limiter.turn(host):
            return self._exchange(request, url, budget, etag, last_modified)

    def is_local(self, url: str) -> bool:
        """Whether ``url`` is on this machine or its networks (by its address or by DNS)."""
        return self._allows_local(url)

    def _allows_local(self, origin: str) -> bool:
        if self._all_local:
            return True
        try:
            host = httpx.URL(origin).host
        except (httpx.InvalidURL, TypeError, ValueError):
            return False
        return host in self._local_hosts or self._guard.is_local_origin(host)

    def _respect_block(self, host: str, url: str) -> None:
        block = self._limiter.current_block(host)
        if block is None:
            return
        wait = (block.until - self._clock()).total_seconds()
        if wait <= self.settings.retry_after_max_wait:
            self._sleep(max(wait, 0.0))
            return
        raise HTTPStatusError(
            f"{status_message(block.status)}: {host} asked us to wait until"
            f" {format_utc(block.until, self._clock())}, so it was not asked again",
            url=url,
            status=block.status,
            retry_after=block.until,
        )

    def _exchange(
        self,
        request: httpx.Request,
        url: str,
        budget: _Budget,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchedDocument | httpx.Request:
        host = host_label(request.url)
        left = budget.left()
        if left <= 0:
            raise FetchTimeout(f"gave up after {budget.total:g} s: {host} is too slow", url=url)
        connect = min(self.settings.connect_timeout, left)
        read = min(self.settings.read_timeout, left)
        request.extensions["timeout"] = httpx.Timeout(
            connect=connect, read=read, write=read, pool=left
        ).as_dict()
        deadline = deadlines.Deadline(left)
        answered = False  # the status line and headers are in
        budget.start()
        try:
            with deadlines.applied(deadline):
                response = self._client.send(request, stream=True)
                answered = True
                try:
                    return self._answer(response, url, budget, etag, last_modified)
                finally:
                    response.close()
        except httpx.TimeoutException as error:
            if deadline.reached and answered:
                message = f"gave up after {budget.total:g} s: {host} sends too slowly"
            elif (
                deadline.reached
                or read < self.settings.read_timeout
                or connect < self.settings.connect_timeout
            ):
                message = f"gave up after {budget.total:g} s: {host} is too slow"
            elif isinstance(error, httpx.ConnectTimeout):
                message = f"timed out after {connect:g} s connecting to {host}"
            else:
                message = f"timed out after {read:g} s waiting for {host} to answer"
            raise FetchTimeout(message, url=url) from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
            raise describe_transport_error(error, host, url) from None
        except addresses.LocalAddressRefused as refused:
            raise AddressRefused(str(refused), url=url) from None
        except UnicodeError:  # the resolver's own check: a label over 63 characters, an empty one
            raise FetchError(f"{host[:80]} is not a valid host name", url=url) from None
        finally:
            budget.stop()

    def _answer(
        self,
        response: httpx.Response,
        url: str,
        budget: _Budget,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchedDocument | httpx.Request:
        status = response.status_code
        if response.next_request is not None:
            return response.next_request
        if status == 304:
            return FetchedDocument(
                url=str(response.url),
                status=304,
                content=b"",
                content_type=response.headers.get("Content-Type"),
                etag=response.headers.get("ETag") or etag,
                last_modified=response.headers.get("Last-Modified") or last_modified,
                fetched_at=self._clock(),
            )
        if not 200 <= status < 300:
            raise self._status_error(response, url)
        content = self._read_body(response, url, budget)
        return FetchedDocument(
            url=str(response.url),
            status=status,
            content=content,
            content_type=response.headers.get("Content-Type"),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            fetched_at=self._clock(),
        )

    def _status_error(self, response: httpx.Response, url: str) -> HTTPStatusError:
        status = response.status_code
        now = self._clock()
        retry_after = None
        message = status_message(status, response.reason_phrase)
        if status in (429, 503):
            retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
        if retry_after is not None:
            message += f" (retry after {format_utc(retry_after, now)})"
            self._limiter.block(host_label(response.request.url), retry_after, status)
        return HTTPStatusError(message, url=url, status=status, retry_after=retry_after)

    def _read_body(self, response: httpx.Response, url: str, budget: _Budget) -> bytes:
        cap = self.settings.max_bytes
        too_large = f"{url} is larger than {format_size(cap)}, skipped"
        encoding = response.headers.get("Content-Encoding")
        declared = response.headers.get("Content-Length", "")
        if not encoding and declared.isdigit() and int(declared) > cap:
            raise TooLarge(too_large, url=url)

        chunks: Iterable[bytes]
        if response.is_stream_consumed:
            # A transport that built its answer in memory (httpx.Response(content=...)):
            # httpx has already read and decoded it, so only the cap is left to apply.
            chunks, encoding = [response.content], None
        else:
            chunks = self._chunks_in_time(response, url, budget)
        try:
            return read_capped(chunks, encoding, cap)
        except BodyTooLarge:
            raise TooLarge(too_large, url=url) from None
        except UnsupportedEncoding as error:
            raise FetchError(
                f"{host_label(response.url)} compressed the page with {error}, which cannot"
                " be read",
                url=url,
            ) from None
        except DamagedBody:
            raise FetchError(
                f"{host_label(response.url)} sent a damaged compressed body", url=url
            ) from None

    @staticmethod
    def _chunks_in_time(response: httpx.Response, url: str, budget: _Budget) -> Iterator[bytes]:
        """The raw body chunks, stopping with FetchTimeout once the total time is used up."""
        for chunk in response.iter_raw():
            if budget.left() <= 0:
                raise FetchTimeout(
                    f"gave up after {budget.total:g} s: {host_label(response.url)}"
                    " sends too slowly",
                    url=url,
                )
            yield chunk
