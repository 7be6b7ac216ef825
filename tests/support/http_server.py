"""A real HTTP server on 127.0.0.1 for tests: serves routes with chosen status, headers and bodies.

Each route is a :class:`Route`; a route may also be a callable that builds the answer from the
request (for conditional GET, Retry-After and the like). Every request is logged so tests can
assert what the client sent (User-Agent, If-None-Match, ...). With an ``ssl.SSLContext`` the
server speaks HTTPS, and the certificate can be swapped while it runs (a renewed certificate).
"""

from __future__ import annotations

import http.server
import socket
import ssl
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drip: float = 0.0  # seconds to wait between chunks of 64 bytes (slow body)
    reset: bool = False  # send the headers and 64 bytes of body, then reset the connection (RST)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    time: float


Handler = Callable[[Request], Route]


class _QuietHTTPServer(http.server.ThreadingHTTPServer):
    tls: ssl.SSLContext | None = None
    accepted = 0  # connections accepted so far

    def get_request(self) -> tuple[Any, Any]:
        connection, address = super().get_request()
        self.accepted += 1
        if self.tls is not None:
            # The handshake happens in the request's own thread (see ``setup``): a client that
            # refuses the certificate must not hold up the accept loop.
            connection = self.tls.wrap_socket(
                connection, server_side=True, do_handshake_on_connect=False
            )
        return connection, address

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up early (a size cap, a timeout) or refuses our certificate is
        # what many tests are about; it is not a server error worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalServer:
    """Serves ``routes`` (path -> Route or handler) on 127.0.0.1 in a daemon thread.

    With ``tls`` it serves HTTPS with that context's certificate; ``host`` is another loopback
    address to listen on (127.0.0.2 stands for a remote site in the address-rule tests).
    """

    def __init__(self, tls: ssl.SSLContext | None = None, *, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.requests: list[Request] = []
        self.in_flight = 0  # requests being answered right now
        self.peak_in_flight = 0  # the most requests ever answered at the same time
        self._lock = threading.Lock()
        server = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                if isinstance(self.request, ssl.SSLSocket):
                    self.request.settimeout(5)  # a client that never says hello is let go
                    self.request.do_handshake()
                    self.request.settimeout(None)
                super().setup()

            def do_GET(self) -> None:
                request = Request(
                    "GET", self.path, {k.lower(): v for k, v in self.headers.items()}, time.time()
                )
                with server._lock:
                    server.requests.append(request)
                    route_or_handler = server.routes.get(self.path)
                    server.in_flight += 1
                    server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
                try:
                    self._answer(request, route_or_handler)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self, request: Request, route_or_handler: Route | Handler | None) -> None:
                if route_or_handler is None:
                    route = Route(b"not found", 404, {"Content-Type": "text/plain"})
                elif isinstance(route_or_handler, Route):
                    route = route_or_handler
                else:
                    route = route_or_handler(request)
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    headers = {"Content-Length": str(len(route.body)), **route.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if route.reset:
                        self._reset(route.body[:64])
                        return
                    if not route.drip:
                        self.wfile.write(route.body)
                        return
                    for start in range(0, len(route.body), 64):
                        self.wfile.write(route.body[start : start + 64])
                        self.wfile.flush()
                        time.sleep(route.drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _reset(self, first_chunk: bytes) -> None:
                self.wfile.write(first_chunk)
                self.wfile.flush()
                # Linger on with a zero timeout: close() then sends RST instead of FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        self._httpd = _QuietHTTPServer((host, 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.tls = tls
        self._scheme = "http" if tls is None else "https"
        # A short poll interval: shutdown() waits for it, once per test using the server.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    @property
    def connections(self) -> int:
        """How many connections clients have opened (with TLS: handshakes attempted)."""
        return self._httpd.accepted

    def use_certificate(self, tls: ssl.SSLContext) -> None:
        """Present another certificate from the next connection on (an HTTPS server only)."""
        if self._scheme != "https":
            raise ValueError("this server was started without TLS")
        self._httpd.tls = tls

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, route: Route | Handler) -> str:
        """Serve ``route`` at ``path``; returns the full URL."""
        with self._lock:
            self.routes[path] = route
        return self.url(path)

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def serve() -> Iterator[LocalServer]:
    """Generator for a pytest fixture: ``server = pytest.fixture(serve)``."""
    with LocalServer() as server:
        yield server
