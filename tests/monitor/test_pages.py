"""When a failed article page is asked for again: which failures pass, how long to wait, when
to stop (monitor.collect.pages, no network: the errors are the ones the fetcher raises)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.collect.pages import PAGE_ATTEMPTS, PAGE_RETRY_WINDOW, is_passing, next_page_attempt
from monitor.errors import (
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from monitor.types import Article, ArticleState, TextOrigin

URL = "https://news.test/1.html"
SEEN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def status(code: int, retry_after: datetime | None = None) -> HTTPStatusError:
    return HTTPStatusError(f"{code}", url=URL, status=code, retry_after=retry_after)


def flagged(attempts: int) -> Article:
    """An article first seen at SEEN, kept with its feed text after ``attempts`` tries."""
    return Article(
        id=1,
        source_id=1,
        source_name="News",
        guid=URL,
        url=URL,
        canonical_url=None,
        title="Ставка сохранена",
        author=None,
        published=None,
        published_offset_minutes=None,
        retrieved_at=SEEN,
        summary="ЦБ сохранил ставку.",
        text="ЦБ сохранил ставку.",
        text_origin=TextOrigin.FEED,
        language="ru",
        language_hint="ru",
        state=ArticleState.DETECTED,
        raw_sha256=None,
        duplicate_of=None,
        last_error="page not available: 500 Internal Server Error",
        page_attempts=attempts,
    )


def _label(value: object) -> str:
    if isinstance(value, HTTPStatusError):
        return str(value.status)
    return type(value).__name__ if isinstance(value, FetchError) else str(value)


@pytest.mark.parametrize(
    ("error", "passing"),
    [
        (status(500), True),
        (status(502), True),
        (status(503), True),
        (status(504), True),
        (status(429), True),
        (status(408), True),
        (FetchTimeout("timed out", url=URL), True),
        (ConnectionFailed("connection reset", url=URL), True),
        (status(404), False),
        (status(410), False),
        (status(403), False),
        (status(401), False),
        (status(400), False),
        (TooLarge("too large", url=URL), False),
        (TooManyRedirects("loop", url=URL), False),
        (FetchError("not a valid web address", url=URL), False),
    ],
    ids=_label,
)
def test_which_failures_may_pass(error: FetchError, passing: bool) -> None:
    assert is_passing(error) is passing


def test_the_wait_doubles_from_the_source_interval_until_the_last_attempt() -> None:
    now = SEEN
    waits = []
    for attempts in range(PAGE_ATTEMPTS):
        retry_at = next_page_attempt(flagged(attempts), status(503), now, HOUR)
        if retry_at is None:
            break
        waits.append(retry_at - now)
        now = retry_at
    assert waits == [HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR]
    assert len(waits) == PAGE_ATTEMPTS - 1  # the first fetch and four more


def test_a_later_retry_after_wins_unless_it_falls_past_the_window() -> None:
    asked = SEEN + 5 * HOUR
    assert next_page_attempt(flagged(0), status(429, asked), SEEN, HOUR) == asked
    too_late = SEEN + PAGE_RETRY_WINDOW + HOUR
    assert next_page_attempt(flagged(0), status(429, too_late), SEEN, HOUR) is None


def test_no_retry_after_the_window_or_for_lasting_failures_or_missing_text() -> None:
    near_the_end = SEEN + PAGE_RETRY_WINDOW - HOUR / 2
    assert next_page_attempt(flagged(1), status(500), near_the_end, HOUR) is None
    assert next_page_attempt(flagged(0), status(404), SEEN, HOUR) is None
    assert next_page_attempt(flagged(0), None, SEEN, HOUR) is None  # fetched, but no text
