"""The time zone of a date written without one: ``2018-09-18 14:38:10`` from a Beijing outlet.

Many feeds (Chinese portals above all) write their dates as wall-clock time with no zone.
Taking them as UTC puts a Beijing story 8 hours late. A zoneless date is placed in the zone
the evidence points to, in this order:

1. the zone the user set for the source;
2. the zone of the feed's other dates (a feed that writes ``+08:00`` on some items);
3. the outlet's country (from the catalog, when the source was added from it);
4. the outlet's language (``zh`` → Beijing time, ``ko`` → Seoul, ``ru`` → Moscow,
   ``uk`` → Kyiv): where the four languages we follow are mostly written;
5. UTC, when nothing is known.

The article keeps which one was used, shown beside its date, and a page that states its
publication time with a zone later replaces the assumed one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from monitor.errors import SourceError
from monitor.types import ParsedFeed, Source

if TYPE_CHECKING:
    from monitor.store import Store

# Where each language is mostly published, for outlets that say nothing else.
ZONE_OF_LANGUAGE = {
    "ko": "Asia/Seoul",
    "zh": "Asia/Shanghai",
    "ru": "Europe/Moscow",
    "uk": "Europe/Kyiv",
    "be": "Europe/Minsk",
    "ja": "Asia/Tokyo",
}
# The capital's zone of the countries our catalog's outlets are in.
ZONE_OF_COUNTRY = {
    "KR": "Asia/Seoul",
    "KP": "Asia/Pyongyang",
    "CN": "Asia/Shanghai",
    "HK": "Asia/Hong_Kong",
    "TW": "Asia/Taipei",
    "SG": "Asia/Singapore",
    "JP": "Asia/Tokyo",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "BY": "Europe/Minsk",
    "LV": "Europe/Riga",
    "LT": "Europe/Vilnius",
    "EE": "Europe/Tallinn",
    "KZ": "Asia/Almaty",
    "GE": "Asia/Tbilisi",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "CZ": "Europe/Prague",
    "US": "America/New_York",
}
_OLD_NAMES = {"Europe/Kyiv": "Europe/Kiev"}  # tz databases from before 2022


@dataclass(frozen=True, slots=True)
class AssumedZone:
    """A zone chosen for dates written without one, and why."""

    name: str  # an IANA name ("Asia/Shanghai") or a fixed offset ("UTC+08:00")
    basis: str  # "the outlet's language, zh"

    def describe(self) -> str:
        """What the article keeps: ``Asia/Shanghai (the outlet's language, zh)``."""
        return f"{self.name} ({self.basis})"


def zone_named(name: str) -> tzinfo:
    """The zone an IANA name or ``UTC±hh:mm`` names; :class:`ValueError` if none."""
    if name.startswith("UTC") and len(name) == 9 and name[3] in "+-":
        sign = -1 if name[3] == "-" else 1
        hours, minutes = int(name[4:6]), int(name[7:9])
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    for candidate in (name, _OLD_NAMES.get(name)):
        if candidate:
            try:
                return ZoneInfo(candidate)
            # OSError: ZoneInfo opens a file by the name, so "Europe" (a folder) or a name
            # too long for the file system fails there rather than as not found.
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    raise ValueError(f"{name!r} is not a time zone (e.g. Asia/Shanghai, Europe/Kyiv, UTC+03:00)")


def is_zone_name(name: str) -> bool:
    try:
        zone_named(name)
    except ValueError:
        return False
    return True


def known_zone_names() -> list[str]:
    """Every IANA zone name this machine knows, sorted (for the settings' choices)."""
    return sorted(available_timezones())


def choose_zone(
    *,
    source_zone: str | None,
    feed_offsets: Iterable[int],
    country: str | None,
    language: str | None,
) -> AssumedZone:
    """The zone for a feed's zoneless dates, by the order in the module's docstring."""
    if source_zone:
        return AssumedZone(source_zone, "the zone set for this source")
    common = Counter(feed_offsets).most_common(1)
    if common:
        return AssumedZone(_offset_name(common[0][0]), "the zone of the feed's other dates")
    if country and country.upper() in ZONE_OF_COUNTRY:
        return AssumedZone(ZONE_OF_COUNTRY[country.upper()], f"the outlet's country, {country}")
    base = (language or "").split("-")[0].lower()
    if base in ZONE_OF_LANGUAGE:
        return AssumedZone(ZONE_OF_LANGUAGE[base], f"the outlet's language, {base}")
    return AssumedZone("UTC", "no zone known")


def zone_for_feed(source: Source, feed: ParsedFeed) -> AssumedZone:
    """The zone for ``feed``'s zoneless dates, from what the source and the feed say."""
    return choose_zone(
        source_zone=source.time_zone,
        feed_offsets=[
            item.published_offset_minutes
            for item in feed.items
            if not item.published_zoneless and item.published_offset_minutes is not None
        ],
        country=source.country,
        language=source.language_hint or feed.language_hint,
    )


def place(wall: datetime, zone: AssumedZone) -> tuple[datetime, int] | None:
    """``wall`` (a clock reading, any tzinfo ignored) in ``zone``: (UTC time, offset in
    minutes), or ``None`` if that falls outside what a datetime holds."""
    try:
        local = wall.replace(tzinfo=zone_named(zone.name))
        offset = local.utcoffset()
        utc = local.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    assert offset is not None
    return utc, int(offset.total_seconds() // 60)


def _offset_name(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def place_again(store: Store, source: Source, zone_name: str | None) -> int:
    """Set (or with ``None`` clear) the source's own zone and place its assumed times again."""
    if zone_name is not None and not is_zone_name(zone_name):
        raise SourceError(
            f"{zone_name!r} is not a time zone; give a name such as Asia/Shanghai, "
            "Europe/Kyiv or UTC+03:00, or 'auto'"
        )
    store.update_source(source.id, time_zone=zone_name)
    zone = choose_zone(
        source_zone=zone_name,
        feed_offsets=(),
        country=source.country,
        language=source.language_hint,
    )

    def placed(wall: datetime) -> tuple[datetime, int, str] | None:
        found = place(wall, zone)
        return None if found is None else (*found, zone.describe())

    return store.replace_assumed_zones(source.id, placed)
