"""Smoke test of the ingest benchmark: a tiny real run against its local site, numbers sane."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import run
from bench.common.results import BenchmarkFailed
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
    assert "Target ≥ 80 articles/s" in section


@pytest.mark.network
def test_a_run_whose_pages_failed_reports_no_rate(tmp_path: Path) -> None:
    runs, page_bytes = measure(
        (ARTICLES,), 1, tmp_path, use_eval=False, log=lambda _: None, fresh_index=False
    )
    [run] = runs
    broken = [{**run, "with_error": ARTICLES}]  # as when every page failed to extract
    with pytest.raises(BenchmarkFailed, match="with an error 30"):
        report(broken, page_bytes, use_eval=False)


def test_the_runner_writes_no_section_and_exits_non_zero_for_a_failed_benchmark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nkept by hand\n", "utf-8")

    def broken(settings: object) -> str:
        raise BenchmarkFailed("every page failed to extract")

    def working(settings: object) -> str:
        return "a rate of 100 articles/s"

    monkeypatch.setitem(run.BENCHMARKS, "ingest", ("Ingest", broken))
    monkeypatch.setitem(run.BENCHMARKS, "cli", ("Fast commands", working))
    code = run.main(["--only", "ingest", "--only", "cli", "--output", str(results), "--quick"])
    assert code == 1
    written = results.read_text("utf-8")
    assert "kept by hand" in written and "100 articles/s" in written  # the other still ran
    assert "bench:ingest" not in written  # nothing, not even a heading, for the failed one
    shown = capsys.readouterr()
    assert "ingest: FAILED, nothing written: BenchmarkFailed" in shown.out + shown.err
