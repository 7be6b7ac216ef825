"""trafilatura's XML tree read as paragraphs.

trafilatura's own plain text joins paragraphs and line breaks with the same single newline,
so its XML is read instead: every block element (``p``, ``head``, ``item``, ``quote``, ``div``)
is a paragraph, and so is every line of one broken by ``<lb/>`` (``<br><br>`` pages). Blocks
nested in other blocks are paragraphs of their own, not joined to their container's text.

Table rows are read two ways. A row of data gives one line, cells joined by " | ". A row
of a layout table (old sites lay the whole page out in one, forums put each post in a
cell, notices put their body under the metadata rows), recognised by a cell holding
paragraphs, line breaks or long text, is read cell by cell as ordinary blocks, so that its
paragraphs stay paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.etree import _Element

from monitor.collect.extract.boilerplate import word_count

_BLOCK_TAGS = frozenset(
    {"p", "head", "list", "item", "table", "row", "cell", "quote", "div", "code"}
)
# "Read also: <link>" teasers inside the article body; dropped when mostly link text.
_SEE_ALSO = re.compile(
    r"^\W*(read (also|more)|see also|related|читайте (также|тоже|ещё|еще)|см\. также"
    r"|смотрите также|по теме|читайте (також|більше)|також читайте|дивіться також"
    r"|관련 ?기사|함께 보면|같이 보기|相关(新闻|阅读|链接)|延伸阅读|推荐阅读)\b",
    re.IGNORECASE,
)
_SEE_ALSO_LINK_SHARE = 0.5
_SPACE = re.compile(r"\s+")
_WORDLIKE = re.compile(r"[^\W_]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_LAYOUT_CELL_WORDS = 40  # a table cell this long is a column of the page, not a datum
_MIN_LOOSE_WORDS = 2
_MAX_DEPTH = 200  # deeper nesting is read flat (generated junk, not articles)

# One piece of inline text: its characters and whether they are link text.
_Piece = tuple[str, bool]


def paragraphs_of(body: _Element, *, max_link_share: float | None) -> Iterator[str]:
    """The paragraphs of trafilatura's ``body``, link lists and "read also" teasers left out.

    ``max_link_share``: blocks with at least this share of link text are dropped (None keeps
    them, and the teasers too).
    """
    # Text loose in the body itself, outside any block, is not article text: trafilatura puts
    # everything it keeps in blocks, and bytes that only look like a page end up there.
    for block in body:
        if block.tag in _BLOCK_TAGS:
            yield from _blocks(block, max_link_share, 1)


def link_share(element: _Element) -> float:
    """The share of ``element``'s text (spaces aside) that is link text."""
    return _share(list(_pieces(element, linked=False)))


def _blocks(element: _Element, max_link_share: float | None, depth: int) -> Iterator[str]:
    if element.tag == "table":
        yield from _table(element, max_link_share, depth)
        return
    children = [child for child in element if child.tag in _BLOCK_TAGS]
    if not children or depth >= _MAX_DEPTH:
        yield from _lines(list(_pieces(element, linked=False)), max_link_share)
        return
    if max_link_share is not None and link_share(element) >= max_link_share:
        return  # a block of link lists
    run: list[_Piece] = list(_own_text(element.text))
    for child in element:
        if child.tag in _BLOCK_TAGS:
            yield from _loose_lines(run, max_link_share)
            yield from _blocks(child, max_link_share, depth + 1)
            run = []
        else:
            run.extend(_pieces(child, linked=False))
        run.extend(_own_text(child.tail))
    yield from _loose_lines(run, max_link_share)


def _loose_lines(run: list[_Piece], max_link_share: float | None) -> Iterator[str]:
    """Text between blocks: a cell's first line before its <p>s, a link trafilatura cut out
    of its paragraph (an e-mail address after a byline), or a stray "by" or "|"."""
    for line in _lines(run, max_link_share, whole_links=True):
        if word_count([line]) >= _MIN_LOOSE_WORDS:
            yield line


def _table(table: _Element, max_link_share: float | None, depth: int) -> Iterator[str]:
    for row in table.iter("row"):
        if row.getparent() is not table:
            continue  # a row of a table nested in a cell: read with its own table
        cells = [cell for cell in row if cell.tag == "cell"]
        if any(_is_layout_cell(cell) for cell in cells):
            for cell in cells:
                yield from _blocks(cell, max_link_share, depth + 1)
            continue
        texts = [_inline_text(list(_pieces(cell, linked=False))) for cell in cells]
        line = " | ".join(text.replace("\n", " ") for text in texts if _WORDLIKE.search(text))
        if line and not _mostly_links(list(_pieces(row, linked=False)), max_link_share):
            yield line


def _is_layout_cell(cell: _Element) -> bool:
    if any(child.tag in _BLOCK_TAGS for child in cell.iterdescendants()):
        return True
    if sum(1 for _ in cell.iter("lb")) >= 2:
        return True
    return word_count(["".join(cell.itertext())]) >= _LAYOUT_CELL_WORDS


def _lines(
    run: list[_Piece], max_link_share: float | None, *, whole_links: bool = False
) -> Iterator[str]:
    """A run's lines: ``<lb/>`` often stands for a paragraph break (``<br><br>`` pages).

    Each line is judged on its own: a "Read also" link between two paragraphs of a
    ``<br>`` page is dropped, the paragraphs kept. ``whole_links`` keeps lines that are one
    link (but not "Read also" teasers).
    """
    line: list[_Piece] = []
    for piece in [*run, ("\n", False)]:
        if piece[0] != "\n":
            line.append(piece)
            continue
        text = _inline_text(line).strip()
        # not an empty cell's bar or a lone bullet, not a link list or a teaser
        if (
            _WORDLIKE.search(text)
            and (whole_links or not _mostly_links(line, max_link_share))
            and not _is_see_also(line, max_link_share)
        ):
            yield text
        line = []


def _pieces(element: _Element, *, linked: bool) -> Iterator[_Piece]:
    """The inline text of ``element`` and its tail-less descendants, ``<lb/>`` as a newline."""
    linked = linked or element.tag == "ref"
    if element.tag == "lb":
        yield "\n", False
    elif element.text:
        yield element.text, linked
    for child in element:
        if child.tag in ("list", "table"):
            yield "\n", False
        yield from _pieces(child, linked=linked)
        if child.tail:
            yield child.tail, linked


def _own_text(text: str | None) -> Iterator[_Piece]:
    if text:
        yield text, False


def _inline_text(run: list[_Piece]) -> str:
    """Text of ``run`` with HTML whitespace collapsed; only ``<lb/>`` makes a new line."""
    text = "".join(_SPACE.sub(" ", piece) if piece != "\n" else piece for piece, _ in run)
    text = _INVISIBLE.sub("", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _share(run: list[_Piece]) -> float:
    total = sum(len(_SPACE.sub("", piece)) for piece, _ in run)
    linked = sum(len(_SPACE.sub("", piece)) for piece, is_link in run if is_link)
    return linked / total if total else 0.0


def _mostly_links(run: list[_Piece], max_link_share: float | None) -> bool:
    return max_link_share is not None and _share(run) >= max_link_share


def _is_see_also(run: list[_Piece], max_link_share: float | None) -> bool:
    if max_link_share is None:
        return False
    if not _SEE_ALSO.match("".join(piece for piece, _ in run).strip()):
        return False
    return _share(run) >= _SEE_ALSO_LINK_SHARE
