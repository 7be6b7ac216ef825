"""The UI benchmark's news site: feeds and article pages on 127.0.0.1.

The corpus's articles in Korean, Russian, Chinese and Ukrainian, served by the outlets of
:mod:`bench.common.news_site` as plain UTF-8 article pages (no page furniture: the update is
about the app's responsiveness, not the extraction's workload), one RSS feed per outlet.
Every answer is rendered once, up front, so that the server costs little CPU while the app
under test collects from it: the server runs in the benchmark's own process, the app in a
child process, as with a real remote site.
"""

from __future__ import annotations

from typing import Self

from bench.common.corpus import Corpus
from bench.common.news_site import (
    LANGUAGE_OF,
    STYLES,
    Look,
    article_path,
    newest_first,
    render_feed,
    render_page,
)
from indexes.types import IndexDocument
from tests.support.http_server import LocalServer

LANGUAGES = ("ko", "ru", "zh", "uk")
LOOK = Look(legacy=False, furniture=False)


def news_articles(corpus: Corpus, count: int) -> list[IndexDocument]:
    """The first ``count`` corpus articles in :data:`LANGUAGES` (the corpus also has English)."""
    chosen: list[IndexDocument] = []
    article_id = 0
    while len(chosen) < count:
        article = corpus.article(article_id)
        if article.language in LANGUAGES:
            chosen.append(article)
        article_id += 1
    return chosen


class NewsSite:
    """Serves the feeds and pages of ``articles`` on 127.0.0.1 in a daemon thread.

    ``feeds`` maps each feed's URL to its outlet and language once the site is started. The
    feeds list the first ``published`` articles (all of them unless :meth:`publish` says
    otherwise), so a collection can be brought up to yesterday before today's news appear.
    """

    def __init__(self, articles: list[IndexDocument]) -> None:
        self.articles = articles
        self.published = len(articles)
        self.feeds: dict[str, tuple[str, str]] = {}
        self._server = LocalServer()

    @property
    def base(self) -> str:
        return self._server.base_url

    @property
    def requests(self) -> int:
        """How many requests the site has answered."""
        return len(self._server.requests)

    def publish(self, count: int) -> None:
        """List the first ``count`` articles in the feeds (every outlet keeps its feed)."""
        self.published = count
        outlets = sorted({article.outlet for article in self.articles})
        listed: dict[str, list[IndexDocument]] = {outlet: [] for outlet in outlets}
        for article in self.articles[:count]:
            listed[article.outlet].append(article)
        for outlet, items in listed.items():
            feed = render_feed(outlet, 0, newest_first(items), LOOK)
            url = self._server.add(f"/{STYLES[outlet].slug}/feeds/0.xml", feed.route())
            self.feeds[url] = (outlet, LANGUAGE_OF[outlet])

    def __enter__(self) -> Self:
        for article in self.articles:
            self._server.add(article_path(article), render_page(article, LOOK).route())
        self._server.__enter__()
        self.publish(self.published)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)
