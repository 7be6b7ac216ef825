"""Opening the SQLite file: pragmas, schema creation and migrations; the open file that the
store and its parts share (:class:`Database`).

WAL journal so readers (the UI) never block the writer; ``busy_timeout`` so a second
writer (a CLI ``update`` beside the GUI) waits instead of failing at once. The change log
is filled by triggers, so no code path can change an article without the index hearing of it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from monitor.disk_errors import sqlite_write_problem
from monitor.errors import StoreError
from monitor.settings import SERVER_SCHEMES
from monitor.store.connection import StoreConnection
from monitor.store.postgres import PostgresConnection, migrate

# The scripts live beside this module; the version and the steps are read from there.
from monitor.store.schema import MIGRATIONS as _MIGRATIONS
from monitor.store.schema import SCHEMA_VERSION as SCHEMA_VERSION


class Database:
    """The open store file that :class:`~monitor.store.Store` and its parts share: one
    connection (so one thread) and its write transactions.

    Made by the store only; its parts (translations, watchlists, page retries, the change
    log) are given it when the store builds them, and nothing outside ``monitor.store``
    sees it.
    """

    def __init__(self, location: Path | str) -> None:
        self.path = location
        self.on_server = is_server_url(location)
        self.connection: StoreConnection
        if self.on_server:
            server = PostgresConnection(str(location))
            try:
                migrate(server, _MIGRATIONS, SCHEMA_VERSION)
            except sqlite3.Error as error:
                server.close()
                raise StoreError(f"the shared store cannot be used: {error}") from error
            self.connection = server
        else:
            self.connection = open_database(Path(location))

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[StoreConnection]:
        """One write transaction; taken IMMEDIATE so a second writer waits (busy_timeout).
        On a server, the store's write lock is its IMMEDIATE (see monitor.store.postgres)."""
        try:
            if isinstance(self.connection, PostgresConnection):
                self.connection.begin_write()
            else:
                self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            self._rollback()
            raise self._write_error(error) from error
        try:
            yield self.connection
        except sqlite3.OperationalError as error:  # a full disk, a read-only file
            self._rollback()
            raise self._write_error(error) from error
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.connection.execute("COMMIT")
            except sqlite3.Error as error:
                self._rollback()
                raise self._write_error(error) from error

    @contextmanager
    def alone(self, key: int) -> Iterator[None]:
        """Work of several transactions that one process at a time does (story grouping):
        on a server, the session advisory lock ``key`` (another desktop's grouping waits
        for it); on a file, nothing more than the file's own write lock."""
        if not self.on_server:
            yield
            return
        self.connection.execute("SELECT pg_advisory_lock(?)", (key,))
        try:
            yield
        finally:
            self.connection.execute("SELECT pg_advisory_unlock(?)", (key,))

    def _rollback(self) -> None:
        # After a failed write (disk full, I/O error) SQLite may have rolled back already;
        # a second ROLLBACK would fail and hide the error that matters.
        if not self.connection.in_transaction:
            return
        with suppress(sqlite3.Error):  # the error being raised says more than this one
            self.connection.execute("ROLLBACK")

    def _write_error(self, error: sqlite3.Error) -> StoreError:
        problem = sqlite_write_problem(error)
        if problem is not None:
            return StoreError(
                f"could not save to the article store {self.path}: {problem}"
                " (everything saved before is kept)"
            )
        name = getattr(error, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"the article store is busy (another Media Monitor is writing): {error}"
            )
        return StoreError(f"could not save to the article store: {error}")


def is_server_url(location: Path | str) -> bool:
    """Whether ``location`` names a PostgreSQL server's database rather than a file."""
    return isinstance(location, str) and location.startswith(SERVER_SCHEMES)


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open the article store at {path}: {error}") from error
    try:
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA busy_timeout = 30000")
        _set_wal(connection)
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        _migrate(connection, path)
    except sqlite3.DatabaseError as error:
        connection.close()
        problem = sqlite_write_problem(error)
        if problem is not None:  # the disk or folder is at fault, not the file: keep it
            raise StoreError(f"cannot open the article store at {path}: {problem}") from error
        raise StoreError(
            f"the article store at {path} cannot be used ({error}); "
            "move it aside and run again to start a new one"
        ) from error
    return connection


def _set_wal(connection: sqlite3.Connection) -> None:
    # Switching a new file to WAL takes an exclusive lock, and SQLite reports "database is
    # locked" at once, without its busy handler, when another connection is doing the same:
    # several processes opening one new store (seen 2 times in 25 in the four-thread test).
    deadline = time.monotonic() + 30.0
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the article store at {path} was written by a newer Media Monitor "
            f"(schema {version}, this version knows {SCHEMA_VERSION}); upgrade the app"
        )
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Another connection may have migrated while we waited for the write lock.
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(_MIGRATIONS[step]):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a script into statements (``executescript`` would commit our transaction)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return [statement for statement in statements if statement]
