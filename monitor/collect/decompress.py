"""Undo an HTTP Content-Encoding (gzip, deflate) without ever holding more than a set size.

httpx's own decoders inflate each network chunk in one go, so a 64 KB chunk of a gzip bomb
can become tens of megabytes before anyone can count them. Here every call is told how many
bytes it may still produce and asks zlib for at most one more than that: one extra byte is
enough to know the body is too large, and memory stays near the cap whatever the input.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

SUPPORTED_ENCODINGS = "gzip, deflate"  # what we announce in Accept-Encoding


class UnsupportedEncoding(ValueError):
    """The server used a Content-Encoding we did not offer and cannot undo."""


class DamagedBody(ValueError):
    """The compressed body is not valid gzip/deflate data."""


class BodyTooLarge(ValueError):
    """The decoded body would be larger than allowed."""


class _Inflater:
    """Incremental gzip/deflate decoder whose output per call is bounded."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding == "gzip"
        self._wbits = 16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(self._wbits)
        self._started = False  # any output or a finished stream yet (raw-deflate fallback)
        self._members_done = 0
        self._finished = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``; returns at most ``room + 1`` bytes (more than ``room``: too large)."""
        out = bytearray()
        while data and not self._finished and len(out) <= room:
            try:
                piece = self._zlib.decompress(data, room + 1 - len(out))
            except zlib.error as error:
                data = self._recover(data, error)
                continue
            self._started = self._started or bool(piece)
            out += piece
            if self._zlib.eof:
                self._members_done += 1
                data = self._zlib.unused_data
                if data and self._gzip:
                    # Concatenated gzip members are one body (RFC 1952); start the next one.
                    self._zlib = zlib.decompressobj(self._wbits)
                else:
                    self._finished = True
            else:
                data = self._zlib.unconsumed_tail
        return bytes(out)

    def _recover(self, data: bytes, error: zlib.error) -> bytes:
        if not self._gzip and not self._started and self._wbits > 0:
            # Many servers send "deflate" as raw deflate without the zlib header.
            self._wbits = -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(self._wbits)
            return data
        if self._members_done:
            # Bytes after a complete gzip member that are not another member (padding,
            # junk): browsers ignore them, and so do we.
            self._finished = True
            return b""
        raise DamagedBody(str(error)) from error

    def flush(self, room: int) -> bytes:
        if self._finished:
            return b""
        # A truncated stream still yields what was decoded (as browsers do); the cap holds
        # because the loop in feed() never leaves input behind unless it stopped at the cap.
        return self._zlib.flush()[: room + 1]


def _encodings(header: str | None) -> list[str]:
    names = [part.strip().lower() for part in (header or "").split(",")]
    return [name for name in names if name and name != "identity"]


def read_capped(chunks: Iterable[bytes], content_encoding: str | None, max_bytes: int) -> bytes:
    """The body made of ``chunks`` with ``content_encoding`` undone, at most ``max_bytes`` long.

    Raises :class:`BodyTooLarge` as soon as the decoded size passes ``max_bytes`` (the rest
    is not read), :class:`UnsupportedEncoding` or :class:`DamagedBody`.
    """
    encodings = _encodings(content_encoding)
    if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
        raise UnsupportedEncoding(", ".join(encodings))
    inflater = _Inflater("deflate" if encodings == ["deflate"] else "gzip") if encodings else None
    body = bytearray()
    for chunk in chunks:
        room = max_bytes - len(body)
        body += chunk if inflater is None else inflater.feed(chunk, room)
        if len(body) > max_bytes:
            raise BodyTooLarge(f"more than {max_bytes} bytes")
    if inflater is not None:
        body += inflater.flush(max_bytes - len(body))
        if len(body) > max_bytes:
            raise BodyTooLarge(f"more than {max_bytes} bytes")
    return bytes(body)
