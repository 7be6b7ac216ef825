"""Checking the rows of a bundle field by field before they reach the store.

A bundle's hashes prove it arrived as it was made, not that whoever made it was careful:
every row is checked for the fields and types the store expects, and times are rewritten
in the store's own form (UTC ISO-8601) so that comparing them as text is comparing times.
Values the store or the screens cannot hold are refused with the row's line, not left to
fail later: whole numbers beyond SQLite's 64 bits, times at the calendar's edges (whose
UTC, or whose local time somewhere, is in the year 0 or 10000), offsets no zone has.
Fields that later store schemas added may be missing (a bundle from before them): they
take what such a source or article had then (no zone, no edits, not deleted).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

from monitor.bundles.format import MAX_ROW_ITEMS, plausible_time
from monitor.clock import to_iso
from monitor.collect.zones import is_zone_name
from monitor.errors import BundleError
from monitor.store.bundle_queries import BUNDLE_STATES
from monitor.store.notes import MAX_NOTE_CHARACTERS
from monitor.store.watchlist_store import WatchFilters
from monitor.types import NoteColour, NoteSide, SourceKind, TextOrigin
from monitor.watchlists import MAX_NAME_LENGTH

Row = dict[str, Any]
# A field's kind: "str", "int", "bool", "time", "sha256"; a trailing "?" allows null.
Spec = Mapping[str, str]
# Fields added after bundles were first written: a field's kind and its value when missing.
LaterSpec = Mapping[str, tuple[str, Any]]

SOURCE_SPEC: Spec = {
    "url": "str",
    "kind": "str",
    "name": "str",
    "language_hint": "str?",
    "country": "str?",
    "homepage": "str?",
    "added_at": "time",
    "update_interval_minutes": "int",
}
SOURCE_LATER_SPEC: LaterSpec = {"time_zone": ("str?", None)}  # schema 8
RAW_PAGE_SPEC: Spec = {
    "sha256": "sha256",
    "url": "str",
    "retrieved_at": "time",
    "content_type": "str?",
    "encoding": "str?",
}
ARTICLE_SPEC: Spec = {
    "id": "int",
    "source_url": "str",
    "duplicate_of": "int?",
    "guid": "str?",
    "url": "str?",
    "retrieved_at": "time",
    "canonical_url": "str?",
    "title": "str",
    "author": "str?",
    "published": "time?",
    "published_offset": "int?",
    "summary": "str",
    "feed_content": "str",
    "text": "str",
    "text_origin": "str",
    "language": "str?",
    "language_hint": "str?",
    "raw_sha256": "sha256?",
    "content_hash": "str?",
    "last_error": "str?",
    "translation_note": "str?",
    "state": "int",
    "is_read": "bool",
    "is_starred": "bool",
}
ARTICLE_LATER_SPEC: LaterSpec = {
    "published_zone": ("str?", None),  # schema 8
    "repaired": ("bool", False),
    "post_details": ("str?", None),  # schema 11: JSON text of an object
    "edits": ("int", 0),  # schema 12, with "versions" (a list of VERSION_SPEC)
    "edited_at": ("time?", None),
    "last_seen_at": ("time?", None),
    "deleted_at": ("time?", None),
    "story": ("int?", None),  # schema 16: the bundle's id of its story
    "story_by_user": ("bool", False),
}
VERSION_SPEC: Spec = {"title": "str", "text": "str", "seen_at": "time"}
VERSION_LATER_SPEC: LaterSpec = {"translation": ("str?", None)}  # schema 14
TRANSLATION_SPEC: Spec = {
    "target": "str",
    "title": "str",
    "route": "str",
    "is_pivot": "bool",
    "translated_at": "time",
    "degenerate": "bool",
}
SENTENCE_SPEC: Spec = {
    "paragraph": "int",
    "original": "str",
    "translation": "str",
    "degenerate": "bool",
}
WATCHLIST_SPEC: Spec = {
    "name": "str",
    "query": "str",
    "muted": "bool",
    "created_at": "time",
}
NOTE_SPEC: Spec = {
    "article": "int",
    "sentence_index": "int?",
    "side": "str",
    "sentence": "str",
    "counterpart": "str",
    "colour": "str",
    "text": "str",
    "created_at": "time",
    "updated_at": "time",
}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SMALLEST_INT, _LARGEST_INT = -(2**63), 2**63 - 1  # what SQLite stores
_MAX_OFFSET_MINUTES = 24 * 60 - 1  # what a timezone can be made of (feeds give odd ones)
MAX_INTERVAL_MINUTES = 366 * 24 * 60
# Generous for real posts (a channel's post is edited a few times; its details are views,
# a forward, a reply and a few captions), tight enough that a row cannot smuggle in more.
MAX_VERSIONS = 10_000
MAX_EDITS = 1_000_000
MAX_POST_DETAILS_BYTES = 64 * 1024
MAX_ZONE_DESCRIPTION = 200  # "Asia/Shanghai (the outlet's language, zh)"
_MAX_ZONE_NAME = 100  # the longest IANA name has 32 letters


def check_source(row: Row, where: str) -> Row:
    source = fields(row, SOURCE_SPEC, where)
    _one_of(source, "kind", {k.value for k in SourceKind}, where)
    if not source["url"] or not 1 <= source["update_interval_minutes"] <= MAX_INTERVAL_MINUTES:
        raise BundleError(
            f"{where}: a source needs a URL and an update interval of 1 to "
            f"{MAX_INTERVAL_MINUTES:,} minutes (a year)"
        )
    source.update(later_fields(row, SOURCE_LATER_SPEC, where))
    zone = source["time_zone"]
    if zone is not None and not _is_zone(zone):
        raise BundleError(
            f"{where}: field 'time_zone' is {zone!r:.60}, not a time zone"
            " (an IANA name such as Europe/Kyiv, or UTC+03:00)"
        )
    return source


def check_raw_page(row: Row, where: str, members: Mapping[str, object]) -> Row:
    page = fields(row, RAW_PAGE_SPEC, where)
    if f"raw/{page['sha256']}" not in members:
        raise BundleError(f"{where}: the page's bytes (raw/{page['sha256']}) are missing")
    return page


def check_article(row: Row, where: str) -> Row:
    article = fields(row, ARTICLE_SPEC, where)
    offset = article["published_offset"]
    if offset is not None and abs(offset) > _MAX_OFFSET_MINUTES:
        raise BundleError(f"{where}: field 'published_offset' is {offset} minutes, not a zone")
    _one_of(article, "text_origin", {o.value for o in TextOrigin}, where)
    _one_of(article, "state", BUNDLE_STATES, where)
    _check_history(article, row, where)
    translation = row.get("translation")
    if translation is None:
        article["translation"] = None
        return article
    if not isinstance(translation, dict):
        raise BundleError(f"{where}: the translation is not a JSON object")
    checked = fields(translation, TRANSLATION_SPEC, f"{where} (translation)")
    sentences = translation.get("sentences")
    if not isinstance(sentences, list) or not all(isinstance(s, dict) for s in sentences):
        raise BundleError(f"{where}: the translation's sentences are not a list of objects")
    checked["sentences"] = [
        fields(sentence, SENTENCE_SPEC, f"{where} (sentence {number})")
        for number, sentence in enumerate(sentences, 1)
    ]
    article["translation"] = checked
    return article


def _check_history(article: Row, row: Row, where: str) -> None:
    """The fields of schemas 8 to 12 into ``article``, checked; ``versions`` oldest first."""
    article.update(later_fields(row, ARTICLE_LATER_SPEC, where))
    zone = article["published_zone"]
    if zone is not None and len(zone) > MAX_ZONE_DESCRIPTION:
        raise BundleError(
            f"{where}: field 'published_zone' is longer than {MAX_ZONE_DESCRIPTION} characters"
        )
    if article["post_details"] is not None:
        _post_details(article["post_details"], f"{where}: field 'post_details'")
    if not 0 <= article["edits"] <= MAX_EDITS:
        raise BundleError(f"{where}: field 'edits' is {article['edits']}, not 0 to {MAX_EDITS:,}")
    versions = row.get("versions", [])
    if not isinstance(versions, list) or not all(isinstance(v, dict) for v in versions):
        raise BundleError(f"{where}: field 'versions' should be a list of objects")
    if len(versions) > MAX_VERSIONS:
        raise BundleError(
            f"{where}: the article has {len(versions):,} earlier versions, more than"
            f" {MAX_VERSIONS:,}"
        )
    article["versions"] = [
        fields(version, VERSION_SPEC, f"{where} (version {number})")
        | later_fields(version, VERSION_LATER_SPEC, f"{where} (version {number})")
        for number, version in enumerate(versions, 1)
    ]


def _post_details(text: str, where: str) -> None:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POST_DETAILS_BYTES:
        raise BundleError(f"{where} is longer than {MAX_POST_DETAILS_BYTES // 1024} KB")
    try:
        details = json.loads(text)
    except (ValueError, RecursionError):
        details = None
    if not isinstance(details, dict):
        raise BundleError(f"{where} should be the JSON text of an object, not {text!r:.60}")


def _is_zone(name: str) -> bool:
    return len(name) <= _MAX_ZONE_NAME and is_zone_name(name)


def check_watchlist(row: Row, where: str, article_ids: Mapping[int, object]) -> Row:
    """A watchlist row; ``filters`` becomes the store's JSON text, ``matches`` bundle ids.

    ``article_ids`` are the ids of the bundle's articles: a watchlist may only claim to
    match articles the bundle carries.
    """
    watchlist = fields(row, WATCHLIST_SPEC, where)
    # Names are stored with their spaces collapsed (see monitor.watchlists.add_watchlist).
    watchlist["name"] = " ".join(watchlist["name"].split())
    if not watchlist["name"] or len(watchlist["name"]) > MAX_NAME_LENGTH:
        raise BundleError(f"{where}: a watchlist needs a name of 1 to {MAX_NAME_LENGTH} letters")
    watchlist["query"] = watchlist["query"].strip()
    watchlist["filters"] = _watch_filters(row.get("filters"), f"{where}: field 'filters'")
    matches = row.get("matches")
    if not isinstance(matches, list):
        raise BundleError(f"{where}: field 'matches' should be a list of article ids")
    for match in matches:
        _value(match, "int", f"{where}: field 'matches'")
        if match not in article_ids:
            raise BundleError(f"{where}: the watchlist matches article {match}, not in the bundle")
    watchlist["matches"] = matches
    return watchlist


def check_note(row: Row, where: str, article_ids: Mapping[int, object]) -> Row:
    """A note row; ``article`` must be one of the bundle's ``article_ids``."""
    note = fields(row, NOTE_SPEC, where)
    if note["article"] not in article_ids:
        raise BundleError(f"{where}: the note is on article {note['article']}, not in the bundle")
    _one_of(note, "side", {side.value for side in NoteSide}, where)
    _one_of(note, "colour", {colour.value for colour in NoteColour}, where)
    position = note["sentence_index"]
    if position is not None and not 0 <= position <= MAX_ROW_ITEMS:
        raise BundleError(f"{where}: sentence {position} is not a position in a text")
    if not note["sentence"] or len(note["text"]) > MAX_NOTE_CHARACTERS:
        raise BundleError(
            f"{where}: a note needs the text of its sentence and at most "
            f"{MAX_NOTE_CHARACTERS:,} characters of its own"
        )
    return note


def watchlist_key(name: str) -> str:
    """What makes two watchlist names the same: the store's NOCASE folds ASCII letters only."""
    return "".join(c.lower() if c.isascii() else c for c in name)


def _watch_filters(value: Any, where: str) -> str:
    """The filters object of a watchlist row, as :meth:`WatchFilters.to_json` writes it."""
    if not isinstance(value, dict):
        raise BundleError(f"{where} should be a JSON object")
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("languages", "outlets"):
        items = value.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise BundleError(f"{where}: {name!r} should be a list of text")
        lists[name] = tuple(items)
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        day = value.get(name)
        try:
            days[name] = None if day is None else date.fromisoformat(day)
        except (TypeError, ValueError):
            raise BundleError(f"{where}: {name!r} should be a date like 2026-11-20") from None
    return WatchFilters(
        lists["languages"], lists["outlets"], days["since"], days["until"]
    ).to_json()


def fields(row: Row, spec: Spec, where: str) -> Row:
    """The fields of ``spec`` from ``row``, type-checked; times in the store's form."""
    checked: Row = {}
    for name, kind in spec.items():
        if name not in row:
            raise BundleError(f"{where}: the field {name!r} is missing")
        checked[name] = _value(row[name], kind, f"{where}: field {name!r}")
    return checked


def later_fields(row: Row, spec: LaterSpec, where: str) -> Row:
    """The fields of ``spec`` from ``row``, type-checked; a missing one takes its default."""
    return {
        name: _value(row[name], kind, f"{where}: field {name!r}") if name in row else default
        for name, (kind, default) in spec.items()
    }


def _value(value: Any, kind: str, where: str) -> Any:
    if kind.endswith("?"):
        if value is None:
            return None
        kind = kind[:-1]
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        if _SMALLEST_INT <= value <= _LARGEST_INT:
            return value
        raise BundleError(f"{where} is a whole number too large to keep ({value!r:.30}…)")
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "sha256" and isinstance(value, str) and _SHA256.match(value):
        return value
    if kind == "time" and isinstance(value, str):
        moment = plausible_time(value)
        if moment is not None:
            return to_iso(moment)
    raise BundleError(f"{where} should be {_KIND_NAMES[kind]}, not {value!r:.60}")


def _one_of(row: Row, name: str, allowed: AbstractSet[Any], where: str) -> None:
    if row[name] not in allowed:
        raise BundleError(f"{where}: {name} {row[name]!r} is not one this version knows")


_KIND_NAMES = {
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "sha256": "a SHA-256 in hex",
    "time": "a time with its UTC offset (at most 14 hours), between the years 1 and 9999",
}
