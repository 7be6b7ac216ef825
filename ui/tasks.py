"""Background work for the UI, after Anki's ``taskman`` and ``CollectionOp``/``QueryOp``.

Two single-thread executors, each owning its own :class:`~monitor.Monitor` (a SQLite
connection and an index belong to the thread that uses them):

* the **writer** runs everything that writes — updates, translation, indexing, installs,
  source edits — one job at a time, so the store and the index have a single writer;
* the **reader** runs queries — searches, article lists, the reader's text — so a slow
  query never waits behind an update (SQLite's WAL lets it read while the writer writes).

Network work inside an update already runs in the core's own small pool. Results come back
to the main thread by a queued signal; no widget is touched from a worker.

Every job is given what to do with its outcome, called on the main thread: ``success`` with
the job's result, ``failure`` with the exception it raised. A job without a ``failure`` of
its own goes to the default handler: :attr:`TaskManager.failed` carries the message written
for the user, and the window shows it in one place. Each write says what it
:class:`Changes`, so the window reloads only the views that show it; a write that changed
articles, translations or notes is followed by an index sync on the writer, the only thread
that writes the index.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from shiboken6 import isValid

from monitor import Monitor, open_monitor
from monitor.errors import MonitorError
from monitor.types import Progress
from ui.activity import UserActivity

T = TypeVar("T")
Job = Callable[[Monitor], T]
LongJob = Callable[[Monitor, Callable[[Progress], None], threading.Event], T]
Success = Callable[[T], object]
Failure = Callable[[BaseException], object]
MonitorFactory = Callable[[], Monitor]

log = logging.getLogger(__name__)


class Changes(enum.Flag):
    """What a write job changed: the window reloads the views that show it, and no other."""

    NONE = 0
    SOURCES = enum.auto()  # followed sources: added, removed, renamed, checked
    ARTICLES = enum.auto()  # articles stored, removed or their text changed
    FLAGS = enum.auto()  # the user's read and starred marks
    TRANSLATIONS = enum.auto()  # translations stored
    MODELS = enum.auto()  # translation models installed or removed
    WATCHLISTS = enum.auto()  # saved searches added or seen
    SETTINGS = enum.auto()  # the collection's settings saved
    NOTES = enum.auto()  # the user's highlights and notes on sentences


# The articles' text as the window shows it: it reloads its list and reader after such a write.
INDEXED = Changes.ARTICLES | Changes.TRANSLATIONS
# What the search index is built from: a write that changed these is followed by a sync.
# (The reader shows notes as it saves them: nothing is reloaded for them.)
SEARCHED = INDEXED | Changes.NOTES


def failure_message(error: BaseException) -> str:
    """What went wrong, said for the user (a :class:`MonitorError`'s text is written so)."""
    if isinstance(error, MonitorError):
        return str(error)
    if isinstance(error, CancelledError):
        return "Cancelled."
    # A bug must not take the window down; keep its traceback in the log.
    log.error("background job failed", exc_info=error)
    return f"Unexpected error: {error or type(error).__name__}"


@dataclass(slots=True)
class _Waiting:
    """A job's outcome handlers, held on the main thread until its result arrives."""

    changes: Changes
    success: Success[Any] | None
    failure: Failure | None
    owner: QObject | None
    long_name: str | None = None  # a long job's name (it counts towards ``busy``)
    on_writer: bool = False


class TaskManager(QObject):
    """Runs jobs on the writer or reader thread and calls back on the main thread.

    ``monitor_factory`` opens each thread's Monitor (called on that thread, again after
    :meth:`reload`); by default ``open_monitor(data_dir)``. Tests and benchmarks pass their own.

    Signals:
        delivered(object): internal; carries (key, future) to the main thread.
        progressed(str, object): a long job's name and its latest :class:`Progress`.
        busy_changed(bool): whether a long job is running (or queued); see also
            :attr:`writing` and :attr:`syncing`.
        changed(object): the :class:`Changes` of a write that finished (a long job's also
            when it stopped on an error: what it stored before stays stored).
        failed(str): a job without a ``failure`` handler failed; the message for the user.
    """

    delivered = Signal(object)
    progressed = Signal(str, object)
    busy_changed = Signal(bool)
    changed = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        parent: QObject | None = None,
        *,
        monitor_factory: MonitorFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.activity = UserActivity()  # the writer translates faster while it is idle
        self._open_monitor: MonitorFactory = monitor_factory or (
            lambda: open_monitor(data_dir, interactive=True, user_active=self.activity.working)
        )
        self._local = threading.local()
        self._writer = ThreadPoolExecutor(1, "monitor-writer", initializer=self._open)
        self._reader = ThreadPoolExecutor(1, "monitor-reader", initializer=self._open)
        self._cancel: threading.Event | None = None
        self._closing = threading.Event()  # stops an index sync when the window closes
        self._long_running = 0
        self._writer_jobs = 0  # submitted to the writer, outcome not yet delivered
        self._sync_followers: list[_Waiting] | None = None  # while an index sync is on its way
        self._closed = False
        self._pending: set[Future[Any]] = set()
        self._waiting: dict[int, _Waiting] = {}
        self._next_key = 0
        self.delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def _open(self) -> None:
        self._local.monitor = self._open_monitor()

    def _monitor(self) -> Monitor:
        monitor: Monitor = self._local.monitor
        return monitor

    # Submitting -------------------------------------------------------------------------

    def read(
        self,
        job: Job[T],
        *,
        success: Success[T] | None = None,
        failure: Failure | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run a query on the reader thread.

        ``success(result)`` or ``failure(error)`` is called on the main thread, unless
        ``owner`` (the widget the handlers belong to) has been deleted meanwhile.
        """
        self.activity.note()  # the window asks on its user's behalf
        self._submit(self._reader, job, _Waiting(Changes.NONE, success, failure, owner))

    def write(
        self,
        job: Job[T],
        *,
        changes: Changes,
        success: Success[T] | None = None,
        failure: Failure | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run a change on the writer thread (after the writes already queued).

        ``changes`` says what the job changes; :attr:`changed` announces it once it succeeded.
        """
        self.activity.note()
        self._submit(self._writer, job, _Waiting(changes, success, failure, owner))

    def run_long(
        self,
        name: str,
        job: LongJob[T],
        *,
        changes: Changes,
        success: Success[T] | None = None,
        failure: Failure | None = None,
        owner: QObject | None = None,
    ) -> threading.Event:
        """A cancellable writer job that reports progress; returns its cancel flag.

        Without a ``failure`` handler, its error reaches :attr:`failed` as "``name`` stopped:
        …". Its ``changes`` are announced however it ended.
        """
        cancel = threading.Event()
        self._cancel = cancel
        self._long_running += 1
        self.busy_changed.emit(True)

        def report(progress: Progress) -> None:
            self.progressed.emit(name, progress)  # queued to the main thread by Qt

        waiting = _Waiting(changes, success, failure, owner, long_name=name)
        self._submit(self._writer, lambda monitor: job(monitor, report, cancel), waiting)
        return cancel

    def sync_index(
        self,
        *,
        success: Success[None] | None = None,
        failure: Failure | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Bring the search index up to date with the store, on the writer (it writes the
        index and the store's change log); cheap when nothing changed.

        While a sync is already on its way (queued after a change, say), this one is that one:
        its handlers are called when it ends.
        """
        follower = _Waiting(Changes.NONE, success, failure, owner)
        if self._sync_followers is not None:
            self._sync_followers.append(follower)
            return
        followers = self._sync_followers = [follower]

        def ended(error: BaseException | None) -> None:
            self._sync_followers = None
            for waiting in followers:
                self._report(waiting, error, None)

        self._submit(
            self._writer, self._sync, _Waiting(Changes.NONE, lambda _: ended(None), ended, None)
        )

    def _sync(self, monitor: Monitor) -> None:
        for _ in monitor.sync_index(self._closing):
            pass

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    @property
    def busy(self) -> bool:
        """A long job is running or queued."""
        return self._long_running > 0

    @property
    def writing(self) -> bool:
        """The writer has work queued or running (whose outcome is not yet delivered)."""
        return self._writer_jobs > 0

    @property
    def syncing(self) -> bool:
        """An index sync is queued or running."""
        return self._sync_followers is not None

    def _submit(self, executor: ThreadPoolExecutor, job: Job[Any], waiting: _Waiting) -> None:
        if self._closed:
            return
        if executor is self._writer:
            waiting.on_writer = True
            self._writer_jobs += 1
        future = executor.submit(lambda: job(self._monitor()))
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        # The worker sees only a number: handlers often hold widgets, and a widget's last
        # reference must never be dropped on a worker thread.
        self._next_key += 1
        key = self._next_key
        self._waiting[key] = waiting
        future.add_done_callback(lambda done: self.delivered.emit((key, done)))

    def _deliver(self, payload: tuple[int, Future[Any]]) -> None:
        key, future = payload
        waiting = self._waiting.pop(key, None)
        if waiting is None or self._closed or future.cancelled():
            return
        if waiting.on_writer:
            self._writer_jobs -= 1
        if waiting.long_name is not None:
            self._long_running -= 1
            if not self._long_running:
                self.busy_changed.emit(False)
        error = future.exception()
        if error is None and waiting.changes & SEARCHED:
            self.sync_index()  # behind the writes queued meanwhile, ahead of any read they cause
        if waiting.changes and (error is None or waiting.long_name is not None):
            self.changed.emit(waiting.changes)
        self._report(waiting, error, future.result() if error is None else None)

    def _report(self, waiting: _Waiting, error: BaseException | None, result: Any) -> None:
        """Hand a job's outcome to its handlers, or its error to the default handler."""
        if waiting.owner is not None and not isValid(waiting.owner):
            return  # its widget is gone; so is whoever would read the outcome
        if error is None:
            if waiting.success is not None:
                waiting.success(result)
        elif waiting.failure is not None:
            waiting.failure(error)
        else:
            message = failure_message(error)
            if waiting.long_name is not None:
                message = f"{waiting.long_name} stopped: {message}"
            self.failed.emit(message)

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
        self._closing.set()
        self.cancel()
        for future in list(self._pending):
            future.cancel()  # queued jobs never start; a running one finishes its step
        for executor in (self._writer, self._reader):
            executor.submit(self._close_local)
            executor.shutdown(wait=True)
        self._waiting.clear()

    def _close_local(self) -> None:
        monitor = getattr(self._local, "monitor", None)
        if monitor is not None:
            monitor.close()  # every commit is already done; this releases the files
