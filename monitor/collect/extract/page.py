"""Main-text extraction from article pages: trafilatura, checked against the page's blocks.

:func:`extract_page` reads a page two ways: trafilatura (tuned for the common layouts) and
:mod:`~monitor.collect.extract.blocks` (the page's own lines, the region holding its prose
and the article's lines in it). Each of trafilatura's paragraphs is found among the page's
lines: those of the article are kept, and around it only what belongs to an article (its
deck, continuation, signature), not menus, datelines, metadata tables, sidebars, "most
read" lists or the imprint. When trafilatura found little or missed much of the article
(text in ``<div>``s and ``<td>``s with ``<br>``, a notice under a metadata table, a forum
post), the article's lines are the text. Paywall prompts go, and notices at either end
unless the article's own block holds them. A page still below :data:`MIN_ARTICLE_WORDS`
is refused unless it reads as a short news item: a sentence with figures that is the
page's only prose. Section indexes (headlines with summaries) are refused however long.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml.html import HtmlElement, fragment_fromstring

from monitor.collect.extract.blocks import (
    MAX_KEPT_LINK_DENSITY,
    PageBlocks,
    TextLine,
    is_all_link,
    read_blocks,
)
from monitor.collect.extract.boilerplate import (
    ends_a_sentence,
    has_digits,
    is_metadata,
    is_notice,
    is_stub,
    word_count,
)
from monitor.collect.extract.html import NO_TEXT_MESSAGE, parse_page
from monitor.collect.extract.quiet import quiet_libraries
from monitor.collect.extract.trafilatura_xml import link_share, paragraphs_of
from monitor.collect.pagemeta import PageMetadata, read_page_metadata
from monitor.dependencies import missing_module
from monitor.errors import ExtractionError
from monitor.types import ExtractedPage

# Below this many words the page is a stub, a login wall or a teaser, not an article,
# unless it reads as a short news item of at least MIN_SHORT_NEWS_WORDS (see _short_news).
# Han characters count as half a word each (Chinese has no spaces to count by).
MIN_ARTICLE_WORDS = 20
MIN_SHORT_NEWS_WORDS = 6

_LOGGER = logging.getLogger(__name__)
# Real articles measured at most 0.3 link text overall; index pages are mostly links.
_MAX_PAGE_LINK_SHARE = 0.5
# trafilatura's text must cover this share of the article's lines, or they are the text.
_MIN_REGION_COVERAGE = 0.5
_MAX_OCCURRENCES = 5  # places a paragraph's text is looked for on the page
_MAX_FIELD_WORDS = 16  # a cell of a metadata table: "Дата прийняття | 12.03.2024"
_MAX_SIGNATURE_WORDS = 8  # the line after an article: "Елена Зеленина, спецкор"
_SPACE = re.compile(r"\s+")
_SPACE_OR_BAR = re.compile(r"[\s|]+")  # table rows are read with " | " between their cells
_MARKUP = re.compile(r"<[a-zA-Z/][^>]*>")
_BLOCK_HTML_TAGS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


@dataclass(frozen=True, slots=True)
class ExtractionOptions:
    """How a page is read; the defaults were chosen by ``python -m bench.extraction``."""

    favor_precision: bool = True
    favor_recall: bool = False
    include_tables: bool = True
    deduplicate: bool = False
    # Pages with more elements than this skip trafilatura's second opinions (readability,
    # jusText), whose cost grows faster than linearly with the page: 5 MB took 30 s.
    fast_above_elements: int = 20_000
    # Blocks whose text is at least this share of link text are dropped (None keeps them).
    max_link_share: float | None = 0.9
    # Check trafilatura's text against the page's own blocks (False: trafilatura alone).
    check_blocks: bool = True


DEFAULT_OPTIONS = ExtractionOptions()


def extract_page(
    html: str, url: str, *, options: ExtractionOptions = DEFAULT_OPTIONS
) -> ExtractedPage:
    """Extract the article text and metadata of ``html``, the page found at ``url``.

    Raises :class:`ExtractionError` when the page has no article text.
    """
    tree = parse_page(html)
    try:
        with quiet_libraries():
            metadata = read_page_metadata(tree, url)
            found = _trafilatura_paragraphs(tree, url, options)
            blocks = read_blocks(tree) if options.check_blocks else None
            chosen = _chosen(found, blocks, metadata)
    except ExtractionError:
        raise
    except ImportError as error:  # the install lacks a part: not a property of the page
        raise missing_module(error) from error
    except Exception as error:  # lxml/trafilatura on hostile input: any failure means no text
        _LOGGER.debug("extraction failed for %s: %r", url, error)
        raise ExtractionError(NO_TEXT_MESSAGE) from error
    paragraphs = _without_boilerplate(_without_title(chosen, metadata.title))
    if word_count(paragraphs) < MIN_ARTICLE_WORDS and not _short_news(paragraphs, blocks):
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


@dataclass(frozen=True, slots=True)
class _Found:
    """trafilatura's paragraphs, and whether its text was mostly links (a list of headlines,
    or navigation taken for the article)."""

    paragraphs: list[str]
    mostly_links: bool


def _trafilatura_paragraphs(tree: HtmlElement, url: str, options: ExtractionOptions) -> _Found:
    from trafilatura import bare_extraction  # imported on first use: see parse_page
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
        return _Found([], mostly_links=False)
    return _Found(
        _unique(paragraphs_of(body, max_link_share=options.max_link_share)),
        mostly_links=link_share(body) >= _MAX_PAGE_LINK_SHARE,
    )


@dataclass(slots=True)
class _Chosen:
    """The paragraphs chosen for a page; ``in_article`` marks those found among the article's
    own lines, where even a copyright line is the publisher's text, not the site's."""

    paragraphs: list[str]
    in_article: list[bool]

    @classmethod
    def loose(cls, paragraphs: list[str]) -> _Chosen:
        return cls(paragraphs, [False] * len(paragraphs))


def _chosen(trafilatura: _Found, blocks: PageBlocks | None, metadata: PageMetadata) -> _Chosen:
    """trafilatura's paragraphs in and around the article region, or the region's own lines."""
    if trafilatura.mostly_links:
        # An index page, unless trafilatura took the navigation for the article and the
        # page's blocks hold one elsewhere.
        if blocks is None or blocks.teasers or word_count(blocks.text_lines) < MIN_ARTICLE_WORDS:
            raise ExtractionError(NO_TEXT_MESSAGE)
        return _Chosen(blocks.text_lines, [True] * len(blocks.kept))
    found = trafilatura.paragraphs
    located = _located(found, blocks.lines) if blocks is not None else []
    if blocks is not None and blocks.teasers:
        in_teasers = [p for p, span in zip(found, located, strict=True) if _in_region(blocks, span)]
        if 2 * word_count(in_teasers) >= word_count(found):
            raise ExtractionError(NO_TEXT_MESSAGE)  # headlines with summaries, not an article
    if word_count(found) < MIN_ARTICLE_WORDS:
        # Script-rendered sites often ship an empty shell plus the full text in JSON-LD.
        from_metadata = _json_ld_lines(metadata.article_body)
        if word_count(from_metadata) >= MIN_ARTICLE_WORDS:
            return _Chosen.loose(from_metadata)
        if blocks is not None and word_count(blocks.text_lines) > word_count(found):
            return _Chosen(blocks.text_lines, [True] * len(blocks.kept))
        return _Chosen.loose(found)
    if blocks is None or not blocks.kept:
        return _Chosen.loose(found)
    covered = {index for span in located if span is not None for index in span}
    region_chars = sum(line.chars for line in blocks.kept)
    missed_chars = sum(
        line.chars for index, line in enumerate(blocks.lines) if line.kept and index not in covered
    )
    if (
        word_count(blocks.text_lines) >= MIN_ARTICLE_WORDS
        and missed_chars > (1 - _MIN_REGION_COVERAGE) * region_chars
    ):
        # trafilatura missed much of the article (a notice's body under its metadata table)
        return _Chosen(blocks.text_lines, [True] * len(blocks.kept))
    title_line = _title_line(blocks, metadata.title)
    chosen = _Chosen([], [])
    for paragraph, span in zip(found, located, strict=True):
        if span is None:
            chosen.paragraphs.append(paragraph)
            chosen.in_article.append(False)
        elif any(_near_article(blocks, index, paragraph, title_line) for index in span):
            chosen.paragraphs.append(paragraph)
            chosen.in_article.append(_in_article(blocks, span))
    return chosen


def _in_region(blocks: PageBlocks, span: range | None) -> bool:
    return span is not None and any(blocks.lines[index].in_region for index in span)


def _in_article(blocks: PageBlocks, span: range | None) -> bool:
    return span is not None and any(blocks.lines[index].in_article for index in span)


def _near_article(blocks: PageBlocks, index: int, paragraph: str, title_line: int) -> bool:
    """Whether a paragraph found at line ``index`` belongs to the article.

    Among the article's lines (see :mod:`~.blocks`), yes. Around them, prose does, and so
    do the deck and subheadings between the headline and the article; but not datelines,
    bylines, the fields of a metadata table, the menus, section name and breadcrumbs above
    the headline (or above an article without one), or the "Source:" line after it. The
    short line right after the article is its signature ("Елена Зеленина, спецкор").
    """
    line = blocks.lines[index]
    if not line.in_span or line.skipped:
        return False
    if line.in_article:
        return line.prose or not is_all_link(line)
    if is_metadata(line.text) or _is_field_row(paragraph):
        return False
    if line.prose or 0 <= title_line < index < blocks.article_start:
        return True
    return index == _line_after_article(blocks) and line.words <= _MAX_SIGNATURE_WORDS


def _line_after_article(blocks: PageBlocks) -> int:
    """The first visible line after the article, when it is not a link (a signature)."""
    for index in range(blocks.article_end + 1, len(blocks.lines)):
        line = blocks.lines[index]
        if not line.skipped:
            return -1 if line.link_density >= MAX_KEPT_LINK_DENSITY else index
    return -1


def _title_line(blocks: PageBlocks, title: str | None) -> int:
    """The index of the headline's line above the article (-1 when there is none)."""
    wanted = _comparable(title) if title else None
    for index in range(blocks.article_start - 1, -1, -1):
        line = blocks.lines[index]
        if line.block.tag == "h1" or (wanted and _comparable(line.text) == wanted):
            return index
    return -1


def _is_field_row(paragraph: str) -> bool:
    """A row of a label/value table ("Номер: | 412", "작성자 | 일자리정책과")."""
    cells = paragraph.split(" | ")
    return len(cells) >= 2 and all(word_count([cell]) <= _MAX_FIELD_WORDS for cell in cells)


def _located(paragraphs: list[str], lines: list[TextLine]) -> list[range | None]:
    """For each paragraph, the page lines its text spans (None where it is not found).

    Spaces (and the bars between table cells) are ignored on both sides: trafilatura and
    the block reader collapse them differently. Paragraphs mostly come in page order, so
    each search starts where the previous paragraph ended, and falls back to the start of
    the page; of the places found, one near the article is preferred (the same text may
    also sit in a hidden teaser or a "most read" list).
    """
    keys = [_SPACE_OR_BAR.sub("", line.text) for line in lines]
    starts: list[int] = []
    offset = 0
    for key in keys:
        starts.append(offset)
        offset += len(key)
    page = "".join(keys)

    def lines_at(position: int, length: int) -> range:
        first = bisect.bisect_right(starts, position) - 1
        return range(first, bisect.bisect_right(starts, position + length - 1))

    located: list[range | None] = []
    cursor = 0
    for paragraph in paragraphs:
        key = _SPACE_OR_BAR.sub("", paragraph)
        found = [
            lines_at(position, len(key))
            for position in _occurrences(page, key, cursor) or _occurrences(page, key, 0)
        ]
        span = next(
            (
                span
                for span in found
                if any(lines[i].in_span and not lines[i].skipped for i in span)
            ),
            found[0] if found else None,
        )
        located.append(span)
        if span is not None:
            cursor = starts[span[-1]]
    return located


def _occurrences(page: str, key: str, start: int) -> list[int]:
    positions: list[int] = []
    while key and len(positions) < _MAX_OCCURRENCES:
        position = page.find(key, start)
        if position < 0:
            break
        positions.append(position)
        start = position + 1
    return positions


def _short_news(paragraphs: list[str], blocks: PageBlocks | None) -> bool:
    """A one-paragraph news item ("the exchange rate was set at ..."), not a stub.

    It has a sentence with figures, and it is the page's only prose: a teaser on an index
    page has others beside it. Paywalls, login walls and error pages never qualify.
    """
    if blocks is None or not paragraphs:
        return False
    words = word_count(paragraphs)
    if words < MIN_SHORT_NEWS_WORDS or len(paragraphs) > 2:
        return False
    if not any(ends_a_sentence(p) and has_digits(p) for p in paragraphs):
        return False
    page_lines = [line.text for line in blocks.lines if not line.skipped]
    if any(is_stub(line) for line in page_lines + paragraphs):
        return False
    return blocks.largest_prose_outside < words


def _json_ld_lines(body: str | None) -> list[str]:
    """JSON-LD ``articleBody``, which may be plain text with newlines or an HTML fragment."""
    if not body:
        return []
    if _MARKUP.search(body):
        fragment = fragment_fromstring(body, create_parent="div")
        for element in fragment.iter():
            if element.tag == "br" or element.tag in _BLOCK_HTML_TAGS:
                element.tail = "\n" + (element.tail or "")
        body = fragment.text_content()
    lines = (_SPACE.sub(" ", line).strip() for line in body.splitlines())
    return _unique(line for line in lines if line)


def _unique(lines: Iterable[str]) -> list[str]:
    """Drop a line repeating the one just before it (a caption doubled by the markup).

    Repeats further apart are kept: interviews legitimately repeat their questions.
    """
    kept: list[str] = []
    for line in lines:
        if not kept or kept[-1] != line:
            kept.append(line)
    return kept


def _without_title(chosen: _Chosen, title: str | None) -> _Chosen:
    """The headline is reported as the title, so it is not repeated as the first paragraph."""
    if chosen.paragraphs and title and _comparable(chosen.paragraphs[0]) == _comparable(title):
        return _Chosen(chosen.paragraphs[1:], chosen.in_article[1:])
    return chosen


def _without_boilerplate(chosen: _Chosen) -> list[str]:
    """Drop paywall and login prompts, and copyright, reprint, cookie and imprint lines
    opening or closing the text (unless they are among the article's own lines)."""
    kept = [
        (text, in_article)
        for text, in_article in zip(chosen.paragraphs, chosen.in_article, strict=True)
        if not is_stub(text)
    ]
    start, end = 0, len(kept)
    while start < end and is_notice(kept[start][0]) and not kept[start][1]:
        start += 1
    while end > start and is_notice(kept[end - 1][0]) and not kept[end - 1][1]:
        end -= 1
    return [text for text, _ in kept[start:end]]


def _comparable(text: str) -> str:
    return re.sub(r"\W", "", text).casefold()
