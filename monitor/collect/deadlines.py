"""One total deadline for every socket operation of a fetch, the response headers included.

httpx's timeouts are per operation: a read timeout starts again with every byte, so a server
that sends the status line and then one header byte every few seconds keeps a request open
forever, and the fetcher only sees the response once the headers are complete. This module
puts a network backend under httpcore that cuts every connect, read, write and TLS handshake
to what is left of the deadline the calling thread is working under (:func:`applied`).

A deadline is per thread, so one shared client serves many threads; outside :func:`applied`
(model downloads through ``Fetcher.plain_client``) the backend changes nothing.

The same backend ends a fetch of a cancelled update (a thread working under
:func:`monitor.collect.cancelling.cancelled_by`) within :data:`~monitor.collect.cancelling.POLL`
seconds: reads wait in short slices and look at the stop flag in between (a recv that timed
out consumed nothing, so asking again is safe); connecting and the TLS handshake are done here
without blocking, in the same slices, when the backend underneath is httpcore's own. Only a
write, a DNS lookup and a handshake through a proxy's TLS are left to their own timeouts.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import ssl
import threading
import time
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpcore
from httpcore._backends.sync import SyncBackend, SyncStream

from monitor.collect import cancelling

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
    call: Callable[[float | None], _T],
    timeout: float | None,
    error: type[Exception],
    *,
    in_slices: bool = False,
) -> _T:
    """``call(timeout)``, with the timeout cut to what is left of the thread's deadline.

    With ``in_slices`` (an operation that may be asked again after it timed out) and a stop
    flag on the thread, the call is made in slices of at most ``POLL`` seconds, and
    :class:`~monitor.collect.cancelling.Cancelled` is raised once the flag is set.
    """
    cancelling.check()
    deadline: Deadline | None = getattr(_current, "deadline", None)
    by_deadline = False
    if deadline is not None:
        left = deadline.left()
        if left <= 0:
            deadline.reached = True
            raise error("the total time for this request is used up")
        if timeout is None or timeout > left:
            timeout, by_deadline = left, True
    stop = cancelling.current()
    try:
        if stop is None or not in_slices:
            return call(timeout)
        return _in_slices(call, timeout, error, stop)
    except httpcore.TimeoutException:
        if by_deadline:
            assert deadline is not None
            deadline.reached = True
        raise


def _in_slices(
    call: Callable[[float | None], _T],
    timeout: float | None,
    error: type[Exception],
    stop: threading.Event,
) -> _T:
    """``call`` with slices of ``timeout``, until it returns, times out or ``stop`` is set."""
    until = None if timeout is None else time.monotonic() + timeout
    while True:
        piece = cancelling.POLL if until is None else min(cancelling.POLL, until - time.monotonic())
        if piece <= 0:
            raise error("timed out")
        try:
            return call(piece)
        except httpcore.TimeoutException:
            if stop.is_set():
                raise cancelling.Cancelled from None


def _wait_for_connection(sock: socket.socket, until: float | None, stop: threading.Event) -> None:
    """Wait until a non-blocking connect is done (or fails, times out or is cancelled)."""
    while True:
        left = None if until is None else until - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError("timed out")
        piece = cancelling.POLL if left is None else min(cancelling.POLL, left)
        _, writable, failed = select.select([], [sock], [sock], piece)
        if stop.is_set():
            raise cancelling.Cancelled
        if writable or failed:
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                raise OSError(code, os.strerror(code))
            return


# What connect_ex says of a connection under way (Windows says WSAEWOULDBLOCK).
_CONNECTING = {0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, 10035}


def _connect(
    host: str,
    port: int,
    timeout: float | None,
    local_address: str | None,
    socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
    stop: threading.Event,
) -> httpcore.NetworkStream:
    """What httpcore's ``SyncBackend.connect_tcp`` does, without blocking: each address DNS
    gives is tried in turn, each for ``timeout`` seconds, in slices."""
    failure: OSError | None = None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        for family, kind, protocol, _, address in found:
            sock = socket.socket(family, kind, protocol)
            try:
                for option in socket_options or ():
                    sock.setsockopt(*option)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if local_address is not None:
                    sock.bind((local_address, 0))
                sock.setblocking(False)
                code = sock.connect_ex(address)
                if code not in _CONNECTING:
                    raise OSError(code, os.strerror(code))
                until = None if timeout is None else time.monotonic() + timeout
                _wait_for_connection(sock, until, stop)
                sock.setblocking(True)
                return SyncStream(sock)
            except OSError as error:  # the next address may answer (as create_connection)
                sock.close()
                failure = error
            except BaseException:
                sock.close()
                raise
        raise failure or OSError(f"no address found for {host}")
    except TimeoutError as error:
        raise httpcore.ConnectTimeout(error) from error
    except OSError as error:
        raise httpcore.ConnectError(error) from error


def _handshake(
    sock: socket.socket,
    ssl_context: ssl.SSLContext,
    server_hostname: str | None,
    timeout: float | None,
    stop: threading.Event,
) -> httpcore.NetworkStream:
    """What httpcore's ``SyncStream.start_tls`` does, the handshake in slices."""
    secure: ssl.SSLSocket | None = None
    try:
        sock.settimeout(cancelling.POLL)
        secure = ssl_context.wrap_socket(
            sock, server_hostname=server_hostname, do_handshake_on_connect=False
        )
        until = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                secure.do_handshake()
                return SyncStream(secure)
            except TimeoutError:  # asked again, the handshake goes on where it was
                if stop.is_set():
                    raise cancelling.Cancelled from None
                if until is not None and time.monotonic() >= until:
                    raise
    except BaseException as error:
        (sock if secure is None else secure).close()
        if isinstance(error, TimeoutError):
            raise httpcore.ConnectTimeout(error) from error
        if isinstance(error, OSError):
            raise httpcore.ConnectError(error) from error
        raise


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _within(
            lambda t: self._inner.read(max_bytes, t),
            timeout,
            httpcore.ReadTimeout,
            in_slices=True,
        )

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
        stop = cancelling.current()
        sock = self._inner.get_extra_info("socket")
        if (
            stop is not None
            and type(self._inner) is SyncStream
            and isinstance(sock, socket.socket)
            and not isinstance(sock, ssl.SSLSocket)  # TLS through a proxy's TLS: httpcore's
        ):
            secure = _within(
                lambda t: _handshake(sock, ssl_context, server_hostname, t, stop),
                timeout,
                httpcore.ConnectTimeout,
            )
        else:
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
        stop = cancelling.current()
        if stop is not None and type(self._inner) is SyncBackend:
            stream = _within(
                lambda t: _connect(host, port, t, local_address, socket_options, stop),
                timeout,
                httpcore.ConnectTimeout,
            )
        else:
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
