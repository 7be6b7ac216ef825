"""The ingest benchmark's site on 127.0.0.1, in a process of its own.

The outlets of :mod:`bench.common.news_site` in their legacy encodings, with the full news-page
furniture around each article, publish the corpus's first articles in section feeds of
:data:`ITEMS_PER_FEED` items. Everything is rendered and gzip-compressed in memory before the
server starts, so serving is a dictionary look-up and a socket write. It runs as a child
process so that its CPU does not compete with the benchmarked process for the GIL::

    python -m bench.ingest.site --sizes 1000,10000 [--no-eval]

It prints one JSON line (``{"base_url": ..., "page_bytes": ...}``) when it is ready and stops
when its standard input closes. Besides the site it serves ``/__manifest/N`` (the feed paths
of the first N articles, and each article's language and text length) and ``/__stats`` (its
own CPU time and the requests it answered).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.common.corpus import OUTLETS, Corpus
from bench.common.news_site import (
    STYLES,
    Answer,
    Gzipped,
    Look,
    article_path,
    newest_first,
    render_feed,
    render_page,
)
from indexes.types import IndexDocument
from tests.support.http_server import LocalServer, Request, Route

ITEMS_PER_FEED = 50
RELATED_LINKS = 8
MOST_READ_LINKS = 10
LOOK = Look(legacy=True, furniture=True)


@dataclass
class Site:
    """The rendered site: path -> route, and a manifest for each size."""

    routes: dict[str, Gzipped] = field(default_factory=dict)
    manifests: dict[int, bytes] = field(default_factory=dict)
    page_bytes: int = 0  # uncompressed bytes of all article pages
    pages: int = 0


def build_site(sizes: Sequence[int], *, seed: int = 20261120, use_eval: bool = True) -> Site:
    """Render the first ``max(sizes)`` corpus articles, and feeds for each size."""
    corpus = Corpus(seed, use_eval=use_eval)
    documents = list(corpus.articles(0, max(sizes)))
    rng = random.Random(f"{seed}:site")
    by_language: dict[str, list[IndexDocument]] = {}
    for document in documents:
        by_language.setdefault(document.language or "en", []).append(document)
    site = Site()
    for document in documents:
        peers = by_language[document.language or "en"]
        related = rng.sample(peers, min(RELATED_LINKS, len(peers)))
        most_read = rng.sample(peers, min(MOST_READ_LINKS, len(peers)))
        page = render_page(document, LOOK, related, most_read)
        site.page_bytes += len(page.body)
        site.pages += 1
        site.routes[article_path(document)] = Gzipped(page)
    for size in sizes:
        feeds: list[str] = []
        by_outlet: dict[str, list[IndexDocument]] = {}
        for document in documents[:size]:
            by_outlet.setdefault(document.outlet, []).append(document)
        for outlet in (name for names in OUTLETS.values() for name in names):
            slug = STYLES[outlet].slug
            listed = newest_first(by_outlet.get(outlet, []))
            for number, start in enumerate(range(0, len(listed), ITEMS_PER_FEED)):
                feed = render_feed(outlet, number, listed[start : start + ITEMS_PER_FEED], LOOK)
                headers = {
                    **feed.headers,
                    "ETag": f'"{slug}-{size}-{number}"',
                    "Last-Modified": "Tue, 01 Dec 2026 08:00:00 GMT",
                }
                path = f"/{slug}/feeds/n{size}/{number}.xml"
                site.routes[path] = Gzipped(Answer(feed.body, headers))
                feeds.append(path)
        articles = {article_path(d): [d.language, len(d.text), d.outlet] for d in documents[:size]}
        site.manifests[size] = json.dumps(
            {"feeds": feeds, "articles": articles, "page_bytes": site.page_bytes / site.pages},
            ensure_ascii=False,
        ).encode()
    return site


def serve(site: Site, server: LocalServer) -> None:
    """Give ``server`` the site's routes, its manifests and its ``/__stats``."""
    for path, route in site.routes.items():
        server.add(path, route)
    for size, manifest in site.manifests.items():
        server.add(f"/__manifest/{size}", Route(manifest))

    def stats(_request: Request) -> Route:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        answered = {"cpu": usage.ru_utime + usage.ru_stime, "requests": len(server.requests)}
        return Route(json.dumps(answered).encode())

    server.add("/__stats", stats)


def main() -> None:
    parser = argparse.ArgumentParser(description="serve the ingest benchmark's synthetic site")
    parser.add_argument("--sizes", required=True, help="article counts, comma-separated")
    parser.add_argument("--no-eval", action="store_true")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    site = build_site(sizes, use_eval=not arguments.no_eval)
    with LocalServer() as server:
        serve(site, server)
        ready = {"base_url": server.base_url, "page_bytes": site.page_bytes / site.pages}
        print(json.dumps(ready), flush=True)
        sys.stdin.read()  # until the parent closes the pipe


if __name__ == "__main__":
    main()
