"""Which stages have workers running on a shared store.

A worker holds a shared PostgreSQL advisory lock for its stage while it runs, on a
connection of its own: the server lets go of it the moment the process dies, so no table of
workers can go stale. A desktop's update asks which stages are held (an exclusive try-lock
fails while any worker holds the shared one) and leaves those stages to the workers: two
machines translating the same article would do the work twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from monitor.errors import StoreError
from monitor.types import WorkerStage

COLLECT: str = WorkerStage.COLLECT.value  # the stages' names are their queues' too
TRANSLATE: str = WorkerStage.TRANSLATE.value
_PRESENCE_LOCKS = {COLLECT: 0x6D6D_7763, TRANSLATE: 0x6D6D_7774}  # "mmwc", "mmwt"


@contextmanager
def working(address: str, stage: str) -> Iterator[None]:
    """Say that a worker of ``stage`` runs, for as long as the block does."""
    try:
        connection = psycopg.connect(address, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise StoreError(f"cannot reach the shared store: {first_line(error)}") from error
    with connection:
        connection.execute("SELECT pg_advisory_lock_shared(%s)", (_PRESENCE_LOCKS[stage],))
        yield


def stages_with_workers(address: str) -> frozenset[WorkerStage]:
    """The stages some worker is running for on the store at ``address`` now."""
    found = set()
    try:
        with psycopg.connect(address, autocommit=True, connect_timeout=10) as connection:
            for stage, key in _PRESENCE_LOCKS.items():
                row = connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
                if row and row[0]:
                    connection.execute("SELECT pg_advisory_unlock(%s)", (key,))
                else:
                    found.add(WorkerStage(stage))
    except psycopg.Error as error:
        raise StoreError(f"cannot reach the shared store: {first_line(error)}") from error
    return frozenset(found)


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
