"""The stage workers' jobs, as procrastinate tasks over one worker process's Monitor.

A worker runs one job at a time (concurrency 1: a job is CPU or network work done in a
thread), so the jobs and the periodic planning share the process's Monitor without racing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import psycopg
from asgiref.sync import async_to_sync
from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.types import JSONDict, JSONValue

from monitor.app import Monitor
from monitor.errors import NotFoundError
from monitor.types import ProgressKind
from monitor.workers.presence import COLLECT, TRANSLATE

COLLECT_TASK = "media_monitor.collect_source"
TRANSLATE_TASK = "media_monitor.translate_articles"
# A translation job is articles of one language (a worker loads one model for it): at most
# 32 (some 600 sentences: the engine batches across them, and a killed worker's job costs
# another under a minute), at least 8, and a language's few waiting articles are shared by
# up to four jobs so that idle workers are not left watching one do all the work.
JOB_ARTICLES = 32
JOB_ARTICLES_AT_LEAST = 8
SHARED_BY = 4
# Planning and giving back stalled jobs go before the stage's waiting work.
PLANNING_PRIORITY = 100
ACTIVE = ("todo", "doing")
_PLANNING_LOCKS = {COLLECT: 0x6D6D_7063, TRANSLATE: 0x6D6D_7074}  # "mmpc", "mmpt"

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class WorkerTiming:
    """How often a worker plans and beats, and when a silent worker counts as dead."""

    plan_every: int = 15  # seconds between planning ticks (1–59)
    heartbeat: float = 10.0
    stalled_after: float = 60.0  # without a heartbeat: its job goes to another worker

    def __post_init__(self) -> None:
        if not 1 <= self.plan_every <= 59:
            raise ValueError("planning runs every 1 to 59 seconds")
        if self.stalled_after <= self.heartbeat:
            raise ValueError("a worker counts as dead only after several missed heartbeats")


def build_app(url: str, monitor: Monitor, say: Say, timing: WorkerTiming) -> App:
    """The procrastinate app with every stage's tasks (any worker may defer any job)."""
    # A connection waited for 10 s at most: a worker that lost the store says so soon.
    app = App(connector=PsycopgConnector(conninfo=url, min_size=1, max_size=5, timeout=10))
    every = f"* * * * * */{timing.plan_every}"

    @app.task(name=COLLECT_TASK, queue=COLLECT)
    def collect_source(source_id: int) -> None:
        with _said_if_failed(say, f"collecting source {source_id}"):
            _collect(source_id)

    def _collect(source_id: int) -> None:
        # Planning gives a source to one job at a time; a job given back after its worker
        # died runs again whatever the source's schedule says: its pages are still owed.
        say(f"collecting source {source_id}")
        try:
            for progress in monitor.collect_iter([source_id]):
                report = progress.report
                if progress.kind is ProgressKind.SOURCE_FINISHED and report is not None:
                    state = f"failed: {report.error}" if report.error else "ok"
                    say(f"collected source {source_id}: {report.new} new, {state}")
        except NotFoundError:
            say(f"source {source_id} is no longer followed")

    @app.task(name=TRANSLATE_TASK, queue=TRANSLATE)
    def translate_articles(article_ids: list[int]) -> None:
        with _said_if_failed(say, f"translating {len(article_ids)} articles"):
            _translate(article_ids)

    def _translate(article_ids: list[int]) -> None:
        say(f"translating {len(article_ids)} articles")
        for progress in monitor.translate_articles(article_ids):
            if progress.kind is ProgressKind.TRANSLATED:
                say(f"translated article {progress.article_id}")
            elif progress.kind is ProgressKind.UNTRANSLATED:
                say(f"left article {progress.article_id}: {progress.message}")

    def plan_collection() -> None:
        active = _active_arguments(app, COLLECT_TASK, "source_id")
        for source in monitor.due_sources():
            if source.id in active:
                continue
            lock = f"media_monitor.source.{source.id}"
            try:
                app.configure_task(
                    COLLECT_TASK, queue=COLLECT, lock=lock, queueing_lock=lock
                ).defer(source_id=source.id)
            except AlreadyEnqueued:
                continue

    def dispatch_translation() -> None:
        given = _active_arguments(app, TRANSLATE_TASK, "article_ids")
        waiting = [(i, language) for i, language in monitor.untranslated() if i not in given]
        plan = job_plan(waiting)
        target = monitor.target_language()
        for queue in dict.fromkeys(translation_queue(job.language, target) for job in plan):
            jobs: list[JSONDict] = [
                {"article_ids": list[JSONValue](job.article_ids)}
                for job in plan
                if translation_queue(job.language, target) == queue
            ]
            # The queue's order: each job waits behind the ones deferred before it.
            app.configure_task(TRANSLATE_TASK, queue=queue).batch_defer(*jobs)

    def retry_stalled(stage: str) -> None:
        for job in async_to_sync(app.job_manager.get_stalled_jobs)(
            seconds_since_heartbeat=timing.stalled_after
        ):
            if stage_of(job.queue) != stage:
                continue  # the other stage's planning gives it back
            async_to_sync(app.job_manager.retry_job)(job)
            say(f"gave back job {job.id} ({job.task_name}) of a worker that stopped answering")

    planning = _Planning(app, url, every)
    planning.add("plan_collection", COLLECT, plan_collection)
    planning.add("dispatch_translation", TRANSLATE, dispatch_translation)
    for stage in (COLLECT, TRANSLATE):
        planning.add(f"retry_stalled_{stage}", stage, partial(retry_stalled, stage))
    return app


class _Planning:
    """Registers periodic planning tasks: deferred once a tick by whichever workers run
    (procrastinate keeps one a tick), ahead of the stage's work, and run by one process at a
    time (:func:`exclusive`); a tick that finds another planning skips."""

    def __init__(self, app: App, url: str, every: str) -> None:
        self._app = app
        self._url = url
        self._every = every

    def add(self, name: str, stage: str, body: Callable[[], None]) -> None:
        task_name = f"media_monitor.{name}"
        url = self._url

        def planned(timestamp: int) -> None:
            with exclusive(url, stage) as alone:
                if alone:
                    body()

        task = self._app.task(
            name=task_name, queue=stage, priority=PLANNING_PRIORITY, queueing_lock=task_name
        )(planned)
        self._app.periodic(cron=self._every, periodic_id=name)(task)


@contextmanager
def _said_if_failed(say: Say, what: str) -> Iterator[None]:
    """A job that fails is said in one line; the queue marks it failed and the error log
    (the data folder's) gets the details. Its articles or source are given to a job again
    at a later planning."""
    try:
        yield
    except Exception as error:
        text = str(error).strip().splitlines()
        say(f"{what} failed: {text[0] if text else type(error).__name__} (see the error log)")
        raise


@contextmanager
def exclusive(url: str, stage: str) -> Iterator[bool]:
    """Whether this process alone plans ``stage`` now: a PostgreSQL advisory lock held on a
    connection of its own, so a worker killed while planning lets go of it at once (a
    procrastinate job lock held by a dead worker's job would stop planning for good)."""
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
        row = connection.execute(
            "SELECT pg_try_advisory_lock(%s)", (_PLANNING_LOCKS[stage],)
        ).fetchone()
        yield bool(row and row[0])


@dataclass(frozen=True, slots=True)
class TranslationJob:
    language: str | None
    article_ids: list[int]


def job_plan(waiting: Sequence[tuple[int, str | None]]) -> list[TranslationJob]:
    """Translation jobs for ``waiting`` (article id, language), in the queue's order: the
    articles of one language in each, the job holding the first waiting article first."""
    by_language: dict[str | None, list[int]] = {}
    for article_id, language in waiting:
        by_language.setdefault(language, []).append(article_id)
    jobs: list[tuple[int, TranslationJob]] = []
    position = {article_id: n for n, (article_id, _) in enumerate(waiting)}
    for language, ids in by_language.items():
        size = min(JOB_ARTICLES, max(JOB_ARTICLES_AT_LEAST, -(-len(ids) // SHARED_BY)))
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            jobs.append((position[chunk[0]], TranslationJob(language, chunk)))
    return [job for _, job in sorted(jobs, key=lambda job: job[0])]


def translation_queue(language: str | None, target: str) -> str:
    """The queue of a translation job in ``language``: one a language, taken by the workers
    with a model for it; articles already in the target language or of unknown language
    need none, and go to the queue every translation worker takes."""
    return TRANSLATE if language in (None, target) else f"{TRANSLATE}-{language}"


def stage_of(queue: str) -> str:
    """The stage a queue belongs to ("translate-ko": translate)."""
    return queue.split("-", 1)[0]


def _active_arguments(app: App, task: str, argument: str) -> set[int]:
    """The values of ``argument`` (an id, or a list of ids) in the task's jobs waiting or
    running."""
    values: set[int] = set()
    for status in ACTIVE:
        for job in app.job_manager.list_jobs(task=task, status=status):
            value = job.task_kwargs.get(argument)
            values.update(_ids(value))
    return values


def _ids(value: object) -> Iterable[int]:
    if isinstance(value, int):
        return (value,)
    if isinstance(value, list):
        return (item for item in value if isinstance(item, int))
    return ()


__all__ = ["COLLECT", "TRANSLATE", "WorkerTiming", "build_app"]
