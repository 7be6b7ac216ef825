"""A desktop's update on a shared store leaves to the team's workers the stages they run, and
takes them back when the workers are gone (:mod:`monitor.workers.presence`), against a real
PostgreSQL server."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor import open_monitor
from monitor.cli import main
from monitor.types import ArticleState, ProgressKind
from monitor.workers.presence import stages_with_workers, working
from tests.support.argos_factory import build_package
from tests.support.postgres import PostgresServer


def test_an_update_leaves_translation_to_running_workers_then_does_it_when_they_are_gone(
    tmp_path: Path, postgres_server: PostgresServer
):
    store = postgres_server.fresh_database()
    with open_monitor(tmp_path / "desk", store=store) as desk:
        sources = [source.id for source in desk.add_demo_sources()]
        desk.install_models([build_package(tmp_path / "stick", "ru", "en")])
        with working(store, "translate"):
            assert stages_with_workers(store) == {"translate"}
            progress = list(desk.update_iter(sources))
        kinds = [p.kind for p in progress]
        assert ProgressKind.TRANSLATED not in kinds
        assert [p.message for p in progress if p.kind is ProgressKind.LEFT_TO_WORKERS] == [
            "translate"
        ]
        russian = desk.articles(language="ru")
        assert russian and {a.state for a in russian} == {ArticleState.DETECTED}
        with working(store, "translate"):  # the window's "translate what waits" alike
            asked = list(desk.translate_iter())
        assert [p.kind for p in asked] == [ProgressKind.LEFT_TO_WORKERS]
        assert {a.state for a in desk.articles(language="ru")} == {ArticleState.DETECTED}
        # The desktop's own index was brought up to date all the same: originals are found.
        word = russian[0].title.split()[0]
        assert desk.search(SearchRequest(word)).total >= 1

        assert stages_with_workers(store) == frozenset()
        progress = list(desk.update_iter(sources))
        assert ProgressKind.LEFT_TO_WORKERS not in {p.kind for p in progress}
        assert {a.state for a in desk.articles(language="ru")} == {ArticleState.TRANSLATED}


def test_an_update_leaves_collection_to_running_workers(
    tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
):
    store = postgres_server.fresh_database()
    with open_monitor(tmp_path / "desk", store=store) as desk:
        desk.add_demo_sources()
    with working(store, "collect"), working(store, "translate"):
        status = main(["--data-dir", str(tmp_path / "desk"), "--store", store, "update"])
    assert status == 0
    said = capsys.readouterr().out
    assert "Collection is done by the team's workers" in said
    assert "Translation is done by the team's workers" in said
    assert "wait for a" not in said  # the workers may well have the models this desk lacks
    with open_monitor(tmp_path / "desk", store=store) as desk:
        assert desk.articles() == []


def test_a_killed_worker_is_no_longer_counted(tmp_path: Path, postgres_server: PostgresServer):
    store = postgres_server.fresh_database()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from monitor.workers.presence import working\n"
            "with working(sys.argv[1], 'collect'):\n"
            "    print('held', flush=True); time.sleep(600)",
            store,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert stages_with_workers(store) == {"collect"}
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        holder.stdout.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    while stages_with_workers(store) and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the closed connection at once, or nearly
    assert stages_with_workers(store) == frozenset()
