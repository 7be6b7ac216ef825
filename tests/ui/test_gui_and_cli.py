"""The app and a CLI `update` writing to one data folder at the same time.

The app's update runs on its writer thread exactly as the Update action starts it; a CLI
process updates the same collection meanwhile. Both finish without an error, and the store
holds every article once, whole, with the index in step with it.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from monitor.app import open_monitor
from monitor.paths import store_path
from tests.e2e.test_concurrent_writers import cli, follow_collection, servers
from tests.e2e.test_crash_recovery import ARTICLES_PER_FEED, PARAGRAPHS, check_store
from tests.support.http_server import LocalServer
from tests.support.inside import parts
from ui import jobs
from ui.tasks import Changes, TaskManager

__all__ = ["servers"]  # the fixture, imported for pytest


def test_app_and_cli_update_one_collection_at_once(
    tmp_path: Path, servers: list[LocalServer], qtbot: QtBot
) -> None:
    follow_collection(tmp_path, servers)
    tasks = TaskManager(tmp_path)
    finished: list[str] = []
    failed: list[BaseException] = []
    try:
        process = cli(tmp_path, "update")
        tasks.run_long(
            "Updating",
            jobs.update,
            changes=Changes.SOURCES | Changes.ARTICLES,
            success=finished.append,
            failure=failed.append,
        )
        qtbot.waitUntil(lambda: bool(finished or failed), timeout=120_000)
        _, stderr = process.communicate(timeout=120)
    finally:
        tasks.shutdown()

    assert failed == []
    assert finished[0].endswith("new articles")
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    states = check_store(store_path(tmp_path), {})
    assert len(states) == len(PARAGRAPHS) * ARTICLES_PER_FEED
    with open_monitor(tmp_path) as monitor:
        assert parts(monitor).index.document_count() == parts(monitor).store.count_articles()
