"""Main-text extraction from article pages, built on trafilatura.

:func:`extract_page` turns an already-decoded HTML page into an :class:`ExtractedPage`:
the article's paragraphs (separated by one blank line, boilerplate left out) plus the
metadata read by :mod:`monitor.collect.pagemeta`. Pages without article text (index pages,
login walls, empty bodies, garbage) raise :class:`ExtractionError`, and nothing else
escapes: trafilatura and lxml failures are turned into that error too.

The text is read from trafilatura's XML tree rather than its plain-text output, because
the plain text joins paragraphs and line breaks with the same single newline.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from lxml.etree import _Element
from lxml.html import HtmlElement, fragment_fromstring

from monitor.collect.pagemeta import PageMetadata, read_page_metadata
from monitor.dependencies import missing_module
from monitor.errors import ExtractionError
from monitor.types import ExtractedPage

# Input is cut at MAX_INPUT_CHARS, scripts, styles and comments are removed (they can take
# megabytes of a page), and what remains is cut at MAX_HTML_CHARS: trafilatura's time grows
# faster than linearly with page size (an element-dense 5 MB page took 10 s, 2 MB about 2 s).
MAX_INPUT_CHARS = 20_000_000
MAX_HTML_CHARS = 2_000_000
# Real pages of that size have tens of thousands of elements; far more means generated junk,
# and the time spent grows with the element count.
MAX_ELEMENTS = 100_000
TOO_COMPLEX_MESSAGE = "the page is too large or too complex to extract article text from"
NO_TEXT_MESSAGE = "no article text found on the page"
# Below this many words the page is a stub, a login wall or a teaser, not an article.
# Han characters count as half a word each (Chinese has no spaces to count by).
MIN_ARTICLE_WORDS = 20

_LOGGER = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W\d_]+|\d+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_HTML_SPACE = re.compile(r"\s+")
# Openers of scripts, styles and comments, which never hold article text.
_NON_CONTENT_OPENER = re.compile(r"<(script|style)\b([^>]{0,2000})>|<!--", re.IGNORECASE)
_CLOSERS = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
    None: re.compile(r"-->"),
}
_DOCUMENT_START = re.compile(r"<(?:!doctype|html|head|body)\b", re.IGNORECASE)
_TEXT_TAGS = ("p", "head", "code", "quote", "list", "table")
# "Read also: <link>" teasers inside the article body; dropped when mostly link text.
_SEE_ALSO = re.compile(
    r"^\W*(read (also|more)|see also|related|читайте (также|тоже|ещё|еще)|см\. также"
    r"|смотрите также|по теме|читайте (також|більше)|також читайте|дивіться також"
    r"|관련 ?기사|함께 보면|같이 보기|相关(新闻|阅读|链接)|延伸阅读|推荐阅读)\b",
    re.IGNORECASE,
)
_SEE_ALSO_LINK_SHARE = 0.5
# Real articles measured at most 0.3 link text overall; index pages are mostly links.
_MAX_PAGE_LINK_SHARE = 0.5
# Copyright and reprint notices: dropped when they trail the article.
_NOTICE = re.compile(
    r"©|ⓒ|\(c\)|copyright|all rights reserved|저작권|무단 ?전재|재배포|版权|未经授权|不得转载"
    r"|转载请注明|все права защищены|всі права захищені|перепечатка|передрук"
    r"|при (использовании|цитуванні|використанні) материал",
    re.IGNORECASE,
)
_MAX_NOTICE_CHARS = 200
_MIN_PROSE_WORDS = 10  # a fallback <p> shorter than this is a menu entry or a caption
_FALLBACK_JUNK_XPATH = (
    "//script | //style | //noscript | //nav | //header | //footer | //aside | //form"
    " | //figcaption | //*[contains(@class, 'related') or contains(@class, 'share')]"
)
_MARKUP = re.compile(r"<[a-zA-Z/][^>]*>")
_BLOCK_HTML_TAGS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


@dataclass(frozen=True, slots=True)
class ExtractionOptions:
    """Knobs passed to trafilatura; the defaults were chosen by ``bench/eval_extraction.py``."""

    favor_precision: bool = True
    favor_recall: bool = False
    include_tables: bool = True
    deduplicate: bool = False
    # Pages with more elements than this skip trafilatura's second opinions (readability,
    # jusText), whose cost grows faster than linearly with the page: 5 MB took 30 s.
    fast_above_elements: int = 20_000
    # Blocks whose text is at least this share of link text are dropped (None keeps them).
    max_link_share: float | None = 0.9


DEFAULT_OPTIONS = ExtractionOptions()


def extract_page(
    html: str, url: str, *, options: ExtractionOptions = DEFAULT_OPTIONS
) -> ExtractedPage:
    """Extract the article text and metadata of ``html``, the page found at ``url``.

    Raises :class:`ExtractionError` when the page has no article text.
    """
    tree = _parse(html)
    try:
        with _quiet_libraries():
            metadata = read_page_metadata(tree, url)
            paragraphs = _main_paragraphs(tree, url, options)
            if _word_count(paragraphs) < MIN_ARTICLE_WORDS:
                paragraphs = _fallback_paragraphs(tree, metadata) or paragraphs
    except ExtractionError:
        raise
    except ImportError as error:  # the install lacks a part: not a property of the page
        raise missing_module(error) from error
    except Exception as error:  # lxml/trafilatura on hostile input: any failure means no text
        _LOGGER.debug("extraction failed for %s: %r", url, error)
        raise ExtractionError(NO_TEXT_MESSAGE) from error
    paragraphs = _without_trailing_notices(_without_title(paragraphs, metadata.title))
    if _word_count(paragraphs) < MIN_ARTICLE_WORDS:
        raise ExtractionError(NO_TEXT_MESSAGE)
    return _page(paragraphs, metadata)


def _page(paragraphs: list[str], metadata: PageMetadata) -> ExtractedPage:
    return ExtractedPage(
        text="\n\n".join(paragraphs),
        title=metadata.title,
        author=metadata.author,
        published=metadata.published,
        published_offset_minutes=metadata.published_offset_minutes,
        canonical_url=metadata.canonical_url,
        language_hint=metadata.language_hint,
    )


def _parse(html: str) -> HtmlElement:
    text = _without_non_content(html[:MAX_INPUT_CHARS])[:MAX_HTML_CHARS]
    if not text.strip():
        raise ExtractionError(NO_TEXT_MESSAGE)
    if not _DOCUMENT_START.search(text[:4096]):
        # A bare fragment: trafilatura rejects documents that do not look like HTML.
        text = f"<html><body>{text}</body></html>"
    try:
        with _quiet_libraries():
            from trafilatura.utils import load_html  # imported on first use: see _main_paragraphs

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


def _main_paragraphs(tree: HtmlElement, url: str, options: ExtractionOptions) -> list[str]:
    # trafilatura takes a quarter of a second to import: on first use, in a fetch worker,
    # not while the app's window is waiting to open.
    from trafilatura import bare_extraction
    from trafilatura.deduplication import LRUCache

    fast = sum(1 for _ in tree.iter()) > options.fast_above_elements
    document = bare_extraction(
        tree,
        url=url,
        fast=fast,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        include_comments=False,
        include_tables=options.include_tables,
        include_links=True,  # needed to measure the link share of blocks
        include_images=False,
        # A fresh cache per page: the shared default would drop a page seen twice.
        deduplicate=LRUCache(maxsize=128) if options.deduplicate else False,
        with_metadata=False,
    )
    body = getattr(document, "body", None)
    if body is None:
        return []
    if _link_share(body) >= _MAX_PAGE_LINK_SHARE:
        raise ExtractionError(NO_TEXT_MESSAGE)  # a list of headlines, not an article
    return _unique(_paragraphs_of(body, max_link_share=options.max_link_share))


def _fallback_paragraphs(tree: HtmlElement, metadata: PageMetadata) -> list[str]:
    """When trafilatura finds nothing: JSON-LD ``articleBody``, else the page's long <p>s.

    Script-rendered sites often ship an empty shell plus the full text in JSON-LD. The <p>
    heuristic only accepts paragraphs that read like prose (enough words, few links).
    """
    if metadata.article_body:
        lines = _lines_of_markup(metadata.article_body)
        if _word_count(lines) >= MIN_ARTICLE_WORDS:
            return lines
    scope = copy.deepcopy(tree)
    for junk in scope.xpath(_FALLBACK_JUNK_XPATH):
        junk.drop_tree()
    articles = scope.xpath("//article")
    candidates = [p for article in articles for p in article.iter("p")] or list(scope.iter("p"))
    prose = [
        text
        for p in candidates
        if _word_count([text := _HTML_SPACE.sub(" ", p.text_content()).strip()]) >= _MIN_PROSE_WORDS
        and _html_link_share(p) < _SEE_ALSO_LINK_SHARE
    ]
    return _unique(iter(prose)) if len(prose) >= 2 else []


def _lines_of_markup(body: str) -> list[str]:
    """JSON-LD text, which may be plain text with newlines or an HTML fragment."""
    if _MARKUP.search(body):
        fragment = fragment_fromstring(body, create_parent="div")
        for element in fragment.iter():
            if element.tag == "br" or element.tag in _BLOCK_HTML_TAGS:
                element.tail = "\n" + (element.tail or "")
        body = fragment.text_content()
    lines = (_HTML_SPACE.sub(" ", _INVISIBLE.sub("", line)).strip() for line in body.splitlines())
    return _unique(line for line in lines if line)


def _html_link_share(element: HtmlElement) -> float:
    total = len(_HTML_SPACE.sub("", element.text_content()))
    linked = sum(len(_HTML_SPACE.sub("", a.text_content())) for a in element.iter("a"))
    return linked / total if total else 0.0


def _paragraphs_of(body: _Element, *, max_link_share: float | None) -> Iterator[str]:
    for block in body:
        if block.tag == "list":
            for item in block.iter("item"):
                yield from _block_lines(item, max_link_share)
        elif block.tag == "table":
            for row in block.iter("row"):
                cells = [_inline_text(cell) for cell in row.iter("cell")]
                line = " | ".join(cell for cell in cells if cell)
                if line and not _mostly_links(row, max_link_share):
                    yield line
        elif block.tag == "quote" and any(child.tag in _TEXT_TAGS for child in block):
            yield from _paragraphs_of(block, max_link_share=max_link_share)
        elif block.tag in _TEXT_TAGS or block.tag == "div":
            yield from _block_lines(block, max_link_share)


def _block_lines(block: _Element, max_link_share: float | None) -> Iterator[str]:
    """A block's lines: ``<lb/>`` often stands for a paragraph break (``<br><br>`` pages)."""
    if _mostly_links(block, max_link_share) or _is_see_also(block, max_link_share):
        return
    for line in _inline_text(block).split("\n"):
        if line:
            yield line


def _inline_text(element: _Element) -> str:
    """Text of ``element`` with HTML whitespace collapsed; only ``<lb/>`` makes a new line."""
    pieces: list[str] = []
    for node in element.iter():
        if node.tag == "lb" or (node is not element and node.tag in ("list", "table")):
            pieces.append("\n")
        elif node.text:
            pieces.append(_HTML_SPACE.sub(" ", node.text))
        if node is not element and node.tail:
            pieces.append(_HTML_SPACE.sub(" ", node.tail))
    text = _INVISIBLE.sub("", "".join(pieces))
    return "\n".join(line.strip() for line in text.split("\n"))


def _is_see_also(block: _Element, max_link_share: float | None) -> bool:
    if max_link_share is None or not _SEE_ALSO.match("".join(block.itertext()).strip()):
        return False
    return _link_share(block) >= _SEE_ALSO_LINK_SHARE


def _mostly_links(block: _Element, max_link_share: float | None) -> bool:
    return max_link_share is not None and _link_share(block) >= max_link_share


def _link_share(block: _Element) -> float:
    total = len(re.sub(r"\s", "", "".join(block.itertext())))
    if total == 0:
        return 0.0
    linked = sum(len(re.sub(r"\s", "", "".join(ref.itertext()))) for ref in block.iter("ref"))
    return linked / total


def _unique(lines: Iterator[str]) -> list[str]:
    """Drop a line repeating the one just before it (a caption doubled by the markup).

    Repeats further apart are kept: interviews legitimately repeat their questions.
    """
    kept: list[str] = []
    for line in lines:
        if not kept or kept[-1] != line:
            kept.append(line)
    return kept


def _without_title(paragraphs: list[str], title: str | None) -> list[str]:
    """The headline is reported as the title, so it is not repeated as the first paragraph."""
    if paragraphs and title and _comparable(paragraphs[0]) == _comparable(title):
        return paragraphs[1:]
    return paragraphs


def _without_trailing_notices(paragraphs: list[str]) -> list[str]:
    """Drop copyright/reprint notices closing the article ("© 2024 ... All rights reserved")."""
    end = len(paragraphs)
    while (
        end > 0
        and len(paragraphs[end - 1]) <= _MAX_NOTICE_CHARS
        and _NOTICE.search(paragraphs[end - 1])
    ):
        end -= 1
    return paragraphs[:end]


def _comparable(text: str) -> str:
    return re.sub(r"\W", "", text).casefold()


def _word_count(paragraphs: list[str]) -> float:
    text = "\n".join(paragraphs)
    han = len(_HAN.findall(text))
    words = len(_WORD.findall(_HAN.sub(" ", text)))
    return words + han / 2


class _ThreadQuietFilter(logging.Filter):
    """Drops records of the extraction libraries while *this thread* is extracting."""

    def __init__(self) -> None:
        super().__init__()
        self.state = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.state, "quiet", False)


_QUIET_FILTER = _ThreadQuietFilter()
_NOISY_LOGGER_PREFIXES = ("trafilatura", "htmldate", "courlan", "justext")


def _install_quiet_filter() -> None:
    # Logger filters only see records logged on that very logger, so every module
    # logger of the libraries gets the filter, not just the package logger.
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in _NOISY_LOGGER_PREFIXES:
            logger = logging.getLogger(name)
            if _QUIET_FILTER not in logger.filters:
                logger.addFilter(_QUIET_FILTER)


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Silence trafilatura's per-page warnings ("discarding data: ...") for this call only.

    Those warnings describe pages without text, which the caller learns from
    ExtractionError already; other threads and other users of the libraries keep
    their logging untouched.
    """
    _install_quiet_filter()
    previous = getattr(_QUIET_FILTER.state, "quiet", False)
    _QUIET_FILTER.state.quiet = True
    try:
        yield
    finally:
        _QUIET_FILTER.state.quiet = previous
