"""Watchlists: named saved searches, counted after each update, and match timelines.

What "new" means: a watchlist remembers every article that ever matched it and whether that
article was among its matches when the user last viewed it (:func:`mark_seen`). Its new
matches are the articles matching now that were not seen then: an article collected since,
and also an older article that matches only now (its translation arrived when a model was
installed). Article ids alone would miss the second kind. Deleting an article forgets it, so
an id SQLite reuses later is not taken as seen.

Matching goes through the search index, so a watchlist in English finds Russian, Korean and
Chinese articles through their English translations, exactly as a search does. Every match
is counted (not one page of hits): the index is read directly for ids, without snippets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from indexes.types import SearchRequest
from monitor.errors import MonitorError
from monitor.store.watchlist_store import (
    MatchCounts,
    WatchFilters,
    Watchlist,
)

if TYPE_CHECKING:
    from monitor.parts import Parts

MAX_NAME_LENGTH = 80


@dataclass(frozen=True, slots=True)
class WatchlistStatus:
    """A watchlist and its counts, for the sidebar and the tray notification."""

    watchlist: Watchlist
    total_matches: int
    new_matches: int  # matching now, not seen at the last view
    fresh_matches: int = 0  # matched for the first time at this check
    error: str | None = None  # the search failed (the count is then the last known one)

    @property
    def name(self) -> str:
        return self.watchlist.name

    @property
    def notify(self) -> bool:
        """Worth a tray notification: something matched for the first time, and not muted."""
        return self.fresh_matches > 0 and not self.watchlist.muted


def request_for(watchlist: Watchlist) -> SearchRequest:
    """The search a watchlist saves (for showing its matches, or its :func:`timeline`)."""
    filters = watchlist.filters
    return SearchRequest(
        watchlist.query,
        languages=filters.languages,
        outlets=filters.outlets,
        since=filters.since,
        until=filters.until,
    )


def filters_of(request: SearchRequest) -> WatchFilters:
    """The filters of a search the user wants to save as a watchlist."""
    return WatchFilters(request.languages, request.outlets, request.since, request.until)


def matching_ids(parts: Parts, request: SearchRequest) -> list[int]:
    """The ids of every article ``request`` matches, ascending."""
    return sorted({match.article_id for match in parts.finder.matches(request)})


def watched_ids(parts: Parts) -> set[int]:
    """The articles any watchlist matches now (their translation comes before the rest's)."""
    ids: set[int] = set()
    for watchlist in parts.store.watchlists.all():
        try:
            ids.update(matching_ids(parts, request_for(watchlist)))
        except MonitorError:  # its next check says why; the queue goes on without it
            continue
    return ids


def timeline(parts: Parts, request: SearchRequest) -> dict[str, dict[str, int]]:
    """Matches per UTC day per outlet: ``{"2026-11-20": {"TASS": 3, ...}, ...}``, days ascending.

    Days without matches are absent; undated articles are left out (they have no day).
    """
    days: dict[str, dict[str, int]] = {}
    for match in parts.finder.matches(request):
        if match.day is None:
            continue
        outlets = days.setdefault(match.day, {})
        outlets[match.outlet] = outlets.get(match.outlet, 0) + 1
    return {day: dict(sorted(days[day].items())) for day in sorted(days)}


def add_watchlist(
    parts: Parts,
    name: str,
    query: str,
    filters: WatchFilters | None = None,
    *,
    existing_seen: bool = True,
) -> WatchlistStatus:
    """Save a search as a watchlist. Its present matches count as seen (the user has just
    looked at this search) unless ``existing_seen`` is false.

    Raises :class:`MonitorError` for an empty or taken name or a query that cannot be searched.
    """
    name = _clean_name(name)
    chosen = filters or WatchFilters()
    request = SearchRequest(query, chosen.languages, chosen.outlets, chosen.since, chosen.until)
    _sync(parts)
    ids = matching_ids(parts, request)  # checks the query before anything is stored
    store = parts.store.watchlists
    watchlist = store.add(name, query.strip(), chosen, parts.clock())
    counts = store.record_matches(watchlist.id, ids, parts.clock(), seen=existing_seen)
    return _status(store.get_by_id(watchlist.id), counts)


def remove_watchlist(parts: Parts, name: str) -> Watchlist:
    """Forget a watchlist (and what it had matched). Raises NotFoundError for an unknown name."""
    return parts.store.watchlists.remove(name)


def list_watchlists(parts: Parts) -> list[WatchlistStatus]:
    """Every watchlist by name, with the counts of its last check (no searching: fast)."""
    store = parts.store.watchlists
    return [_status(w, store.counts(w.id)) for w in store.all()]


def check_watchlists(parts: Parts, *, sync: bool = True) -> list[WatchlistStatus]:
    """Run every watchlist's search and count its new matches; call after each update.

    ``sync`` first brings the index up to date with the store. A watchlist whose search
    fails keeps its last counts and says why in ``error``; the others are still checked.
    """
    if sync:
        _sync(parts)
    store = parts.store.watchlists
    statuses = []
    for watchlist in store.all():
        try:
            ids = matching_ids(parts, request_for(watchlist))
        except MonitorError as error:
            statuses.append(_status(watchlist, store.counts(watchlist.id), error=str(error)))
            continue
        counts = store.record_matches(watchlist.id, ids, parts.clock())
        statuses.append(_status(store.get_by_id(watchlist.id), counts))
    return statuses


def mark_seen(parts: Parts, name: str) -> WatchlistStatus:
    """The user viewed the watchlist: its present matches are no longer new."""
    store = parts.store.watchlists
    watchlist = store.get(name)
    _sync(parts)
    ids = matching_ids(parts, request_for(watchlist))
    counts = store.record_matches(watchlist.id, ids, parts.clock(), seen=True)
    return _status(store.get_by_id(watchlist.id), counts)


def new_article_ids(parts: Parts, name: str) -> list[int]:
    """The new matches of a watchlist as of its last check, newest first (to mark them)."""
    store = parts.store.watchlists
    return store.new_article_ids(store.get(name).id)


def set_muted(parts: Parts, name: str, muted: bool = True) -> Watchlist:
    """A muted watchlist is still counted but never asks for a notification."""
    store = parts.store.watchlists
    watchlist = store.get(name)
    store.set_muted(watchlist.id, muted)
    return replace(watchlist, muted=muted)


def get_watchlist(parts: Parts, name: str) -> Watchlist:
    """The watchlist called ``name`` (any case). Raises NotFoundError naming the ones there are."""
    return parts.store.watchlists.get(name)


def rename_watchlist(parts: Parts, name: str, new_name: str) -> Watchlist:
    """Call the watchlist ``name`` ``new_name``; its matches and counts stay. Raises
    :class:`MonitorError` for an empty or taken name, NotFoundError for an unknown one."""
    store = parts.store.watchlists
    watchlist = store.get(name)
    store.rename(watchlist.id, _clean_name(new_name))
    return store.get_by_id(watchlist.id)


def edit_watchlist(
    parts: Parts, name: str, query: str, filters: WatchFilters | None = None
) -> WatchlistStatus:
    """Give the watchlist another query and filters. Its present matches count as seen (the
    user has just looked at this search, as when it was added); what it matched before and
    matches no longer is forgotten from its counts.

    Raises :class:`~monitor.errors.QueryError` for a query that cannot be searched, before
    anything is stored.
    """
    store = parts.store.watchlists
    watchlist = store.get(name)
    chosen = filters or WatchFilters()
    request = SearchRequest(query, chosen.languages, chosen.outlets, chosen.since, chosen.until)
    _sync(parts)
    ids = matching_ids(parts, request)  # checks the query before anything is stored
    store.change_search(watchlist.id, query.strip(), chosen)
    counts = store.record_matches(watchlist.id, ids, parts.clock(), seen=True)
    return _status(store.get_by_id(watchlist.id), counts)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise MonitorError("a watchlist needs a name: type a few words that say what it watches")
    if len(name) > MAX_NAME_LENGTH:
        raise MonitorError(
            f"the watchlist name is too long: keep it under {MAX_NAME_LENGTH} letters"
        )
    return name


def _sync(parts: Parts) -> None:
    for _ in parts.index_stage.run(threading.Event()):
        pass


def _status(watchlist: Watchlist, counts: MatchCounts, error: str | None = None) -> WatchlistStatus:
    return WatchlistStatus(watchlist, counts.total, counts.new, counts.fresh, error)


__all__ = [
    "WatchFilters",
    "Watchlist",
    "WatchlistStatus",
    "add_watchlist",
    "check_watchlists",
    "edit_watchlist",
    "filters_of",
    "get_watchlist",
    "list_watchlists",
    "mark_seen",
    "matching_ids",
    "new_article_ids",
    "remove_watchlist",
    "rename_watchlist",
    "request_for",
    "set_muted",
    "timeline",
]
