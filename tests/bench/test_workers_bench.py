"""The workers benchmark on a tiny update with tiny real Argos packages and a real PostgreSQL:
the work is checked before any figure is reported, and a wrong run reports none."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.common.results import BenchmarkFailed
from bench.headlines.benchmark import store_articles
from bench.translation.workload import LANGUAGES
from bench.workers.benchmark import _check, _in_process, _measure, report
from monitor import open_monitor
from tests.support.argos_factory import build_package
from tests.support.postgres import PostgresServer


def _update(tmp_path: Path, server: PostgresServer, name: str) -> tuple[str, list[int]]:
    store = server.fresh_database()
    with open_monitor(tmp_path / name, store=store) as editor:
        return store, store_articles(editor, 8, use_eval=False, sentences_each=4)


def test_a_tiny_run_is_timed_checked_and_reported(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    worker = tmp_path / "worker"
    with open_monitor(worker) as machine:
        machine.install_models(
            [build_package(tmp_path / "stick", language, "en") for language in LANGUAGES]
        )
    store, ids = _update(tmp_path, postgres_server, "editor-1")
    by_workers = _measure(worker, store, 2, len(ids))
    with open_monitor(tmp_path / "editor-1", store=store) as editor:
        _check(editor, ids)
    store, ids = _update(tmp_path, postgres_server, "editor-0")
    alone = _in_process(worker, store, len(ids))
    with open_monitor(tmp_path / "editor-0", store=store) as editor:
        _check(editor, ids)
    assert by_workers.articles == alone.articles == 8
    assert by_workers.per_minute > 0 and 0 < by_workers.steady_s <= by_workers.wall_s
    text = report([alone, replace(by_workers, processes=1), by_workers], rounds=1)
    assert "| 2 worker processes |" in text and "× one worker" in text


def test_articles_left_untranslated_fail_the_check(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    store, ids = _update(tmp_path, postgres_server, "editor")
    with (
        open_monitor(tmp_path / "editor", store=store) as editor,
        pytest.raises(BenchmarkFailed, match="was not translated"),
    ):
        _check(editor, ids)
