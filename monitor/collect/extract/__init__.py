"""Main-text extraction from article pages.

:func:`extract_page` turns an already-decoded HTML page into an :class:`ExtractedPage`:
the article's paragraphs (separated by one blank line, boilerplate left out) plus the
metadata read by :mod:`monitor.collect.pagemeta`. Pages without article text (index pages,
login walls, empty bodies, garbage) raise :class:`ExtractionError`, and nothing else
escapes: trafilatura and lxml failures are turned into that error too.

The parts: :mod:`.html` parses the page within bounds, :mod:`.trafilatura_xml` reads
trafilatura's result as paragraphs, :mod:`.blocks` reads the page's own lines and finds the
region holding the article, :mod:`.boilerplate` judges single lines (prose, notices, stubs),
and :mod:`.page` decides between the readings.
"""

from monitor.collect.extract.html import (
    MAX_ELEMENTS,
    MAX_HTML_CHARS,
    MAX_INPUT_CHARS,
    NO_TEXT_MESSAGE,
    TOO_COMPLEX_MESSAGE,
)
from monitor.collect.extract.page import (
    DEFAULT_OPTIONS,
    MIN_ARTICLE_WORDS,
    MIN_SHORT_NEWS_WORDS,
    ExtractionOptions,
    extract_page,
)

__all__ = [
    "DEFAULT_OPTIONS",
    "MAX_ELEMENTS",
    "MAX_HTML_CHARS",
    "MAX_INPUT_CHARS",
    "MIN_ARTICLE_WORDS",
    "MIN_SHORT_NEWS_WORDS",
    "NO_TEXT_MESSAGE",
    "TOO_COMPLEX_MESSAGE",
    "ExtractionOptions",
    "extract_page",
]
