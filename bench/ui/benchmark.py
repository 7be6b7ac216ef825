"""The UI responsiveness benchmark: cold start, and event-loop lag during a big update.

Everything is measured in fresh child processes (:mod:`bench.ui.probe`) running the real app
offscreen (``QT_QPA_PLATFORM=offscreen``), started the way the ``media-monitor`` script starts
it. Targets (issue 7): first window within 1.5 s of launch; while the app collects, translates
and indexes 1,000 articles, the 99th percentile of main-thread event-loop lag under 50 ms.

* **Cold start**: from just before the parent starts the child (``time.monotonic``, one clock
  for all processes on Linux) to the first frame of the main window, interleaved over an empty
  data folder, the folder of the biggest lag run and (full runs) an empty one without compiled
  bytecode; five runs each (three in ``--quick``, and for the bytecode variant) after a
  warm-up round. The OS file cache is warm, as on any start but the first after boot. When
  the target is missed, ``python -X importtime`` says which imports cost the most.
* **Event-loop lag**: a local site (:mod:`bench.ui.site`) serves feeds and pages of corpus
  articles in ko/ru/zh/uk; the collection already holds 40 of them and has a tiny genuine
  Argos model per language. The probe presses "Update now" (N new articles), plays a user who
  every second searches or reads, and ticks a 5 ms timer on the main thread: lag = interval
  − 5 ms. Full runs: 300 and 1,000 new articles; ``--quick``: 100 and 300. To see what the
  searches cost, :func:`measure_lag` also plays a user who only reads (``user="read"``).
  :mod:`bench.ui.report` explains the stalls.

Alone: ``python -m bench.ui [--quick] [--sizes 100,300]``.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common.children import child_env, run_module
from bench.common.corpus import Corpus
from bench.common.paths import ROOT
from bench.common.settings import Settings
from bench.ui.collection import build_models, prepare_data_folder
from bench.ui.report import ColdStart, report
from bench.ui.site import NewsSite, news_articles
from bench.ui.watch import LagRun, analyse_lag
from indexes.types import IndexDocument

EXISTING_ARTICLES = 40  # yesterday's news, for the user to read while today's come in


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _probe(arguments: list[str], env: dict[str, str], timeout: float) -> tuple[float, float]:
    """Run the probe; return when it was started (monotonic) and the CPU seconds it used."""
    cpu = _children_cpu()
    started = time.monotonic()
    done = run_module("bench.ui.probe", *arguments, env=env, capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(
            f"bench.ui.probe {arguments[0]} failed ({done.returncode}):\n{done.stderr}"
        )
    return started, _children_cpu() - cpu


# --- cold start ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StartVariant:
    label: str
    data_dir: Path | None  # None: a new empty folder for every run (a first start)
    bytecode: bool = True
    runs: int | None = None  # fewer runs than the others (a secondary variant)


def measure_cold_starts(
    variants: list[StartVariant],
    runs: int,
    workdir: Path,
    log: Callable[[str], None],
    *,
    warm_up: bool = True,
) -> list[ColdStart]:
    """Interleaved runs of every variant, after a warm-up round that is not counted.

    The warm-up also compiles the bytecode into the cache the other runs use.
    """
    results = {variant.label: ColdStart(variant.label, []) for variant in variants}
    first = 0 if warm_up else 1
    for round_number in range(first, runs + 1):
        for number, variant in enumerate(variants):
            if variant.runs is not None and round_number > variant.runs:
                continue
            data_dir = variant.data_dir or workdir / f"ui-empty-{round_number}-{number}"
            out = workdir / "ui-start.json"
            arguments = ["start", str(data_dir), str(out)]
            if variant.data_dir is not None:
                arguments.append("--list")
            started, _ = _probe(arguments, child_env(workdir, bytecode=variant.bytecode), 120)
            recorded = json.loads(out.read_text("utf-8"))
            if variant.data_dir is None:
                shutil.rmtree(data_dir, ignore_errors=True)
            if round_number:
                moments = {key: value - started for key, value in recorded["marks"].items()}
                results[variant.label].runs.append({**moments, **recorded["at_frame"]})
        log(f"ui: cold start round {round_number}/{runs} done")
    return list(results.values())


# --- event-loop lag -----------------------------------------------------------------------


def pick_queries(articles: list[IndexDocument], count: int = 8) -> list[str]:
    """Words from the titles of articles spread over the run, as a user would search them."""
    queries: list[str] = []
    step = max(1, len(articles) // count)
    for article in articles[::step][:count]:
        if article.language == "zh":
            queries.append(article.title[:2])
            continue
        words = [w for w in article.title.split() if w.isalpha() and len(w) >= 3]
        if words:
            queries.append(max(words, key=len))
    return queries


def measure_lag(
    size: int,
    corpus: Corpus,
    models: list[Path],
    workdir: Path,
    log: Callable[[str], None],
    *,
    user: str = "search-and-read",
    existing: int = EXISTING_ARTICLES,
    switch_interval: float | None = None,
    settle_ms: int = 1500,
) -> tuple[LagRun, Path]:
    """One update bringing ``size`` new articles into a collection of ``existing`` ones.

    Returns the run and its data folder. ``user`` is what the simulated user does every
    second: "search-and-read", "read" (only opens articles) or "none";
    ``switch_interval`` overrides ``sys.setswitchinterval`` in the app (an experiment);
    ``settle_ms`` is how long the window is left to load before the measuring starts.
    """
    articles = news_articles(corpus, existing + size)
    name = f"ui-lag-{size}-{user}"
    data_dir = workdir / name
    shutil.rmtree(data_dir, ignore_errors=True)
    script = workdir / f"{name}.json"
    out = workdir / f"{name}-result.json"
    options = {"user": user, "switch_interval": switch_interval, "settle_ms": settle_ms}
    script.write_text(
        json.dumps({"articles": size, "queries": pick_queries(articles), **options}), "utf-8"
    )
    with NewsSite(articles) as site:
        prepare_data_folder(data_dir, site, models, existing=existing)
        log(f"ui: {size} new articles from {len(site.feeds)} feeds, {existing} stored, {user}")
        _, cpu = _probe(
            ["lag", str(data_dir), str(script), str(out)], child_env(workdir), timeout=1200
        )
        requests = site.requests
    raw = json.loads(out.read_text("utf-8"))
    return analyse_lag(size, existing, user, raw, cpu, requests), data_dir


# --- imports ------------------------------------------------------------------------------


_FIRST_PARTY = {"monitor", "ui", "indexes", "translations", "bench"}


def import_units(importtime_output: str) -> dict[str, float]:
    """Own import seconds summed per unit: a third-party package with the app module that
    first imported it (``trafilatura ← monitor.collect.extract``, its own imports included), the
    app's own modules, or Python's start-up."""
    entries = []
    for line in importtime_output.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = line.split(":", 1)[1].split("|")
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        entries.append((depth, name.strip(), int(own) / 1e6))
    units: dict[str, float] = {}
    parents: list[tuple[int, str]] = []
    for depth, name, seconds in reversed(entries):  # -X importtime lists children first
        while parents and parents[-1][0] >= depth:
            parents.pop()
        unit = _unit([*(parent for _, parent in parents), name])
        units[unit] = units.get(unit, 0.0) + seconds
        parents.append((depth, name))
    return units


def _unit(chain: list[str]) -> str:
    importer = None
    for name in chain:
        if name.split(".")[0] in _FIRST_PARTY:
            importer = name
            continue
        if importer is None:
            return "Python's start-up (site, encodings, …)"
        return f"{name.split('.')[0]} ← {importer}"
    return "the app's own modules"


def import_breakdown(
    command: list[str], env: dict[str, str], cwd: Path, runs: int = 3
) -> tuple[float, list[tuple[str, float]]]:
    """Median total import seconds and the units (see :func:`import_units`) that cost most."""
    totals: list[float] = []
    per_unit: dict[str, list[float]] = {}
    for _ in range(runs):
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True)
        units = import_units(done.stderr)
        totals.append(sum(units.values()))
        for unit, seconds in units.items():
            per_unit.setdefault(unit, []).append(seconds)
    top = sorted(
        ((unit, statistics.median(values)) for unit, values in per_unit.items()),
        key=lambda item: -item[1],
    )
    return statistics.median(totals), top[:10]


# --- the benchmark ------------------------------------------------------------------------


def run(settings: Settings) -> str:
    """Cold starts and lag runs; returns this benchmark's section of RESULTS.md."""
    sizes = settings.sizes or ((100, 300) if settings.quick else (300, 1000))
    runs = 3 if settings.quick else 5
    workdir = settings.workdir / "ui"
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(use_eval=settings.use_eval)
    models = build_models(workdir / "models", corpus)
    settings.log(f"ui: corpus from {corpus.source}; {len(models)} models built")
    lag_runs = []
    data_dir = None
    for size in sizes:
        lag_run, data_dir = measure_lag(size, corpus, models, workdir, settings.log)
        lag_runs.append(lag_run)
        settings.log(f"ui: {size} articles in {lag_run.seconds:.1f} s")
    variants = [StartVariant("empty data folder (first start)", None)]
    if data_dir is not None:
        total = sizes[-1] + EXISTING_ARTICLES
        variants.append(StartVariant(f"{total:,} articles", data_dir))
    if not settings.quick:
        variants.append(StartVariant("empty, no compiled bytecode", None, bytecode=False, runs=3))
    starts = measure_cold_starts(variants, runs, workdir, settings.log)
    slowest = max(statistics.median(start.column("first_frame")) for start in starts)
    imports = None
    if slowest >= 1.5:
        imports = import_breakdown(
            [sys.executable, "-X", "importtime", "-m", "bench.ui.probe", "imports"],
            child_env(workdir),
            ROOT,
            runs=1 if settings.quick else 3,
        )
    return report(starts, lag_runs, imports, quick=settings.quick)
