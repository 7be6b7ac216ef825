"""What a team's pipeline is doing: which stages have workers running, and the jobs waiting,
running and failed in each queue (``media-monitor queue``)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from monitor.errors import StoreError
from monitor.workers.presence import first_line, stages_with_workers
from monitor.workers.tasks import COLLECT_TASK, TRANSLATE_TASK


@dataclass(frozen=True, slots=True)
class QueueCount:
    name: str  # "collect", "translate", "translate-ko"…
    waiting: int
    running: int
    failed: int


@dataclass(frozen=True, slots=True)
class QueueReport:
    running_stages: frozenset[str]
    queues: tuple[QueueCount, ...]  # by name; empty before any worker ran
    made: bool  # the queue's tables are there (a worker has run on this store)


def queue_report(address: str) -> QueueReport:
    """The pipeline of the shared store at ``address`` as it stands."""
    running = stages_with_workers(address)
    try:
        with psycopg.connect(address, autocommit=True, connect_timeout=10) as connection:
            found = connection.execute(
                "SELECT to_regclass('procrastinate_jobs') IS NOT NULL"
            ).fetchone()
            if not (found and found[0]):
                return QueueReport(running, (), made=False)
            # The work, not the periodic planning jobs every worker defers into each queue.
            rows = connection.execute(
                "SELECT queue_name, status::text, COUNT(*) FROM procrastinate_jobs"
                " WHERE status IN ('todo', 'doing', 'failed') AND task_name IN (%s, %s)"
                " GROUP BY queue_name, status",
                (COLLECT_TASK, TRANSLATE_TASK),
            ).fetchall()
    except psycopg.Error as error:
        raise StoreError(
            f"cannot read the shared store's job queue: {first_line(error)}"
        ) from error
    counts: dict[str, dict[str, int]] = {}
    for queue, status, count in rows:
        counts.setdefault(queue, {})[status] = int(count)
    return QueueReport(
        running,
        tuple(
            QueueCount(name, by.get("todo", 0), by.get("doing", 0), by.get("failed", 0))
            for name, by in sorted(counts.items())
        ),
        made=True,
    )
