"""The memory benchmark: peak RSS of the app with N articles indexed and one model loaded.

For each size a data folder is built once and cached (:mod:`bench.memory.datafolder`). Each
run works on a fresh copy of it with one transformer-base-shaped ru→en model installed, and
starts :mod:`bench.memory.probe` in a new process:

* ``app``: the desktop app (offscreen) searching, reading and translating as a user would;
* ``core``: the same work through one ``Monitor`` without Qt, so that Qt's share shows.

These two run in turns, round by round, so that machine noise falls on both alike. At the
largest size two more runs follow, once each:

* ``app-no-mmap``: the app with the search index opened without mmap, a what-if for
  ``indexes/index.py`` (patched in the probe process only);
* ``model``: the translation engine alone on the same articles (not in ``--quick``).

Target (issue 7): peak RSS < 600 MB with 100,000 articles and a model loaded. When the app
misses it at the largest size (full runs), one more core run with tracemalloc says which
Python code holds the traced part.

Alone: ``python -m bench.memory [--quick] [--sizes 20000,100000] [--fresh]``.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common.children import app_env, run_module
from bench.common.corpus import Corpus
from bench.common.models import MODEL_SHAPE
from bench.common.paths import CACHE_DIR
from bench.common.settings import Settings
from bench.memory.datafolder import DataFolder, data_folder, working_copy
from bench.memory.report import report
from bench.search.queries import KINDS, SCRIPTS, QueryMaker
from monitor.paths import models_dir, store_path
from monitor.store import Store
from translations.packages import PackageFolder

TARGET_MB = 600.0
TRACED_SEARCHES = 4
PROBE_TIMEOUT = 900.0
QUERY_SAMPLE = 2_000  # queries are drawn from the first articles, the same at every size
Result = dict[str, Any]
# What is measured: name -> (probe mode, plan options). The what-if opens the search index
# without mmap, in the probe process only (see bench.memory.probe.open_index_without_mmap).
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "app": ("app", {}),
    "core": ("core", {}),
    "model": ("model", {}),
    "app-no-mmap": ("app", {"index_without_mmap": True}),
}


def model_archive(cache_dir: Path = CACHE_DIR) -> Path:
    """The ru→en transformer-base-shaped copy model (built once, then taken from the cache)."""
    shape = "-".join(str(value) for value in MODEL_SHAPE.values())
    folder = cache_dir / f"model-{shape}"
    found = sorted(folder.glob("*.argosmodel"))
    if found:
        return found[0]
    from tests.support.argos_factory import build_package

    staging = Path(tempfile.mkdtemp(prefix="model-", dir=cache_dir))
    archive = build_package(staging, "ru", "en", **MODEL_SHAPE)
    staging.rename(folder)
    return folder / archive.name


def plan_queries(corpus: Corpus, seed: int, sample: int = QUERY_SAMPLE) -> list[str]:
    """Twenty searches: every kind in every script, and one more word per script."""
    maker = QueryMaker(corpus, list(corpus.articles(0, sample)), seed)
    queries = [maker.make(kind, script) for kind in KINDS for script in SCRIPTS]
    return queries + [maker.make("term", script) for script in SCRIPTS]


def run_probe(plan: dict[str, Any], workdir: Path) -> Result:
    """One probe process; its result, with its wall time."""
    plan_file = workdir / "plan.json"
    result_file = workdir / "result.json"
    plan_file.write_text(json.dumps(plan), "utf-8")
    environment = app_env(workdir / "config")
    started = time.perf_counter()
    with open(workdir / "probe.log", "w", encoding="utf-8") as log:
        completed = run_module(
            "bench.memory.probe",
            str(plan_file),
            str(result_file),
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=PROBE_TIMEOUT,
        )
    if completed.returncode != 0:
        tail = (workdir / "probe.log").read_text("utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"the {plan['mode']} probe failed ({completed.returncode}):\n{tail}")
    result: Result = json.loads(result_file.read_text("utf-8"))
    result["wall"] = time.perf_counter() - started
    return result


def probe_once(
    folder: DataFolder,
    variant: str,
    *,
    queries: Sequence[str],
    archive: Path,
    workdir: Path,
    trace: bool = False,
) -> Result:
    """Copy the folder, install the model, run one probe of ``variant``, clean up."""
    mode, options = VARIANTS[variant]
    run_dir = Path(tempfile.mkdtemp(prefix=f"memory-{folder.articles}-{variant}-", dir=workdir))
    try:
        data = working_copy(folder, run_dir / "data")
        PackageFolder(models_dir(data)).install_file(archive)
        plan: dict[str, Any] = {
            "data_dir": str(data),
            "mode": mode,
            "queries": list(queries),
            "waiting": list(folder.waiting),
            "trace": trace,
            **options,
        }
        if mode == "model":
            store = Store(store_path(data))
            try:
                plan["waiting_articles"] = [
                    (a.id, a.title, a.text, a.language)
                    for a in store.articles_by_ids(folder.waiting)
                ]
            finally:
                store.close()
        return run_probe(plan, run_dir)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def measure(
    folder: DataFolder,
    variants: Sequence[str],
    *,
    runs: int,
    extras: Sequence[str] = (),
    queries: Sequence[str],
    archive: Path,
    workdir: Path,
    log: Callable[[str], None],
) -> dict[str, list[Result]]:
    """``runs`` rounds, each one probe per variant in turn; then each extra once."""
    results: dict[str, list[Result]] = {variant: [] for variant in (*variants, *extras)}
    plan = [(number, variant) for number in range(runs) for variant in variants]
    for number, variant in plan + [(0, extra) for extra in extras]:
        result = probe_once(folder, variant, queries=queries, archive=archive, workdir=workdir)
        _check(result, folder, len(queries))
        results[variant].append(result)
        log(
            f"  {folder.articles:,} {variant} run {number + 1}: peak "
            f"{result['peak']:.0f} MB ({result['wall']:.0f} s)"
        )
    return results


def _check(result: Result, folder: DataFolder, searches: int) -> None:
    """A run that did not do the work measures nothing: fail loudly instead."""
    if result["translated"] != len(folder.waiting):
        raise RuntimeError(
            f"{result['mode']} probe translated {result['translated']} of "
            f"{len(folder.waiting)} waiting articles"
        )
    if result["mode"] != "model" and result["hits"] < searches // 2:
        raise RuntimeError(f"{result['mode']} probe: only {result['hits']} searches found hits")


def run(settings: Settings) -> str:
    """Run the memory benchmark at every size; return its section of RESULTS.md."""
    sizes = settings.sizes or ((2_000, 5_000) if settings.quick else (20_000, 100_000))
    runs = 1 if settings.quick else 3
    corpus = Corpus(use_eval=settings.use_eval)
    settings.log(f"memory: vocabulary from {corpus.source}")
    archive = model_archive()
    queries = plan_queries(corpus, corpus.seed)
    folders: list[DataFolder] = []
    measured: dict[int, dict[str, list[Result]]] = {}
    traced: Result | None = None
    for size in sizes:
        folder = data_folder(size, corpus, fresh=settings.fresh, log=settings.log)
        folders.append(folder)
        settings.log(
            f"memory: {size:,} articles, folder "
            + ("from the cache" if folder.reused else f"built in {folder.build_seconds:.0f} s")
        )
        # Once each, at the largest size: the model alone does not depend on the folder, and
        # the what-if differs from the app by a factor, not by noise. (--quick: no model.)
        extras: tuple[str, ...] = ()
        if size == max(sizes):
            extras = ("app-no-mmap",) if settings.quick else ("app-no-mmap", "model")
        measured[size] = measure(
            folder,
            ("app", "core"),
            runs=runs,
            extras=extras,
            queries=queries,
            archive=archive,
            workdir=settings.workdir,
            log=settings.log,
        )
    largest = folders[-1]
    app_peak = statistics.median(r["peak"] for r in measured[largest.articles]["app"])
    if app_peak >= TARGET_MB and not settings.quick:
        # The core: the same Python allocations as the app's, without Qt's startup time; and
        # only the first few searches, which tracing slows several times over.
        settings.log("memory: target missed; one more core run with tracemalloc …")
        traced = probe_once(
            largest,
            "core",
            queries=queries[:TRACED_SEARCHES],
            archive=archive,
            workdir=settings.workdir,
            trace=True,
        )
    return report(folders, measured, traced, queries=queries, runs=runs, target=TARGET_MB)
