"""Politeness towards each web host: how many requests at once, how often, and Retry-After.

The pipeline fetches from a small thread pool, so several threads may want the same host at
the same moment. :class:`HostLimiter` keeps, per host, a semaphore (requests in flight), the
earliest time the next request may start, and the time a host asked us to stay away until
(from ``Retry-After`` on a 429 or 503). Time is read from an injected clock and waited with an
injected sleep so that tests can drive it without real waiting.

Every wait ends early when the update it serves is cancelled (see
:mod:`monitor.collect.cancelling`): a thread queued for a host's slot gives up its place, and
the fetcher's own sleep (:func:`monitor.collect.cancelling.sleep`) cuts the pause short.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.collect import cancelling


@dataclass(frozen=True, slots=True)
class HostBlock:
    """A host asked (with ``status`` and Retry-After) not to be asked again before ``until``."""

    until: datetime
    status: int


@dataclass
class _HostState:
    semaphore: threading.BoundedSemaphore
    next_start: datetime | None = None
    block: HostBlock | None = field(default=None)


class HostLimiter:
    """Per-host concurrency limit, minimum spacing between request starts, and host blocks."""

    def __init__(
        self,
        concurrency: int,
        min_interval: float,
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None],
    ) -> None:
        self._concurrency = concurrency
        self._min_interval = timedelta(seconds=min_interval)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._hosts: dict[str, _HostState] = {}

    def _state(self, host: str) -> _HostState:
        with self._lock:
            state = self._hosts.get(host)
            if state is None:
                state = _HostState(threading.BoundedSemaphore(self._concurrency))
                self._hosts[host] = state
            return state

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s request slots, starting no sooner than its spacing allows.

        The slot is kept until the block exits, so a body still being read counts as in flight.
        """
        state = self._state(host)
        cancelling.acquire(state.semaphore)
        try:
            # Reserve a start time under the lock, then wait outside it: threads queue up in
            # order instead of all waking at once and racing for the same moment.
            with self._lock:
                now = self._clock()
                start = now if state.next_start is None else max(now, state.next_start)
                state.next_start = start + self._min_interval
            wait = (start - now).total_seconds()
            if wait > 0:
                self._sleep(wait)
            yield
        finally:
            state.semaphore.release()

    def block(self, host: str, until: datetime, status: int) -> None:
        """Remember that ``host`` asked not to be asked again before ``until``."""
        state = self._state(host)
        with self._lock:
            if state.block is None or state.block.until < until:
                state.block = HostBlock(until, status)

    def current_block(self, host: str) -> HostBlock | None:
        """The host's block if it still runs now, else ``None`` (an expired block is dropped)."""
        state = self._state(host)
        with self._lock:
            if state.block is not None and state.block.until <= self._clock():
                state.block = None
            return state.block
