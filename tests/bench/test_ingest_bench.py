"""Smoke test of the ingest benchmark: a tiny real run against its local site, numbers sane."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ingest.benchmark import measure
from bench.ingest.report import WAIT_STAGE, collect_rate, index_rate, rate, report, total_cpu

ARTICLES = 30


@pytest.mark.network
def test_tiny_ingest_run_stores_indexes_and_accounts_for_every_article(tmp_path: Path) -> None:
    messages: list[str] = []
    runs, page_bytes = measure(
        (ARTICLES,), 1, tmp_path, use_eval=False, log=messages.append, fresh_index=False
    )

    [run] = runs
    feeds = run["sources"]
    assert run["stored"] == run["indexed"] == ARTICLES
    assert run["pending"] == 0 and run["with_error"] == 0
    # One request per feed and per page, nothing fetched twice.
    assert run["server_requests"] == ARTICLES + feeds
    calls = {(s["phase"], s["stage"]): s["calls"] for s in run["stages"]}
    assert calls[("collect", "page extraction")] == ARTICLES
    assert calls[("collect", "language detection")] == ARTICLES
    assert calls[("collect", "feed parse")] == feeds
    assert calls[("collect", "fetch (HTTP, gunzip)")] == ARTICLES + feeds
    assert calls[WAIT_STAGE] >= ARTICLES + feeds  # one wait per finished feed or page, at least
    assert run["phases"].keys() == {"collect", "translate", "index"}
    # Stage times are exclusive, so together they cannot exceed the process's CPU time.
    attributed = sum(s["cpu"] for s in run["stages"])
    assert 0 < attributed <= total_cpu(run) * 1.01
    assert rate(run) > 0 and collect_rate(run) > rate(run) and index_rate(run) > 0
    assert page_bytes > 5_000

    section = report(runs, page_bytes, use_eval=False)
    assert f"| {ARTICLES} | incremental | 1 |" in section
    assert "Target ≥ 150 articles/s" in section
