"""Decoded page text parsed into a bounded lxml tree.

Input is cut at MAX_INPUT_CHARS, scripts, styles and comments are removed (they can take
megabytes of a page), and what remains is cut at MAX_HTML_CHARS: trafilatura's time grows
faster than linearly with page size (an element-dense 5 MB page took 10 s, 2 MB about 2 s).
"""

from __future__ import annotations

import re
from itertools import islice

from lxml.html import HtmlElement

from monitor.collect.extract.quiet import quiet_libraries
from monitor.dependencies import missing_module
from monitor.errors import ExtractionError

MAX_INPUT_CHARS = 20_000_000
MAX_HTML_CHARS = 2_000_000
# Real pages of that size have tens of thousands of elements; far more means generated junk,
# and the time spent grows with the element count.
MAX_ELEMENTS = 100_000
TOO_COMPLEX_MESSAGE = "the page is too large or too complex to extract article text from"
NO_TEXT_MESSAGE = "no article text found on the page"

# Openers of scripts, styles and comments, which never hold article text.
_NON_CONTENT_OPENER = re.compile(r"<(script|style)\b([^>]{0,2000})>|<!--", re.IGNORECASE)
_CLOSERS = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
    None: re.compile(r"-->"),
}
_DOCUMENT_START = re.compile(r"<(?:!doctype|html|head|body)\b", re.IGNORECASE)


def parse_page(html: str) -> HtmlElement:
    """The page's tree; :class:`ExtractionError` for empty, unparsable or oversized pages."""
    text = _without_non_content(html[:MAX_INPUT_CHARS])[:MAX_HTML_CHARS]
    if not text.strip():
        raise ExtractionError(NO_TEXT_MESSAGE)
    if not _DOCUMENT_START.search(text[:4096]):
        # A bare fragment: trafilatura rejects documents that do not look like HTML.
        text = f"<html><body>{text}</body></html>"
    try:
        with quiet_libraries():
            # trafilatura takes a quarter of a second to import: on first use, in a fetch
            # worker, not while the app's window is waiting to open.
            from trafilatura.utils import load_html

            tree = load_html(text)
    except ImportError as error:
        raise missing_module(error) from error
    except Exception as error:  # lxml raises a variety of errors on binary junk
        raise ExtractionError(NO_TEXT_MESSAGE) from error
    if not isinstance(tree, HtmlElement):
        raise ExtractionError(NO_TEXT_MESSAGE)
    if any(True for _ in islice(tree.iter(), MAX_ELEMENTS, None)):
        raise ExtractionError(TOO_COMPLEX_MESSAGE)
    return tree


def _without_non_content(html: str) -> str:
    """Remove scripts (but not JSON-LD metadata), styles and comments in one linear pass."""
    kept: list[str] = []
    position = 0
    while match := _NON_CONTENT_OPENER.search(html, position):
        tag = match.group(1).lower() if match.group(1) else None
        closer = _CLOSERS[tag].search(html, match.end())
        if closer is None:  # unterminated: leave the rest to the parser
            break
        keep = tag == "script" and "ld+json" in match.group(2).lower()
        kept.append(html[position : closer.end() if keep else match.start()])
        position = closer.end()
    kept.append(html[position:])
    return "".join(kept)
