"""When to try a failing source again: exponential backoff, capped, honouring Retry-After.

A pure function so the pipeline can compute ``next_attempt_at`` when it stores a failure and
tests can check the schedule without any network.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.errors import FetchError, HTTPStatusError

MIN_DELAY = timedelta(minutes=5)
MAX_DELAY = timedelta(hours=24)


def next_attempt_after(
    failures: int, error: FetchError, now: datetime, base_interval: timedelta
) -> datetime:
    """The earliest time to fetch again after ``failures`` failures in a row, the last ``error``.

    The delay is ``base_interval * 2 ** (failures - 1)`` (at least five minutes for the first
    failure), so a source that keeps failing is asked less and less often, never less than
    once a day. When the server said how long to wait (Retry-After on 429/503) and that is
    later, the server wins.
    """
    base = max(base_interval, MIN_DELAY)
    # Past about 20 doublings every real base is over the cap; stopping there keeps the
    # multiplication away from timedelta overflow for absurd failure counts.
    doublings = min(max(failures, 1) - 1, 20)
    delay = min(base * (1 << doublings), max(MAX_DELAY, base))
    attempt = now + delay
    retry_after = error.retry_after if isinstance(error, HTTPStatusError) else None
    return retry_after if retry_after is not None and retry_after > attempt else attempt
