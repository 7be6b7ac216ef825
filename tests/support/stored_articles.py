"""Articles stored straight into a real store, as collection stores them (a feed item, then
its text and language), for tests of what comes after collection: names, stories, views."""

from __future__ import annotations

import re
from datetime import datetime

from monitor import Monitor
from monitor.store.store import ArticleDraft
from monitor.types import SourceKind
from tests.support.extraction import page_outcome
from tests.support.inside import parts


class Outlets:
    """Feed sources by outlet name, made when first named."""

    def __init__(self, monitor: Monitor) -> None:
        self._store = parts(monitor).store
        self._ids = {source.name: source.id for source in monitor.sources()}

    def id_of(self, outlet: str) -> int:
        if outlet not in self._ids:
            host = "-".join(re.findall(r"[a-z0-9]+", outlet.casefold())) or "outlet"
            url = f"https://{host}.example.test/feed.xml"
            self._ids[outlet] = self._store.add_source(url, kind=SourceKind.FEED, name=outlet).id
        return self._ids[outlet]


def store_article(
    monitor: Monitor,
    outlets: Outlets,
    outlet: str,
    language: str,
    published: datetime,
    title: str,
    text: str,
) -> int:
    """Store one article of ``outlet`` with its text in ``language``; its id."""
    store = parts(monitor).store
    url = f"https://example.test/{outlets.id_of(outlet)}/{store.count_articles()}"
    draft = ArticleDraft(
        outlets.id_of(outlet), url, url, title, None, published, 0, "", "", language
    )
    article_id = store.insert_article(draft)
    store.save_extraction(page_outcome(store.article(article_id), text, language=language))
    return article_id
