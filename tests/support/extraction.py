"""What fetching an article's page gave, built by hand for tests of the store.

:meth:`Store.save_extraction` takes the :class:`~monitor.collect.pages.PageOutcome` that
:func:`monitor.collect.pages.fetch_page` returns; tests that store a text without fetching a page
build one here.
"""

from __future__ import annotations

from monitor.collect.pages import PageOutcome
from monitor.types import Article, ExtractedPage, FetchedDocument


def page_outcome(
    article: Article,
    page_text: str | None,
    *,
    language: str | None = "ru",
    error: str | None = None,
    document: FetchedDocument | None = None,
    encoding: str | None = None,
) -> PageOutcome:
    """The page's text (no page: ``None``, the article keeps its feed's text) in ``language``.

    ``document``: the page as downloaded (its bytes in ``encoding``), kept as evidence with
    the text taken from it.
    """
    page = None
    if page_text is not None:
        page = ExtractedPage(page_text, None, None, None, None, None, None)
    return PageOutcome(article, document, encoding, page, language, error, None)
