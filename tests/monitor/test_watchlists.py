"""Watchlists: saved searches counted across updates, through translations, and timelines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor import Monitor, open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.errors import MonitorError, NotFoundError
from monitor.watchlists import (
    WatchFilters,
    request_for,
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

    added = monitor.add_watchlist("Missiles", "missile", existing_seen=False)
    assert (added.total_matches, added.new_matches) == (1, 1)  # through the translation
    assert monitor.mark_watchlist_seen("Missiles").new_matches == 0
    [status] = monitor.check_watchlists()
    assert (status.total_matches, status.new_matches, status.notify) == (1, 0, False)

    serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, RATE, LAUNCH, GRAIN])
    monitor.update()
    [status] = monitor.check_watchlists()
    assert (status.total_matches, status.new_matches, status.fresh_matches) == (2, 1, 1)
    assert status.notify
    [launch_id] = monitor.watchlist_new_ids("Missiles")
    assert monitor.article(launch_id).title == "Новый пуск"  # not the grain article
    [listed] = monitor.watchlists()
    assert (listed.name, listed.new_matches, listed.total_matches) == ("Missiles", 1, 2)

    # Checked again without anything new: still unseen, but nothing to notify about.
    [again] = monitor.check_watchlists()
    assert (again.new_matches, again.fresh_matches, again.notify) == (1, 0, False)
    seen = monitor.mark_watchlist_seen("Missiles")
    assert seen.new_matches == 0 and seen.watchlist.last_seen_at is not None


def test_existing_matches_count_as_seen_when_a_search_is_saved(
    monitor: Monitor, server: LocalServer
) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, RATE, LAUNCH]))
    monitor.update()
    status = monitor.add_watchlist("  Rockets \n", "ракета")
    assert (status.name, status.total_matches, status.new_matches) == ("Rockets", 2, 0)
    assert (status.fresh_matches, status.notify) == (0, False)


def test_an_old_article_that_matches_once_translated_is_new(
    monitor: Monitor, server: LocalServer, tmp_path: Path
) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, RATE]))
    monitor.update()  # no ru→en model yet: "missile" finds nothing
    assert monitor.add_watchlist("Missiles", "missile").total_matches == 0

    install_glossary_model(monitor, tmp_path)
    list(monitor.translate_iter())
    [status] = monitor.check_watchlists()  # syncs the index with the new translation
    assert (status.total_matches, status.new_matches, status.fresh_matches) == (1, 1, 1)


def test_filters_are_saved_and_applied(monitor: Monitor, server: LocalServer) -> None:
    monitor.add_source(serve_feed(server, "/a.xml", "Вести (тест)", [DRILL]))
    saturday = (*LAUNCH[:3], "Sat, 21 Nov 2026 09:00:00 +0300")
    monitor.add_source(serve_feed(server, "/b.xml", "Нева (тест)", [saturday]))
    monitor.update()
    filters = WatchFilters(languages=("ru",), outlets=("Нева",), since=date(2026, 11, 21))
    monitor.add_watchlist("Neva rockets", "ракета", filters, existing_seen=False)
    monitor.add_watchlist("Ukrainian rockets", "ракета", WatchFilters(languages=("uk",)))
    statuses = {s.name: s for s in monitor.check_watchlists()}
    assert statuses["Neva rockets"].watchlist.filters == filters  # read back from JSON
    assert statuses["Neva rockets"].new_matches == 1
    assert statuses["Ukrainian rockets"].total_matches == 0
    [neva_id] = monitor.matching_ids(request_for(statuses["Neva rockets"].watchlist))
    assert monitor.article(neva_id).source_name == "Нева (тест)"


def test_deleted_articles_leave_the_counts(monitor: Monitor, server: LocalServer) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [DRILL, LAUNCH]))
    monitor.update()
    monitor.add_watchlist("Rockets", "ракета", existing_seen=False)
    monitor.remove_source(monitor.sources()[0].id)
    [status] = monitor.check_watchlists()
    assert (status.total_matches, status.new_matches) == (0, 0)
    assert monitor.watchlists()[0].new_matches == 0


def test_muted_watchlist_is_counted_but_never_notifies(
    monitor: Monitor, server: LocalServer
) -> None:
    monitor.add_source(serve_feed(server, "/rss.xml", "Вести (тест)", [RATE]))
    monitor.update()
    monitor.add_watchlist("Rockets", "ракета")
    assert monitor.mute_watchlist("rockets").muted  # names are matched case-insensitively
    serve_feed(server, "/rss.xml", "Вести (тест)", [RATE, LAUNCH])
    monitor.update()
    [status] = monitor.check_watchlists()
    assert (status.new_matches, status.fresh_matches, status.notify) == (1, 1, False)


def test_bad_names_and_queries_are_refused_with_user_messages(monitor: Monitor) -> None:
    monitor.add_watchlist("Rates", "ставка")
    with pytest.raises(MonitorError, match="already exists"):
        monitor.add_watchlist("rates", "ключевая ставка")
    with pytest.raises(MonitorError, match="needs a name"):
        monitor.add_watchlist("   ", "ставка")
    with pytest.raises(MonitorError, match="too long"):
        monitor.add_watchlist("x" * 200, "ставка")
    with pytest.raises(MonitorError, match="empty"):
        monitor.add_watchlist("Nothing", "  ")
    with pytest.raises(MonitorError):
        monitor.add_watchlist("Broken", '"unclosed phrase')
    assert [s.name for s in monitor.watchlists()] == ["Rates"]  # nothing half-stored
    with pytest.raises(NotFoundError, match="Rates"):  # the message lists the known ones
        monitor.remove_watchlist("Nope")
    assert monitor.remove_watchlist("RATES").name == "Rates"
    assert monitor.watchlists() == []
    assert monitor.check_watchlists() == []


def test_timeline_counts_matches_per_utc_day_per_outlet(
    monitor: Monitor, server: LocalServer
) -> None:
    early = (*DRILL[:3], "Fri, 20 Nov 2026 01:30:00 +0300")  # still 19 November in UTC
    late = (*LAUNCH[:3], "Sat, 21 Nov 2026 12:00:00 +0000")
    monitor.add_source(serve_feed(server, "/a.xml", "Вести (тест)", [early, late, RATE]))
    other = ("b1", "Ракета над морем", "Ракета пролетела над морем.", FRIDAY)
    monitor.add_source(serve_feed(server, "/b.xml", "Нева (тест)", [other]))
    monitor.update()
    by_day = monitor.timeline(SearchRequest("ракета"))
    assert by_day == {
        "2026-11-19": {"Вести (тест)": 1},
        "2026-11-20": {"Нева (тест)": 1},
        "2026-11-21": {"Вести (тест)": 1},
    }
    assert list(by_day) == sorted(by_day)
    assert len(monitor.matching_ids(SearchRequest("ракета"))) == 3  # not the rate article
    assert monitor.timeline(SearchRequest("ракета", outlets=("Нева",))) == {
        "2026-11-20": {"Нева (тест)": 1}
    }
    with pytest.raises(MonitorError):
        monitor.timeline(SearchRequest("date:[2026-13-01 TO]"))
