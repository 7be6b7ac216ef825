"""The built-in catalog of real news outlets a user can follow with one click.

The entries live in ``catalog.toml`` beside this module, each with the public evidence for its
feed address (a maintained recipe, a dated feed check, a reader's preset…), who owns it, and
how it is tied to a state: monitors must see at a glance that TASS or Xinhua is state media.
The file's header describes the format; nothing in it is fetched from the outlets at build
time, so an entry can go stale, and its ``note`` says so where the evidence already did.

The file is read and checked once, on import. A damaged one (not TOML, a field missing or of
the wrong kind, a label the catalog does not know, two entries with one key or feed) is a
:class:`CatalogError` naming the entry and the field, never a catalog read halfway.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.errors import ConfigError
from monitor.types import Affiliation, Evidence, Outlet, SourceKind

DATA_FILE = "catalog.toml"

_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LANGUAGE = re.compile(r"[a-z]{2}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SOURCE = re.compile(r"(?:https?://\S+|github:[\w.-]+/[\w.-]+/\S+|code-index:\d+)")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_OUTLET_FIELDS = {
    "key", "name", "language", "country", "homepage", "feed_url", "owner", "state_affiliated",
    "affiliation", "affiliation_basis", "confirmed", "note", "evidence", "kind",
}  # fmt: skip
_ABSENT_FIELDS = {"name", "language", "reason", "evidence"}
_EVIDENCE_FIELDS = {"source", "shows", "date"}
# What an entry may be: a feed, or a public Telegram channel read at its preview page.
_KINDS = {"feed": SourceKind.FEED, "telegram": SourceKind.TELEGRAM}
# A channel's preview page, the address a channel is followed at (lower case, as Telegram
# names ignore case and one channel must be followed once).
_CHANNEL_URL = re.compile(r"https://t\.me/s/[a-z][a-z0-9_]{3,31}")

# How the catalog names each tie in a list of outlets (the CLI and the window alike).
_LABELS = {
    Affiliation.STATE: "state media",
    Affiliation.STATE_CAPTURED: "state-captured media",
    Affiliation.PUBLIC_BROADCASTER: "public broadcaster",
    Affiliation.PUBLIC_NEWS_AGENCY: "public news agency",
    Affiliation.INTERNATIONAL_BROADCASTER: "government-funded international broadcaster",
}


class CatalogError(ConfigError):
    """The catalog's data file is missing, is not TOML, or has an entry that breaks its rules."""


@dataclass(frozen=True, slots=True)
class Omission:
    """An outlet that was looked for and left out of the catalog, and why."""

    name: str
    language: str
    reason: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class CatalogData:
    """What the data file holds: the outlets, and the outlets left out."""

    outlets: tuple[Outlet, ...]
    absent: tuple[Omission, ...]


def load_catalog(path: Path | Traversable | None = None) -> CatalogData:
    """Read and check the catalog file (the one shipped beside this module by default)."""
    source = path if path is not None else files(__package__ or "monitor.sources") / DATA_FILE
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(
            f"The outlet catalog {source} cannot be read ({error}). Reinstall Media Monitor "
            "to restore it; feeds can still be added by address."
        ) from error
    return parse_catalog(text, origin=str(source))


def parse_catalog(text: str, *, origin: str = DATA_FILE) -> CatalogData:
    """The catalog in ``text`` (TOML), checked; :class:`CatalogError` says what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _damaged(origin, f"it is not valid TOML ({error})") from error
    _only(data, {"outlet", "absent"}, origin, "the file")
    outlets = tuple(
        _outlet(entry, origin, f"outlet {number}")
        for number, entry in enumerate(_tables(data, "outlet", origin, "the file"), 1)
    )
    if not outlets:
        raise _damaged(origin, "it lists no outlets")
    for field in ("key", "feed_url"):
        seen: set[str] = set()
        for outlet in outlets:
            value = getattr(outlet, field)
            if value in seen:
                raise _damaged(origin, f"two outlets share the {field} {value!r}")
            seen.add(value)
    absent = tuple(
        _omission(entry, origin, f"absent entry {number}")
        for number, entry in enumerate(_tables(data, "absent", origin, "the file"), 1)
    )
    return CatalogData(outlets, absent)


def affiliation_label(outlet: Outlet) -> str:
    """How the outlet is tied to a state, in a few words ("state media"); "" when untied."""
    return _LABELS[outlet.affiliation] if outlet.affiliation is not None else ""


def feed_label(outlet: Outlet) -> str:
    """What the catalog's Feed column shows: the feed's address, or "Telegram channel"."""
    return "Telegram channel" if outlet.kind is SourceKind.TELEGRAM else outlet.feed_url


def evidence_summary(outlet: Outlet) -> str:
    """Whether the feed address is evidenced: "confirmed (3 sources cited)" or "not confirmed"."""
    if not outlet.confirmed:
        return "not confirmed"
    count = len(outlet.evidence)
    return f"confirmed ({count} source{'' if count == 1 else 's'} cited)"


def _outlet(entry: Mapping[str, Any], origin: str, where: str) -> Outlet:
    _only(entry, _OUTLET_FIELDS, origin, where)
    key = _text(entry, "key", origin, where)
    if not _KEY.fullmatch(key):
        raise _damaged(origin, f"{where}: key {key!r} is not a lower-case slug like 'tass-ru'")
    where = f"{where} ({key})"
    language = _text(entry, "language", origin, where)
    country = _text(entry, "country", origin, where)
    if not _LANGUAGE.fullmatch(language):
        raise _damaged(origin, f"{where}: language {language!r} is not an ISO 639-1 code")
    if not _COUNTRY.fullmatch(country):
        raise _damaged(origin, f"{where}: country {country!r} is not an ISO 3166-1 code")
    affiliation = _affiliation(entry, origin, where)
    basis = _text(entry, "affiliation_basis", origin, where, required=affiliation is not None)
    state_affiliated = _flag(entry, "state_affiliated", origin, where)
    expected = affiliation is not None and affiliation.state_affiliated
    if state_affiliated != expected:
        raise _damaged(
            origin,
            f"{where}: state_affiliated is {str(state_affiliated).lower()} but affiliation "
            f"{affiliation.value if affiliation else 'none'!r} says {str(expected).lower()}",
        )
    confirmed = _flag(entry, "confirmed", origin, where)
    note = _text(entry, "note", origin, where, required=not confirmed)
    evidence = tuple(
        _evidence(item, origin, f"{where} evidence {number}")
        for number, item in enumerate(_tables(entry, "evidence", origin, where), 1)
    )
    if confirmed and not evidence:
        raise _damaged(origin, f"{where}: confirmed without any evidence")
    kind = _kind(entry, origin, where)
    feed_url = _address(entry, "feed_url", origin, where)
    if kind is SourceKind.TELEGRAM and not _CHANNEL_URL.fullmatch(feed_url):
        raise _damaged(
            origin,
            f"{where}: a channel's feed_url must be https://t.me/s/<name> in lower case, "
            f"not {feed_url!r}",
        )
    return Outlet(
        key=key,
        name=_text(entry, "name", origin, where),
        language=language,
        country=country,
        homepage=_address(entry, "homepage", origin, where),
        feed_url=feed_url,
        owner=_text(entry, "owner", origin, where, required=False),
        affiliation=affiliation,
        affiliation_basis=basis,
        confirmed=confirmed,
        note=note,
        evidence=evidence,
        kind=kind,
    )


def _kind(entry: Mapping[str, Any], origin: str, where: str) -> SourceKind:
    value = _text(entry, "kind", origin, where, required=False) or "feed"
    if value not in _KINDS:
        known = ", ".join(repr(name) for name in _KINDS)
        raise _damaged(origin, f"{where}: kind {value!r} is not one of {known}")
    return _KINDS[value]


def _omission(entry: Mapping[str, Any], origin: str, where: str) -> Omission:
    _only(entry, _ABSENT_FIELDS, origin, where)
    return Omission(
        name=_text(entry, "name", origin, where),
        language=_text(entry, "language", origin, where),
        reason=_text(entry, "reason", origin, where),
        evidence=tuple(
            _evidence(item, origin, f"{where} evidence {number}")
            for number, item in enumerate(_tables(entry, "evidence", origin, where), 1)
        ),
    )


def _evidence(entry: Mapping[str, Any], origin: str, where: str) -> Evidence:
    _only(entry, _EVIDENCE_FIELDS, origin, where)
    source = _text(entry, "source", origin, where)
    if not _SOURCE.fullmatch(source):
        raise _damaged(
            origin,
            f"{where}: source {source!r} is not a web address, github:owner/repo/path or "
            "code-index:<id>",
        )
    date = _text(entry, "date", origin, where, required=False)
    if date and not _DATE.fullmatch(date):
        raise _damaged(origin, f"{where}: date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return Evidence(source=source, shows=_text(entry, "shows", origin, where), date=date)


def _affiliation(entry: Mapping[str, Any], origin: str, where: str) -> Affiliation | None:
    value = _text(entry, "affiliation", origin, where, required=False)
    if not value:
        return None
    try:
        return Affiliation(value)
    except ValueError:
        known = ", ".join(repr(item.value) for item in Affiliation)
        raise _damaged(origin, f"{where}: affiliation {value!r} is not one of {known}") from None


def _address(entry: Mapping[str, Any], field: str, origin: str, where: str) -> str:
    url = _text(entry, field, origin, where)
    try:
        parts = urlsplit(url)
        well_formed = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and parts.username is None
            and not parts.fragment
            and not re.search(r"\s", url)
        )
    except ValueError:
        well_formed = False
    if not well_formed:
        raise _damaged(origin, f"{where}: {field} {url!r} is not an http(s) address")
    return url


def _text(
    entry: Mapping[str, Any], field: str, origin: str, where: str, *, required: bool = True
) -> str:
    value = entry.get(field, "")
    if not isinstance(value, str):
        raise _damaged(origin, f"{where}: {field} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise _damaged(origin, f"{where}: {field} is missing")
    return value.strip()


def _flag(entry: Mapping[str, Any], field: str, origin: str, where: str) -> bool:
    value = entry.get(field)
    if not isinstance(value, bool):
        raise _damaged(origin, f"{where}: {field} must be true or false")
    return value


def _tables(
    entry: Mapping[str, Any], field: str, origin: str, where: str
) -> list[Mapping[str, Any]]:
    value = entry.get(field, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _damaged(origin, f"{where}: {field} must be a list of tables ([[{field}]])")
    return value


def _only(entry: Mapping[str, Any], allowed: set[str], origin: str, where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise _damaged(origin, f"{where}: unknown field {', '.join(map(repr, unknown))}")


def _damaged(origin: str, problem: str) -> CatalogError:
    return CatalogError(
        f"The outlet catalog {origin} is damaged: {problem}. Reinstall Media Monitor to "
        "restore it; feeds can still be added by address."
    )


_DATA = load_catalog()

CATALOG: tuple[Outlet, ...] = _DATA.outlets
# Outlets looked for and left out (no feed, a dead feed, a service shut down), with the reason.
ABSENT: tuple[Omission, ...] = _DATA.absent


def outlets_for_language(code: str) -> tuple[Outlet, ...]:
    """The catalog's outlets writing in ``code`` (ISO 639-1; ``"zh-CN"`` counts as ``"zh"``)."""
    language = code.strip().lower().replace("_", "-").split("-")[0]
    return tuple(outlet for outlet in CATALOG if outlet.language == language)


def find_outlet(key: str) -> Outlet | None:
    """The catalog entry with ``key``, or None when there is none."""
    return next((outlet for outlet in CATALOG if outlet.key == key), None)
