"""One ingest measurement in a fresh process: the app's update path against the local site.

    python -m bench.ingest_probe BASE_URL SIZE WORKDIR [--index incremental|fresh] [--no-timers]

Opens a collection with :func:`monitor.app.open_monitor`, follows the site's feeds for SIZE
articles, then times ``Monitor.update_iter()`` to the end: collection (feeds, pages, text,
language, store), the translation stage (no models installed, so it only notes that) and the
index stage. Prints one JSON object with the phases, the per-stage timings and the counts
the benchmark checks.

``--index incremental`` (the default) syncs the empty collection's index first, as the app
does when it starts, so the update's index stage takes the everyday path: batches of
:data:`monitor.index_stage.BATCH_CHANGES` changes through ``SearchIndex.apply``.
``--index fresh`` leaves the index new, so the first update rebuilds it in bulk instead.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import itertools
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from bench.ingest_report import COMMIT_STAGE, WAIT_STAGE

STARTED = time.perf_counter()

from indexes.index import SearchIndex  # noqa: E402
from monitor import index_stage, pipeline, translation_stage  # noqa: E402
from monitor.app import Monitor, open_monitor  # noqa: E402
from monitor.fetch import Fetcher, FetchSettings  # noqa: E402
from monitor.pipeline import Stage  # noqa: E402
from monitor.store import Store  # noqa: E402
from monitor.store.changelog import IndexProgress  # noqa: E402
from monitor.store.translations import TranslationStore  # noqa: E402
from monitor.types import Progress, ProgressKind  # noqa: E402

IMPORTED = time.perf_counter()

# The product's politeness (2 requests in flight per host, 1 s between request starts) is
# deliberate for real outlets. Every feed here is on one loopback host, so it is lifted: the
# benchmark measures processing, not politeness. 8 > the pipeline's 4 workers: never a limit.
BENCH_FETCH = FetchSettings(per_host_concurrency=8, min_host_interval=0.0)
STORE = "store (SQLite)"
Params = ParamSpec("Params")
Result = TypeVar("Result")


class Recorder:
    """Wall and CPU time per (phase, stage), summed over threads, each call counted once.

    A stage's time is *exclusive*: a wrapped call made inside another (a store method calling
    another, Whoosh's commit inside ``SearchIndex.apply``) is taken out of the outer one, so
    the stages add up. CPU time is the calling thread's own (``time.thread_time``), so a
    worker waiting for the GIL or the network is not counted as busy.
    """

    def __init__(self) -> None:
        self.calls = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        self._totals: dict[tuple[str, str], list[float]] = {}
        self._phase = "setup"
        self._marks: list[tuple[str, float, float, float]] = []
        self._patched: list[tuple[object, str, object]] = []

    def start_phase(self, phase: str) -> None:
        """Mark the start of ``phase`` (and the end of the one before), on the main thread."""
        marks = (time.perf_counter(), time.process_time(), _waited_for_cpu())
        self._marks.append((phase, *marks))
        self._phase = phase

    def phases(self) -> dict[str, dict[str, float]]:
        """Wall and process CPU seconds of each phase, in order, and how long the main thread
        was ready to run but waited for a CPU (other processes on a shared machine)."""
        return {
            name: {"wall": wall_end - wall, "cpu": cpu_end - cpu, "waited": waited_end - waited}
            for (name, wall, cpu, waited), (_, wall_end, cpu_end, waited_end) in itertools.pairwise(
                self._marks
            )
        }

    def table(self) -> list[dict[str, Any]]:
        return [
            {
                "phase": phase,
                "stage": stage,
                "calls": int(calls),
                "wall": wall,
                "cpu": cpu,
                "max_cpu": longest,
            }
            for (phase, stage), (calls, wall, cpu, longest) in self._totals.items()
        ]

    def wrap(self, stage: str, function: Callable[Params, Result]) -> Callable[Params, Result]:
        local, lock, totals = self._local, self._lock, self._totals

        def timed(*args: Params.args, **kwargs: Params.kwargs) -> Result:
            stack: list[list[float]] = local.__dict__.setdefault("stack", [])
            children = [0.0, 0.0]
            stack.append(children)
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                stack.pop()
                if stack:
                    stack[-1][0] += wall
                    stack[-1][1] += cpu
                with lock:
                    self.calls += 1
                    entry = totals.setdefault((self._phase, stage), [0.0, 0.0, 0.0, 0.0])
                    entry[0] += 1
                    entry[1] += wall - children[0]
                    entry[2] += cpu - children[1]
                    entry[3] = max(entry[3], cpu - children[1])

        return timed

    def patch(self, owner: object, name: str, stage: str) -> None:
        """Replace ``owner.name`` (a module function or a plain method) by a timed one."""
        original = inspect.getattr_static(owner, name)
        if isinstance(owner, type) and not inspect.isfunction(original):
            return  # properties, static and class methods: not on the measured path
        setattr(owner, name, self.wrap(stage, getattr(owner, name)))
        self._patched.append((owner, name, original))

    def unpatch(self) -> None:
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)
        self._patched.clear()


def _waited_for_cpu() -> float:
    """Seconds this thread has spent runnable but not running (Linux schedstat; else 0)."""
    try:
        fields = Path("/proc/thread-self/schedstat").read_text().split()
    except OSError:
        return 0.0
    return int(fields[1]) / 1e9


def wrapper_cost(calls: int = 100_000) -> float:
    """Seconds a timed wrapper adds to one call (measured on a function doing nothing)."""

    def nothing() -> None:
        return None

    timed = Recorder().wrap("x", nothing)
    started = time.perf_counter()
    for _ in range(calls):
        nothing()
    bare = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(calls):
        timed()
    return max(0.0, (time.perf_counter() - started - bare) / calls)


class _PhaseStage:
    """A follow-up stage whose start marks a new phase of the update."""

    def __init__(self, stage: Stage, phase: str, recorder: Recorder) -> None:
        self._stage = stage
        self._phase = phase
        self._recorder = recorder

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        self._recorder.start_phase(self._phase)
        yield from self._stage.run(cancel)


def _public_methods(cls: type) -> list[str]:
    return [
        name
        for name, value in vars(cls).items()
        if callable(value) and not name.startswith("_") and name != "transaction"
    ]


def install_timers(recorder: Recorder) -> None:
    """Wrap what the update calls, by stage. Only this process is changed, not the product."""
    recorder.patch(Fetcher, "fetch", "fetch (HTTP, gunzip)")
    # The pipeline's work is split over a few modules (page work in monitor.pages, where that
    # module exists): each function is wrapped wherever the pipeline looks it up.
    callers = [pipeline]
    with contextlib.suppress(ImportError):
        callers.append(importlib.import_module("monitor.pages"))
    for name, stage in (
        ("parse_feed", "feed parse"),
        ("decode_document", "page decode"),
        ("extract_page", "page extraction"),
        ("detect_language_with_hint", "language detection"),
        ("wait", WAIT_STAGE[1]),
    ):
        for module in callers:
            if name in vars(module):
                recorder.patch(module, name, stage)
    for cls in (Store, TranslationStore, IndexProgress):
        for name in _public_methods(cls):
            recorder.patch(cls, name, STORE)
    recorder.patch(translation_stage, "segment", "sentence split (English articles)")
    recorder.patch(index_stage, "index_document", "index documents from articles")
    recorder.patch(SearchIndex, "apply", "Whoosh: analyse and add documents")
    recorder.patch(SearchIndex, "rebuild", "Whoosh: analyse and add documents")
    import whoosh.writing

    recorder.patch(whoosh.writing.SegmentWriter, "commit", COMMIT_STAGE[1])


def _fetch_json(url: str) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=60) as response:
        return json.loads(response.read())


def _check(monitor: Monitor, manifest: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Counts and a sanity check of what was stored (outside the timing)."""
    articles = monitor.store.articles()
    truth = manifest["articles"]
    agree = chars = true_chars = 0
    for article in articles:
        language, length, _ = truth[(article.url or "").removeprefix(base_url)]
        agree += article.language == language
        chars += len(article.text)
        true_chars += length
    return {
        "stored": len(articles),
        "pending": len(monitor.pending_articles()),
        "with_error": sum(1 for a in articles if a.last_error),
        "indexed": monitor.index.document_count(),
        "language_agreement": agree / max(1, len(articles)),
        "text_ratio": chars / max(1, true_chars),
        "sources": len(monitor.sources()),
    }


def measure(base_url: str, size: int, workdir: Path, *, index: str, timers: bool) -> dict[str, Any]:
    manifest = _fetch_json(f"{base_url}/__manifest/{size}")
    recorder = Recorder()
    data_dir = Path(tempfile.mkdtemp(prefix=f"ingest-{size}-", dir=workdir))
    opening = time.perf_counter()
    with open_monitor(data_dir, fetch_settings=BENCH_FETCH) as monitor:
        for path in manifest["feeds"]:
            monitor.add_source(base_url + path, check=False)
        if index == "incremental":
            for _ in monitor.sync_index():  # the empty collection's index, as at app start
                pass
        monitor.collector.stages = [
            _PhaseStage(monitor.translation_stage, "translate", recorder),
            _PhaseStage(monitor.index_stage, "index", recorder),
        ]
        if timers:
            install_timers(recorder)
        prepared = time.perf_counter()
        server_before = _fetch_json(f"{base_url}/__stats")
        load_before = os.getloadavg()[0]
        kinds: dict[str, int] = {}
        recorder.start_phase("collect")
        for progress in monitor.update_iter():
            kinds[progress.kind.value] = kinds.get(progress.kind.value, 0) + 1
            if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
                kinds["failed_pages"] = kinds.get("failed_pages", 0) + progress.report.failed
        recorder.start_phase("end")
        server_after = _fetch_json(f"{base_url}/__stats")
        load_after = os.getloadavg()[0]
        recorder.unpatch()
        counts = _check(monitor, manifest, base_url)
    disk = sum(path.stat().st_size for path in data_dir.rglob("*") if path.is_file())
    shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "size": size,
        "index": index,
        "timers": timers,
        "import_s": IMPORTED - STARTED,
        "prepare_s": prepared - opening,
        "phases": recorder.phases(),
        "stages": recorder.table(),
        "wrapped_calls": recorder.calls,
        "wrapper_cost_s": wrapper_cost(),
        "server_cpu_s": server_after["cpu"] - server_before["cpu"],
        "server_requests": server_after["requests"] - server_before["requests"] - 1,
        "load": [load_before, load_after],
        "disk_mb": disk / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "progress": kinds,
        "page_bytes": manifest["page_bytes"],
        **counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("size", type=int)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--index", choices=("incremental", "fresh"), default="incremental")
    parser.add_argument("--no-timers", action="store_true")
    arguments = parser.parse_args()
    result = measure(
        arguments.base_url,
        arguments.size,
        arguments.workdir,
        index=arguments.index,
        timers=not arguments.no_timers,
    )
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
