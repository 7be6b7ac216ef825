"""Turning SQLite rows into the core's value types, and the columns the queries select."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from monitor.clock import from_iso
from monitor.errors import StoreError
from monitor.store.connection import StoreRow
from monitor.types import (
    Article,
    ArticleState,
    PostAttachment,
    PostDetails,
    Source,
    SourceKind,
    TextOrigin,
)

SOURCE_COLUMNS = "s.*, (SELECT COUNT(*) FROM articles a WHERE a.source_id = s.id) AS article_count"
# An article with its source's name and the user's marks on it (no marks row: unread, not
# starred); ARTICLES_FROM's one placeholder is the user's name, bound before any other value.
ARTICLE_COLUMNS = (
    "a.*, s.name AS source_name,"
    " COALESCE(m.is_read, 0) AS is_read, COALESCE(m.is_starred, 0) AS is_starred"
)
ARTICLES_FROM = (
    "articles a JOIN sources s ON s.id = a.source_id"
    " LEFT JOIN article_marks m ON m.article_id = a.id AND m.user_name = ?"
)
_WHITESPACE = re.compile(r"\s+")
_CHUNK = 500  # values bound in one IN (…): far under SQLite's limit, keeps statements short

Value = TypeVar("Value")


def in_chunks(values: Iterable[Value]) -> Iterator[tuple[list[Value], str]]:
    """``values`` in chunks for ``… IN ({marks})`` queries: each chunk and its ``?, ?, …``."""
    listed = list(values)
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start : start + _CHUNK]
        yield chunk, ", ".join("?" * len(chunk))


def content_hash(text: str) -> str | None:
    """A hash of the text with whitespace folded: equal for wire copies, ``None`` if too short."""
    folded = _WHITESPACE.sub(" ", text).strip().casefold()
    if len(folded) < 200:
        return None  # short texts (titles only, teasers) collide by chance; not a duplicate signal
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def source_from_row(row: StoreRow) -> Source:
    return Source(
        id=row["id"],
        url=row["url"],
        kind=SourceKind(row["kind"]),
        name=row["name"],
        language_hint=row["language_hint"],
        country=row["country"],
        homepage=row["homepage"],
        added_at=_required(from_iso(row["added_at"])),
        update_interval_minutes=row["update_interval_minutes"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked=from_iso(row["last_checked"]),
        last_success=from_iso(row["last_success"]),
        last_error=row["last_error"],
        error_since=from_iso(row["error_since"]),
        consecutive_failures=row["consecutive_failures"],
        next_attempt_at=from_iso(row["next_attempt_at"]),
        article_count=row["article_count"],
        time_zone=row["time_zone"],
    )


def article_from_row(row: StoreRow) -> Article:
    return Article(
        id=row["id"],
        source_id=row["source_id"],
        source_name=row["source_name"],
        guid=row["guid"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        title=row["title"],
        author=row["author"],
        published=from_iso(row["published"]),
        published_offset_minutes=row["published_offset"],
        published_zone=row["published_zone"],
        repaired=bool(row["repaired"]),
        retrieved_at=_required(from_iso(row["retrieved_at"])),
        summary=row["summary"],
        text=row["text"],
        text_origin=TextOrigin(row["text_origin"]),
        language=row["language"],
        language_hint=row["language_hint"],
        state=ArticleState(row["state"]),
        raw_sha256=row["raw_sha256"],
        duplicate_of=row["duplicate_of"],
        last_error=row["last_error"],
        translation_note=row["translation_note"],
        is_read=bool(row["is_read"]),
        is_starred=bool(row["is_starred"]),
        page_attempts=row["page_attempts"],
        edits=row["edits"],
        edited_at=from_iso(row["edited_at"]),
        deleted_since=(
            (from_iso(row["last_seen_at"]) or from_iso(row["retrieved_at"]))
            if row["deleted_at"]
            else None
        ),
    )


def _required(moment: datetime | None) -> datetime:
    if moment is None:
        raise StoreError("a required time is missing in the store")
    return moment


def post_details_from_json(text: str | None) -> PostDetails | None:
    """A post's details as the store keeps them (``articles.post_details``, JSON).

    Read leniently: the JSON came from a channel page, perhaps through a bundle, so a value
    of the wrong kind is dropped rather than trusted.
    """
    if not text:
        return None
    try:
        raw: Any = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(raw, dict):
        return None
    views = raw.get("views")
    media = raw.get("media")
    return PostDetails(
        views=views if isinstance(views, int) and not isinstance(views, bool) else None,
        forwarded_from=_text(raw.get("forwarded_from")),
        forwarded_from_url=_text(raw.get("forwarded_from_url")),
        reply_to_url=_text(raw.get("reply_to_url")),
        media=tuple(
            PostAttachment(kind, _text(item.get("url")), _text(item.get("caption")) or "")
            for item in (media if isinstance(media, list) else [])
            if isinstance(item, dict) and (kind := _text(item.get("kind")))
        ),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
