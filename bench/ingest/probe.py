"""One ingest measurement in a fresh process: the app's update path against the local site.

    python -m bench.ingest.probe BASE_URL SIZE WORKDIR [--index incremental|fresh] [--no-timers]

Opens a collection with :func:`monitor.app.open_monitor`, follows the site's feeds for SIZE
articles, then times ``Monitor.update_iter()`` to the end: collection (feeds, pages, text,
language, store), the translation stage (no models installed, so it only notes that) and the
index stage. Prints one JSON object with the phases, the per-stage timings and the counts
the benchmark checks.

``--index incremental`` (the default) syncs the empty collection's index first, as the app
does when it starts, so the update's index stage takes the everyday path: batches of
:data:`monitor.index_stage.BATCH_CHANGES` changes through ``SearchIndex.apply``.
``--index fresh`` leaves the index new, so the first update rebuilds it in bulk instead.

The per-stage timings come from wrappers put, in this process only, around the functions
the update calls, each where the product looks it up (:func:`install_timers`). A wrapper
whose name has gone, or that the run never called, would make its stage read zero without
a word; the probe raises :class:`HookError` instead.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import os
import queue
import resource
import shutil
import sys
import tempfile
import threading
import time
import types
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from bench.ingest.report import COMMIT_STAGE, WAIT_STAGE

STARTED = time.perf_counter()

from indexes.index import SearchIndex  # noqa: E402
from monitor import index_stage, translation_stage  # noqa: E402
from monitor.app import Monitor, open_monitor  # noqa: E402
from monitor.collect import extract_pool, pages, reading, update_run  # noqa: E402
from monitor.collect.fetch import Fetcher, FetchSettings  # noqa: E402
from monitor.names import entities, ner  # noqa: E402
from monitor.paths import index_dir  # noqa: E402
from monitor.store import Store  # noqa: E402
from monitor.store.changelog import ChangeLog  # noqa: E402
from monitor.store.names import NameStore  # noqa: E402
from monitor.store.notes import NoteStore  # noqa: E402
from monitor.store.stories import StoryStore  # noqa: E402
from monitor.store.translations import TranslationStore  # noqa: E402
from monitor.stories.grouping import StoryGrouper  # noqa: E402
from monitor.types import Progress, ProgressKind  # noqa: E402

IMPORTED = time.perf_counter()

# The product's politeness (2 requests in flight per host, 1 s between request starts) is
# deliberate for real outlets. Every feed here is on one loopback host, so it is lifted: the
# benchmark measures processing, not politeness. 8 > the pipeline's 4 workers: never a limit.
BENCH_FETCH = FetchSettings(per_host_concurrency=8, min_host_interval=0.0)
STORE = "store (SQLite)"
EXTRACTION_STAGE = "page extraction"
EXTRACTION_WAIT_STAGE = "page extraction: waiting for a worker process"
WORKER_STAGE = "page extraction in worker processes (their CPU, start included)"
Params = ParamSpec("Params")
Result = TypeVar("Result")


class HookError(RuntimeError):
    """A timing wrapper that hooks nothing: its name is gone, or the run never called it."""


def _qualified(owner: object, name: str) -> str:
    """``module.name`` or ``module.Class.name``: how a hook is named in messages."""
    if isinstance(owner, types.ModuleType):
        return f"{owner.__name__}.{name}"
    return f"{getattr(owner, '__module__', '?')}.{getattr(owner, '__qualname__', owner)}.{name}"


class Recorder:
    """Wall and CPU time per (phase, stage), summed over threads, each call counted once.

    A stage's time is *exclusive*: a wrapped call made inside another (a store method calling
    another, Whoosh's commit inside ``SearchIndex.apply``) is taken out of the outer one, so
    the stages add up. CPU time is the calling thread's own (``time.thread_time``), so a
    worker waiting for the GIL or the network is not counted as busy.

    Each patched name is a *hook*; :meth:`expect_called` names hooks of which at least one
    must be called, and :meth:`check_hooks` raises :class:`HookError` if one was not.
    """

    def __init__(self) -> None:
        self.calls = 0
        self.hook_calls: Counter[str] = Counter()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._totals: dict[tuple[str, str], list[float]] = {}
        self._phase = "setup"
        self._marks: list[tuple[str, float, float, float]] = []
        self._patched: list[tuple[object, str, object]] = []
        self._expected: list[tuple[str, ...]] = []
        self._running_stages: list[str] = []  # phases of the stages running, innermost last

    def start_phase(self, phase: str) -> None:
        """Mark the start of ``phase`` (and the end of the one before), on the main thread."""
        marks = (time.perf_counter(), time.process_time() + _children_cpu(), _waited_for_cpu())
        self._marks.append((phase, *marks))
        self._phase = phase

    def phases(self) -> dict[str, dict[str, float]]:
        """Wall and process CPU seconds of each phase, in order of first start, and how long
        the main thread was ready to run but waited for a CPU (other processes on a shared
        machine). A phase entered more than once (the index stage run from inside the
        translation stage, then again after it) is the sum of its stretches."""
        phases: dict[str, dict[str, float]] = {}
        for (name, wall, cpu, waited), (_, wall_end, cpu_end, waited_end) in itertools.pairwise(
            self._marks
        ):
            phase = phases.setdefault(name, {"wall": 0.0, "cpu": 0.0, "waited": 0.0})
            phase["wall"] += wall_end - wall
            phase["cpu"] += cpu_end - cpu
            phase["waited"] += waited_end - waited
        return phases

    def add(self, phase: str, stage: str, calls: int, cpu: float) -> None:
        """Record work done outside this process's threads (the extraction workers)."""
        entry = self._totals.setdefault((phase, stage), [0.0, 0.0, 0.0, 0.0])
        entry[0] += calls
        entry[2] += cpu

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

    def wrap(
        self, stage: str, function: Callable[Params, Result], hook: str = ""
    ) -> Callable[Params, Result]:
        local, lock, totals, hook_calls = self._local, self._lock, self._totals, self.hook_calls

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
                    hook_calls[hook] += 1
                    entry = totals.setdefault((self._phase, stage), [0.0, 0.0, 0.0, 0.0])
                    entry[0] += 1
                    entry[1] += wall - children[0]
                    entry[2] += cpu - children[1]
                    entry[3] = max(entry[3], cpu - children[1])

        return timed

    def patch(self, owner: object, name: str, stage: str) -> str:
        """Replace ``owner.name`` (a module function or a plain method) by a timed one.

        Returns the hook's name. Raises :class:`HookError` if ``owner`` has no such function.
        """
        hook = _qualified(owner, name)
        try:
            original = inspect.getattr_static(owner, name)
        except AttributeError:
            raise HookError(f"{hook} does not exist: the {stage!r} stage would read zero") from None
        plain = inspect.isfunction(original) if isinstance(owner, type) else callable(original)
        if not plain:
            raise HookError(f"{hook} is not a plain function or method: it cannot be timed")
        setattr(owner, name, self.wrap(stage, getattr(owner, name), hook))
        self._patched.append((owner, name, original))
        return hook

    def mark_phase(self, owner: type, name: str, phase: str) -> None:
        """Start ``phase`` whenever the generator method ``owner.name`` (a follow-up stage of
        the update) starts running."""
        run = getattr(owner, name, None)
        if not inspect.isfunction(run):  # a generator, or a function returning an iterator
            raise HookError(f"{_qualified(owner, name)} is not a stage's run: no {phase!r} phase")
        recorder = self

        def marked(*args: Any, **kwargs: Any) -> Iterator[Any]:
            running = recorder._running_stages
            running.append(phase)
            recorder.start_phase(phase)
            try:
                yield from run(*args, **kwargs)
            finally:
                running.pop()
                if running:  # run from inside another stage: the rest is that stage's again
                    recorder.start_phase(running[-1])

        self.substitute(owner, name, marked)

    def substitute(self, owner: object, name: str, value: object) -> None:
        """Put ``value`` in place of ``owner.name`` until :meth:`unpatch` (it must exist)."""
        if not hasattr(owner, name):
            raise HookError(f"{_qualified(owner, name)} does not exist")
        self._patched.append((owner, name, inspect.getattr_static(owner, name)))
        setattr(owner, name, value)

    def expect_called(self, *hooks: str) -> None:
        """Have :meth:`check_hooks` fail unless at least one of ``hooks`` was called."""
        self._expected.append(hooks)

    def check_hooks(self) -> None:
        """Raise :class:`HookError` naming every expected hook the run never called."""
        called = self.hook_calls
        never = [
            " or ".join(hooks) for hooks in self._expected if not any(called[h] for h in hooks)
        ]
        if never:
            raise HookError(
                "never called during the update, so their stages would read zero: "
                + "; ".join(never)
            )

    def unpatch(self) -> None:
        for owner, name, original in reversed(self._patched):
            setattr(owner, name, original)
        self._patched.clear()


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended: the extraction workers, which
    an update stops before it ends its collection phase."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


class _NoWork:
    """A follow-up stage that does nothing."""

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        return iter(())


class _FinishedQueue(queue.SimpleQueue):  # type: ignore[type-arg]
    """The queue through which the collection's main loop gets finished work, as the pipeline
    makes it, with a ``get`` of its own that can be timed (``SimpleQueue``'s is C code)."""

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        return super().get(block, timeout)


# Functions the update calls, each wrapped in the module that looks it up when it calls it
# (a name imported elsewhere would be wrapped in vain), and each expected to be called.
FUNCTIONS = (
    (reading, "parse_feed", "feed parse"),
    (pages, "decode_document", "page decode"),
    (pages, "detect_language_with_hint", "language detection"),
    (translation_stage, "segment", "sentence split (English articles)"),
    (index_stage, "index_document", "index documents from articles"),
    # Entity finding runs inside the index stage: the alias table's forms in every article,
    # and the Russian NER model (slovnet) in Russian ones, timed apart.
    (index_stage, "article_entities", "entities: alias table"),
    (entities, "found_by_model", "entities: Russian NER (slovnet)"),
    (index_stage, "names_by_model", "entities: Russian NER (slovnet)"),
)


def _store_methods(cls: type) -> list[tuple[type, str]]:
    """The public methods of ``cls`` and of the store classes it inherits, where defined."""
    return [
        (owner, name)
        for owner in cls.__mro__
        if owner.__module__.startswith("monitor.store")
        for name, value in vars(owner).items()
        if inspect.isfunction(value) and not name.startswith("_") and name != "transaction"
    ]


def install_timers(recorder: Recorder) -> None:
    """Wrap what the update calls, by stage. Only this process is changed, not the product."""
    recorder.expect_called(recorder.patch(Fetcher, "fetch", "fetch (HTTP, gunzip)"))
    for module, name, stage in FUNCTIONS:
        recorder.expect_called(recorder.patch(module, name, stage))
    # Pages are extracted in the update's threads until it has enough of them to start its
    # worker processes (whose CPU is counted when they end: see measure); a thread then
    # waits for its page, which costs it next to no CPU.
    recorder.expect_called(
        recorder.patch(extract_pool, "extract_page", EXTRACTION_STAGE),
        recorder.patch(extract_pool.ExtractionPool, "extract", EXTRACTION_WAIT_STAGE),
    )
    # The main loop waits for finished pages on a queue the update run makes: its own queue
    # module is given a queue class whose waits are timed.
    timed_queue = types.SimpleNamespace(**{**vars(queue), "SimpleQueue": _FinishedQueue})
    recorder.substitute(update_run, "queue", timed_queue)
    recorder.expect_called(recorder.patch(_FinishedQueue, "get", WAIT_STAGE[1]))
    # Grouping into stories (features, candidates, likeness); its store reads are timed apart.
    recorder.expect_called(recorder.patch(StoryGrouper, "settle", "stories: grouping"))
    recorder.patch(ner, "_default", "entities: NER model lookup (loaded once)")
    for cls in (Store, TranslationStore, ChangeLog, NameStore, NoteStore, StoryStore):
        methods = _store_methods(cls)
        recorder.expect_called(*(recorder.patch(owner, name, STORE) for owner, name in methods))
    whoosh_stage = "Whoosh: analyse and add documents"
    # An incremental update applies changes, a collection's first rebuilds: one of the two.
    recorder.expect_called(
        recorder.patch(SearchIndex, "apply", whoosh_stage),
        recorder.patch(SearchIndex, "rebuild", whoosh_stage),
    )
    import whoosh.writing

    recorder.expect_called(recorder.patch(whoosh.writing.SegmentWriter, "commit", COMMIT_STAGE[1]))


def _fetch_json(url: str) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=60) as response:
        return json.loads(response.read())


def _check(monitor: Monitor, manifest: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Counts and a sanity check of what was stored (outside the timing)."""
    articles = monitor.articles()
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
        # Plugging in a stage builds the collector and its stages now, outside the timing, as
        # reaching them did before the Monitor hid its parts (opening a new index takes 0.4 s).
        monitor.add_stage(_NoWork())
        # The update's follow-up stages mark the phases (after the sync above, an index run).
        recorder.mark_phase(translation_stage.TranslationStage, "run", "translate")
        recorder.mark_phase(index_stage.IndexStage, "run", "index")
        if timers:
            install_timers(recorder)
        prepared = time.perf_counter()
        server_before = _fetch_json(f"{base_url}/__stats")
        load_before = os.getloadavg()[0]
        kinds: dict[str, int] = {}
        children_before = _children_cpu()
        recorder.start_phase("collect")
        for progress in monitor.update_iter():
            kinds[progress.kind.value] = kinds.get(progress.kind.value, 0) + 1
            if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
                kinds["failed_pages"] = kinds.get("failed_pages", 0) + progress.report.failed
        recorder.start_phase("end")
        if timers:
            sent = recorder.hook_calls[_qualified(extract_pool.ExtractionPool, "extract")]
            here = recorder.hook_calls[_qualified(extract_pool, "extract_page")]
            workers = _children_cpu() - children_before
            if workers > 0:
                recorder.add("collect", WORKER_STAGE, sent - here, workers)
        server_after = _fetch_json(f"{base_url}/__stats")
        load_after = os.getloadavg()[0]
        recorder.unpatch()
        if timers:
            recorder.check_hooks()
        missing = {"collect", "translate", "index"} - recorder.phases().keys()
        if missing:
            raise HookError(f"the update never started its phases {sorted(missing)}")
        counts = _check(monitor, manifest, base_url)
    left = SearchIndex(index_dir(data_dir))  # what the update left in the index
    counts["indexed"] = left.document_count()
    left.close()
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
