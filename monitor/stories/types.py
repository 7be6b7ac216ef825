"""Public types of stories. Re-exported by :mod:`monitor.types`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One article of a story, and why it is there."""

    article_id: int
    outlet: str
    language: str | None
    published: datetime | None  # or when it was retrieved, for an undated article
    title: str
    title_translated: str | None
    score: float
    reason: str  # "names kyiv, volodymyr-zelensky; numbers 25 (with article 12)"
    linked_to: int | None  # the article it was found alike, None for the first
    by_user: bool  # placed here by the user: grouping never moves it


@dataclass(frozen=True, slots=True)
class Story:
    """The same event told by one or more outlets."""

    id: int
    title: str  # its most central article's title, translated when it can be
    members: tuple[StoryMember, ...]  # first published first
    outlets: tuple[str, ...]  # in the order they first told it
    languages: tuple[str, ...]
    first_published: datetime | None
    last_published: datetime | None
    entities: tuple[tuple[str, int], ...]  # entity id, articles naming it (most first)
