"""Which addresses a fetch may reach: no requests to this machine or its networks on a feed's say.

A feed is untrusted. Its item links, and the redirects of any page, may point at this
machine (``127.0.0.1``, ``localhost``, ``0x7f000001``), at the local network (``10.x``,
``192.168.x``, a router's admin page) or at a cloud's metadata service
(``169.254.169.254``); fetching them lets a stranger's feed make the app talk to services
that trust it for being local. So a fetch reaches such an address only when the source itself
is on one, because the user added it so (a test server, an intranet feed).

The check is made where the connection is made, on the addresses DNS gave (a name that
resolves to 127.0.0.1 is as local as the number), and the connection goes to the very
address checked, so a second lookup cannot give another (DNS rebinding). Which hosts turned
out local is remembered, so a pooled connection to one is not reused for a fetch that may
not reach it. Through a proxy from the environment the proxy resolves names; only the
address as written is checked then.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpcore

__all__ = ["AddressGuard", "LocalAddressRefused", "fetching", "host_literal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOOPBACK = "a loopback address (this machine)"
_current = threading.local()


class LocalAddressRefused(Exception):
    """A fetch that may not reach local addresses was about to connect to one."""

    def __init__(self, host: str, address: IPAddress, kind: str) -> None:
        shown = host if host == str(address) else f"{host} ({address})"
        super().__init__(
            f"refused to fetch from {shown}: it is {kind}, and the source is not on this"
            " machine or its network"
        )


def host_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells out, in any form a resolver takes (``127.1``,
    ``0x7f000001``, ``2130706433``, ``[::1]``); ``None`` for a name."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:  # the old BSD forms that inet_aton and getaddrinfo accept
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def local_kind(address: IPAddress) -> str | None:
    """What kind of local address this is (``"a loopback address"``), or ``None`` if public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return local_kind(embedded)
    if address.is_loopback:
        return _LOOPBACK
    if address.is_unspecified:
        return "the unspecified address (this machine)"
    if address.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private or not address.is_global:
        return "a private network address"
    return None


@dataclass
class AddressGuard:
    """The rule of one fetcher, and what it learned of hosts while connecting.

    ``public``: addresses to take as public all the same (tests stand a "remote" site on a
    second loopback address, 127.0.0.2, since no test may reach the internet).
    """

    public: frozenset[IPAddress] = frozenset()
    _local_hosts: dict[str, tuple[IPAddress, str]] = field(default_factory=dict)
    # Origins found public. Whether a fetch may reach local addresses is judged by its source's
    # address once; every connection is still checked on the address it goes to.
    _public_origins: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def kind(self, address: IPAddress) -> str | None:
        return None if address in self.public else local_kind(address)

    def check_known(self, host: str) -> None:
        """Before a request: refuse a host known to be local without any lookup."""
        if getattr(_current, "allow_local", True):
            return
        literal = host_literal(host)
        if literal is not None:
            kind = self.kind(literal)
            if kind is not None:
                raise LocalAddressRefused(host, literal, kind)
            return
        name = host.lower().rstrip(".")
        if name in _LOCAL_NAMES or name.endswith(".localhost"):
            raise LocalAddressRefused(host, ipaddress.IPv4Address("127.0.0.1"), _LOOPBACK)
        with self._lock:
            known = self._local_hosts.get(name)
        if known is not None:  # a pooled connection may exist, made for a fetch that could
            raise LocalAddressRefused(host, *known)

    def is_local_origin(self, host: str) -> bool:
        """Whether a source at ``host`` is on this machine or its networks (one lookup)."""
        name = host.lower().rstrip(".")
        if name in _LOCAL_NAMES or name.endswith(".localhost"):
            return True
        with self._lock:
            if name in self._local_hosts:
                return True
            if name in self._public_origins:  # one lookup a source, not one a page
                return False
        try:
            addresses = self._resolve(host, 0)
        except (OSError, UnicodeError):  # unresolvable: its fetch fails with the reason
            return False
        local = self._remember(name, addresses)
        if not local:
            with self._lock:
                self._public_origins.add(name)
        return local

    def _remember(self, name: str, addresses: list[IPAddress]) -> bool:
        for address in addresses:
            kind = self.kind(address)
            if kind is not None:
                with self._lock:
                    self._local_hosts[name] = (address, kind)
                return True
        return False

    def connect(
        self, inner: httpcore.NetworkBackend, host: str, port: int, **options: typing.Any
    ) -> httpcore.NetworkStream:
        """Resolve ``host``, refuse local addresses unless allowed, connect to one checked."""
        if getattr(_current, "allow_local", None) is None:  # not a fetch (model downloads)
            return inner.connect_tcp(host, port, **options)
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError):  # the inner backend fails so too, with the usual message
            return inner.connect_tcp(host, port, **options)
        self._remember(host.lower().rstrip("."), addresses)
        kinds = [(address, self.kind(address)) for address in addresses]
        if not _current.allow_local:
            for address, kind in kinds:
                if kind is not None:
                    raise LocalAddressRefused(host, address, kind)
        error: Exception | None = None
        for address, _ in kinds:
            try:
                return inner.connect_tcp(str(address), port, **options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failed:
                error = failed
        assert error is not None
        raise error

    @staticmethod
    def _resolve(host: str, port: int) -> list[IPAddress]:
        literal = host_literal(host)
        if literal is not None:
            return [literal]
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses: list[IPAddress] = []
        for _, _, _, _, sockaddr in found:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
        return addresses


@contextmanager
def fetching(*, allow_local: bool) -> Iterator[None]:
    """Run one fetch in this thread under the rule: local addresses only if ``allow_local``."""
    outer = getattr(_current, "allow_local", None)
    _current.allow_local = allow_local
    try:
        yield
    finally:
        _current.allow_local = outer


def install(transports: Iterable[object], guard: AddressGuard) -> None:
    """Put the guard under each httpx transport that connects directly (not through a proxy).

    Like :func:`monitor.collect.deadlines.install`, this reaches into the transport's pool;
    the address tests fail if a new httpx stops honouring it.
    """
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        # A proxy's pool (a subclass) connects to the proxy, which resolves the names.
        if type(pool) is httpcore.ConnectionPool and isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = _GuardedBackend(backend, guard)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend, guard: AddressGuard) -> None:
        self._inner = inner
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return self._guard.connect(
            self._inner,
            host,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
