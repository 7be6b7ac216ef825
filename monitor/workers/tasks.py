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
from monitor.store.translations import WaitingArticle
from monitor.types import ProgressKind
from monitor.workers.presence import COLLECT, TRANSLATE, first_line

COLLECT_TASK = "media_monitor.collect_source"
TRANSLATE_TASK = "media_monitor.translate_articles"
# A translation job is articles of one language (a worker loads one model for it): at most
# 32 (some 600 sentences: the engine batches across them, and a killed worker's job costs
# another under a minute), at least 8, and a language's few waiting articles are shared by
# up to four jobs so that idle workers are not left watching one do all the work.
JOB_ARTICLES = 32
JOB_ARTICLES_AT_LEAST = 8
SHARED_BY = 4
# A headline is a title and two sentences: a job of 96 is some 300 sentences, like the app's
# window of headlines. Headlines go first, as in the app, and what a user opened before them.
HEADLINE_JOB_ARTICLES = 96
HEADLINE_PRIORITY = 10
OPENED_PRIORITY = 20
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
    def translate_articles(article_ids: list[int], headline: bool = False) -> None:
        what = f"{'the headlines of ' if headline else ''}{len(article_ids)} articles"
        with _said_if_failed(say, f"translating {what}"):
            say(f"translating {what}")
            _translate(article_ids, headline)

    def _translate(article_ids: list[int], headline: bool) -> None:
        for progress in monitor.translate_articles(article_ids, headline=headline):
            if progress.kind is ProgressKind.HEADLINE:
                say(f"headline of article {progress.article_id}")
            elif progress.kind is ProgressKind.TRANSLATED:
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
        plan = job_plan([waiting for waiting in monitor.untranslated() if waiting.id not in given])
        target = monitor.target_language()
        batches: dict[tuple[str, int], list[JSONDict]] = {}
        for job in plan:  # the queue's order kept: each job waits behind those before it
            key = (translation_queue(job.language, target), job.priority)
            batches.setdefault(key, []).append(
                {"article_ids": list[JSONValue](job.article_ids), "headline": job.headline}
            )
        for (queue, priority), jobs in batches.items():
            app.configure_task(TRANSLATE_TASK, queue=queue, priority=priority).batch_defer(*jobs)

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
        say(f"{what} failed: {first_line(error)} (see the error log)")
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
    headline: bool = False  # the title and lead of each, not the whole
    opened: bool = False  # a user opened them: before every other job

    @property
    def priority(self) -> int:
        """Higher goes first: what users opened, every headline, then whole articles (as
        an update in the app orders its queue; see :mod:`monitor.translation_stage`)."""
        return OPENED_PRIORITY if self.opened else HEADLINE_PRIORITY if self.headline else 0


def job_plan(waiting: Sequence[WaitingArticle]) -> list[TranslationJob]:
    """Translation jobs for ``waiting``, in the queue's order, each of one language and one
    kind: whole articles a user opened, headlines of articles with no translation yet,
    whole articles whose headline is in."""
    kinds: dict[tuple[bool, bool], list[WaitingArticle]] = {}
    for article in waiting:
        headline = not article.opened and not article.headline
        kinds.setdefault((article.opened, headline), []).append(article)
    jobs = []
    for (opened, headline), articles in kinds.items():
        most = HEADLINE_JOB_ARTICLES if headline else JOB_ARTICLES
        for language, ids in _by_language(articles).items():
            size = min(most, max(JOB_ARTICLES_AT_LEAST, -(-len(ids) // SHARED_BY)))
            jobs += [
                TranslationJob(language, ids[start : start + size], headline, opened)
                for start in range(0, len(ids), size)
            ]
    position = {article.id: n for n, article in enumerate(waiting)}
    return sorted(jobs, key=lambda job: (-job.priority, position[job.article_ids[0]]))


def _by_language(articles: Sequence[WaitingArticle]) -> dict[str | None, list[int]]:
    found: dict[str | None, list[int]] = {}
    for article in articles:
        found.setdefault(article.language, []).append(article.id)
    return found


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
