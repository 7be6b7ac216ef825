"""The air-gap bundle format: member names, the manifest, size caps and the report type.

A bundle is one zip file (``.mmbundle``) that carries a collection to a machine without
network::

    manifest.json          format name and version, app version, creation time, counts,
                           and the SHA-256 and size of every other member
    sources.jsonl          one followed source per line
    raw_pages.jsonl        one raw page's metadata per line; its bytes are raw/<sha256>
    raw/<sha256>           a page exactly as it was received (the name is its own hash)
    articles.jsonl         one article per line, its aligned translation (if any) inside
    watchlists.jsonl       optional; one watchlist (saved search) per line, with the ids
                           of the bundled articles it matched
    notes.jsonl            optional; one highlight or note per line: the bundled article's
                           id, the side and text of its sentence, its colour and note
    models/<name>.argosmodel   optional; installed translation packages, re-zipped

``watchlists.jsonl`` was reserved from format 1 on, so it does not change the format
version: a reader from before watchlists counts the bundled ones as skipped.
``notes.jsonl`` came later (store schema 9) without a new format version either: it is
written only when the bundled articles have notes, so every other bundle still reads
everywhere; a Media Monitor from before notes refuses a bundle that carries them as holding
an unknown member (``export-bundle --without-notes`` makes one it takes).

What later store schemas (8 to 12) added to sources and articles travels as extra fields
of the same rows, again without a new format version or member: a source's ``time_zone``;
an article's ``published_zone``, ``repaired``, ``post_details`` (a Telegram post's details
as JSON text), ``edits``, ``edited_at``, ``last_seen_at``, ``deleted_at`` and ``versions``
(its earlier texts, oldest first: ``{"title", "text", "seen_at"}``). A Media Monitor from
before them reads only the fields it knows and ignores these; a row from a bundle written
before them (without these fields) reads as having no zone, no repair, no details, no
edits or versions and no deletion mark (see :mod:`monitor.bundles.checks`).

An article's row also carries its story (schema 16): ``story`` (the bundle's id of it) and
``story_by_user``. Only the groupings the user made by hand are kept on import
(:mod:`monitor.store.bundle_stories`); the rest are grouped again where the bundle is read.

The read and starred flags, watchlists and notes in a bundle are one user's: the manifest's
``user`` names them (store schema 18, a team's shared store keeping each user's own; see
:mod:`monitor.users`). A bundle without it (written before, or where no name could be had)
is the importing user's. A name that is not one (empty, too long, control characters) makes
the bundle refused.

Rows are JSON Lines so a bundle can be inspected with ``unzip -p`` and a text editor.
Anything the manifest does not list, or that is not one of these names, makes the bundle
refused: reading is strict so that a tampered or foreign file never reaches the store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from monitor.errors import BundleError
from monitor.users import MAX_USER_NAME, valid_user_name
from translations.archives import ZipLimits, load_json
from translations.packages import MAX_PACKAGE_BYTES, PACKAGE_SUFFIX
from translations.types import PackageProblem

FORMAT_NAME = "media-monitor-bundle"
FORMAT_VERSION = 1
BUNDLE_SUFFIX = ".mmbundle"

MANIFEST = "manifest.json"
SOURCES = "sources.jsonl"
RAW_PAGES = "raw_pages.jsonl"
ARTICLES = "articles.jsonl"
WATCHLISTS = "watchlists.jsonl"
NOTES = "notes.jsonl"
ROW_MEMBERS = (SOURCES, RAW_PAGES, ARTICLES, WATCHLISTS, NOTES)  # also the order of the merge
RAW_PREFIX = "raw/"
MODELS_PREFIX = "models/"

# Caps that keep a hostile bundle from filling the disk, or an import's memory over about
# 200 MB: whatever is read whole (the manifest, one row, one raw page) is read with a bound,
# and the member list, which zipfile holds whole (about 550 bytes a member), is capped.
# Generous for real use: a member per article and per raw page (50,000 articles), the
# fetcher keeps pages under 10 MB, a package unpacks to at most a few GB.
MAX_MEMBERS = 100_000
MAX_MANIFEST_BYTES = 24 * 1024**2  # about 180 bytes a member
MAX_MANIFEST_ITEMS = 4 * MAX_MEMBERS + 64  # objects, lists and commas: 3 a member
MAX_LINE_BYTES = 16 * 1024**2  # one JSON row: an article with its translation
MAX_ROW_ITEMS = 200_000  # an article of 40,000 aligned sentences
MAX_RAW_PAGE_BYTES = 16 * 1024**2
MAX_MODEL_BYTES = MAX_PACKAGE_BYTES
MAX_TOTAL_BYTES = 64 * 1024**3
# zipfile reads the whole member list into memory: 256 bytes a member fits the names a
# bundle may hold (raw/ and a SHA-256 is 68) with room for any zip tool's extra fields.
BUNDLE_LIMITS = ZipLimits(MAX_MEMBERS, MAX_TOTAL_BYTES, "a bundle", 256)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# A day inside the calendar's ends, so that the time shown in any zone is still a date.
_EARLIEST, _LATEST = datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)
_MAX_ZONE = timedelta(hours=14)  # Kiribati; no zone is further from UTC
_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@dataclass(frozen=True, slots=True)
class MemberDigest:
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Manifest:
    format_version: int
    app_version: str
    created_at: datetime
    counts: dict[str, int]
    members: dict[str, MemberDigest]
    user: str | None = None  # whose flags, watchlists and notes these are (None: unnamed)


@dataclass(frozen=True, slots=True)
class Tally:
    """How many rows of one kind. For an export, ``added`` is how many went into the bundle."""

    added: int = 0
    merged: int = 0  # already here; something was taken from the bundle (a newer translation)
    skipped: int = 0  # already here; the local copy was kept as it was


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What an export wrote, or what an import added, merged and skipped."""

    path: str
    sources: Tally = Tally()
    articles: Tally = Tally()
    translations: Tally = Tally()
    raw_pages: Tally = Tally()
    watchlists: Tally = Tally()
    notes: Tally = Tally()
    models_installed: tuple[str, ...] = ()  # package names (with an export: the ones bundled)
    models_skipped: tuple[str, ...] = ()  # a package for the same pair is already installed
    models_refused: tuple[PackageProblem, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        """A plain-text summary for the CLI and the UI."""
        rows = [
            ("sources", self.sources),
            ("articles", self.articles),
            ("translations", self.translations),
            ("raw pages", self.raw_pages),
        ]
        if self.watchlists != Tally():
            rows.append(("watchlists", self.watchlists))
        if self.notes != Tally():
            rows.append(("notes", self.notes))
        text = [
            f"{label}: {t.added} added, {t.merged} merged, {t.skipped} already here"
            for label, t in rows
        ]
        if self.models_installed:
            text.append(f"models: {', '.join(self.models_installed)}")
        if self.models_skipped:
            text.append(f"models already installed: {', '.join(self.models_skipped)}")
        text.extend(f"model refused: {p.path.name}: {p.reason}" for p in self.models_refused)
        return text


def member_role(name: str) -> str:
    """``"manifest"``, ``"rows"``, ``"raw"`` or ``"model"``; :class:`BundleError` otherwise."""
    path = PurePosixPath(name)
    if (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or ":" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise BundleError(f"the bundle contains an unsafe file name {name!r}; it was refused")
    if name == MANIFEST:
        return "manifest"
    if name in ROW_MEMBERS:
        return "rows"
    if name.startswith(RAW_PREFIX) and len(path.parts) == 2 and _SHA256.match(path.name):
        return "raw"
    if (
        name.startswith(MODELS_PREFIX)
        and len(path.parts) == 2
        and name.endswith(PACKAGE_SUFFIX)
        and _MODEL_NAME.match(path.name)
    ):
        return "model"
    raise BundleError(f"the bundle contains {name!r}, which is not part of a bundle; refused")


def size_cap(name: str) -> int:
    role = member_role(name)
    if role == "raw":
        return MAX_RAW_PAGE_BYTES
    if role == "model":
        return MAX_MODEL_BYTES
    if role == "manifest":
        return MAX_MANIFEST_BYTES
    return MAX_TOTAL_BYTES


def manifest_bytes(
    app_version: str,
    created_at: datetime,
    counts: dict[str, int],
    members: dict[str, MemberDigest],
    user: str | None = None,
) -> bytes:
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": app_version,
        "created_at": created_at.isoformat(timespec="seconds"),
        "counts": counts,
        "members": {
            name: {"sha256": digest.sha256, "size": digest.size}
            for name, digest in sorted(members.items())
        },
    }
    if user is not None:
        document["user"] = user
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def parse_manifest(raw: bytes, label: str) -> Manifest:
    """Check the manifest's shape and version; the members it lists are checked by the reader."""
    try:
        document = load_json(raw, max_items=MAX_MANIFEST_ITEMS)
    except ValueError as error:  # also UnicodeDecodeError, JSONDecodeError
        raise BundleError(f"{label}: the bundle's manifest is not valid JSON ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise BundleError(f"{label} is not a Media Monitor bundle (its manifest says otherwise)")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError(f"{label}: the bundle's manifest has no format version")
    if version > FORMAT_VERSION:
        raise BundleError(
            f"{label} was made by a newer Media Monitor (bundle format {version}; this version "
            f"reads format {FORMAT_VERSION}); upgrade Media Monitor to import it"
        )
    if version < 1:
        raise BundleError(f"{label}: unknown bundle format version {version}")
    members = document.get("members")
    counts = document.get("counts")
    if not isinstance(members, dict) or not isinstance(counts, dict):
        raise BundleError(f"{label}: the bundle's manifest lacks its member list or counts")
    return Manifest(
        format_version=version,
        app_version=str(document.get("app_version", "?")),
        created_at=_moment(document.get("created_at"), label),
        counts={str(k): _count(v, label) for k, v in counts.items()},
        members={str(name): _digest(entry, name, label) for name, entry in members.items()},
        user=_user(document.get("user"), label),
    )


def _user(value: Any, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not valid_user_name(value):
        raise BundleError(
            f"{label}: the bundle's manifest names its user with something that is not a name"
            f" (1 to {MAX_USER_NAME} printable characters); refused"
        )
    return value


def plausible_time(text: str) -> datetime | None:
    """``text`` as a time in UTC, or None unless it has an offset a zone can have and lies
    a day inside the calendar (0001-01-01T00:00+14:00 is in the year 0 in UTC)."""
    try:
        moment = datetime.fromisoformat(text)
        offset = moment.utcoffset()
        if offset is None or abs(offset) > _MAX_ZONE:
            return None
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return utc if _EARLIEST <= utc <= _LATEST else None


def _moment(value: Any, label: str) -> datetime:
    if not isinstance(value, str) or plausible_time(value) is None:
        raise BundleError(f"{label}: the bundle's manifest has no valid creation time")
    return datetime.fromisoformat(value)  # with the offset of the machine that made it


def _count(value: Any, label: str) -> int:
    # Counts are progress totals, which a Qt signal carries as a 32-bit int.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise BundleError(f"{label}: the bundle's manifest has a bad count {value!r}")
    return value


def _digest(entry: Any, name: str, label: str) -> MemberDigest:
    if (
        isinstance(entry, dict)
        and isinstance(entry.get("sha256"), str)
        and _SHA256.match(entry["sha256"])
        and isinstance(entry.get("size"), int)
        and not isinstance(entry["size"], bool)
        and entry["size"] >= 0
    ):
        return MemberDigest(entry["sha256"], entry["size"])
    raise BundleError(f"{label}: the manifest entry for {name!r} has no valid SHA-256 and size")
