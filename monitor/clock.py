"""Time helpers: one place that says what "now" is, so tests can pass their own clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def to_iso(moment: datetime | None) -> str | None:
    """A UTC ISO-8601 string for storage (``None`` stays ``None``)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; attach a timezone first")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    """Parse what :func:`to_iso` wrote."""
    return None if text is None else datetime.fromisoformat(text)
