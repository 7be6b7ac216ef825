"""Watchlists: saved searches counted across updates, through translations, and timelines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor import Monitor, open_monitor
from monitor.errors import MonitorError, NotFoundError
from monitor.fetch import FetchSettings
from monitor.watchlists import (
    WatchFilters,
    add_watchlist,
    check_watchlists,
    list_watchlists,
    mark_seen,
    matching_ids,
    new_article_ids,
    remove_watchlist,
    request_for,
    set_muted,
    timeline,
)
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)
GLOSSARY = {"ракета": "missile", "море": "sea"}
FRIDAY = "Fri, 20 Nov 2026 10:15:00 +0300"

Item = tuple[str, str, str, str]  # guid, title, text, pubDate


def serve_feed(server: LocalServer, path: str, title: str, items: list[Item]) -> str:
    entries = "".join(
        f"<item><title>{t}</title><guid>{guid}</guid><description>{text}</description>"
        f"<pubDate>{published}</pubDate></item>"
        for guid, t, text, published in items
    )
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><language>ru</language>{entries}</channel></rss>"
    )
    return server.add(path, Route(body.encode(), headers={"Content-Type": "application/rss+xml"}))


DRILL: Item = ("a1", "Учения на флоте", "Вчера ракета упала в море во время учений.", FRIDAY)
RATE: Item = ("a2", "Ставка сохранена", "Банк России сохранил ключевую ставку.", FRIDAY)
LAUNCH: Item = ("a3", "Новый пуск", "Ещё одна ракета стартовала с полигона утром.", FRIDAY)
GRAIN: Item = ("a4", "Экспорт зерна", "Порты Одессы снова отгружают пшеницу.", FRIDAY)


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as opened:
        yield opened


def install_glossary_model(monitor: Monitor, tmp_path: Path) -> None:
    monitor.install_models([build_package(tmp_path / "pkg", "ru", "en", glossary=GLOSSARY)])


def test_english_watchlist_counts_new_russian_matches_across_updates(
    monitor: Monitor, server: LocalServer, tmp_path: Path
) -> None:
    install_glossary_model(monitor, tmp_path)
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, RATE]))
    monitor.update()

    added = add_watchlist(monitor, "Missiles", "missile", existing_seen=False)
    assert (added.total_matches, added.new_matches) == (1, 1)  # through the translation
    assert mark_seen(monitor, "Missiles").new_matches == 0
    [status] = check_watchlists(monitor)
    assert (status.total_matches, status.new_matches, status.notify) == (1, 0, False)

    serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, RATE, LAUNCH, GRAIN])
    monitor.update()
    [status] = check_watchlists(monitor)
    assert (status.total_matches, status.new_matches, status.fresh_matches) == (2, 1, 1)
    assert status.notify
    [launch_id] = new_article_ids(monitor, "Missiles")
    assert monitor.article(launch_id).title == "Новый пуск"  # not the grain article
    [listed] = list_watchlists(monitor)
    assert (listed.name, listed.new_matches, listed.total_matches) == ("Missiles", 1, 2)

    # Checked again without anything new: still unseen, but nothing to notify about.
    [again] = check_watchlists(monitor)
    assert (again.new_matches, again.fresh_matches, again.notify) == (1, 0, False)
    seen = mark_seen(monitor, "Missiles")
    assert seen.new_matches == 0 and seen.watchlist.last_seen_at is not None


def test_existing_matches_count_as_seen_when_a_search_is_saved(
    monitor: Monitor, server: LocalServer
) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, RATE, LAUNCH]))
    monitor.update()
    status = add_watchlist(monitor, "  Rockets \n", "ракета")
    assert (status.name, status.total_matches, status.new_matches) == ("Rockets", 2, 0)
    assert (status.fresh_matches, status.notify) == (0, False)


def test_an_old_article_that_matches_once_translated_is_new(
    monitor: Monitor, server: LocalServer, tmp_path: Path
) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, RATE]))
    monitor.update()  # no ru→en model yet: "missile" finds nothing
    assert add_watchlist(monitor, "Missiles", "missile").total_matches == 0

    install_glossary_model(monitor, tmp_path)
    list(monitor.translate_iter())
    [status] = check_watchlists(monitor)  # syncs the index with the new translation
    assert (status.total_matches, status.new_matches, status.fresh_matches) == (1, 1, 1)


def test_filters_are_saved_and_applied(monitor: Monitor, server: LocalServer) -> None:
    monitor.add_source(serve_feed(server, "/a.xml", "Вести (тест)", [DRILL]))
    saturday = (*LAUNCH[:3], "Sat, 21 Nov 2026 09:00:00 +0300")
    monitor.add_source(serve_feed(server, "/b.xml", "Нева (тест)", [saturday]))
    monitor.update()
    filters = WatchFilters(languages=("ru",), outlets=("Нева",), since=date(2026, 11, 21))
    add_watchlist(monitor, "Neva rockets", "ракета", filters, existing_seen=False)
    add_watchlist(monitor, "Ukrainian rockets", "ракета", WatchFilters(languages=("uk",)))
    statuses = {s.name: s for s in check_watchlists(monitor)}
    assert statuses["Neva rockets"].watchlist.filters == filters  # read back from JSON
    assert statuses["Neva rockets"].new_matches == 1
    assert statuses["Ukrainian rockets"].total_matches == 0
    [neva_id] = matching_ids(monitor, request_for(statuses["Neva rockets"].watchlist))
    assert monitor.article(neva_id).source_name == "Нева (тест)"


def test_deleted_articles_leave_the_counts(monitor: Monitor, server: LocalServer) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, LAUNCH]))
    monitor.update()
    add_watchlist(monitor, "Rockets", "ракета", existing_seen=False)
    monitor.remove_source(monitor.sources()[0].id)
    [status] = check_watchlists(monitor)
    assert (status.total_matches, status.new_matches) == (0, 0)
    assert list_watchlists(monitor)[0].new_matches == 0


def test_muted_watchlist_is_counted_but_never_notifies(
    monitor: Monitor, server: LocalServer
) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [RATE]))
    monitor.update()
    add_watchlist(monitor, "Rockets", "ракета")
    assert set_muted(monitor, "rockets").muted  # names are matched case-insensitively
    serve_feed(server, "/rss.xml", "Вести (тест)", [RATE, LAUNCH])
    monitor.update()
    [status] = check_watchlists(monitor)
    assert (status.new_matches, status.fresh_matches, status.notify) == (1, 1, False)


def test_bad_names_and_queries_are_refused_with_user_messages(monitor: Monitor) -> None:
    add_watchlist(monitor, "Rates", "ставка")
    with pytest.raises(MonitorError, match="already exists"):
        add_watchlist(monitor, "rates", "ключевая ставка")
    with pytest.raises(MonitorError, match="needs a name"):
        add_watchlist(monitor, "   ", "ставка")
    with pytest.raises(MonitorError, match="too long"):
        add_watchlist(monitor, "x" * 200, "ставка")
    with pytest.raises(MonitorError, match="empty"):
        add_watchlist(monitor, "Nothing", "  ")
    with pytest.raises(MonitorError):
        add_watchlist(monitor, "Broken", '"unclosed phrase')
    assert [s.name for s in list_watchlists(monitor)] == ["Rates"]  # nothing half-stored
    with pytest.raises(NotFoundError, match="Rates"):  # the message lists the known ones
        remove_watchlist(monitor, "Nope")
    assert remove_watchlist(monitor, "RATES").name == "Rates"
    assert list_watchlists(monitor) == []
    assert check_watchlists(monitor) == []


def test_timeline_counts_matches_per_utc_day_per_outlet(
    monitor: Monitor, server: LocalServer
) -> None:
    early = (*DRILL[:3], "Fri, 20 Nov 2026 01:30:00 +0300")  # still 19 November in UTC
    late = (*LAUNCH[:3], "Sat, 21 Nov 2026 12:00:00 +0000")
    monitor.add_source(serve_feed(server, "/a.xml", "Вести (тест)", [early, late, RATE]))
    other = ("b1", "Ракета над морем", "Ракета пролетела над морем.", FRIDAY)
    monitor.add_source(serve_feed(server, "/b.xml", "Нева (тест)", [other]))
    monitor.update()
    by_day = timeline(monitor, SearchRequest("ракета"))
    assert by_day == {
        "2026-11-19": {"Вести (тест)": 1},
        "2026-11-20": {"Нева (тест)": 1},
        "2026-11-21": {"Вести (тест)": 1},
    }
    assert list(by_day) == sorted(by_day)
    assert len(matching_ids(monitor, SearchRequest("ракета"))) == 3  # not the rate article
    assert timeline(monitor, SearchRequest("ракета", outlets=("Нева",))) == {
        "2026-11-20": {"Нева (тест)": 1}
    }
    with pytest.raises(MonitorError):
        timeline(monitor, SearchRequest("date:[2026-13-01 TO]"))
