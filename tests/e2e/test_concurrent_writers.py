"""End to end: two `update` processes on one data folder at once.

Two writers (the GUI and a CLI) must leave one whole store with every article once; the second
waits for the first. (A read-only data folder is tested in ``test_disk_faults``.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from monitor.app import open_monitor
from monitor.paths import store_path
from monitor.types import SourceKind
from tests.e2e.test_crash_recovery import (
    ARTICLES_PER_FEED,
    PAGE_HOSTS,
    PARAGRAPHS,
    check_store,
    serve_collection,
)
from tests.support.http_server import LocalServer
from tests.support.inside import parts


@pytest.fixture
def servers() -> Iterator[list[LocalServer]]:
    with ExitStack() as stack:
        yield [stack.enter_context(LocalServer()) for _ in range(PAGE_HOSTS + len(PARAGRAPHS))]


def cli(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def follow_collection(data_dir: Path, servers: list[LocalServer]) -> None:
    with open_monitor(data_dir) as monitor:
        for language, url in zip(PARAGRAPHS, serve_collection(servers), strict=True):
            parts(monitor).store.add_source(url, kind=SourceKind.FEED, name=f"Test {language}")


def test_two_updates_at_once_store_every_article_once(
    tmp_path: Path, servers: list[LocalServer]
) -> None:
    follow_collection(tmp_path, servers)
    first, second = cli(tmp_path, "update"), cli(tmp_path, "update")
    outcomes = [(p.communicate(timeout=120)[1], p.returncode) for p in (first, second)]
    for stderr, returncode in outcomes:  # both waited for first: none outlives a failure
        assert returncode == 0, stderr
        assert "Traceback" not in stderr
    states = check_store(store_path(tmp_path), {})
    assert len(states) == len(PARAGRAPHS) * ARTICLES_PER_FEED
    with open_monitor(tmp_path) as monitor:
        assert parts(monitor).index.document_count() == parts(monitor).store.count_articles()
