"""Smoke test of the memory benchmark: a tiny data folder, cached, and one probe per mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common.corpus import Corpus
from bench.memory.benchmark import plan_queries, probe_once
from bench.memory.datafolder import WAITING_ARTICLES, DataFolder, data_folder
from bench.memory.report import report
from monitor import open_monitor
from monitor.types import ArticleState
from tests.support.argos_factory import build_package
from tests.support.inside import parts

ARTICLES = 60
PHASES = ["interpreter", "imported", "started", "searched", "translated", "trimmed"]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(use_eval=False)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def built(corpus: Corpus, cache: Path) -> DataFolder:
    return data_folder(ARTICLES, corpus, cache_dir=cache, log=lambda _: None)


def test_data_folder_is_built_through_the_app_and_reused(
    built: DataFolder, corpus: Corpus, cache: Path
) -> None:
    assert not built.reused
    assert built.store_seconds > 0 and built.index_seconds > 0
    assert built.index_bytes > 0 and built.store_bytes > 0
    assert len(built.waiting) == WAITING_ARTICLES

    with open_monitor(built.path) as monitor:
        assert parts(monitor).index.document_count() == ARTICLES
        articles = monitor.articles()
        assert len(articles) == ARTICLES
        waiting = {a.id for a in articles if a.state == ArticleState.DETECTED}
        assert waiting == set(built.waiting)
        assert {a.language for a in articles if a.id in waiting} == {"ru"}
        indexed = [a for a in articles if a.id not in waiting]
        assert all(a.state == ArticleState.TRANSLATED for a in indexed)
        foreign = next(a for a in indexed if a.language != "en")
        translation = monitor.translation(foreign.id)
        assert translation is not None and translation.by_model and translation.text

    logged: list[str] = []
    again = data_folder(ARTICLES, corpus, cache_dir=cache, log=logged.append)
    assert again.reused and not logged
    assert (again.path, again.built_at, again.waiting) == (
        built.path,
        built.built_at,
        built.waiting,
    )


@pytest.mark.parametrize("mode", ["core", "app"])
def test_probe_does_the_work_and_reports_sane_memory(
    tmp_path: Path, corpus: Corpus, built: DataFolder, mode: str
) -> None:
    folder = built
    archive = build_package(tmp_path / "models", "ru", "en")  # tiny: the test is about plumbing
    queries = plan_queries(corpus, corpus.seed, sample=ARTICLES)[:6]

    result = probe_once(folder, mode, queries=queries, archive=archive, workdir=tmp_path)

    assert [phase["phase"] for phase in result["phases"]] == PHASES
    assert result["translated"] == WAITING_ARTICLES
    assert result["hits"] >= 1 and result["opened"] == result["hits"]
    assert result["samples"] >= 1
    highest = max(phase["VmRSS"] for phase in result["phases"])
    assert 10 < result["phases"][0]["VmRSS"] < highest <= result["peak"]
    assert result["peak_hwm"] == pytest.approx(result["peak"], abs=2)
    # Linux carries the parent's high-water mark into ru_maxrss across fork and exec.
    assert result["maxrss"] >= result["peak_hwm"] - 1
    if mode == "app":
        assert result["phases"][2]["listed"] == ARTICLES  # the window listed the articles
    section = report(
        [folder], {ARTICLES: {"app": [result], "core": [result]}}, None, queries=queries,
        runs=1, target=600,
    )  # fmt: skip
    assert f"| {ARTICLES} |" in section and f"{result['peak']:.0f}" in section
