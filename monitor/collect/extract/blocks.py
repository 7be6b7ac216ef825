"""The page read as lines of text, and the region of the page that holds the article.

trafilatura knows many page layouts, but not all: text in ``<div>``s and ``<td>``s broken by
``<br>``, one-paragraph news items, forum posts, notices under a metadata table. This
module reads any page the same simple way, in the readability and jusText tradition:

1. Every visible line of the page in document order: a line ends at a block element or a
   ``<br>``. Each line knows how much of it is link text and which block element holds it.
   Lines inside navigation, captions, share bars and hidden elements are kept but marked
   ``skipped``, so that text found elsewhere can still be located on the page.
2. Lines that read as prose (low link density, sentence-like) give their words to the
   element holding their paragraph (the paragraph itself when ``<br>`` breaks it into
   lines), half to its parent and a quarter to the grandparent. The best scoring element,
   discounted by its own link density, is the region holding the article; its siblings
   join it when they score a fifth as much (an article split around an advert).
3. Inside the region, the article's text (``kept``) runs from the first prose line to the
   last one, without link-dense lines and notices: titles, bylines and button rows before
   it are left out. The article's lines (``in_article``) also take in what follows the
   text in the region, a byline, a photo credit, the publisher's own notice, up to a menu.
4. The span around the region (``in_span``) reaches up to a notice or a menu on either
   side: where a deck, a headline or a continuation of the article may still be.

A list of headlines each followed by a summary is recognised as an index (``teasers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.etree import iterwalk
from lxml.html import HtmlElement

from monitor.collect.extract.boilerplate import is_notice, is_prose, leads_in, word_count

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Never article text: navigation, page chrome, form controls, embedded media.
_SKIPPED_TAGS = frozenset(
    {
        "aside", "audio", "button", "canvas", "embed", "figcaption", "footer", "head",
        "header", "iframe", "input", "label", "map", "nav", "noscript", "object", "option",
        "script", "select", "style", "svg", "template", "textarea", "title", "video",
    }
)  # fmt: skip
# Class or id words of captions, share bars, breadcrumbs, screen-reader-only labels.
# Footers hold the imprint and legal notices, long enough to pass for prose, as do the
# author's profile beside a post and a forum signature ("sign").
_SKIPPED_WORDS = (
    r"share|sharing|social|sns|breadcrumbs?|caption|img_?desc|photo_?desc|desc_?img"
    r"|copyright|footer|foot|legal|disclaimer|signature|sign|author-?(?:box|bio|info)"
    r"|about-?(?:the-?)?author|bio|profile|sr-only|screen-reader-text|visually-hidden|blind"
)
_SKIPPED_NAME = re.compile(rf"(?:^|[-_])(?:{_SKIPPED_WORDS})(?:[-_]|$)")  # one lowered name
_SKIPPED_ANYWHERE = re.compile(_SKIPPED_WORDS)  # the quick test of all names at once
# State classes of a container ("has-sidebar", "no-footer", "with-caption") name what is
# beside or inside it, not what it is.
_STATE_NAME = re.compile(r"(?:has|no|with|without|is|show|hide|enable|disable)[-_]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")

MAX_PROSE_LINK_DENSITY = 0.35  # a line with more link text is navigation, not prose
MAX_KEPT_LINK_DENSITY = 0.5  # inside the article, lines with more link text are dropped
# A sibling of the best element joins the article with this share of its score, and at least
# the score of a ten-word paragraph (readability's rule).
_MIN_SIBLING_SHARE = 0.2
_MIN_SIBLING_SCORE = 10.0
_MIN_ALL_LINK_DENSITY = 0.9  # a line that is a link and nothing else
_MIN_HEADLINE_WORDS = 3
_MIN_TEASERS = 4  # headlines with a summary each: an index, not an article
_ANCESTOR_WEIGHTS = (1.0, 0.5, 0.25)  # the container, its parent, its grandparent


@dataclass(slots=True)
class TextLine:
    """One visible line of the page."""

    text: str
    chars: int  # characters other than spaces
    link_chars: int
    block: HtmlElement  # the innermost block element holding the line
    skipped: bool  # inside navigation, a caption, a share bar, a hidden element
    words: float = 0.0
    notice: bool = False  # a copyright, cookie, legal or imprint line
    prose: bool = False  # reads as running text, with few links, and no notice
    in_region: bool = False  # inside the element(s) holding the article
    in_article: bool = False  # one of the article's lines (see the module docstring)
    in_span: bool = False  # in the region or close around it (see _mark_span)
    kept: bool = False  # one of the lines of the article's text

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


@dataclass(slots=True)
class PageBlocks:
    """The page's lines, the article region among them and the lines kept as its text."""

    lines: list[TextLine]
    kept: list[TextLine] = field(default_factory=list)
    article_start: int = 0  # the index of the article's first line (len(lines) without one)
    article_end: int = -1  # the index of its last line
    teasers: bool = False  # the region is a list of headlines with summaries, not an article

    @property
    def text_lines(self) -> list[str]:
        return [line.text for line in self.kept]

    @property
    def largest_prose_outside(self) -> float:
        """Words of the longest prose line outside the article region."""
        return max(
            (line.words for line in self.lines if line.prose and not line.in_region), default=0
        )


def read_blocks(tree: HtmlElement) -> PageBlocks:
    """Read ``tree`` as lines and find the article among them (see the module docstring)."""
    lines = _read_lines(tree)
    for line in lines:
        line.words = word_count([line.text])
        line.notice = is_notice(line.text)
        line.prose = (
            not line.skipped
            and not line.notice
            and line.link_density < MAX_PROSE_LINK_DENSITY
            and is_prose(line.text, line.words)
        )
    chains = _Ancestry()
    region = _main_region(lines, chains)
    if region:
        for line in lines:
            line.in_region = any(ancestor in region for ancestor in chains.of(line.block))
        _mark_span(lines)
    blocks = PageBlocks(lines, article_start=len(lines))
    blocks.teasers = _is_teaser_list([line for line in lines if line.in_region])
    blocks.kept = _kept_lines([line for line in lines if line.in_region])
    for line in blocks.kept:
        line.kept = True
    if blocks.kept:
        blocks.article_start, blocks.article_end = _mark_article(lines)
    return blocks


def _read_lines(tree: HtmlElement) -> list[TextLine]:
    root = tree.find("body")
    if root is None:
        root = tree
    reader = _LineReader(root)
    walker = iterwalk(root, events=("start", "end"))
    skipped_root: HtmlElement | None = None  # the element whose subtree is being skipped
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if skipped_root is None and element is not root and _skipped(element, tag):
                skipped_root = element
            reader.open(element, tag, skipped=skipped_root is not None)
        else:
            reader.close(element, tag)
            if element is skipped_root:
                skipped_root = None
    reader.flush()
    return reader.lines


class _LineReader:
    """Collects text into lines as the walk opens and closes elements."""

    def __init__(self, root: HtmlElement) -> None:
        self.lines: list[TextLine] = []
        self.pieces: list[str] = []
        self.link_chars = 0
        self.links_open = 0
        self.blocks: list[tuple[HtmlElement, bool]] = [(root, False)]  # (element, skipped)

    def open(self, element: HtmlElement, tag: str, *, skipped: bool) -> None:
        if tag == "br" or tag in _BLOCK_TAGS:
            self.flush()
        if tag in _BLOCK_TAGS:
            self.blocks.append((element, skipped))
        elif skipped and not self.blocks[-1][1]:
            # an inline element to skip (a hidden <span>): its own line, marked skipped
            self.flush()
            self.blocks.append((element, True))
        if tag == "a":
            self.links_open += 1
        self.add(element.text)

    def close(self, element: HtmlElement, tag: str) -> None:
        if tag == "a":
            self.links_open -= 1
        if self.blocks[-1][0] is element:
            self.flush()
            self.blocks.pop()
        self.add(element.tail)

    def add(self, text: str | None) -> None:
        if text:
            self.pieces.append(text)
            if self.links_open:
                self.link_chars += len(_SPACE.sub("", text))

    def flush(self) -> None:
        if not self.pieces:
            return
        text = _SPACE.sub(" ", _INVISIBLE.sub("", "".join(self.pieces))).strip()
        if text:
            block, skipped = self.blocks[-1]
            chars = len(_SPACE.sub("", text))
            self.lines.append(TextLine(text, chars, min(self.link_chars, chars), block, skipped))
        self.pieces = []
        self.link_chars = 0


def _skipped(element: HtmlElement, tag: str) -> bool:
    if not tag or tag in _SKIPPED_TAGS:
        return True
    attributes = element.attrib
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(attributes.get("style", "")):
        return True
    names = f"{attributes.get('class', '')} {attributes.get('id', '')}".lower()
    if _SKIPPED_ANYWHERE.search(names) is None:  # most elements: one search, not one per name
        return False
    return any(_SKIPPED_NAME.search(name) and not _STATE_NAME.match(name) for name in names.split())


def _main_region(lines: list[TextLine], chains: _Ancestry) -> set[HtmlElement]:
    """The element holding most of the page's prose, with the siblings that share it."""
    scores: dict[HtmlElement, float] = {}
    chars: dict[HtmlElement, int] = {}
    link_chars: dict[HtmlElement, int] = {}
    lines_per_block: dict[HtmlElement, int] = {}
    for line in lines:
        lines_per_block[line.block] = lines_per_block.get(line.block, 0) + 1
    for line in lines:
        if line.skipped:
            continue
        prose = line.prose
        # A paragraph's container is its parent, but a block broken into lines by <br> is
        # a container itself: the one that gains its lines' words.
        chain = chains.of(line.block)
        container = 0 if lines_per_block[line.block] > 1 or len(chain) == 1 else 1
        for depth, element in enumerate(chain, start=-container):
            chars[element] = chars.get(element, 0) + line.chars
            link_chars[element] = link_chars.get(element, 0) + line.link_chars
            if prose and 0 <= depth < len(_ANCESTOR_WEIGHTS):
                gained = line.words * (1 - line.link_density) * _ANCESTOR_WEIGHTS[depth]
                scores[element] = scores.get(element, 0.0) + gained
    if not scores:
        return set()

    def link_density(element: HtmlElement) -> float:
        total = chars.get(element, 0)
        return link_chars.get(element, 0) / total if total else 0.0

    final = {element: score * (1 - link_density(element)) for element, score in scores.items()}
    best = max(final, key=final.__getitem__)
    region = {best}
    parent = best.getparent()
    if parent is not None:
        minimum = max(_MIN_SIBLING_SCORE, _MIN_SIBLING_SHARE * final[best])
        for sibling in parent:
            if sibling is not best and final.get(sibling, 0.0) >= minimum:
                region.add(sibling)
    return region


class _Ancestry:
    """Each block's chain of ancestors, itself first, computed once per block."""

    def __init__(self) -> None:
        self.chains: dict[HtmlElement, list[HtmlElement]] = {}

    def of(self, element: HtmlElement) -> list[HtmlElement]:
        chain = self.chains.get(element)
        if chain is None:
            chain = self.chains[element] = [element, *element.iterancestors()]
        return chain


def _mark_article(lines: list[TextLine]) -> tuple[int, int]:
    """Mark the article's lines: the kept ones, whatever lies between them, and the region's
    lines that follow them (a byline, a photo credit, the publisher's notice, ticket prices)
    up to a run of link lines, or to a notice after a link line (the site's footer inside
    the same block). Returns the indexes of the first and the last."""
    kept = [index for index, line in enumerate(lines) if line.kept]
    first, last = kept[0], kept[-1]
    after_link = False
    while last + 1 < len(lines) and lines[last + 1].in_region:
        following = lines[last + 1]
        if _starts_link_run(lines, last + 1, 1) or (after_link and following.notice):
            break  # a menu, or the site's footer after an "All news" link
        after_link = after_link or is_all_link(following)
        last += 1
    for line in lines[first : last + 1]:
        line.in_article = True
    return first, last


def _mark_span(lines: list[TextLine]) -> None:
    """Mark the lines from the region's first to its last, and those around them up to a
    notice or a run of link lines: the headline and deck are often siblings of the region,
    and an article may continue in another block after a photo."""
    inside = [index for index, line in enumerate(lines) if line.in_region]
    first, last = inside[0], inside[-1]
    while first > 0 and not _ends_span(lines, first - 1, -1):
        first -= 1
    while last < len(lines) - 1 and not _ends_span(lines, last + 1, 1):
        last += 1
    for line in lines[first : last + 1]:
        line.in_span = True


def _ends_span(lines: list[TextLine], index: int, step: int) -> bool:
    """A notice, a run of two link lines, or the heading of one ("Related news")."""
    if lines[index].notice or _starts_link_run(lines, index, step):
        return True
    ahead = [lines[i] for i in range(index, index + 3 * step, step) if 0 <= i < len(lines)]
    return (
        step > 0
        and len(ahead) == 3
        and not ahead[0].prose
        and _is_link_line(ahead[1])
        and _is_link_line(ahead[2])
    )


def _starts_link_run(lines: list[TextLine], index: int, step: int) -> bool:
    """Two link lines in a row from ``index``: a menu or a list, not a link in the text."""
    following = index + step
    return (
        _is_link_line(lines[index])
        and 0 <= following < len(lines)
        and _is_link_line(lines[following])
    )


def is_all_link(line: TextLine) -> bool:
    """A line that is one link or a row of them ("All news | Home")."""
    return not line.skipped and line.link_density >= _MIN_ALL_LINK_DENSITY


def _is_link_line(line: TextLine) -> bool:
    return not line.skipped and line.link_density >= MAX_KEPT_LINK_DENSITY


def _is_teaser_list(lines: list[TextLine]) -> bool:
    """Headline links each followed by a summary: an index page, however much prose it has.

    An article may hold a "Read also" link or a list of related links, but not a headline
    before most of its paragraphs.
    """
    prose = teasers = 0
    for index, line in enumerate(lines):
        if line.prose:
            prose += 1
            teasers += any(_is_headline_link(lines[i]) for i in (index - 1, index - 2) if i >= 0)
    return teasers >= _MIN_TEASERS and 2 * teasers >= prose


def _is_headline_link(line: TextLine) -> bool:
    return is_all_link(line) and line.words >= _MIN_HEADLINE_WORDS


def _kept_lines(lines: list[TextLine]) -> list[TextLine]:
    """From the first prose line to the last one, without navigation, notices and chrome."""
    candidates = [
        line
        for line in lines
        if not line.skipped and line.link_density < MAX_KEPT_LINK_DENSITY and not line.notice
    ]
    prose = [index for index, line in enumerate(candidates) if line.prose]
    if not prose:
        return []
    first, last = prose[0], prose[-1]
    while first > 0 and leads_in(candidates[first - 1].text):
        first -= 1
    return candidates[first : last + 1]
