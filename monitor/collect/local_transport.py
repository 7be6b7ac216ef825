"""An httpx transport that answers ``https://<host>/<path>`` from files in a local directory.

It lets the bundled demo collection (URLs like
``https://demo.media-monitor.invalid/feeds/yonhap.xml``) go through the very same fetch →
parse → extract pipeline as real outlets, without any network. The directory may be a plain
:class:`~pathlib.Path` or an :mod:`importlib.resources` ``Traversable`` (package data, even
inside a zip). Bytes are served as they are, with a content type from the file extension and
no charset, so the decoding code sees what a real server without a charset header would send.
ETags are a hash of the file bytes, so a repeated update gets ``304 Not Modified``.
"""

from __future__ import annotations

import hashlib
import mimetypes
from importlib.resources.abc import Traversable
from pathlib import Path

import httpx

# Explicit because mimetypes answers differ between systems (text/xml vs application/xml).
_CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".opml": "text/x-opml",
}


def content_type_for(name: str) -> str:
    """The Content-Type served for a file called ``name`` (never with a charset)."""
    suffix = Path(name).suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def etag_for(content: bytes) -> str:
    """A strong ETag that changes exactly when the bytes change."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    candidates = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in candidates


class LocalDirectoryTransport(httpx.BaseTransport):
    """Serves the files under ``root`` as ``http(s)://<host>/<relative path>``."""

    def __init__(self, root: Traversable | Path, host: str) -> None:
        self.root = root
        self.host = host.lower()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != self.host:
            # Only reachable if mounted for the wrong pattern: behave like a host that is not there.
            raise httpx.ConnectError(
                f"{request.url.host} is not served by the local collection", request=request
            )
        if request.method not in ("GET", "HEAD"):
            return _plain(405, "only GET and HEAD are served", request)
        segments = [segment for segment in request.url.path.split("/") if segment]
        if not _safe(segments):
            return _plain(403, "path outside the local collection refused", request)
        resource: Traversable | Path = self.root
        for segment in segments:
            resource = resource / segment
        if not segments or not resource.is_file():
            return _plain(404, "no such file in the local collection", request)
        content = resource.read_bytes()
        etag = etag_for(content)
        if _etag_matches(request.headers.get("If-None-Match", ""), etag):
            return httpx.Response(304, headers={"ETag": etag}, request=request)
        headers = {
            "ETag": etag,
            "Content-Type": content_type_for(segments[-1]),
            "Content-Length": str(len(content)),
        }
        body = b"" if request.method == "HEAD" else content
        # A stream rather than content=: httpx reads content= bodies at once, and a response
        # already read cannot be streamed by the fetcher (which needs the raw bytes).
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body), request=request)


def _safe(segments: list[str]) -> bool:
    """True when every path segment names something inside the root.

    httpx already folds literal ``..`` segments, but percent-encoded ones (``..%2F``) come
    out of ``URL.path`` decoded, so they are checked here. Backslashes and colons are refused
    too because on Windows they would make a segment absolute or a drive.
    """
    for segment in segments:
        if segment in (".", "..") or any(c in segment for c in "\\:\0"):
            return False
    return True


def _plain(status: int, text: str, request: httpx.Request) -> httpx.Response:
    body = text.encode()
    headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body), request=request)
