"""Background work for the UI, after Anki's ``taskman``: the window never waits.

Two single-thread executors, each owning its own :class:`~monitor.Monitor` (a SQLite
connection and an index belong to the thread that uses them):

* the **writer** runs everything that writes — updates, translation, indexing, installs,
  source edits — one job at a time, so the store and the index have a single writer;
* the **reader** runs queries — searches, article lists, the reader's text — so a slow
  query never waits behind an update (SQLite's WAL lets it read while the writer writes).

Network work inside an update already runs in the core's own small pool. Results come back
to the main thread by a queued signal; no widget is touched from a worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from monitor import Monitor, open_monitor
from monitor.types import Progress

T = TypeVar("T")
Job = Callable[[Monitor], T]
LongJob = Callable[[Monitor, Callable[[Progress], None], threading.Event], T]


class TaskManager(QObject):
    """Runs jobs on the writer or reader thread and calls back on the main thread.

    Signals:
        delivered(object): internal; carries (callback, future) to the main thread.
        progressed(str, object): a long job's name and its latest :class:`Progress`.
        busy_changed(bool): whether a long job is running.
    """

    delivered = Signal(object)
    progressed = Signal(str, object)
    busy_changed = Signal(bool)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self._local = threading.local()
        self._writer = ThreadPoolExecutor(1, "monitor-writer", initializer=self._open)
        self._reader = ThreadPoolExecutor(1, "monitor-reader", initializer=self._open)
        self._cancel: threading.Event | None = None
        self._long_running = 0
        self._closed = False
        self._pending: set[Future[Any]] = set()
        self._callbacks: dict[int, Callable[[Future[Any]], None]] = {}
        self._next_key = 0
        self.delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _open(self) -> None:
        self._local.monitor = open_monitor(self.data_dir)

    def _monitor(self) -> Monitor:
        monitor: Monitor = self._local.monitor
        return monitor

    # Submitting -------------------------------------------------------------------------

    def read(self, job: Job[T], on_done: Callable[[Future[T]], None] | None = None) -> None:
        """Run a query on the reader thread."""
        self._submit(self._reader, job, on_done)

    def write(self, job: Job[T], on_done: Callable[[Future[T]], None] | None = None) -> None:
        """Run a change on the writer thread (after the writes already queued)."""
        self._submit(self._writer, job, on_done)

    def run_long(
        self,
        name: str,
        job: LongJob[T],
        on_done: Callable[[Future[T]], None] | None = None,
    ) -> threading.Event:
        """A cancellable writer job that reports progress; returns its cancel flag."""
        cancel = threading.Event()
        self._cancel = cancel
        self._long_running += 1
        self.busy_changed.emit(True)

        def report(progress: Progress) -> None:
            self.progressed.emit(name, progress)  # queued to the main thread by Qt

        def finished(future: Future[T]) -> None:
            self._long_running -= 1
            if not self._long_running:
                self.busy_changed.emit(False)
            if on_done is not None:
                on_done(future)

        self._submit(self._writer, lambda monitor: job(monitor, report, cancel), finished)
        return cancel

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    @property
    def busy(self) -> bool:
        return self._long_running > 0

    def _submit(
        self,
        executor: ThreadPoolExecutor,
        job: Job[T],
        on_done: Callable[[Future[T]], None] | None,
    ) -> None:
        if self._closed:
            return
        future = executor.submit(lambda: job(self._monitor()))
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        if on_done is not None:
            # The worker sees only a number: callbacks often hold widgets, and a widget's last
            # reference must never be dropped on a worker thread.
            self._next_key += 1
            key = self._next_key
            self._callbacks[key] = on_done
            future.add_done_callback(lambda done: self.delivered.emit((key, done)))

    def _deliver(self, payload: tuple[int, Future[Any]]) -> None:
        key, future = payload
        callback = self._callbacks.pop(key, None)
        if callback is not None and not self._closed:
            callback(future)

    def reload(self) -> None:
        """Reopen each thread's Monitor after queued work (new settings take effect)."""
        for executor in (self._writer, self._reader):
            executor.submit(self._reopen_local)

    def _reopen_local(self) -> None:
        self._close_local()
        self._open()

    # Closing ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Cancel, let the running job stop at its next step, close each Monitor in its thread."""
        self._closed = True
        self.cancel()
        for future in list(self._pending):
            future.cancel()  # queued jobs never start; a running one finishes its step
        for executor in (self._writer, self._reader):
            executor.submit(self._close_local)
            executor.shutdown(wait=True)
        self._callbacks.clear()

    def _close_local(self) -> None:
        monitor = getattr(self._local, "monitor", None)
        if monitor is not None:
            monitor.close()  # every commit is already done; this releases the files
