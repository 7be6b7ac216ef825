"""One total deadline for every socket operation of a fetch, the response headers included.

httpx's timeouts are per operation: a read timeout starts again with every byte, so a server
that sends the status line and then one header byte every few seconds keeps a request open
forever, and the fetcher only sees the response once the headers are complete. This module
puts a network backend under httpcore that cuts every connect, read, write and TLS handshake
to what is left of the deadline the calling thread is working under (:func:`applied`).

A deadline is per thread, so one shared client serves many threads; outside :func:`applied`
(model downloads through ``Fetcher.plain_client``) the backend changes nothing.
"""

from __future__ import annotations

import ssl
import threading
import time
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpcore

__all__ = ["Deadline", "applied", "install"]

_T = TypeVar("_T")
_current = threading.local()


class Deadline:
    """A moment (``time.monotonic()``) by which the work must be done."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.reached = False  # set once an operation was cut short by this deadline

    def left(self) -> float:
        return self.at - time.monotonic()


@contextmanager
def applied(deadline: Deadline) -> Iterator[Deadline]:
    """Run the block with ``deadline`` bounding this thread's socket operations."""
    outer = getattr(_current, "deadline", None)
    _current.deadline = deadline
    try:
        yield deadline
    finally:
        _current.deadline = outer


def install(transports: Iterable[object]) -> None:
    """Put the deadline backend under each httpx transport that talks to the network.

    httpx offers no public way to choose httpcore's network backend, so this reaches into the
    transport's pool; other transports (in-memory, local files) are left alone. The header
    drip test fails if a new httpx stops honouring it.
    """
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(
            backend, _DeadlineBackend
        ):
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]


def _within(
    call: Callable[[float | None], _T], timeout: float | None, error: type[Exception]
) -> _T:
    """``call(timeout)``, with the timeout cut to what is left of the thread's deadline."""
    deadline: Deadline | None = getattr(_current, "deadline", None)
    if deadline is None:
        return call(timeout)
    left = deadline.left()
    if left <= 0:
        deadline.reached = True
        raise error("the total time for this request is used up")
    if timeout is not None and timeout <= left:
        return call(timeout)
    try:
        return call(left)
    except httpcore.TimeoutException:
        deadline.reached = True
        raise


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _within(lambda t: self._inner.read(max_bytes, t), timeout, httpcore.ReadTimeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _within(lambda t: self._inner.write(buffer, t), timeout, httpcore.WriteTimeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        secure = _within(
            lambda t: self._inner.start_tls(ssl_context, server_hostname, t),
            timeout,
            httpcore.ConnectTimeout,
        )
        return _DeadlineStream(secure)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _within(
            lambda t: self._inner.connect_tcp(host, port, t, local_address, socket_options),
            timeout,
            httpcore.ConnectTimeout,
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _within(
            lambda t: self._inner.connect_unix_socket(path, t, socket_options),
            timeout,
            httpcore.ConnectTimeout,
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
