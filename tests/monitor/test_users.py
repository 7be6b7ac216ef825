"""Per-user state (issue 21): on a team's shared store each user keeps their own read and
starred marks, notes, watchlists and "new since I last looked"; a single-user store keeps
what it held as its one user's; a field user's notes come back through bundles as theirs."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor import Monitor, open_monitor
from monitor.errors import BundleError, ConfigError, MonitorError, NotFoundError
from monitor.store import Store
from monitor.store.schema import MIGRATIONS
from monitor.types import NoteSide
from monitor.users import SINGLE_USER, USER_VARIABLE, bundle_author, resolve_user
from tests.support import noted
from tests.support.postgres import PostgresServer
from tests.support.stored_articles import Outlets, store_article

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_user_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USER_VARIABLE, raising=False)


class Desks:
    """Desktops of one team, each its own data folder (and index) on one store: a shared
    PostgreSQL database, or (for the SQLite file) one data folder opened as each user."""

    def __init__(self, location: Path | str, root: Path) -> None:
        self._location = location
        self._root = root
        self._stack = ExitStack()

    def open(self, user: str) -> Monitor:
        if isinstance(self._location, str):
            monitor = open_monitor(
                self._root / user, store=self._location, user=user, clock=lambda: NOW
            )
        else:
            monitor = open_monitor(self._location.parent / "data", user=user, clock=lambda: NOW)
        return self._stack.enter_context(monitor)

    def close(self) -> None:
        self._stack.close()


@pytest.fixture
def desks(store_location: Path | str, tmp_path: Path) -> Iterator[Desks]:
    opened = Desks(store_location, tmp_path)
    yield opened
    opened.close()


def test_two_users_keep_their_own_marks_and_new_counts(desks: Desks):
    ana, ben = desks.open("ana"), desks.open("ben")
    outlets = Outlets(ana)
    first = store_article(ana, outlets, "ТАСС", "ru", NOW, "Пожар", "Пожар начался утром.")
    second = store_article(ana, outlets, "ТАСС", "ru", NOW, "Дождь", "Дождь шёл весь день.")
    source = ana.article(first).source_id
    assert (ana.user, ben.user) == ("ana", "ben")

    ana.set_flags(first, read=True, starred=True)
    assert ana.article(first).is_read and ana.article(first).is_starred
    assert not ben.article(first).is_read and not ben.article(first).is_starred
    assert ana.unread_counts() == {source: 1} and ben.unread_counts() == {source: 2}
    assert [a.id for a in ana.articles(starred=True)] == [first] and ana.starred_count() == 1
    assert ben.articles(starred=True) == [] and ben.starred_count() == 0
    assert ana.starred_article_ids() == [first] and ben.starred_article_ids() == []
    assert {a.id for a in ben.articles(unread_only=True)} == {first, second}

    assert ana.mark_read() == 1  # only the second was unread for her
    assert ana.unread_counts() == {} and ben.unread_counts() == {source: 2}
    assert ben.mark_read(starred=True) == 0  # ben starred nothing
    ben.set_flags(second, read=True)
    ana.set_flags(first, read=False)
    assert ana.unread_counts() == {source: 1} and ben.unread_counts() == {source: 1}
    assert [a.id for a in ben.articles(unread_only=True)] == [first]

    ana.mark_source_seen(source)
    assert ana.new_counts() == {} and ben.new_counts() == {source: 2}
    ben.mark_source_seen(source, through=first)
    assert ben.new_counts() == {source: 1} and ana.new_counts() == {}


def test_two_users_keep_their_own_watchlists_and_names(desks: Desks):
    ana, ben = desks.open("ana"), desks.open("ben")
    store_article(ana, Outlets(ana), "ТАСС", "ru", NOW, "Пожар", "Пожар начался утром.")
    for desk in (ana, ben):
        list(desk.sync_index())

    ana.add_watchlist("Fires", "пожар")
    ben.add_watchlist("fires", "пожар", existing_seen=False)  # the same name: another user's
    with pytest.raises(MonitorError, match="already exists"):
        ana.add_watchlist("FIRES", "огонь")
    ben.add_watchlist("Smoke", "дым")
    with pytest.raises(MonitorError, match="already exists"):
        ben.rename_watchlist("smoke", "FIRES")  # case aside, a name ben has already
    ben.remove_watchlist("smoke")

    assert [(w.name, w.new_matches) for w in ana.check_watchlists()] == [("Fires", 0)]
    assert [(w.name, w.new_matches) for w in ben.check_watchlists()] == [("fires", 1)]
    ana.remove_watchlist("fires")
    assert ana.watchlists() == [] and [w.name for w in ben.watchlists()] == ["fires"]
    with pytest.raises(NotFoundError):
        ana.watchlist("fires")


def test_two_users_keep_their_own_notes(desks: Desks):
    ana, ben = desks.open("ana"), desks.open("ben")
    article = noted.add_article(ana)
    note = ana.mark_sentence(article, 0, text="ana's reading")
    theirs = ben.mark_sentence(article, 0, text="ben's reading")  # the same sentence
    assert theirs.id != note.id

    assert [n.text for n in ana.notes(article)] == ["ana's reading"]
    assert [n.text for n in ben.notes()] == ["ben's reading"]
    with pytest.raises(NotFoundError):
        ben.edit_note(note.id, text="not mine")
    with pytest.raises(NotFoundError):
        ben.remove_note(note.id)
    noted.translate(ana, article, noted.KOREAN[1:])  # a new translation: both find theirs
    assert [n.sentence for n in ana.notes(article)] == [None]
    assert [n.text for n in ana.notes(article)] == ["ana's reading"]
    assert [n.text for n in ben.notes(article)] == ["ben's reading"]


# Who the user is ------------------------------------------------------------------------


def test_the_user_is_given_else_the_variable_else_the_setting_else_by_the_store(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr("monitor.users.getpass.getuser", lambda: "analyst7")
    assert resolve_user(" ana ", "ben", "cy", shared=True) == "ana"
    assert resolve_user(None, "ben", "cy", shared=True) == "ben"
    assert resolve_user(None, " ", "cy", shared=False) == "cy"
    assert resolve_user(None, None, "", shared=True) == "analyst7"
    assert resolve_user(None, None, "", shared=False) == SINGLE_USER
    assert bundle_author(SINGLE_USER) == "analyst7" and bundle_author("ana") == "ana"
    for bad in ("", "   ", "x" * 65, "tab\there", "a\x00b"):
        with pytest.raises(ConfigError, match="1 to 64 printable characters"):
            resolve_user(bad, None, "", shared=True)

    def no_login() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr("monitor.users.getpass.getuser", no_login)
    with pytest.raises(ConfigError, match="--user NAME"):
        resolve_user(None, None, "", shared=True)
    assert bundle_author(SINGLE_USER) is None


@pytest.mark.sqlite_file
def test_open_monitor_takes_the_user_from_the_variable_and_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        assert monitor.user == SINGLE_USER  # the folder's own file: its one user
        monitor.save_settings(monitor.saved_settings().__class__(user="cy"))
    with open_monitor(data) as monitor:
        assert monitor.user == "cy"
    monkeypatch.setenv(USER_VARIABLE, "ben")
    with open_monitor(data) as monitor:
        assert monitor.user == "ben"
    with open_monitor(data, user="ana") as monitor:
        assert monitor.user == "ana"
    (data / "settings.json").write_text(json.dumps({"user": "\n"}), "utf-8")
    with pytest.raises(ConfigError, match="setting 'user'"):
        open_monitor(data)


def test_the_command_line_takes_a_user(postgres_server: PostgresServer, tmp_path: Path, capsys):  # type: ignore[no-untyped-def]
    from monitor.cli import main

    url = postgres_server.fresh_database()
    with open_monitor(tmp_path / "ana", store=url, user="ana") as ana:
        store_article(ana, Outlets(ana), "ТАСС", "ru", NOW, "Пожар", "Пожар начался утром.")
        list(ana.sync_index())
        ana.add_watchlist("Fires", "пожар")
    common = ["--data-dir", str(tmp_path / "desk"), "--store", url]
    capsys.readouterr()
    assert main([*common, "--user", "ana", "watch", "list"]) == 0
    assert "Fires" in capsys.readouterr().out
    assert main([*common, "--user", "ben", "watch", "list"]) == 0
    assert "Fires" not in capsys.readouterr().out
    assert main([*common, "--user", "  ", "watch", "list"]) == 1
    said = capsys.readouterr().err
    assert "1 to 64 printable characters" in said and len(said.strip().splitlines()) == 1


# An upgrade from schema 17 ----------------------------------------------------------------


def _schema_17(store_location: Path | str) -> Any:
    """A connection to a store of schema 17, made by the version-17 scripts themselves."""
    steps = {step: script for step, script in MIGRATIONS.items() if step <= 17}
    if isinstance(store_location, str):
        from monitor.store.postgres import PostgresConnection, migrate

        server = PostgresConnection(store_location)
        migrate(server, steps, 17)
        return server
    from monitor.store.database import _statements

    raw = sqlite3.connect(store_location, isolation_level=None)
    raw.execute("PRAGMA foreign_keys = ON")
    for step in sorted(steps):
        for statement in _statements(steps[step]):
            raw.execute(statement)
    raw.execute("PRAGMA user_version = 17")
    return raw


def test_an_upgrade_keeps_the_marks_notes_and_watchlists_as_the_single_users(
    store_location: Path | str,
):
    with closing(_schema_17(store_location)) as old:
        source = old.execute(
            "INSERT INTO sources (url, kind, name, added_at) VALUES (?, 'feed', 'ТАСС', ?)",
            ("https://tass.test/rss", NOW.isoformat()),
        ).lastrowid
        ids = [
            old.execute(
                "INSERT INTO articles (source_id, guid, title, retrieved_at, state, is_read,"
                " is_starred) VALUES (?, ?, ?, ?, 30, ?, ?)",
                (source, f"g{n}", f"Статья {n}", NOW.isoformat(), read, starred),
            ).lastrowid
            for n, (read, starred) in enumerate([(1, 1), (1, 0), (0, 1), (0, 0)])
        ]
        old.execute("UPDATE sources SET seen_through = ? WHERE id = ?", (ids[2], source))
        old.execute(
            "INSERT INTO notes (article_id, side, sentence, text, created_at, updated_at)"
            " VALUES (?, 'original', 'Первое.', 'a note', ?, ?)",
            (ids[0], NOW.isoformat(), NOW.isoformat()),
        )
        watchlists = [
            old.execute(
                "INSERT INTO watchlists (name, query, created_at) VALUES (?, ?, ?)",
                (name, "статья", NOW.isoformat()),
            ).lastrowid
            for name in ("Alpha", "Beta", "Gamma")
        ]
        old.execute("DELETE FROM watchlists WHERE id = ?", (watchlists[2],))
        for watchlist, article, seen in [(0, 0, 1), (0, 1, 0), (1, 3, 1)]:
            old.execute(
                "INSERT INTO watchlist_matches (watchlist_id, article_id, first_matched_at,"
                " matching, seen) VALUES (?, ?, ?, 1, ?)",
                (watchlists[watchlist], ids[article], NOW.isoformat(), seen),
            )

    store = Store(store_location)
    try:
        assert store.user == SINGLE_USER
        flags = {a.id: (a.is_read, a.is_starred) for a in store.articles_by_ids(ids)}
        assert [flags[i] for i in ids] == [
            (True, True),
            (True, False),
            (False, True),
            (False, False),
        ]
        assert store.unread_counts() == {source: 2}
        assert sorted(store.starred_ids()) == sorted([ids[0], ids[2]])
        assert store.new_counts() == {source: 1}
        assert [n.text for n in store.notes.all()] == ["a note"]
        kept = store.watchlists.all()
        assert [(w.id, w.name) for w in kept] == [(watchlists[0], "Alpha"), (watchlists[1], "Beta")]
        assert store.watchlists.counts(watchlists[0]).total == 2  # every match kept
        assert store.watchlists.counts(watchlists[0]).new == 1
        assert store.watchlists.counts(watchlists[1]).total == 1
        assert store.watchlists.new_article_ids(watchlists[0]) == [ids[1]]
        added = store.watchlists.add("Delta", "статья", kept[0].filters, NOW)
        assert added.id > watchlists[2]  # an id once given is not given again
        with pytest.raises(MonitorError, match="already exists"):
            store.watchlists.add("alpha", "x", kept[0].filters, NOW)
    finally:
        store.close()
    other = Store(store_location, user="ana")
    try:  # another user of the upgraded store starts with nothing of the single user's
        assert other.starred_ids() == [] and other.unread_counts() == {source: 4}
        assert other.notes.all() == [] and other.watchlists.all() == []
        assert other.new_counts() == {source: 4}
    finally:
        other.close()


# A field user's bundle --------------------------------------------------------------------


def _rewrite_manifest(bundle: Path, out: Path, change: dict[str, Any]) -> Path:
    """A copy of ``bundle`` whose manifest has ``change`` (a None value: the key removed)."""
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                for key, value in change.items():
                    if value is None:
                        manifest.pop(key, None)
                    else:
                        manifest[key] = value
                data = json.dumps(manifest).encode()
            target.writestr(info, data)
    return out


def test_a_field_users_notes_come_back_to_the_shared_store_as_theirs(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("monitor.users.getpass.getuser", lambda: "ben")  # the laptop's login
    url = postgres_server.fresh_database()
    with (
        open_monitor(tmp_path / "ana", store=url, user="ana") as ana,
        open_monitor(tmp_path / "ben", store=url, user="ben") as ben,
    ):
        article = noted.add_article(ana)
        ana.mark_sentence(article, 0, text="ana's reading")
        ana.set_flags(article, starred=True)
        ben.mark_sentence(article, 2, text="ben before leaving")
        team = tmp_path / "team.mmbundle"
        ben.export_bundle(team)  # ben takes the team's collection into the field

        with open_monitor(tmp_path / "laptop") as laptop:
            laptop.import_bundle(team)
            (local,) = laptop.articles()
            assert laptop.user == SINGLE_USER  # the laptop's own file: its one user's now
            assert [n.text for n in laptop.notes()] == ["ben before leaving"]
            assert not local.is_starred  # ana's star stayed home, as did her note
            laptop.mark_sentence(local.id, 1, NoteSide.TRANSLATION, text="seen at the border")
            laptop.set_flags(local.id, read=True)
            back = tmp_path / "back.mmbundle"
            laptop.export_bundle(back)
        with zipfile.ZipFile(back) as written:
            assert json.loads(written.read("manifest.json"))["user"] == "ben"

        report = ana.import_bundle(back)  # ana's desktop imports it: the notes are still ben's
        assert (report.notes.added, report.notes.skipped) == (1, 1)
        assert [n.text for n in ben.notes(article)] == ["seen at the border", "ben before leaving"]
        assert ben.article(article).is_read and not ben.article(article).is_starred
        assert [n.text for n in ana.notes(article)] == ["ana's reading"]
        assert not ana.article(article).is_read and ana.article(article).is_starred

        # A bundle from before users (no name) is the importing user's.
        old = _rewrite_manifest(back, tmp_path / "old.mmbundle", {"user": None})
        assert ana.import_bundle(old).notes.added == 2
        assert {n.text for n in ana.notes(article)} == {
            "ana's reading",
            "seen at the border",
            "ben before leaving",
        }

        hostile = _rewrite_manifest(back, tmp_path / "hostile.mmbundle", {"user": "x\u202e\n"})
        with pytest.raises(BundleError, match="not a name") as refused:
            ana.import_bundle(hostile)
        assert len(str(refused.value).splitlines()) == 1
