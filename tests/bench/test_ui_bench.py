"""Smoke test of the UI benchmark: a tiny update in the real app, one cold start, sane numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common.corpus import Corpus
from bench.ui.benchmark import StartVariant, measure_cold_starts, measure_lag
from bench.ui.collection import build_models
from bench.ui.report import report
from bench.ui.site import LANGUAGES
from bench.ui.watch import PHASES, percentile

NEW = 10
EXISTING = 2


@pytest.mark.network
def test_tiny_update_in_the_app_is_measured_and_explained(tmp_path: Path) -> None:
    corpus = Corpus(use_eval=False)
    models = build_models(tmp_path / "models", corpus, realistic=False)
    assert len(models) == len(LANGUAGES)
    logged: list[str] = []

    run, data_dir = measure_lag(
        NEW, corpus, models, tmp_path, logged.append, existing=EXISTING, settle_ms=500
    )

    assert run.problem is None, run.problem
    # Every article, old and new, went all the way through the app into the search index.
    assert run.indexed == run.documents == NEW + EXISTING
    assert run.requests >= NEW  # one page each, plus the feeds
    lags = run.all_lags
    assert len(lags) > 100  # at least half a second of 5 ms ticks
    assert min(lags) >= 0
    assert percentile(lags, 0.5) <= percentile(lags, 0.99) <= max(lags)
    assert run.seconds > 0 and all(run.phase_seconds[phase] >= 0 for phase in PHASES)
    update_phases = ("collecting", "translating", "indexing")
    assert sum(run.phase_seconds[p] for p in update_phases) == pytest.approx(run.seconds)
    for stall in run.stalls:  # the main thread's time adds up to at most the stall
        assert stall.lag > 50 and stall.main_running >= 0 and stall.main_blocked >= 0
    assert run.user_actions >= 1
    assert len(run.search_ms) + len(run.open_ms) + run.unanswered >= 1

    [start] = measure_cold_starts(
        [StartVariant("with articles", data_dir)], 1, tmp_path, logged.append, warm_up=False
    )
    [moments] = start.runs
    assert 0 < moments["probe_started"] < moments["window_shown"] < moments["first_frame"]
    assert moments["list_filled"] > moments["window_shown"]  # the rows came from the store
    assert moments["cpu"] > 0

    section = report([start], [run], None, quick=True)
    assert f"| {NEW} | search-and-read |" in section
    assert "| with articles | 1 |" in section
    assert "target of < 50 ms" in section
