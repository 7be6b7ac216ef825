"""End to end: two `update` processes on one data folder at once, and a read-only data folder.

Two writers (the GUI and a CLI) must leave one whole store with every article once; the second
waits for the first. A folder the user cannot write gives a clear error and is left untouched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
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

NOBODY = 65534


@pytest.fixture
def servers() -> Iterator[list[LocalServer]]:
    with ExitStack() as stack:
        yield [stack.enter_context(LocalServer()) for _ in range(PAGE_HOSTS + len(PARAGRAPHS))]


def cli(data_dir: Path, *args: str, as_user: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONWARNINGS": "error"},
        user=as_user,
        group=as_user,
        extra_groups=[] if as_user is not None else None,
    )


def follow_collection(data_dir: Path, servers: list[LocalServer]) -> None:
    with open_monitor(data_dir) as monitor:
        for language, url in zip(PARAGRAPHS, serve_collection(servers), strict=True):
            monitor.store.add_source(url, kind=SourceKind.FEED, name=f"Test {language}")


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
        assert monitor.index.document_count() == monitor.store.count_articles()


def writes_are_refused(folder: Path) -> bool:
    """Whether permissions bind us (they do not for root)."""
    probe = folder / "probe"
    try:
        probe.write_text("x")
    except OSError:
        return True
    probe.unlink()
    return False


def test_read_only_data_folder_gives_a_clear_error_and_changes_nothing(
    servers: list[LocalServer],
) -> None:
    # Outside pytest's private temporary folder, so an unprivileged child can reach it.
    tmp_path = Path(tempfile.mkdtemp(prefix="mm-read-only-"))
    tmp_path.chmod(0o755)
    follow_collection(tmp_path, servers)
    # Root ignores permissions: the update then runs as "nobody", as a user would meet it.
    child_user = NOBODY if os.geteuid() == 0 else None
    database = store_path(tmp_path)
    before = database.read_bytes()
    folders = [tmp_path, *(p for p in tmp_path.rglob("*") if p.is_dir())]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    for path in files:
        path.chmod(0o444)
    for folder in folders:
        folder.chmod(0o555)
    try:
        if child_user is None and not writes_are_refused(tmp_path):
            pytest.skip("read-only permissions do not stop writes for this user")
        try:
            process = cli(tmp_path, "update", as_user=child_user)
        except PermissionError:
            pytest.skip("running as root, and this Python cannot run as an unprivileged user")
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 1, stderr
        assert "Traceback" not in stderr
        assert stderr.startswith("media-monitor: error:"), stderr
        assert "read" in stderr.lower() or "permission" in stderr.lower(), stderr
    finally:
        for folder in folders:
            folder.chmod(0o755)
        for path in files:
            path.chmod(0o644)
    assert database.read_bytes() == before
    db = sqlite3.connect(database)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
    finally:
        db.close()
        shutil.rmtree(tmp_path)
