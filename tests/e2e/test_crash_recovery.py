"""End to end: `media-monitor update` killed with SIGKILL at random moments, again and again.

The feeds and pages are served by real local servers in this test process; the update runs in a
child process (the CLI) with factory translation packages installed, so collection, translation
and indexing are all interrupted somewhere. After every kill the store must be whole, keep every
article committed before, and hold no article half-stored; a final uninterrupted update must then
bring every article to the end of the pipeline and into the search index.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor.app import open_monitor
from monitor.paths import store_path
from monitor.types import ArticleState, SourceKind
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts
from tests.support.news_site import PARAGRAPHS, feed_xml, marker, page_html

SEED = 20261122
KILLS = 12
PAGE_HOSTS = 8  # one host per server (host and port): the fetcher spaces requests per host
ARTICLES_PER_FEED = 12


@pytest.fixture
def servers() -> Iterator[list[LocalServer]]:
    with ExitStack() as stack:
        yield [stack.enter_context(LocalServer()) for _ in range(PAGE_HOSTS + len(PARAGRAPHS))]


def serve_collection(servers: list[LocalServer]) -> list[str]:
    """Serve one feed per language (each on its own host) with pages spread over the rest."""
    page_servers, feed_servers = servers[:PAGE_HOSTS], servers[PAGE_HOSTS:]
    feed_urls = []
    for index, (language, feed_server) in enumerate(zip(PARAGRAPHS, feed_servers, strict=True)):
        links = []
        for number in range(ARTICLES_PER_FEED):
            host = page_servers[(index * ARTICLES_PER_FEED + number) % PAGE_HOSTS]
            links.append(
                host.add(
                    f"/{language}/{number}.html",
                    Route(page_html(language, number), headers={"Content-Type": "text/html"}),
                )
            )
        feed_urls.append(
            feed_server.add(
                "/rss.xml",
                Route(feed_xml(language, links), headers={"Content-Type": "application/rss+xml"}),
            )
        )
    return feed_urls


def start_update(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), "update"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def check_store(path: Path, known: dict[tuple[int, str], int]) -> dict[tuple[int, str], int]:
    """Assert the store is whole and nothing in it half-done; returns (source, guid) -> state."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = db.execute(
            "SELECT a.id, a.source_id, a.guid, a.state, a.text, a.language,"
            " (SELECT COUNT(*) FROM translations t WHERE t.article_id = a.id),"
            " (SELECT COUNT(*) FROM translation_sentences s WHERE s.article_id = a.id)"
            " FROM articles a"
        ).fetchall()
    finally:
        db.close()
    states: dict[tuple[int, str], int] = {}
    for article_id, source_id, guid, state, text, language, translations, sentences in rows:
        key = (source_id, guid)
        assert key not in states, f"article {guid} stored twice"
        states[key] = state
        if state >= ArticleState.DETECTED:
            assert text.strip() and language, f"article {article_id} half-stored: {state}"
        if state >= ArticleState.TRANSLATED:
            assert translations == 1 and sentences > 0, f"article {article_id} lost its translation"
    # Nothing committed before is lost, and nothing goes back in the pipeline.
    for key, state in known.items():
        assert key in states, f"committed article {key} lost"
        assert states[key] >= state, f"article {key} went back from {state} to {states[key]}"
    return states


def test_update_killed_at_random_moments_loses_nothing_and_finishes_later(
    tmp_path: Path, servers: list[LocalServer]
) -> None:
    data_dir = tmp_path / "data"
    feed_urls = serve_collection(servers)
    with open_monitor(data_dir) as monitor:
        for language, url in zip(PARAGRAPHS, feed_urls, strict=True):
            parts(monitor).store.add_source(
                url, kind=SourceKind.FEED, name=f"Test {language}", language_hint=language
            )
        report = monitor.install_models(
            [build_package(tmp_path / "stick", language, "en") for language in PARAGRAPHS]
        )
        assert len(report.installed) == len(PARAGRAPHS)

    rng = random.Random(SEED)
    known: dict[tuple[int, str], int] = {}
    progress_seen = []
    for attempt in range(KILLS):
        process = start_update(data_dir)
        # Python and the libraries take about two seconds to start. Later runs live longer,
        # so that kills also land in translation and indexing, not only in collection.
        time.sleep(1.8 + attempt * 0.2 + rng.uniform(0.0, 1.2))
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=30)
        assert b"Traceback" not in stderr, stderr.decode()
        known = check_store(store_path(data_dir), known)
        progress_seen.append(sum(known.values()))
        if finished:
            break
    # The kills landed while work was going on, not all before anything was stored.
    assert len(set(progress_seen)) > 2, progress_seen

    final = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), "update"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert final.returncode == 0, final.stderr
    states = check_store(store_path(data_dir), known)
    assert len(states) == len(PARAGRAPHS) * ARTICLES_PER_FEED
    assert set(states.values()) == {int(ArticleState.TRANSLATED)}, states

    with open_monitor(data_dir) as monitor:
        assert parts(monitor).index.document_count() == parts(monitor).store.count_articles()
        for article in monitor.articles():
            assert article.language is not None
            number = int(article.title.rsplit(" ", 1)[1])
            found = monitor.search(SearchRequest(marker(article.language, number)))
            assert [hit.article.id for hit in found.hits] == [article.id], article.title
