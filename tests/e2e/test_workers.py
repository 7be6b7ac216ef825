"""End to end: a team's pipeline on a real PostgreSQL store, two workers of each stage, and one
worker of each stage killed with SIGKILL in the middle of a job.

The feeds and pages are served by real local servers in this test process; the workers are
the CLI (``media-monitor worker``) in child processes, with factory translation packages. Every
article must be collected and translated exactly once: stored once, its page asked for once
(a page in flight when its worker died may be asked for again), its translation made once;
the dead worker's job is given back and done by the other worker. A desktop on the same store
then finds every article in its own index.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest

from indexes.types import SearchRequest
from monitor.app import open_monitor
from monitor.cli import main
from monitor.types import ArticleState, SourceKind
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts
from tests.support.news_site import PARAGRAPHS, feed_xml, marker, page_html
from tests.support.postgres import PostgresServer

PAGE_HOSTS = 8
ARTICLES_PER_FEED = 12
ALL_ARTICLES = ARTICLES_PER_FEED * len(PARAGRAPHS)
PAGE_DELAY = 0.3  # seconds a page takes: a source's job lasts long enough to be killed in
# Fifty distinct sentences a page: a translation job of eight articles takes a second or two
# with the tests' small models, time enough to be killed in the middle of.
PAGE_LENGTH = 10
TIMING = ["--plan-every", "1", "--heartbeat", "1", "--stalled-after", "4"]
DEADLINE = 120.0


class Worker:
    """A ``media-monitor worker`` child process and the lines it printed."""

    def __init__(self, data_dir: Path, store: str, stage: str) -> None:
        self.stage = stage
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir)),
                *("--store", store, "worker", "--stage", stage, *TIMING),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def said(self, pattern: str) -> list[re.Match[str]]:
        return [m for line in list(self.lines) if (m := re.fullmatch(pattern, line))]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._reader.join(timeout=10)

    def stop(self) -> str:
        """Ask it to stop as a service manager would; its standard error."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, stderr = self.process.communicate(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self._reader.join(timeout=10)
        return stderr


def wait_for(
    what: str, condition: Callable[[], object], workers: list[Worker], every: float = 0.1
) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        for worker in workers:
            if worker.process.poll() is not None and worker.process.returncode != -9:
                raise AssertionError(f"a {worker.stage} worker ended: {worker.stop()}")
        if time.monotonic() > deadline:
            said = "\n".join(line for worker in workers for line in worker.lines[-10:])
            raise AssertionError(f"gave up waiting for {what}; the workers said:\n{said}")
        time.sleep(every)


@pytest.fixture
def servers() -> Iterator[list[LocalServer]]:
    with ExitStack() as stack:
        yield [stack.enter_context(LocalServer()) for _ in range(PAGE_HOSTS + len(PARAGRAPHS))]


def serve_site(servers: list[LocalServer]) -> dict[str, tuple[str, list[tuple[LocalServer, str]]]]:
    """language -> (feed URL, [(server, page path)]): slow pages over several hosts."""
    page_servers, feed_servers = servers[:PAGE_HOSTS], servers[PAGE_HOSTS:]
    site = {}
    for index, (language, feed_server) in enumerate(zip(PARAGRAPHS, feed_servers, strict=True)):
        pages, links = [], []
        for number in range(ARTICLES_PER_FEED):
            server = page_servers[(index * ARTICLES_PER_FEED + number) % PAGE_HOSTS]
            path = f"/{language}/{number}.html"
            html = page_html(language, number, PAGE_LENGTH)
            page = Route(html, headers={"Content-Type": "text/html"})
            page.delay = PAGE_DELAY
            links.append(server.add(path, page))
            pages.append((server, path))
        feed = Route(feed_xml(language, links), headers={"Content-Type": "application/rss+xml"})
        site[language] = (feed_server.add("/rss.xml", feed), pages)
    return site


def test_two_workers_a_stage_and_a_killed_one_do_every_job_once(
    tmp_path: Path, servers: list[LocalServer], postgres_server: PostgresServer
) -> None:
    store = postgres_server.fresh_database()
    site = serve_site(servers)
    with open_monitor(tmp_path / "editor", store=store) as editor:
        source_language = {
            parts(editor)
            .store.add_source(
                url, kind=SourceKind.FEED, name=f"Test {language}", language_hint=language
            )
            .id: language
            for language, (url, _) in site.items()
        }
    with open_monitor(tmp_path / "translator", store=store) as translator:
        packages = [build_package(tmp_path / "stick", code, "en") for code in PARAGRAPHS]
        assert len(translator.install_models(packages).installed) == len(PARAGRAPHS)
    observer = open_monitor(tmp_path / "desktop", store=store)
    workers: list[Worker] = []
    try:
        # Collection: two workers; one killed while its source's pages come in.
        collectors = [Worker(tmp_path / "collector", store, "collect") for _ in range(2)]
        workers += collectors

        def killable() -> tuple[Worker, int] | None:
            for worker in collectors:
                for started in worker.said(r"collecting source (\d+)"):
                    source_id = int(started[1])
                    _, pages = site[source_language[source_id]]
                    asked = sum(len(server.requests_to(path)) for server, path in pages)
                    if asked >= 3 and not worker.said(rf"collected source {source_id}: .*"):
                        return worker, source_id
            return None

        wait_for("a collection job under way", killable, workers)
        found = killable()
        assert found is not None
        victim, killed_source = found
        victim.kill()
        assert not victim.said(rf"collected source {killed_source}: .*")

        def articles_in(state: ArticleState) -> int:
            return sum(1 for a in observer.articles() if a.state >= state)

        wait_for(
            "every article collected",
            lambda: articles_in(ArticleState.DETECTED) == ALL_ARTICLES,
            workers,
        )
        survivor = next(worker for worker in collectors if worker is not victim)
        assert survivor.said(r"gave back job \d+ \(media_monitor.collect_source\) .*")
        assert survivor.said(rf"collected source {killed_source}: 0 new, ok")

        # Translation: two workers, started once every article waits; one is killed as it
        # takes its first job (loading its model, or translating: mid-job either way).
        translators = [Worker(tmp_path / "translator", store, "translate") for _ in range(2)]
        workers += translators

        def taking() -> Worker | None:
            return next((w for w in translators if w.said(r"translating \d+ articles")), None)

        wait_for("a translation job taken", taking, workers, every=0.01)
        killed_translator = taking()
        assert killed_translator is not None
        killed_translator.kill()
        wait_for(
            "every article translated",
            lambda: articles_in(ArticleState.TRANSLATED) == ALL_ARTICLES,
            workers,
        )
        other = next(worker for worker in translators if worker is not killed_translator)
        assert other.said(r"gave back job \d+ \(media_monitor.translate_articles\) .*")

        # Exactly once: each translation made by one worker, once.
        made = Counter(
            int(m[1]) for worker in translators for m in worker.said(r"translated article (\d+)")
        )
        assert max(made.values()) == 1, made.most_common(3)
        # An article stored by the killed worker just before it died may have gone unsaid.
        assert len(made) >= ALL_ARTICLES - 1
        # Headlines first, as in the app: every article's title and lead before any whole
        # article (the kill came in a whole article's job), each once.
        headlines = [
            int(m[1]) for worker in translators for m in worker.said(r"headline of article (\d+)")
        ]
        assert sorted(headlines) == sorted(a.id for a in observer.articles())
        for worker in translators:
            lines = worker.lines
            first_whole = next(
                (
                    n
                    for n, line in enumerate(lines)
                    if re.fullmatch(r"translating \d+ articles", line)
                ),
                len(lines),
            )
            assert not any(
                line.startswith("translating the headlines") for line in lines[first_whole:]
            )
    finally:
        errors = {w.stage + str(n): w.stop() for n, w in enumerate(workers)}
    for name, stderr in errors.items():
        assert "Traceback" not in stderr, f"{name}: {stderr}"

    # Exactly once: each article stored once, each page asked for once but the killed job's.
    with psycopg.connect(store) as connection:
        twice = connection.execute(
            "SELECT article_id FROM changes WHERE kind = 'new'"
            " GROUP BY article_id HAVING COUNT(*) > 1"
        ).fetchall()
        guids = connection.execute("SELECT COUNT(DISTINCT guid), COUNT(*) FROM articles").fetchone()
    assert twice == []
    assert guids == (ALL_ARTICLES, ALL_ARTICLES)
    for language, (_, pages) in site.items():
        for server, path in pages:
            asked = len(server.requests_to(path))
            if language == source_language[killed_source]:
                assert 1 <= asked <= 2, (path, asked)
            else:
                assert asked == 1, (path, asked)

    # A desktop on the shared store: its own index catches up from the shared change log.
    with observer:
        list(observer.sync_index())
        for article in observer.articles():
            assert article.language is not None
            number = int(article.title.rsplit(" ", 1)[1])
            hits = observer.search(SearchRequest(marker(article.language, number))).hits
            assert [hit.article.id for hit in hits] == [article.id], article.title


def test_a_worker_takes_only_the_languages_it_has_models_for(
    tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.support.stored_articles import Outlets, store_article

    store = postgres_server.fresh_database()
    start = datetime(2026, 12, 1, tzinfo=UTC)
    with open_monitor(tmp_path / "editor", store=store) as editor:
        outlets = Outlets(editor)
        texts = {"ru": PARAGRAPHS["ru"][0], "ko": PARAGRAPHS["ko"][0]}
        ids = {
            language: [
                store_article(
                    editor, outlets, language, language, start + timedelta(hours=n), text, text
                )
                for n in range(2)
            ]
            for language, text in texts.items()
        }
    for language in texts:
        with open_monitor(tmp_path / f"only-{language}", store=store) as machine:
            machine.install_models([build_package(tmp_path / "stick", language, "en")])

    observer = open_monitor(tmp_path / "desktop", store=store)
    workers = [Worker(tmp_path / "only-ru", store, "translate")]
    try:

        def state(article_id: int) -> ArticleState:
            return observer.article(article_id).state

        wait_for(
            "the Russian articles",
            lambda: all(state(i) == ArticleState.TRANSLATED for i in ids["ru"]),
            workers,
        )
        time.sleep(3)  # three more planning ticks: the Korean ones stay for another machine
        assert workers[0].said(r".* started: translation into en from ru")
        for article_id in ids["ko"]:
            assert state(article_id) == ArticleState.DETECTED
            assert observer.article(article_id).translation_note is None
        # What an operator sees: the Korean jobs waiting in their queue for a machine.
        assert main(["--data-dir", str(tmp_path / "desktop"), "--store", store, "queue"]) == 0
        said = capsys.readouterr().out.splitlines()
        assert said[0] == "Workers running: translate"
        assert re.fullmatch(r"translate-ko\s+[1-9]\d*\s+0\s+0", said[2]), said
        assert said[-1] == "Articles waiting for translation: ko 2"

        workers.append(Worker(tmp_path / "only-ko", store, "translate"))
        wait_for(
            "the Korean articles",
            lambda: all(state(i) == ArticleState.TRANSLATED for i in ids["ko"]),
            workers,
        )
        assert {int(m[1]) for m in workers[1].said(r"translated article (\d+)")} == set(ids["ko"])
    finally:
        errors = [worker.stop() for worker in workers]
        observer.close()
    assert all("Traceback" not in stderr for stderr in errors), errors


def test_a_worker_that_loses_the_store_says_so_in_one_line_and_stops(tmp_path: Path) -> None:
    server = PostgresServer()  # its own: this test stops it
    try:
        worker = Worker(tmp_path / "worker", server.fresh_database(), "collect")
        wait_for("the worker", lambda: worker.said(r"worker .* started: collect jobs"), [worker])
    finally:
        server.stop()
    assert worker.process.wait(timeout=60) == 1
    stderr = worker.stop()
    assert stderr.strip().count("\n") == 0, stderr
    assert "the worker lost the shared store and stopped" in stderr
