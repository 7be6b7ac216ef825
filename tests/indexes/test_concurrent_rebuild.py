"""A rebuild in one process while another writes and searches the same index.

``media-monitor reindex`` swaps a freshly built folder in for the live one while an update or
the window keeps committing and searching. Each process here is real; the rebuilding one
holds the live folder away for 50 ms in the middle of every swap (between its two renames),
so the moment a writer or a searcher can meet a missing folder comes often, not once an hour.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from indexes.index import SearchIndex
from tests.indexes.test_index import DOCUMENTS

_COMMON = """
import sys, time
from dataclasses import replace
from pathlib import Path
from indexes.index import SearchIndex
from tests.indexes.test_index import DOCUMENTS

folder = Path(sys.argv[1])
end = time.monotonic() + float(sys.argv[2])
"""

_REBUILDER = _COMMON + textwrap.dedent(
    """
    original_rename = Path.rename

    def slow_rename(self, target):
        moved = original_rename(self, target)
        if str(target).endswith(".old"):
            time.sleep(0.05)  # the live folder is away: writers and searchers must cope
        return moved

    Path.rename = slow_rename
    index = SearchIndex(folder)
    rounds = 0
    while time.monotonic() < end:
        index.rebuild(DOCUMENTS, synced=1)
        rounds += 1
    print(rounds)
    """
)

_WRITER = _COMMON + textwrap.dedent(
    """
    index = SearchIndex(folder)
    rounds = failures = 0
    while time.monotonic() < end:
        rounds += 1
        document = replace(DOCUMENTS[0], article_id=1000 + rounds)
        try:
            index.apply([document], removed=[], synced=2)
            index.searcher().doc_count()
        except Exception as error:
            failures += 1
            print(repr(error), file=sys.stderr)
    print(rounds, failures)
    """
)


def _start(script: str, folder: Path, seconds: float) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(
        [sys.executable, "-c", script, str(folder), str(seconds)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_writes_and_searches_during_rebuilds_never_fail(tmp_path: Path):
    folder = tmp_path / "index"
    SearchIndex(folder).close()
    rebuilder = _start(_REBUILDER, folder, 6)
    writer = _start(_WRITER, folder, 6)
    rebuilt, rebuild_errors = rebuilder.communicate(timeout=120)
    written, write_errors = writer.communicate(timeout=120)
    assert rebuilder.returncode == 0, rebuild_errors
    assert writer.returncode == 0, write_errors
    assert int(rebuilt) >= 3, "the rebuilds must overlap the writes"
    rounds, failures = map(int, written.split())
    assert rounds >= 20
    assert (failures, write_errors) == (0, "")
    after = SearchIndex(folder)
    try:
        assert not after.needs_rebuild
        assert after.document_count() >= len(DOCUMENTS)
    finally:
        after.close()
