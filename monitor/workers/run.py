"""One stage worker process: the job queue's tables made once, then jobs until stopped.

The worker's Monitor is the CLI's (a shared store is required: the jobs live in it). It
stops on SIGINT or SIGTERM after its job in hand (procrastinate's graceful stop); a worker
killed outright leaves its job to be given back (see :mod:`monitor.workers`).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from procrastinate.exceptions import ConnectorException

from monitor.app import Monitor
from monitor.errors import ConfigError, StoreError
from monitor.workers.presence import first_line, working
from monitor.workers.tasks import (
    COLLECT,
    TRANSLATE,
    WorkerTiming,
    build_app,
    translation_queue,
)

STAGES = (COLLECT, TRANSLATE)
# Held while the queue's tables are made, so two workers started together make them once.
_SCHEMA_LOCK = 0x6D6D_7771  # "mmwq"

Say = Callable[[str], None]


def run_worker(
    monitor: Monitor,
    stage: str,
    *,
    say: Say,
    timing: WorkerTiming | None = None,
    threads: int | None = None,
) -> None:
    """Run jobs of ``stage`` ("collect" or "translate") from the shared store's queue until
    the process is asked to stop."""
    if stage not in STAGES:
        raise ConfigError(f"a worker's stage is collect or translate, not {stage!r}")
    address = monitor.shared_store
    if address is None:
        raise ConfigError(
            "workers need a team's shared store: give --store postgresql://… "
            '(or $MEDIA_MONITOR_STORE, or the data folder\'s "store" setting)'
        )
    timing = timing or WorkerTiming()
    if threads:
        monitor.use_translation_threads(threads)
    if stage == TRANSLATE:
        monitor.keep_every_model_loaded()
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    app = build_app(address, monitor, say, timing)
    make_queue_tables(address, app.schema_manager.get_schema())
    if stage == TRANSLATE and (retried := monitor.retry_untranslatable()):
        say(f"{retried} articles left for want of a model are tried again")
    name = f"{stage}@{socket.gethostname()}:{os.getpid()}"
    queues = [stage]
    if stage == TRANSLATE:  # a job of a language this machine has no model for is not taken
        target = monitor.target_language()
        languages = monitor.translatable_languages()
        queues += [translation_queue(language, target) for language in languages]
        sources = ", ".join(languages) or "no language (no models installed here)"
        say(f"worker {name} started: translation into {target} from {sources}")
    else:
        say(f"worker {name} started: {stage} jobs")
    with working(address, stage), _said_when_the_store_goes():
        # (working: desktops' updates leave this stage to the workers while it runs)
        app.run_worker(
            queues=queues,
            name=name,
            concurrency=1,  # a job is blocking work in a thread; more processes scale it
            update_heartbeat_interval=timing.heartbeat,
            stalled_worker_timeout=timing.stalled_after,
            delete_jobs="successful",  # the store keeps what a job did; the queue stays small
            install_signal_handlers=True,
        )
    say(f"worker {name} stopped")


@contextmanager
def _said_when_the_store_goes() -> Iterator[None]:
    """The shared store gone from under a running worker (a restart, the network): one line
    saying so, not a library's "Database error."; a service manager starts it again."""
    try:
        yield
    except (ConnectorException, psycopg.Error) as error:
        cause = error.__cause__ or error.__context__ or error
        raise StoreError(
            f"the worker lost the shared store and stopped: {first_line(cause)}"
        ) from error


def make_queue_tables(address: str, schema: str) -> None:
    """Create procrastinate's tables in the shared store unless they are there."""
    try:
        with psycopg.connect(address, autocommit=True, connect_timeout=10) as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
            try:
                found = connection.execute(
                    "SELECT to_regclass('procrastinate_jobs') IS NOT NULL"
                ).fetchone()
                if not (found and found[0]):
                    connection.execute(schema.encode())  # many statements, no parameters
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
    except psycopg.Error as error:
        raise StoreError(
            f"cannot make the job queue's tables in the shared store: {first_line(error)}"
        ) from error
