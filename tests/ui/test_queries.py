"""Reader-thread queries: a search syncs the index first only when told to."""

from __future__ import annotations

from pathlib import Path

from indexes.types import SearchRequest
from monitor import open_monitor
from ui.queries import article_rows, search_rows


def test_search_indexes_pending_changes_only_when_asked(tmp_path: Path) -> None:
    with open_monitor(tmp_path / "data") as monitor:
        sources = monitor.add_demo_sources()
        # Collect without indexing: the articles are in the store, their index entries pending.
        monitor.collector.stages.clear()
        monitor.update([s.id for s in sources])
        stored = len(article_rows(monitor))
        assert stored > 0
        request = SearchRequest("lang:ru", facets=False)
        # While the writer runs an update, the UI does not sync: that update indexes.
        rows, total = search_rows(monitor, request, sync=False)
        assert (rows, total) == ([], 0)
        rows, total = search_rows(monitor, request, sync=True)
        assert total == len(monitor.articles(language="ru")) > 0
        assert {row.language for row in rows} == {"ru"}
