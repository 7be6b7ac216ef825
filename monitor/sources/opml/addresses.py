"""Which feed address an OPML outline names, if any: ``feed:`` schemes undone, and anything
a fetch could not or should not reach (``vfolder``, ``javascript:``, ``file:``, a relative
path) refused with the reason the import report gives.
"""

from __future__ import annotations

import re

from monitor.errors import SourceError
from monitor.sources.adding import normalise_url

MAX_ADDRESS_LENGTH = 8192  # as for addresses typed in; no feed's address comes near it
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
    try:  # the checks an address typed in by hand passes: port, brackets, host, length
        return normalise_url(address)
    except SourceError as error:
        raise UnusableAddress(str(error)) from None


def _undo_feed_scheme(address: str) -> str:
    match = _FEED_SCHEME.match(address)
    if match is None:
        return address
    rest = address[match.end() :]
    if not match.group(0).endswith("//") or _WEB_SCHEME.match(rest):
        return rest  # feed:https://host/… wraps a whole address (which may be no web one)
    secure = match.group(0).lower().startswith("feeds")
    return ("https://" if secure else "http://") + rest
