"""Triage through the door and the CLI: bulk "mark read" in one statement, the "seen" mark
per outlet (new since I last looked, which is not read), and saved searches managed in place
(rename, edit, mute)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.collect.fetch import FetchSettings
from monitor.errors import MonitorError, NotFoundError, QueryError
from monitor.paths import store_path
from monitor.store import Store
from monitor.watchlists import WatchFilters
from tests.support.http_server import LocalServer, Route
from tests.support.old_store import undo_schema_18

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

Item = tuple[str, str, str, str]  # guid, title, text, pubDate
DRILL: Item = ("a1", "Учения", "Вчера ракета упала в море.", "Fri, 20 Nov 2026 10:15:00 +0300")
RATE: Item = ("a2", "Ставка", "Банк России сохранил ставку.", "Wed, 25 Nov 2026 10:00:00 +0300")
LAUNCH: Item = ("a3", "Пуск", "Ещё одна ракета стартовала.", "Sun, 29 Nov 2026 09:00:00 +0300")
GRAIN: Item = (
    "b1",
    "Зерно",
    "Порти Одеси знову відвантажують пшеницю.",
    "Sat, 21 Nov 2026 08:00:00 +0300",
)
PORT: Item = (
    "b2",
    "Порт",
    "Ракета пролетіла над портом Одеси вночі.",
    "Sun, 29 Nov 2026 11:00:00 +0300",
)


def serve_feed(server: LocalServer, path: str, title: str, items: list[Item], lang: str) -> str:
    entries = "".join(
        f"<item><title>{t}</title><guid>{guid}</guid><description>{text}</description>"
        f"<pubDate>{published}</pubDate></item>"
        for guid, t, text, published in items
    )
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><language>{lang}</language>{entries}</channel></rss>"
    )
    return server.add(path, Route(body.encode(), headers={"Content-Type": "application/rss+xml"}))


class Collection:
    def __init__(self, monitor: Monitor, server: LocalServer) -> None:
        self.monitor = monitor
        self.server = server
        self.vesti = monitor.add_source(
            serve_feed(server, "/a.xml", "Вести", [DRILL, RATE, LAUNCH], "ru"), language="ru"
        ).source.id
        self.kyiv = monitor.add_source(
            serve_feed(server, "/b.xml", "Київ", [GRAIN], "uk"), language="uk"
        ).source.id
        monitor.update()

    def unread(self) -> set[str]:
        return {a.title for a in self.monitor.articles() if not a.is_read}


@pytest.fixture
def collection(tmp_path: Path, server: LocalServer) -> Iterator[Collection]:
    with open_monitor(tmp_path / "data", fetch_settings=FAST, clock=lambda: NOW) as monitor:
        yield Collection(monitor, server)


def statements(monitor: Monitor) -> list[str]:
    """Every SQL statement the writer's connection runs from now on."""
    ran: list[str] = []
    monitor._parts.store._db.set_trace_callback(ran.append)
    return ran


# Bulk "mark read" -------------------------------------------------------------------------


@pytest.mark.sqlite_file
def test_mark_read_of_a_source_or_a_language_is_two_statements(collection: Collection):
    monitor = collection.monitor
    before = monitor._parts.store.change_log.last_position()
    ran = statements(monitor)

    assert monitor.mark_read(source_id=collection.vesti) == 3

    # The user's marks: those there are updated, the missing ones made, whatever the count.
    writes = [s for s in ran if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 2 and all("article_marks" in s for s in writes)
    assert collection.unread() == {"Зерно"}
    assert monitor.unread_counts() == {collection.kyiv: 1}
    # Read state is the store's alone: nothing for the index to follow, nothing reindexed.
    assert monitor._parts.store.change_log.last_position() == before
    assert monitor.mark_read(source_id=collection.vesti) == 0  # already read
    assert monitor.mark_read(language="uk") == 1
    assert collection.unread() == set()


def test_mark_read_of_a_search_marks_its_matches_and_the_search_shows_it(
    collection: Collection,
):
    monitor = collection.monitor
    marked = monitor.mark_read(request=SearchRequest("ракета"))
    assert marked == 2
    assert collection.unread() == {"Ставка", "Зерно"}
    hits = monitor.search(SearchRequest("ракета")).hits
    assert [hit.article.is_read for hit in hits] == [True, True]  # read state from the store


def test_mark_read_older_than_days_and_starred(collection: Collection):
    monitor = collection.monitor
    # NOW is 30 Nov, 12:00 UTC: five days back is 25 Nov, 12:00 UTC.
    assert monitor.mark_read(older_than=timedelta(days=5)) == 3  # 20, 21 and 25 Nov (07:00)
    assert collection.unread() == {"Пуск"}
    launch = next(a for a in monitor.articles() if a.title == "Пуск")
    monitor.set_flags(launch.id, starred=True)
    assert monitor.mark_read(starred=True, source_id=collection.kyiv) == 0
    assert monitor.mark_read(starred=True) == 1
    with pytest.raises(MonitorError, match="negative"):
        monitor.mark_read(older_than=timedelta(days=-1))


def test_marking_read_leaves_what_is_new_and_looking_leaves_what_is_unread(
    collection: Collection,
):
    monitor = collection.monitor
    # Never looked at: all of an outlet's articles are new.
    assert monitor.new_counts() == {collection.vesti: 3, collection.kyiv: 1}
    monitor.mark_read()
    assert monitor.new_counts() == {collection.vesti: 3, collection.kyiv: 1}  # read ≠ seen

    monitor.set_flags(next(a.id for a in monitor.articles() if a.title == "Зерно"), read=False)
    monitor.mark_source_seen(collection.kyiv)
    assert monitor.new_counts() == {collection.vesti: 3}
    assert monitor.unread_counts() == {collection.kyiv: 1}  # seen ≠ read


# New since I last looked ------------------------------------------------------------------


def test_articles_that_arrive_after_a_look_are_new_until_the_next(collection: Collection):
    monitor, server = collection.monitor, collection.server
    shown_up_to = monitor.newest_article_id(collection.kyiv)
    monitor.mark_source_seen(collection.vesti)

    serve_feed(server, "/b.xml", "Київ", [GRAIN, PORT], "uk")
    monitor.update()
    # The look at Kyiv was read before the update and stored after it (a busy writer).
    monitor.mark_source_seen(collection.kyiv, shown_up_to)
    assert monitor.new_counts() == {collection.kyiv: 1}
    port = next(a for a in monitor.articles() if a.title == "Порт")
    assert monitor.new_counts(assume_seen={collection.kyiv: port.id}) == {}  # not stored yet

    monitor.mark_source_seen(collection.kyiv)
    monitor.mark_source_seen(collection.kyiv, shown_up_to)  # a late, older look: no step back
    assert monitor.new_counts() == {}
    with pytest.raises(NotFoundError):
        monitor.mark_source_seen(9999)


@pytest.mark.sqlite_file
def test_an_upgraded_store_counts_what_it_held_as_seen(collection: Collection, tmp_path: Path):
    collection.monitor.close()
    path = store_path(tmp_path / "data")
    with sqlite3.connect(path) as old:  # as a store of schema 9 was (10 to 18 undone)
        undo_schema_18(old)
        old.execute("ALTER TABLE sources DROP COLUMN seen_through")
        old.execute("ALTER TABLE articles DROP COLUMN post_details")
        old.execute("DROP TABLE article_versions")
        old.execute("ALTER TABLE articles DROP COLUMN page_checked_at")
        for column in ("edits", "edited_at", "last_seen_at", "deleted_at"):
            old.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        old.execute("DROP TABLE name_spellings")  # schema 15
        old.execute("DROP TABLE article_entities")
        old.execute("DROP TABLE story_keys")  # schema 16
        old.execute("DROP TABLE story_features")  # schema 16
        old.execute("DROP TABLE story_apart")  # schema 16
        old.execute("DROP TABLE story_articles")  # schema 16
        old.execute("DROP TABLE stories")  # schema 16
        old.execute("ALTER TABLE translations DROP COLUMN complete")  # schema 17
        old.execute("PRAGMA user_version = 9")
    store = Store(path)
    try:
        assert store.new_counts() == {}
        assert len(store.unread_counts()) == 2  # unread as before
    finally:
        store.close()


# Saved searches managed in place ----------------------------------------------------------


def test_rename_edit_and_mute_a_saved_search(collection: Collection):
    monitor = collection.monitor
    monitor.add_watchlist("Rockets", "ракета", existing_seen=False)
    monitor.add_watchlist("Grain", "пшеницю")

    renamed = monitor.rename_watchlist("rockets", "  Missiles \n")
    assert renamed.name == "Missiles"
    statuses = {s.name: s for s in monitor.watchlists()}
    assert statuses["Missiles"].new_matches == 2  # its counts stay
    with pytest.raises(MonitorError, match="already exists"):
        monitor.rename_watchlist("Missiles", "grain")
    with pytest.raises(MonitorError, match="needs a name"):
        monitor.rename_watchlist("Missiles", "   ")

    with pytest.raises(QueryError, match="only excludes"):
        monitor.edit_watchlist("Missiles", "-ракета")
    assert monitor.watchlist("Missiles").query == "ракета"  # nothing changed

    edited = monitor.edit_watchlist("Missiles", "ракета", WatchFilters(languages=("uk",)))
    assert (edited.total_matches, edited.new_matches) == (0, 0)
    assert monitor.watchlist("Missiles").filters.languages == ("uk",)
    edited = monitor.edit_watchlist("Missiles", "ракета OR пшеницю", WatchFilters())
    assert (edited.total_matches, edited.new_matches) == (3, 0)  # seen: the user looks at it

    assert monitor.mute_watchlist("Missiles").muted
    assert monitor.watchlist("Missiles").muted
    assert not monitor.mute_watchlist("Missiles", False).muted


# The command line -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_articles_mark_read(collection: Collection, tmp_path: Path, capsys):
    data = tmp_path / "data"
    collection.monitor.close()  # the CLI opens the collection itself

    code, out, _ = run(capsys, data, "articles", "mark-read", "--source", str(collection.vesti))
    assert (code, out) == (0, "Marked 3 articles read\n")
    code, out, _ = run(capsys, data, "articles", "mark-read", "--lang", "uk", "--query", "ракета")
    assert (code, out) == (0, "Marked 0 articles read\n")
    code, out, err = run(capsys, data, "articles", "mark-read", "--lang", "ko")
    assert code == 1 and "no articles in 'ko'" in err
    code, out, err = run(capsys, data, "articles", "mark-read", "--older-than", "-3")
    assert code == 1 and "days must be a whole number" in err
    code, out, _ = run(capsys, data, "articles", "mark-read", "--older-than", "0")
    assert (code, out) == (0, "Marked 1 article read\n")
    with open_monitor(data) as monitor:
        assert monitor.unread_counts() == {}


def test_cli_watch_rename_edit_mute(collection: Collection, tmp_path: Path, capsys):
    data = tmp_path / "data"
    collection.monitor.add_watchlist("Rockets", "ракета")
    collection.monitor.close()

    code, out, _ = run(capsys, data, "watch", "rename", "Rockets", "Missiles")
    assert (code, out) == (0, "Renamed the watchlist 'Rockets' to 'Missiles'\n")
    code, out, _ = run(capsys, data, "watch", "edit", "missiles", "--lang", "RU")
    assert code == 0 and "2 matches" in out
    code, out, err = run(capsys, data, "watch", "edit", "Missiles", "--query", "ракета AND")
    assert code == 1 and err.startswith("media-monitor: ") and len(err.splitlines()) == 1
    code, out, _ = run(capsys, data, "watch", "mute", "Missiles")
    assert code == 0 and "muted" in out
    code, out, _ = run(capsys, data, "watch", "list", "--json")
    assert '"muted": true' in out and '"query": "ракета"' in out
    code, out, _ = run(capsys, data, "watch", "unmute", "Missiles")
    assert code == 0 and "unmuted" in out
    code, out, err = run(capsys, data, "watch", "mute", "Nothing")
    assert code == 1 and "no watchlist named" in err
    with open_monitor(data) as monitor:
        missiles = monitor.watchlist("Missiles")
        assert (missiles.filters.languages, missiles.muted) == (("ru",), False)
