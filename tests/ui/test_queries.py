"""Reader-thread queries: a search reads the index as it stands; syncing is the writer's."""

from __future__ import annotations

from pathlib import Path

from indexes.types import SearchRequest
from monitor import open_monitor
from tests.support.inside import parts
from ui.queries import article_rows, search_rows


def test_search_indexes_pending_changes_only_when_asked(tmp_path: Path) -> None:
    with open_monitor(tmp_path / "data") as monitor:
        sources = monitor.add_demo_sources()
        # Collect without indexing: the articles are in the store, their index entries pending.
        parts(monitor).collector.stages.clear()
        monitor.update([s.id for s in sources])
        stored = len(article_rows(monitor))
        assert stored > 0
        request = SearchRequest("lang:ru", facets=False)
        # A search only reads: what the index has not taken in yet is not found.
        rows, total, _ = search_rows(monitor, request)
        assert (rows, total) == ([], 0)
        for _ in monitor.sync_index():  # the window's writer thread does this
            pass
        rows, total, _ = search_rows(monitor, request)
        assert total == len(monitor.articles(language="ru")) > 0
        assert {row.language for row in rows} == {"ru"}
