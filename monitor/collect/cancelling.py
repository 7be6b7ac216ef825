"""Cancelling the network work of an update from inside the threads that do it.

An update's fetches run in a thread pool and may be blocked for a long time: waiting for a
host's request slot, sleeping out the pause between two requests to one host, connecting,
or reading a server that answers slowly or not at all. The pipeline runs each piece of work
under :func:`cancelled_by` with its run's stop flag; the politeness waits
(:mod:`monitor.collect.hostlimits`) and every socket operation
(:mod:`monitor.collect.deadlines`) wait in short slices of :data:`POLL` seconds and raise
:class:`Cancelled` once the flag is set, so no thread outlives a cancelled update by more
than a moment. Outside :func:`cancelled_by` (adding a source, model downloads) nothing
changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["POLL", "Cancelled", "acquire", "cancelled_by", "check", "current", "sleep"]

POLL = 0.1  # seconds a blocked thread waits before it looks at the stop flag again

_current = threading.local()


class Cancelled(BaseException):
    """The work this thread does was cancelled.

    A :class:`BaseException`, like ``KeyboardInterrupt``: the ``except Exception`` that turns
    a page's unexpected error into a note on that page must not catch it, and httpx and
    httpcore close the connection it interrupts, as they do for ``KeyboardInterrupt``.
    """


@contextmanager
def cancelled_by(stop: threading.Event) -> Iterator[None]:
    """Run the block with this thread's waits and socket operations ending when ``stop`` is
    set (by raising :class:`Cancelled`)."""
    outer = getattr(_current, "stop", None)
    _current.stop = stop
    try:
        yield
    finally:
        _current.stop = outer


def current() -> threading.Event | None:
    """The stop flag this thread works under, if any."""
    stop: threading.Event | None = getattr(_current, "stop", None)
    return stop


def check() -> None:
    """Raise :class:`Cancelled` if this thread's work was cancelled."""
    stop = current()
    if stop is not None and stop.is_set():
        raise Cancelled


def sleep(seconds: float) -> None:
    """``time.sleep``, cut short by a cancel (then :class:`Cancelled` is raised)."""
    stop = current()
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise Cancelled


def acquire(semaphore: threading.Semaphore) -> None:
    """``semaphore.acquire()``, given up on a cancel (then :class:`Cancelled` is raised)."""
    stop = current()
    if stop is None:
        semaphore.acquire()
        return
    while not semaphore.acquire(timeout=POLL):
        if stop.is_set():
            raise Cancelled
    if stop.is_set():
        semaphore.release()
        raise Cancelled
