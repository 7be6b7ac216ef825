"""The collection pipeline: feeds → items → pages → main text → language → store.

:meth:`Collector.update_iter` is a generator that yields :class:`Progress` and checks a cancel
flag between steps; it does not know who is watching (a CLI progress bar, a Qt worker).
Network and CPU work (fetch, decode, parse, extract, detect) runs in a small thread pool;
every write to the store happens on the generator's own thread, one short transaction per
step, so a killed run keeps everything committed and the next run resumes the rest: articles
left below ``DETECTED`` are picked up again whatever their feed says. Pages that failed for a
passing reason are asked for again when their source is next read (see
:mod:`monitor.collect.pages`).

One update fetches at most ``FetchSettings.pages_per_update`` article pages per source, the
newest first: a feed with two thousand new items on one polite host would otherwise hold the
update for half an hour. The rest stay stored with their feed's text (``FETCHED``), counted
in the source's report as ``queued``, and are fetched by the next updates, newest first.

A cancel ends the run within moments: nothing more is started, queued work is dropped, and
work in flight is abandoned, not waited for; it notices the cancel by itself at its next
politeness wait or socket operation (see :mod:`monitor.collect.cancelling`) and its outcome
is never stored. Sources not finished when the cancel came get a report all the same, saying
what was kept and how many pages wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Protocol

from monitor.clock import Clock, utc_now
from monitor.collect.fetch import Fetcher
from monitor.collect.update_run import UpdateRun
from monitor.dependencies import COLLECTION, require
from monitor.store import Store
from monitor.types import (
    FinishedUpdate,
    Progress,
    ProgressKind,
    Source,
    SourceReport,
    UpdateSummary,
    WorkerStage,
)


class Stage(Protocol):
    """Work that follows collection (translation, indexing): later layers plug in here. A
    stage that workers may run for a shared store names it in ``worker_stage`` (a
    :class:`~monitor.types.WorkerStage`); an update leaves it to them while they run."""

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        """Process whatever is pending, yielding progress; stop soon after ``cancel`` is set."""
        ...


class Collector:
    """Runs updates of sources into a store."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        *,
        clock: Clock = utc_now,
        workers: int = 4,
        stages: Sequence[Stage] = (),
        left_to_workers: Callable[[], frozenset[WorkerStage]] | None = None,
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._clock = clock
        self._workers = workers
        self.stages = list(stages)
        self._left_to_workers = left_to_workers  # the stages a team's workers run now

    def update(
        self,
        source_ids: Iterable[int] | None = None,
        *,
        due_only: bool = False,
        cancel: threading.Event | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> UpdateSummary:
        """Run :meth:`update_iter` to the end and return its summary."""
        reports: list[SourceReport] = []
        cancel = cancel or threading.Event()
        for progress in self.update_iter(source_ids, due_only=due_only, cancel=cancel):
            if progress.report is not None:
                reports.append(progress.report)
            if on_progress is not None:
                on_progress(progress)
        return UpdateSummary(tuple(reports), cancelled=cancel.is_set())

    def update_iter(
        self,
        source_ids: Iterable[int] | None = None,
        *,
        due_only: bool = False,
        cancel: threading.Event | None = None,
        follow_up: bool = True,
    ) -> Iterator[Progress]:
        """Update the named sources (all when ``None``), then run the follow-up stages
        (unless ``follow_up`` is False: a collection worker leaves them to other workers).

        Named sources are fetched now whatever their schedule; otherwise a source in backoff
        after errors waits for its next attempt, and with ``due_only`` a source is skipped
        until its update interval has passed.
        """
        cancel = cancel or threading.Event()
        # A missing part of the install stops the update before anything is stored: it must
        # not be recorded as every page lacking text.
        require(COLLECTION)
        left = self._left_to_workers() if follow_up and self._left_to_workers else frozenset()
        if WorkerStage.COLLECT in left:
            yield Progress(ProgressKind.LEFT_TO_WORKERS, message=WorkerStage.COLLECT)
        sources = [] if WorkerStage.COLLECT in left else self._select(source_ids, due_only=due_only)
        run = UpdateRun(self, sources, cancel)
        yield from run.progress()
        if sources and not cancel.is_set():
            summary = UpdateSummary(tuple(run.reports()))
            self._store.record_update(FinishedUpdate.of(summary, self._clock()))
        for stage in self.stages if follow_up else ():
            if cancel.is_set():
                return
            worker_stage = getattr(stage, "worker_stage", None)
            if worker_stage in left:
                yield Progress(ProgressKind.LEFT_TO_WORKERS, message=str(worker_stage))
                continue
            yield from stage.run(cancel)

    def _select(self, source_ids: Iterable[int] | None, *, due_only: bool) -> list[Source]:
        if source_ids is not None:
            return [self._store.source(source_id) for source_id in source_ids]
        return self.waiting_sources(due_only=due_only)

    def waiting_sources(self, *, due_only: bool) -> list[Source]:
        """The sources an update of all would read now: none in backoff after errors, and
        with ``due_only`` none whose update interval has not passed."""
        now = self._clock()
        chosen = []
        for source in self._store.sources():
            if source.next_attempt_at and source.next_attempt_at > now:
                continue
            interval = timedelta(minutes=source.update_interval_minutes)
            if due_only and source.last_checked and source.last_checked + interval > now:
                continue
            chosen.append(source)
        return chosen
