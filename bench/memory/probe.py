"""The memory benchmark's child process: use the app on a data folder, and sample its RSS.

    python -m bench.memory.probe PLAN.json RESULT.json

The plan names the data folder, the mode, the searches to run and the articles to open.

* ``app`` mode starts the real desktop app (``ui.app.create_window``, offscreen), then acts
  as a user: types each search into the search bar, opens the first hit of each search in
  the reader, and finally opens an article waiting for translation, so that the app
  prioritises it, loads the model and translates the queue on its writer thread, then
  brings the index up to date. Between steps it waits until the app is idle: a no-op job
  sent to the reader and to the writer has come back on the main thread, and no long job
  runs. The event loop is run by a local ``QEventLoop``, the way pytest-qt waits.
* ``core`` mode does the same work with one :class:`~monitor.Monitor` and no Qt: the same
  query builders the app's reader thread runs (``ui.queries``, which is Qt-free), then
  ``prioritize``, ``translate_iter`` and ``sync_index``.
* ``model`` mode translates the same waiting articles with the translation engine alone
  (the app's settings, no store, no index): what one loaded model costs.

A daemon thread reads ``VmRSS`` from ``/proc/self/status`` every 50 ms; at each phase the
probe records VmRSS with its anonymous and file-backed parts (the index's files are read
through mmap and count as file-backed), and at the end ``VmHWM`` (the kernel's peak) and
``getrusage`` ``ru_maxrss``; last, after glibc's ``malloc_trim``, VmRSS again: the part that
goes is freed heap the allocator kept, not memory in use. With ``trace`` set, tracemalloc
runs from the start and the result holds the largest Python allocations, grouped by file.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common.paths import ROOT
from indexes.types import SearchRequest

if TYPE_CHECKING:
    from ui.tasks import TaskManager

SAMPLE_SECONDS = 0.05
SETTLE_TIMEOUT = 600.0
START_TIMEOUT = 60.0
PAGE_SIZE = 50  # the search bar's page (ui.search_bar.SearchBar), for the core's searches
_STATUS_FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem")


def memory_status() -> dict[str, float]:
    """This process's resident memory from ``/proc/self/status``, in MiB."""
    values: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in _STATUS_FIELDS:
                values[name] = int(rest.split()[0]) / 1024
    return values


class RssSampler(threading.Thread):
    """Reads VmRSS every 50 ms and remembers the highest value and the phase it came in."""

    def __init__(self) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self.phase = "start"
        self.highest = 0.0
        self.highest_phase = self.phase
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(SAMPLE_SECONDS):
            rss = memory_status()["VmRSS"]
            self.samples += 1
            if rss > self.highest:
                self.highest, self.highest_phase = rss, self.phase

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


class Recorder:
    """Phases in order, each with its memory status and how long it took."""

    def __init__(self, sampler: RssSampler) -> None:
        self.sampler = sampler
        self.phases: list[dict[str, Any]] = []
        self.traced: dict[str, Any] = {}
        self._last = time.perf_counter()

    def mark(self, name: str, **extra: Any) -> None:
        now = time.perf_counter()
        self.phases.append({"phase": name, "seconds": now - self._last, **memory_status(), **extra})
        self._last = now
        self.sampler.phase = f"after {name}"

    def trim(self) -> None:
        """Record how much of what stays resident is freed heap the allocator keeps.

        Called at the end of the work, before anything is closed; when tracemalloc is on,
        this is also where its snapshot is taken.
        """
        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot()
            current, peak = tracemalloc.get_traced_memory()
            self.traced = {
                "traced_mib": current / 2**20,
                "traced_peak_mib": peak / 2**20,
                "top_files": top_allocations(snapshot),
            }
            del snapshot
        if release_free_heap():
            self.mark("trimmed")


# --- the app, through Qt ------------------------------------------------------------------


def wait_until(condition: Callable[[], bool], timeout: float = SETTLE_TIMEOUT) -> None:
    """Run Qt's event loop until ``condition`` holds (as pytest-qt's ``waitUntil`` does)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(
        lambda: loop.quit() if condition() or time.monotonic() > deadline else None
    )
    timer.start(5)
    loop.exec()
    timer.stop()
    if not condition():
        raise TimeoutError(f"the app did not get there in {timeout:.0f} s")


def settle(tasks: TaskManager) -> None:
    """Wait until the app is idle: no long job, and both workers' queues drained."""
    for _ in range(3):  # a callback that comes back in one round may queue more work
        _drain(tasks)


def _drain(tasks: TaskManager) -> None:
    back: set[str] = set()

    def read_back(_result: None) -> None:
        back.add("read")

    def write_back(_result: None) -> None:
        back.add("write")

    from ui.tasks import Changes

    # Each worker runs its queue in order, and results come back in order: when this job's
    # answer arrives, everything queued before it has come back too.
    tasks.read(_nothing, success=read_back)
    tasks.write(_nothing, changes=Changes.NONE, success=write_back)
    wait_until(lambda: len(back) == 2 and not tasks.busy)


def _nothing(_monitor: object) -> None:
    """A job that only marks its place in a worker's queue."""


def run_app(plan: dict[str, Any], recorder: Recorder) -> dict[str, Any]:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from ui.app import create_window
    from ui.dialogs.settings import APPLICATION, ORGANIZATION

    recorder.mark("imported")
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication([sys.argv[0]])

    window = create_window(plan["data_dir"])
    window.show()
    settle(window.tasks)
    recorder.mark("started", listed=len(window.article_list.rows()))

    hits = opened = 0
    for query in plan["queries"]:
        window.search_bar.set_query(query)
        settle(window.tasks)
        rows = window.article_list.rows()
        hits += bool(rows)
        if rows and window.article_list.select_id(rows[0].id):
            settle(window.tasks)
            opened += 1
    recorder.mark("searched", searches=len(plan["queries"]), with_hits=hits, opened=opened)

    waiting = plan["waiting"][0]
    window.open_article(waiting)
    # Opening it queues the translation on the writer; wait for it to start, then finish.
    wait_until(lambda: window.tasks.busy, START_TIMEOUT)
    settle(window.tasks)
    translated = {"count": 0}
    window.tasks.read(
        lambda m: sum(m.translation(i) is not None for i in plan["waiting"]),
        success=lambda count: translated.update(count=count),
    )
    settle(window.tasks)
    recorder.mark("translated", translated=translated["count"])
    recorder.trim()
    window.close()  # saves the window state and shuts the workers down
    app.quit()
    return {"translated": translated["count"], "hits": hits, "opened": opened}


# --- the core alone -------------------------------------------------------------------


def run_core(plan: dict[str, Any], recorder: Recorder) -> dict[str, Any]:
    from monitor import open_monitor
    from ui import queries

    recorder.mark("imported")
    monitor = open_monitor(plan["data_dir"])
    listed = len(queries.article_rows(monitor))
    queries.source_rows(monitor)
    recorder.mark("started", listed=listed)

    hits = opened = 0
    for query in plan["queries"]:
        rows, _, _ = queries.search_rows(monitor, SearchRequest(query, page_size=PAGE_SIZE))
        hits += bool(rows)
        if rows:
            queries.reader_content(monitor, rows[0].id, (query,))
            monitor.set_flags(rows[0].id, read=True)
            opened += 1
    recorder.mark("searched", searches=len(plan["queries"]), with_hits=hits, opened=opened)

    waiting = plan["waiting"][0]
    content = queries.reader_content(monitor, waiting)
    if content.queue_position is not None:
        monitor.prioritize(waiting)
        for _ in monitor.translate_iter():
            pass
        for _ in monitor.sync_index():
            pass
    queries.reader_content(monitor, waiting)
    translated = sum(monitor.translation(i) is not None for i in plan["waiting"])
    recorder.mark("translated", translated=translated)
    recorder.trim()
    monitor.close()
    return {"translated": translated, "hits": hits, "opened": opened}


# --- the model alone --------------------------------------------------------------------


def run_model(plan: dict[str, Any], recorder: Recorder) -> dict[str, Any]:
    """The translation engine alone, with the app's settings, on the same waiting articles."""
    from monitor.paths import models_dir
    from monitor.settings import Settings
    from translations.align import translate_documents
    from translations.cache import MemoryCache
    from translations.engine import Engine
    from translations.packages import PackageFolder
    from translations.types import DocumentTranslation, SourceDocument

    recorder.mark("imported")
    folder = PackageFolder(models_dir(Path(plan["data_dir"])))
    engine = Engine(folder, Settings().translation(), cache=MemoryCache())
    recorder.mark("started")
    documents = [SourceDocument(*article) for article in plan["waiting_articles"]]
    results = list(translate_documents(engine, documents, "en"))
    translated = sum(isinstance(result, DocumentTranslation) for result in results)
    recorder.mark("translated", translated=translated)
    recorder.trim()
    return {"translated": translated, "hits": 0, "opened": 0}


# --- the process ----------------------------------------------------------------------


def release_free_heap() -> bool:
    """Ask glibc to give freed heap back to the system (``malloc_trim``); False if not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


def top_allocations(snapshot: tracemalloc.Snapshot, limit: int = 15) -> list[dict[str, Any]]:
    """The files holding the most traced memory, largest first (MiB and block counts)."""
    statistics = snapshot.statistics("filename")
    root = str(ROOT)
    result = []
    for statistic in statistics[:limit]:
        filename = statistic.traceback[0].filename
        for prefix in (root + os.sep, sys.prefix + os.sep, sys.base_prefix + os.sep):
            filename = filename.removeprefix(prefix)
        result.append({"file": filename, "mib": statistic.size / 2**20, "blocks": statistic.count})
    return result


def open_index_without_mmap() -> None:
    """What-if for ``indexes/index.py``: open the index with Whoosh's mmap turned off.

    With mmap, Whoosh's compound segment hands out each part of the segment as
    ``BytesIO(memoryview(mmap))``, which copies the part, postings included, into memory
    when a reader opens it: the whole segment is then resident twice (the mapped file and
    the copy). Without mmap, parts are read from the file as needed.
    """
    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage

    def open_dir(dirname: str, indexname: str | None = None, readonly: bool = False) -> Any:
        storage = FileStorage(dirname, supports_mmap=False, readonly=readonly)
        return storage.open_index(indexname) if indexname else storage.open_index()

    whoosh_index.open_dir = open_dir


def probe(plan: dict[str, Any]) -> dict[str, Any]:
    """Run the plan in this process and return what was measured."""
    if plan.get("index_without_mmap"):
        open_index_without_mmap()
    tracing = bool(plan.get("trace"))
    if tracing:
        tracemalloc.start()
    sampler = RssSampler()
    sampler.start()
    recorder = Recorder(sampler)
    recorder.mark("interpreter")
    runners = {"app": run_app, "core": run_core, "model": run_model}
    counts = runners[plan["mode"]](plan, recorder)
    sampler.stop()
    status = memory_status()
    result: dict[str, Any] = {
        "mode": plan["mode"],
        "phases": recorder.phases,
        # The kernel updates VmHWM lazily, so a sample can be a little higher than it.
        "peak": max(status["VmHWM"], sampler.highest, *(p["VmRSS"] for p in recorder.phases)),
        "peak_hwm": status["VmHWM"],
        "peak_sampled": sampler.highest,
        "peak_phase": sampler.highest_phase,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "samples": sampler.samples,
        **counts,
    }
    if tracing:
        tracemalloc.stop()
        result.update(recorder.traced)
    return result


def main(argv: list[str]) -> int:
    plan_file, result_file = (Path(argument) for argument in argv)
    plan = json.loads(plan_file.read_text("utf-8"))
    result = probe(plan)
    result_file.write_text(json.dumps(result, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
