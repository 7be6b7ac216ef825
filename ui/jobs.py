"""The long jobs the window starts, as plain functions run on the writer thread.

Each takes the writer's Monitor, a progress callback and a cancel flag (see
:meth:`ui.tasks.TaskManager.run_long`), and returns a short summary for the status bar.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from monitor import Monitor
from monitor.types import Progress, ProgressKind

Report = Callable[[Progress], None]


def update(
    monitor: Monitor, report: Report, cancel: threading.Event, *, due_only: bool = False
) -> str:
    new, queued = _collect(monitor.update_iter(due_only=due_only, cancel=cancel), report)
    if cancel.is_set():
        return f"Stopped: {new} new articles kept; the rest next update"
    return f"{new} new articles" + _queued(queued)


def load_demo(monitor: Monitor, report: Report, cancel: threading.Event) -> str:
    sources = monitor.add_demo_sources()
    new, queued = _collect(monitor.update_iter([s.id for s in sources], cancel=cancel), report)
    if cancel.is_set():
        return f"Demo collection stopped: {new} articles kept; the rest next update"
    return f"Demo collection loaded: {new} articles" + _queued(queued)


def _collect(updating: Iterator[Progress], report: Report) -> tuple[int, int]:
    """Pass an update's progress on; count the new articles and the pages left for later."""
    new = queued = 0
    for progress in updating:
        report(progress)
        if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
            new += progress.report.new
            queued += progress.report.queued
    return new, queued


def _queued(pages: int) -> str:
    return f"; {pages} pages queued for the next update" if pages else ""


def translate_waiting(monitor: Monitor, report: Report, cancel: threading.Event) -> str:
    count = 0
    left = False  # the team's translation workers run on the shared store
    for progress in monitor.translate_iter(cancel):
        report(progress)
        count += progress.kind is ProgressKind.TRANSLATED
        left = left or progress.kind is ProgressKind.LEFT_TO_WORKERS
    for progress in monitor.sync_index(cancel):
        report(progress)
    return "Translation is done by the team's workers" if left else f"{count} articles translated"
