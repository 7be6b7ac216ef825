"""Watching the app's threads during a lag run, and reading the recording back.

* :class:`SchedStat` reads one thread's time on a CPU and time spent runnable but waiting for
  a CPU (Linux ``/proc/self/task/<tid>/schedstat``, nanoseconds). Whatever part of a stall of
  the main thread is neither is time it was blocked: here, waiting for the GIL.
* :class:`Watchdog` is a daemon thread that records every thread's CPU time every 50 ms, and
  snapshots the stacks of all Python threads whenever the main thread's timer is over 40 ms
  late. A thread holding the GIL inside one long C call (a big ``list.sort``) also keeps the
  watchdog out, so such a stall gets its sample only at its end; the CPU timeline still shows
  who ran.

:func:`analyse_lag` (run in the parent) turns a lag probe's recording into lag per phase
of the update and a list of :class:`Stall`, each split into the main thread running, waiting
for a CPU (the machine was busy) and blocked (on the GIL: nothing else blocks it here), with
the other threads' CPU time meanwhile; :func:`main_label` and :func:`busy_threads` name what a
sample shows.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common.paths import ROOT

LATE_S = 0.040  # stacks are snapshot once the timer is this late
TIMELINE_S = 0.050  # every thread's CPU time is recorded this often
POLL_S = 0.010
STACK_DEPTH = 40

Frame = tuple[str, int, str]  # file, line, function
TICK_MS = 5.0
STALL_MS = 50.0
PHASES = ("idle", "collecting", "translating", "indexing", "after")
_COLLECTING = {"source-started", "source-finished", "fetched", "extracted", "stored", "failed"}
_TRANSLATING = {"translated", "untranslated"}
_USER_ACTIONS = {"search typed", "next article", "search cleared"}
_PROJECT = ("ui", "monitor", "indexes", "translations")
_UI_PLUMBING = {"ui/app.py", "ui/launcher.py", "ui/tasks.py"}
# A thread whose innermost Python frame is one of these is waiting, not holding the GIL.
_WAITING_FILES = {"threading.py", "queue.py", "selectors.py", "socket.py", "thread.py", "sync.py"}


def stack(frame: Any) -> list[Frame]:
    """(file, line, function) from the innermost frame outwards, at most STACK_DEPTH."""
    entries: list[Frame] = []
    while frame is not None and len(entries) < STACK_DEPTH:
        code = frame.f_code
        entries.append((code.co_filename, frame.f_lineno, code.co_qualname))
        frame = frame.f_back
    return entries


class SchedStat:
    """One thread's seconds on a CPU and runnable-but-waiting (Linux ``schedstat``)."""

    def __init__(self, native_id: int) -> None:
        try:
            self._file: Any = open(f"/proc/self/task/{native_id}/schedstat", "rb")  # noqa: SIM115
        except OSError:  # not Linux: the thread's CPU time only
            self._file = None

    def read(self) -> tuple[float, float]:
        if self._file is None:
            return time.thread_time(), 0.0
        self._file.seek(0)  # procfs gives fresh numbers on every read from the start
        running, waiting, _slices = self._file.read().split()
        return int(running) / 1e9, int(waiting) / 1e9


class ThreadTimes:
    """CPU seconds of every thread of the process: Python's by name, native ones by ``comm``."""

    def __init__(self) -> None:
        self._names: dict[int, str] = {}

    def read(self) -> dict[str, float]:
        python_names = {t.native_id: t.name for t in threading.enumerate() if t.native_id}
        times: dict[str, float] = {}
        try:
            tasks = [int(tid) for tid in os.listdir("/proc/self/task")]
        except OSError:
            return times
        for tid in tasks:
            name = python_names.get(tid) or self._names.get(tid) or self._native_name(tid)
            try:
                with open(f"/proc/self/task/{tid}/schedstat", "rb") as stat:
                    times[name] = int(stat.read().split()[0]) / 1e9
            except OSError:
                continue  # the thread ended meanwhile
        return times

    def _native_name(self, tid: int) -> str:
        try:
            with open(f"/proc/self/task/{tid}/comm", encoding="utf-8") as comm:
                comm_name = comm.read().strip()
            # Threads Python did not start (CTranslate2's workers) carry the process's name.
            name = f"native {tid}" if comm_name.startswith("python") else f"{comm_name} {tid}"
        except OSError:
            name = f"thread-{tid}"
        self._names[tid] = name
        return name


class Watchdog(threading.Thread):
    """Samples the threads while ``last_tick()`` (a monotonic moment) is too long ago."""

    def __init__(self, last_tick: Callable[[], float]) -> None:
        super().__init__(name="bench-watchdog", daemon=True)
        self._last_tick = last_tick
        self._stopped = threading.Event()
        self.samples: list[dict[str, Any]] = []
        self.cpu_timeline: list[tuple[float, dict[str, float]]] = []

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        main_id = threading.main_thread().ident
        threads = ThreadTimes()
        last_timeline = 0.0
        while not self._stopped.wait(POLL_S):
            now = time.monotonic()
            if now - last_timeline >= TIMELINE_S:
                last_timeline = now
                self.cpu_timeline.append((now, threads.read()))
            late = now - self._last_tick()
            if late < LATE_S:
                continue
            names = {thread.ident: thread.name for thread in threading.enumerate()}
            frames = sys._current_frames()
            main = frames.get(main_id) if main_id is not None else None
            self.samples.append(
                {
                    "time": now,
                    "late": late,
                    "main": stack(main) if main is not None else [],
                    "others": {
                        names.get(ident, str(ident)): stack(frame)
                        for ident, frame in frames.items()
                        if ident not in (main_id, threading.get_ident())
                    },
                }
            )


# Naming what ran (in the parent, from the samples) ----------------------------------------


def _where(filename: str) -> str:
    path = Path(filename)
    if path.is_relative_to(ROOT):
        return str(path.relative_to(ROOT))
    parts = path.parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return path.name


def _is_project(filename: str) -> bool:
    path = Path(filename)
    return path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] in _PROJECT


def frame_label(stack: list[list[Any]]) -> str:
    """``job … innermost app frame → leaf``: which UI job, which app code, which library call."""
    project = [(f, name) for f, _line, name in stack if _is_project(f)]
    jobs = [(f, name) for f, name in project if f.startswith(str(ROOT / "ui"))]
    jobs = [(f, name) for f, name in jobs if _where(f) not in _UI_PLUMBING]
    parts = []
    if jobs:
        parts.append(f"{_where(jobs[0][0])}:{jobs[0][1]}")
    if project and project[0] not in jobs[:1]:
        parts.append(f"{_where(project[0][0])}:{project[0][1]}")
    leaf = f"{_where(stack[0][0])}:{stack[0][2]}"
    if not project or project[0][0] != stack[0][0]:
        parts.append(leaf)
    return " … ".join(parts[:-1]) + (" → " if len(parts) > 1 else "") + parts[-1]


def main_label(stack: list[list[Any]]) -> str:
    """What the main thread was in, from a sample of its stack."""
    inner = [(f, name) for f, _line, name in stack if _is_project(f)]
    if not inner or _where(inner[0][0]) in _UI_PLUMBING:
        return "the event loop (no Python frame: Qt's own work, or waiting for the GIL)"
    return frame_label(stack)


def busy_threads(sample: dict[str, Any]) -> list[str]:
    """``thread: frame label`` of each thread of a sample that was not waiting."""
    return [
        f"{thread.rsplit('_', 1)[0]}: {frame_label(stack)}"
        for thread, stack in sample["others"].items()
        if stack and Path(stack[0][0]).name not in _WAITING_FILES
    ]


# Reading a lag run (in the parent) ---------------------------------------------------------


@dataclass
class Stall:
    """One tick interval more than STALL_MS late; times in ms."""

    start: float  # monotonic seconds
    lag: float
    phase: str
    main_running: float
    main_runnable: float  # ready to run, waiting for a CPU
    others_cpu: dict[str, float]  # CPU of other threads around the stall (50 ms resolution)
    frames: list[str]  # what the watchdog saw busy threads run during the stall

    @property
    def main_blocked(self) -> float:
        return max(0.0, self.lag + TICK_MS - self.main_running - self.main_runnable)


@dataclass
class LagRun:
    size: int  # new articles the update brought
    existing: int  # articles the collection held before
    user: str  # what the simulated user did: "search-and-read", "read" or "none"
    seconds: float  # from "Update now" to the end of the update
    phase_seconds: dict[str, float]
    lags: dict[str, list[float]]  # ms, per phase
    stalls: list[Stall]
    samples: list[dict[str, Any]]
    indexed: int
    documents: int
    problem: str | None
    cpu_seconds: float
    requests: int
    user_actions: int
    search_ms: list[float]  # search requested (after the debounce) → its rows shown
    open_ms: list[float]  # article selected → its text shown in the reader
    unanswered: int  # searches and articles the window had not shown when the update ended
    started: float  # monotonic moment of "Update now"
    peak_rss_mb: float  # the app's peak resident memory over the run

    @property
    def all_lags(self) -> list[float]:
        return [lag for phase in PHASES for lag in self.lags[phase]]


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(share * len(ordered) + 0.5) - 1))]


def phase_bounds(raw: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Start and end (monotonic) of each phase of the run, from the app's own progress."""
    marks = raw["marks"]
    triggered, done = marks["update_triggered"], marks.get("update_done", marks["finished"])
    last: dict[str, float] = {}
    for moment, kind, _done, _total in raw["progress"]:
        if kind in _COLLECTING:
            group = "collecting"
        else:
            group = "translating" if kind in _TRANSLATING else "indexing"
        last[group] = max(last.get(group, triggered), moment)
    collected = last.get("collecting", triggered)
    translated = max(collected, last.get("translating", collected))
    return {
        "idle": (marks["ticking"], triggered),
        "collecting": (triggered, collected),
        "translating": (collected, translated),
        "indexing": (translated, done),
        "after": (done, marks["finished"]),
    }


def answer_times(events: list[list[Any]]) -> tuple[list[float], list[float], int]:
    """How long the window took to show search results and articles the user asked for."""
    searched: list[float] = []
    opened: list[float] = []
    unanswered = 0
    for position, (moment, what, detail) in enumerate(events):
        later = events[position + 1 :]
        if what == "search typed":
            # A search still being typed when the update ended was never asked: unanswered.
            unanswered += not any(w == "search requested" for _, w, _ in later)
            continue
        if what == "search requested":
            wanted, times = ("rows shown", True), searched
        elif what == "article selected":
            wanted, times = ("article shown", detail), opened
        else:
            continue
        answer = next((t for t, w, d in later if (w, d) == wanted), None)
        if answer is None:
            unanswered += 1
        else:
            times.append((answer - moment) * 1000)
    return searched, opened, unanswered


def _cpu_between(timeline: list[list[Any]], start: float, end: float) -> dict[str, float]:
    """Each thread's CPU ms from the last timeline point before ``start`` to the first after."""
    before = next((p for p in reversed(timeline) if p[0] <= start), None)
    after = next((p for p in timeline if p[0] >= end), None)
    if before is None or after is None:
        return {}
    return {name: (cpu - before[1].get(name, cpu)) * 1000 for name, cpu in after[1].items()}


def analyse_lag(
    size: int, existing: int, user: str, raw: dict[str, Any], cpu: float, requests: int
) -> LagRun:
    ticks, running, runnable = raw["ticks"], raw["tick_run"], raw["tick_wait"]
    bounds = phase_bounds(raw)
    marks = raw["marks"]
    lags: dict[str, list[float]] = {phase: [] for phase in PHASES}
    stalls = []
    for i in range(1, len(ticks)):
        start, end = ticks[i - 1], ticks[i]
        lag = max(0.0, (end - start) * 1000 - TICK_MS)
        phase = next((n for n, (a, b) in bounds.items() if a <= start < b), "after")
        lags[phase].append(lag)
        if lag > STALL_MS:
            others = _cpu_between(raw["cpu_timeline"], start, end)
            for own in ("MainThread", "bench-watchdog"):
                others.pop(own, None)
            frames = [
                label
                for sample in raw["samples"]
                if start <= sample["time"] <= end + 0.015
                for label in busy_threads(sample)
            ]
            main_running = (running[i] - running[i - 1]) * 1000
            main_runnable = (runnable[i] - runnable[i - 1]) * 1000
            stalls.append(Stall(start, lag, phase, main_running, main_runnable, others, frames))
    counts = raw.get("counts") or {}
    searched, opened, unanswered = answer_times(raw["events"])
    return LagRun(
        size=size,
        existing=existing,
        user=user,
        seconds=marks.get("update_done", marks["finished"]) - marks["update_triggered"],
        phase_seconds={name: end - start for name, (start, end) in bounds.items()},
        lags=lags,
        stalls=stalls,
        samples=raw["samples"],
        # TRANSLATED is the last state an article reaches; the index keeps its own progress,
        # and what it holds is ``documents``.
        indexed=counts.get("states", {}).get("TRANSLATED", 0),
        documents=counts.get("indexed_documents", 0),
        problem="; ".join([*([raw["problem"]] if raw.get("problem") else []), *raw["dialogs"]])
        or None,
        cpu_seconds=cpu,
        requests=requests,
        user_actions=sum(what in _USER_ACTIONS for _, what, _ in raw["events"]),
        search_ms=searched,
        open_ms=opened,
        unanswered=unanswered,
        started=marks["update_triggered"],
        peak_rss_mb=raw.get("peak_rss_mb", 0.0),
    )
