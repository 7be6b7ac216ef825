"""End to end: `media-monitor update` on a full disk and on a read-only data folder.

Both run the real CLI in a child process against a collection built by a first update. A full
disk is a per-file size limit (``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored, so writes past it
fail as they would on a full disk). A read-only folder is one whose permissions refuse writes;
root ignores permissions, so as root the child drops the capabilities that let it (or, where it
cannot, runs as ``nobody``). Each time: one clear line and exit status 1, never a traceback;
the store whole, every article committed before still there; and once the disk has room or
the folder is writable again, the next update finishes the work.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor.app import open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.paths import index_dir, store_path
from monitor.types import ArticleState, SourceKind
from tests.e2e.test_crash_recovery import check_store, feed_xml, page_html
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX resource limits and modes"),
]

ROOT = Path(__file__).resolve().parents[2]
FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)
KB = 1024
NOBODY = 65534
CANNOT_DROP = 77  # the child's exit status when it could not give up its privileges

# Runs the CLI exactly as `python -m monitor.cli` does, under a file size limit. Ignoring
# SIGXFSZ matters: by default the kernel kills a process that writes past the limit; ignored,
# the write fails with EFBIG, which SQLite and Python see as they would a full disk.
LIMITED = """
import resource, runpy, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["media-monitor", *sys.argv[2:]]
runpy.run_module("monitor.cli", run_name="__main__", alter_sys=True)
"""

# Root without CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER obeys file modes like
# anyone else. They are dropped from the bounding set, so the CLI started by exec never has them.
UNPRIVILEGED = """
import ctypes, os, sys
prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux only
PR_CAPBSET_DROP = 24
for capability in (1, 2, 3):
    if prctl is None or prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
        sys.exit(77)
os.execv(sys.executable, [sys.executable, "-m", "monitor.cli", *sys.argv[1:]])
"""


class Newsroom:
    """One Russian outlet: its feed on one local server, its article pages on another.

    Two hosts, because the CLI spaces requests to one host by a second: the feed and the first
    page then need no wait.
    """

    def __init__(self, feed_server: LocalServer, page_server: LocalServer) -> None:
        self.feed_server = feed_server
        self.page_server = page_server
        self.count = 0
        self.feed_url = feed_server.url("/ru/feed.xml")

    def publish(self, count: int) -> None:
        for number in range(self.count, self.count + count):
            self.page_server.add(
                f"/ru/{number}.html",
                Route(page_html("ru", number), headers={"Content-Type": "text/html"}),
            )
        self.count += count
        links = [self.page_server.url(f"/ru/{number}.html") for number in range(self.count)]
        self.feed_server.add(
            "/ru/feed.xml",
            Route(feed_xml("ru", links), headers={"Content-Type": "application/rss+xml"}),
        )


@pytest.fixture
def newsroom(server: LocalServer) -> Iterator[Newsroom]:
    with LocalServer() as page_server:
        yield Newsroom(server, page_server)


def child_env() -> dict[str, str]:
    # No bytecode written from the child: it must not touch the checkout, even as root.
    return {**os.environ, "PYTHONWARNINGS": "error", "PYTHONDONTWRITEBYTECODE": "1"}


def cli(
    data_dir: Path, *args: str, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``media-monitor --data-dir DATA_DIR ARGS`` in a child, optionally on a "full disk"."""
    command = [sys.executable, "-m", "monitor.cli"]
    if file_size_limit is not None:
        command = [sys.executable, "-c", LIMITED, str(file_size_limit)]
    return run_child([*command, "--data-dir", str(data_dir), *args])


def run_child(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` from the project's root with the test environment, capturing output."""
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
        env=child_env(),
    )  # fmt: skip


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command printed; asserts it is just that, with status 1."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("media-monitor: error: "), result.stderr
    return lines[0]


def articles_as_stored(data_dir: Path) -> dict[int, tuple[object, ...]]:
    """Every article's id and what a reader sees of it, straight from the file."""
    db = sqlite3.connect(store_path(data_dir))
    try:
        rows = db.execute(
            "SELECT id, guid, title, text, text_origin, language, state, raw_sha256 FROM articles"
        ).fetchall()
    finally:
        db.close()
    return {row[0]: tuple(row[1:]) for row in rows}


def collection(data_dir: Path, newsroom: Newsroom) -> dict[int, tuple[object, ...]]:
    """Follow the newsroom and collect what it has published; returns the stored articles."""
    with open_monitor(data_dir, fetch_settings=FAST) as monitor:
        parts(monitor).store.add_source(newsroom.feed_url, kind=SourceKind.FEED, name="Test ru")
        summary = monitor.update()
        assert summary.failed == 0
    stored = articles_as_stored(data_dir)
    assert len(stored) == newsroom.count
    return stored


def check_next_update_finishes(data_dir: Path, newsroom: Newsroom) -> None:
    """An update now stores every published article fully and indexes it."""
    with open_monitor(data_dir, fetch_settings=FAST) as monitor:
        summary = monitor.update()
        assert summary.failed == 0, summary
        assert parts(monitor).index.document_count() == parts(monitor).store.count_articles()
    states = check_store(store_path(data_dir), {})
    assert len(states) == newsroom.count
    assert min(states.values()) >= ArticleState.DETECTED


# --- a full disk ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limit",
    [16 * KB, 512 * KB],
    ids=["full-before-opening", "full-during-update"],
)
def test_full_disk_gives_a_clear_error_and_loses_nothing(
    tmp_path: Path, newsroom: Newsroom, limit: int
) -> None:
    newsroom.publish(6)
    before = collection(tmp_path, newsroom)
    newsroom.publish(30)  # far more than fits under the limit

    line = error_line(cli(tmp_path, "update", file_size_limit=limit))
    assert "disk" in line and "full" in line, line
    if limit < 32 * KB:  # SQLite's shared-memory file alone needs 32 KB
        assert "cannot open the article store" in line, line
    else:
        assert "could not save to the article store" in line, line
        assert "everything saved before is kept" in line, line

    states = check_store(store_path(tmp_path), {})  # whole, and nothing half-stored
    after = articles_as_stored(tmp_path)
    assert {i: after[i] for i in before} == before  # every committed article, unchanged
    if limit < 32 * KB:
        assert after == before
    else:
        assert len(after) > len(before), "the disk filled up before anything was written"
        assert min(states.values()) < ArticleState.DETECTED  # work was left for later

    check_next_update_finishes(tmp_path, newsroom)  # room on the disk again


# --- a read-only data folder ----------------------------------------------------------------


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A data folder outside pytest's private temporary folder, reachable by ``nobody``."""
    folder = Path(tempfile.mkdtemp(prefix="mm-read-only-"))
    folder.chmod(0o755)
    yield folder
    for path in tree(folder):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def writes_are_refused(path: Path) -> bool:
    """Whether permissions bind this user (they do not for root, nor on some file systems)."""
    try:
        if path.is_dir():
            (path / "probe").write_text("x")
            (path / "probe").unlink()
        else:
            path.open("ab").close()
    except OSError:
        return True
    return False


def cli_as_a_user(data_dir: Path, read_only: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI bound by file permissions: as root, without the privileges that bypass them.

    ``read_only`` is a file or folder made read-only, to check that permissions bind at all.
    """
    if os.geteuid() != 0:
        if not writes_are_refused(read_only):
            pytest.skip("read-only permissions do not stop writes here")
        return cli(data_dir, *args)
    arguments = ["--data-dir", str(data_dir), *args]
    result = run_child([sys.executable, "-c", UNPRIVILEGED, *arguments])
    if result.returncode != CANNOT_DROP:
        return result
    # No CAP_SETPCAP here: be "nobody" instead, owning the folder as root owned it.
    for path in tree(data_dir):
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    try:
        return subprocess.run(
            [sys.executable, "-m", "monitor.cli", *arguments],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
            env=child_env(),
            user=NOBODY,
            group=NOBODY,
            extra_groups=[],
        )
    except PermissionError:
        pytest.skip("running as root, and neither dropping privileges nor `nobody` works here")


@dataclass(frozen=True)
class ReadOnly:
    """What is made read-only, and what the update must then say and do."""

    name: str
    locked: Callable[[Path], Path]  # the file or folder (with all inside) made read-only
    says: tuple[str, ...]  # words of the error line
    collects: bool = False  # the new article is stored all the same (only the index failed)
    unindexed: bool = False  # the index has lost its state and must be rebuilt


READ_ONLY = [
    ReadOnly("data folder", lambda data: data, ("the data folder", "is read-only")),
    ReadOnly("store file", store_path, ("could not save to the article store", "read-only")),
    ReadOnly(
        "index folder",
        index_dir,
        ("could not update the search index", "read-only", "articles are saved"),
        collects=True,
    ),
    ReadOnly("index to rebuild", index_dir, ("no permission", "read-only"), unindexed=True),
]


def tree(path: Path) -> list[Path]:
    return [path, *path.rglob("*")]


def contents(path: Path) -> dict[Path, bytes]:
    return {item: item.read_bytes() for item in sorted(tree(path)) if item.is_file()}


@pytest.mark.parametrize("case", READ_ONLY, ids=[case.name for case in READ_ONLY])
def test_read_only_data_gives_a_clear_error_and_changes_nothing(
    shared_folder: Path, newsroom: Newsroom, case: ReadOnly
) -> None:
    newsroom.publish(3)
    before = collection(shared_folder, newsroom)
    newsroom.publish(1)
    if case.unindexed:
        (index_dir(shared_folder) / "synced.json").unlink()
    locked = case.locked(shared_folder)
    untouched = contents(locked)
    for path in tree(locked):
        path.chmod(0o555 if path.is_dir() else 0o444)

    line = error_line(cli_as_a_user(shared_folder, locked, "update"))
    for words in case.says:
        assert words in line, line

    for path in tree(locked):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert contents(locked) == untouched
    states = check_store(store_path(shared_folder), {})
    after = articles_as_stored(shared_folder)
    assert {i: after[i] for i in before} == before
    assert len(states) == (newsroom.count if case.collects else len(before))

    check_next_update_finishes(shared_folder, newsroom)  # writable again
