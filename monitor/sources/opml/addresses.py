"""Which feed address an OPML outline names, if any: ``feed:`` schemes undone, and anything
a fetch could not or should not reach (``vfolder``, ``javascript:``, ``file:``, a relative
path) refused with the reason the import report gives.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_ADDRESS_LENGTH = 8192  # as for addresses typed in; no feed's address comes near it
_MAX_HOST_LENGTH = 253
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# ``feed://host/path`` (the old form: plain http), ``feed:https://…``, ``feeds://…``.
_FEED_SCHEME = re.compile(r"(?i)^feeds?:(?://)?")
_WEB_SCHEME = re.compile(r"(?i)https?:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnusableAddress(ValueError):
    """An outline's address that cannot be followed; ``str()`` says why, for the report."""


def feed_address(written: str) -> str:
    """The http(s) address an outline's ``xmlUrl`` means, or :class:`UnusableAddress`."""
    address = written.strip()
    if len(address) > MAX_ADDRESS_LENGTH:
        raise UnusableAddress(f"the address is longer than {MAX_ADDRESS_LENGTH:,} characters")
    if _CONTROL.search(address):
        raise UnusableAddress("the address contains control characters")
    address = address.replace(" ", "%20")
    address = _undo_feed_scheme(address)
    if address.startswith("//"):
        address = "https:" + address
    scheme = _SCHEME.match(address)
    if scheme is None:
        if address.startswith(("/", "./", "../")):
            raise UnusableAddress("a relative address; the file does not say which site it is on")
        raise UnusableAddress("not a web address")
    name = scheme.group(1).lower()
    if name not in {"http", "https"}:
        raise UnusableAddress(f"{name}: addresses are never followed (only http:// and https://)")
    address = name + address[len(name) :]
    try:
        parts = urlsplit(address)
        host = parts.hostname
        parts.port  # noqa: B018 (read for the ValueError of a port that is not a number)
    except ValueError as error:
        raise UnusableAddress(f"not a valid web address ({error})") from None
    if not host:
        raise UnusableAddress("the address names no host")
    if _bad_host(host):
        raise UnusableAddress("the address does not name a valid host")
    return address


def _undo_feed_scheme(address: str) -> str:
    match = _FEED_SCHEME.match(address)
    if match is None:
        return address
    rest = address[match.end() :]
    if not match.group(0).endswith("//") or _WEB_SCHEME.match(rest):
        return rest  # feed:https://host/… wraps a whole address (which may be no web one)
    secure = match.group(0).lower().startswith("feeds")
    return ("https://" if secure else "http://") + rest


def _bad_host(host: str) -> bool:
    if ":" in host:
        return False  # an IPv6 address, which urlsplit has checked
    if host.isascii():
        return len(host) > _MAX_HOST_LENGTH
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        return True
    return len(encoded) > _MAX_HOST_LENGTH
