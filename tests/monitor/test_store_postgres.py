"""The store on a real PostgreSQL server: SQLite's dialect said in PostgreSQL's, the schema
made there, and what a shared store must do that one file did by itself."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.errors import StoreError
from monitor.store import Store
from monitor.store.dialect import to_postgres
from monitor.types import SearchRequest, SourceKind
from tests.support.postgres import PostgresServer

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM articles WHERE id = ?", "SELECT * FROM articles WHERE id = %s"),
        (
            "INSERT OR IGNORE INTO story_apart (article_id, story_id) VALUES (?, ?)",
            "INSERT INTO story_apart (article_id, story_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        ),
        (
            "INSERT OR REPLACE INTO translation_cache (model, sentence, translation)"
            " VALUES (?, ?, ?)",
            "INSERT INTO translation_cache (model, sentence, translation) VALUES (%s, %s, %s)"
            " ON CONFLICT (model, sentence) DO UPDATE SET translation = EXCLUDED.translation",
        ),
        (
            "UPDATE articles SET state = MAX(state, ?)",
            "UPDATE articles SET state = GREATEST(state, %s)",
        ),
        ("SELECT 1 WHERE url LIKE 'a%'", "SELECT 1 WHERE url LIKE 'a%%'"),
        ("ORDER BY name COLLATE NOCASE, id", "ORDER BY ascii_lower(name), id"),
    ],
)
def test_the_stores_statements_are_said_in_postgresqls_dialect(sqlite: str, postgres: str):
    assert to_postgres(sqlite)[0] == postgres


def test_an_insert_into_a_table_with_ids_returns_the_new_id():
    text, returns_id = to_postgres("INSERT INTO sources (url) VALUES (?)")
    assert returns_id and text.endswith(" RETURNING id")


def test_a_reader_following_the_change_log_misses_nothing_written_at_once(
    postgres_server: PostgresServer,
):
    """Three writers at once and a reader following the log as an index does (``since`` its
    last position): a change committed after a later position was read would be missed.
    Writers take the store's write lock, so positions are committed in order."""
    url = postgres_server.fresh_database()
    first = Store(url, clock=lambda: NOW)
    source = first.add_source("https://a.example/feed", kind=SourceKind.FEED, name="A")
    first.close()
    errors: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def write(number: int) -> None:
        store = Store(url, clock=lambda: NOW)
        try:
            for item in range(30):
                with store.transaction() as db:
                    db.execute(
                        "INSERT INTO articles (source_id, guid, title, retrieved_at, state)"
                        " VALUES (?, ?, ?, ?, 10)",
                        (source.id, f"{number}-{item}", "t", NOW.isoformat()),
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            store.close()

    reader = Store(url)
    followed: list[int] = []
    writers = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        last = followed[-1] if followed else 0
        followed += [change[0] for change in reader.change_log.since(last, limit=1000)]
    for writer in writers:
        writer.join()
    followed += [c[0] for c in reader.change_log.since(followed[-1] if followed else 0, 1000)]
    try:
        assert errors == []
        everything = [change[0] for change in reader.change_log.since(0, limit=1000)]
        assert len(everything) == 90
        assert followed == everything  # each one seen, none behind the reader's back
    finally:
        reader.close()


def test_an_unreachable_server_is_one_clear_error(postgres_server: PostgresServer):
    url = f"postgresql://nobody:secret@127.0.0.1:{postgres_server.port + 1}/none"
    with pytest.raises(StoreError, match="cannot reach the shared store") as raised:
        Store(url)
    assert "secret" not in str(raised.value)


def test_a_shared_stores_change_log_is_kept_for_every_desktop(
    postgres_server: PostgresServer, tmp_path
):  # type: ignore[no-untyped-def]
    """Two desktops on one shared store, each with its own index: the first one's sync must
    not forget changes the second has not read."""
    from monitor import open_monitor
    from tests.support.stored_articles import Outlets, store_article

    url = postgres_server.fresh_database()
    with (
        open_monitor(tmp_path / "desk-a", store=url) as desk_a,
        open_monitor(tmp_path / "desk-b", store=url) as desk_b,
    ):
        for desk in (desk_a, desk_b):  # each builds its index while the store is empty
            list(desk.sync_index())
        store_article(desk_a, Outlets(desk_a), "ТАСС", "ru", NOW, "Пожар", "Пожар начался утром.")
        list(desk_a.sync_index())  # reads the new changes; on one file it would prune them
        list(desk_b.sync_index())  # follows the log from its own position
        assert desk_b.search(SearchRequest("пожар")).total == 1


def test_the_command_line_says_a_bad_or_unreachable_store_in_one_line(
    postgres_server: PostgresServer, tmp_path, capsys
):  # type: ignore[no-untyped-def]
    from monitor.cli import main

    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "--store", "sqlite:///x.db", "sources", "list"]) == 1
    said = capsys.readouterr().err
    assert "must be a postgresql:// address" in said and "Traceback" not in said
    gone = f"postgresql://nobody:secret@127.0.0.1:{postgres_server.port + 1}/none"
    assert main(["--data-dir", data, "--store", gone, "sources", "list"]) == 1
    said = capsys.readouterr().err
    assert "cannot reach the shared store" in said and "secret" not in said
    assert len(said.strip().splitlines()) == 1


def test_the_desktop_app_opens_on_the_store_and_as_the_user_given_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from monitor.app import STORE_VARIABLE
    from monitor.users import USER_VARIABLE

    for variable in (STORE_VARIABLE, USER_VARIABLE):
        monkeypatch.setenv(variable, "")  # recorded, so main()'s value is undone after the test
        monkeypatch.delenv(variable)
    seen: list[tuple[str | None, str | None, str | None]] = []

    def open_app(data_dir: str | None) -> int:
        seen.append((data_dir, os.environ.get(STORE_VARIABLE), os.environ.get(USER_VARIABLE)))
        return 0

    store = "postgresql://monitor:secret@db.example/newsroom"
    argv = ["--data-dir", str(tmp_path), "--store", store, "--user", " ana "]
    assert main(argv, open_app=open_app) == 0
    assert seen == [(str(tmp_path), store, "ana")]

    assert main(["--store", "sqlite:///x.db"], open_app=open_app) == 1
    assert main(["--user", "   "], open_app=open_app) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and "postgresql://" in errors[0] and "user name" in errors[1]
    assert len(seen) == 1  # neither opened the app
