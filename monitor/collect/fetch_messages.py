"""Plain-language pieces for fetch errors: status lines, sizes, times, Retry-After, causes.

Kept apart from :mod:`monitor.collect.fetch` so the wording lives in one place and can be tested
without a network. Messages name the host and what happened, in words a user can act on
("could not connect to example.com: connection refused"), never a raw library message alone.
"""

from __future__ import annotations

import email.utils
import errno
import socket
import ssl
from datetime import UTC, datetime, timedelta

import httpx

from monitor.errors import ConnectionFailed, FetchError

# A Retry-After further away than this is treated as this: it keeps datetime arithmetic safe
# and a confused server from silencing a source for years.
MAX_RETRY_AFTER = timedelta(days=7)


def host_label(url: httpx.URL) -> str:
    """``example.com``, or ``example.com:8080`` when the port is not the scheme's default."""
    host = url.host
    return f"{host}:{url.port}" if url.port is not None else host


def status_message(status: int, reason: str = "") -> str:
    """``"404 Not Found"``: the standard phrase, or the server's own for unknown codes."""
    phrase = httpx.codes.get_reason_phrase(status) or reason.strip()
    return f"{status} {phrase}".strip()


def format_size(size: int) -> str:
    """``10 MB``, ``512 KB`` or ``900 bytes`` (binary units, as the cap is set)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def format_utc(moment: datetime, now: datetime) -> str:
    """``10:05 UTC`` when ``moment`` is on today's UTC date, else ``2025-01-07 10:05 UTC``."""
    moment = moment.astimezone(UTC)
    if moment.date() == now.astimezone(UTC).date():
        return moment.strftime("%H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """The time a Retry-After header (seconds or HTTP-date) points to; ``None`` if unreadable.

    A time in the past means "now"; one further than :data:`MAX_RETRY_AFTER` is cut to it.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=min(int(value), int(MAX_RETRY_AFTER.total_seconds())))
        return now + delay
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000" or no zone: HTTP dates are GMT by definition
        moment = moment.replace(tzinfo=UTC)
    return min(max(moment, now), now + MAX_RETRY_AFTER)


def _os_error(error: BaseException) -> OSError | None:
    """The operating-system error at the root of an httpx/httpcore exception chain."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        for arg in current.args:
            if isinstance(arg, OSError):
                return arg
        current = current.__cause__ or current.__context__
    return None


def connect_problem(cause: OSError | None) -> str:
    """What went wrong while connecting, as a short phrase."""
    if isinstance(cause, socket.gaierror):
        return "the name could not be found (check the address and the internet connection)"
    if isinstance(cause, ssl.SSLCertVerificationError):
        detail = cause.verify_message or "not trusted"
        return f"its security certificate is not valid ({detail})"
    if isinstance(cause, ssl.SSLError):
        return f"the secure (TLS) connection failed ({cause.reason or cause})"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, ConnectionResetError):
        return "connection reset"
    if isinstance(cause, TimeoutError):
        return "no answer"
    if cause is not None and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "the network is unreachable (is this computer offline?)"
    if cause is not None and cause.strerror:
        return cause.strerror.lower()
    return "the connection failed"


def describe_transport_error(error: Exception, host: str, url: str) -> FetchError:
    """The FetchError for an httpx error that is not a timeout."""
    text = str(error)
    if isinstance(error, httpx.ProxyError):
        return ConnectionFailed(f"the proxy could not reach {host}: {text}", url=url)
    if isinstance(error, httpx.ConnectError):
        cause = _os_error(error)
        if isinstance(cause, ssl.SSLError):
            return ConnectionFailed(
                f"could not connect securely to {host}: {connect_problem(cause)}", url=url
            )
        return ConnectionFailed(f"could not connect to {host}: {connect_problem(cause)}", url=url)
    if isinstance(error, httpx.RemoteProtocolError):
        if "location header" in text.lower():
            return FetchError(f"{host} redirected to an address that is not valid", url=url)
        lowered = text.lower()
        if "disconnect" in lowered or "closed" in lowered or "incomplete" in lowered:
            return ConnectionFailed(
                f"{host} closed the connection before the answer was complete", url=url
            )
        return ConnectionFailed(f"{host} sent an answer that is not valid HTTP", url=url)
    if isinstance(error, httpx.NetworkError):
        cause = _os_error(error)
        return ConnectionFailed(
            f"the connection to {host} broke off: {connect_problem(cause)}", url=url
        )
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError(f"not a valid web address: {url}", url=url)
    return FetchError(f"could not fetch from {host}: {text or type(error).__name__}", url=url)
