"""A local news site for the UI benchmark: RSS feeds and article pages on 127.0.0.1.

The articles are the benchmark corpus's (:mod:`bench.corpus`) in Korean, Russian, Chinese and
Ukrainian, one feed per outlet, each page a plain news page (header, ``<article>`` with a
headline and paragraphs, footer) for the app to extract. Every answer is rendered once, up
front, so that the server costs little CPU while the app under test collects from it: the
server runs in the benchmark's own process, the app in a child process, as with a real remote
site.

:func:`prepare_data_folder` makes a data folder that follows these feeds and has a tiny
genuine Argos model per language installed (from :mod:`tests.support.argos_factory`), so an
update collects, translates and indexes everything the site holds.
"""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterable
from email.utils import format_datetime
from html import escape
from pathlib import Path
from types import TracebackType
from typing import Self

from bench.corpus import Corpus
from indexes.types import IndexDocument
from monitor.app import open_monitor
from monitor.fetch import FetchSettings
from monitor.types import SourceKind

LANGUAGES = ("ko", "ru", "zh", "uk")
TOKENIZER_LINES = 400  # paragraphs of tokenizer training text per language
TOKENIZER_ARTICLES_FROM = 5_000_000
MODEL_VOCABULARY = 4000  # Chinese text alone has over a thousand distinct characters
# The site is on this machine: no politeness spacing, as many requests as the app's workers.
LOOPBACK_FETCH = FetchSettings(min_host_interval=0.0, per_host_concurrency=4)


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


def page_html(article: IndexDocument) -> bytes:
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.text.split("\n\n"))
    title = escape(article.title)
    published = article.published.isoformat() if article.published else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{article.language}"><head><meta charset="utf-8">'
        f"<title>{title} | {escape(article.outlet)}</title>"
        f'<meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><header><nav><a href='/'>{escape(article.outlet)}</a> · <a href='/news'>News</a>"
        f"</nav></header><main><article><h1>{title}</h1>"
        f"<time datetime='{published}'>{published[:10]}</time>\n{paragraphs}\n</article></main>"
        f"<footer>© 2026 {escape(article.outlet)}</footer></body></html>"
    ).encode()


def feed_xml(outlet: str, language: str, items: Iterable[tuple[IndexDocument, str]]) -> bytes:
    entries = []
    for article, link in items:
        summary = article.text.split("\n\n", 1)[0][:300]
        when = format_datetime(article.published) if article.published else ""
        entries.append(
            f"<item><title>{escape(article.title)}</title><link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid><pubDate>{when}</pubDate>'
            f"<description>{escape(summary)}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(outlet)}</title><link>http://127.0.0.1/</link>"
        f"<language>{language}</language>{''.join(entries)}</channel></rss>"
    ).encode()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that goes away mid-request (the app closing, a cancelled update) is normal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


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
        self.requests = 0
        self._answers: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with site._lock:
                    site.requests += 1
                body, content_type = site._answers.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in site._answers else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # a thousand lines of access log help no one

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="bench-news-site", daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _render(self) -> None:
        for article in self.articles:
            self._answers[self._page_path(article)] = (
                page_html(article),
                "text/html; charset=utf-8",
            )
        self.publish(self.published)

    def _page_path(self, article: IndexDocument) -> str:
        return f"/{article.language}/{article.article_id}.html"

    def publish(self, count: int) -> None:
        """List the first ``count`` articles in the feeds (every outlet keeps its feed)."""
        self.published = count
        by_outlet: dict[tuple[str, str], list[tuple[IndexDocument, str]]] = {
            (article.outlet, article.language or ""): [] for article in self.articles
        }
        for article in self.articles[:count]:
            key = (article.outlet, article.language or "")
            by_outlet[key].append((article, self.base + self._page_path(article)))
        for number, ((outlet, language), items) in enumerate(sorted(by_outlet.items())):
            path = f"/feeds/{number}.xml"
            feed = feed_xml(outlet, language, reversed(items))  # newest first, as feeds are
            with self._lock:
                self._answers[path] = (feed, "application/rss+xml")
            self.feeds[self.base + path] = (outlet, language)

    def __enter__(self) -> Self:
        self._render()
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def tokenizer_text(corpus: Corpus, language: str, lines: int = TOKENIZER_LINES) -> tuple[str, ...]:
    """Corpus sentences in ``language`` from articles far beyond any the site serves.

    Trained on the factory's own lines alone, the tokenizer would split most corpus words into
    bytes (three pieces a Hangul or Han character), and sentences would cost the model several
    times the steps a real package's tokenizer gives them.
    """
    found: list[str] = []
    article_id = TOKENIZER_ARTICLES_FROM
    while len(found) < lines:
        article = corpus.article(article_id)
        if article.language == language:
            found.extend(article.text.replace("\n\n", "\n").splitlines())
        article_id += 1
    return tuple(found[:lines])


def build_models(folder: Path, corpus: Corpus, *, realistic: bool = True) -> list[Path]:
    """One tiny genuine Argos package per language into English (see argos_factory).

    ``realistic`` trains the tokenizer on corpus text too (see :func:`tokenizer_text`); without
    it the packages build in well under a second each, for smoke tests.
    """
    from tests.support.argos_factory import build_package  # trains SentencePiece: import late

    if not realistic:
        return [build_package(folder, language, "en") for language in LANGUAGES]
    return [
        build_package(
            folder,
            language,
            "en",
            vocab_size=MODEL_VOCABULARY,
            tokenizer_text=tokenizer_text(corpus, language),
        )
        for language in LANGUAGES
    ]


def prepare_data_folder(
    data_dir: Path, site: NewsSite, models: list[Path], *, existing: int = 0
) -> None:
    """A collection that follows every feed of ``site`` and has ``models`` installed.

    The first ``existing`` articles are collected, translated and indexed now (by the app's
    own update), so the window has articles to show; the rest are published for the next.
    """
    with open_monitor(data_dir, fetch_settings=LOOPBACK_FETCH) as monitor:
        for url, (outlet, language) in site.feeds.items():
            monitor.store.add_source(url, kind=SourceKind.FEED, name=outlet, language_hint=language)
        report = monitor.install_models(models)
        if len(report.installed) != len(models):
            raise RuntimeError(f"model install failed: {report}")
        if existing:
            everything = site.published
            site.publish(existing)
            summary = monitor.update()
            site.publish(everything)
            if summary.new != existing:
                raise RuntimeError(f"preparing the collection stored {summary.new} articles")
