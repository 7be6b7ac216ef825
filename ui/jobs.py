"""The long jobs the window starts, as plain functions run on the writer thread.

Each takes the writer's Monitor, a progress callback and a cancel flag (see
:meth:`ui.tasks.TaskManager.run_long`), and returns a short summary for the status bar.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from monitor import Monitor
from monitor.types import Progress, ProgressKind

Report = Callable[[Progress], None]


def update(
    monitor: Monitor, report: Report, cancel: threading.Event, *, due_only: bool = False
) -> str:
    new = 0
    for progress in monitor.update_iter(due_only=due_only, cancel=cancel):
        report(progress)
        if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
            new += progress.report.new
    return f"{new} new articles"


def load_demo(monitor: Monitor, report: Report, cancel: threading.Event) -> str:
    sources = monitor.add_demo_sources()
    new = 0
    for progress in monitor.update_iter([s.id for s in sources], cancel=cancel):
        report(progress)
        if progress.kind is ProgressKind.SOURCE_FINISHED and progress.report:
            new += progress.report.new
    return f"Demo collection loaded: {new} articles"


def translate_waiting(monitor: Monitor, report: Report, cancel: threading.Event) -> str:
    count = 0
    for progress in monitor.translate_iter(cancel):
        report(progress)
        count += progress.kind is ProgressKind.TRANSLATED
    for progress in monitor.sync_index(cancel):
        report(progress)
    return f"{count} articles translated"
