"""The store on a PostgreSQL server, for a team's shared collection.

:class:`PostgresConnection` gives the store's parts the part of :mod:`sqlite3`'s interface
they use (``execute``, ``executemany``, rows read by position or name, ``lastrowid``,
sqlite3's exception classes), so each part is written once, in SQLite's dialect, and said in
PostgreSQL's by :mod:`monitor.store.dialect`. Values keep SQLite's shapes: flags are
integers, sums are numbers, times are ISO text, pages are bytes.

Writes are serialised as SQLite serialises them: a write transaction first takes the
store's advisory lock, so the parts' read-then-write steps (the next queue priority, a
story's next member) hold on a shared server as they do in one file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from monitor.errors import StoreError
from monitor.store.dialect import is_write, postgres_script, to_postgres, trigger_tables

# Any fixed number: the key of the lock every write transaction of a store takes.
WRITE_LOCK = 7_341_201
CONNECT_TIMEOUT_S = 10


class Row(tuple[Any, ...]):
    """A result row read by position (``row[0]``) or by column name (``row["id"]``)."""

    _names: dict[str, int]

    def __new__(cls, names: dict[str, int], values: Sequence[Any]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


class Cursor:
    """What ``execute`` returns: the rows, the new row's id, the rows changed."""

    def __init__(self, rows: list[Row], lastrowid: int | None, rowcount: int) -> None:
        self._rows = rows
        self.lastrowid = lastrowid
        self.rowcount = rowcount

    def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class PostgresConnection:
    """One connection to the store's database (so one thread), autocommitting outside the
    store's explicit transactions."""

    def __init__(self, url: str) -> None:
        import psycopg

        try:
            # Parameters bound on the client, as SQLite takes them: untyped (a None compared
            # with IS NULL, a flag in a CASE) rather than typed by the server.
            self._connection = psycopg.connect(
                url,
                autocommit=True,
                cursor_factory=psycopg.ClientCursor,
                connect_timeout=CONNECT_TIMEOUT_S,  # a server gone from the network says so
            )
        except psycopg.Error as error:
            raise StoreError(
                f"cannot reach the shared store at {without_password(url)}: {error}"
            ) from error
        _adapt(self._connection)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self._connection.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        if not self.in_transaction and is_write(sql):
            # A write outside the store's transactions is one of its own, as in SQLite,
            # under the write lock: changes are logged in the order they are committed.
            with self.locked():
                return self.execute(sql, parameters)
        text, returns_id = to_postgres(sql)
        with _as_sqlite_errors(), self._connection.cursor() as cursor:
            cursor.execute(text, tuple(parameters) if parameters else None)
            rows = _rows(cursor)
            lastrowid = rows[0][0] if returns_id and rows else None
            return Cursor([] if returns_id else rows, lastrowid, cursor.rowcount)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        if not self.in_transaction:
            with self.locked():
                return self.executemany(sql, parameters)
        text, returns_id = to_postgres(sql)
        if returns_id:  # the ids are not wanted: RETURNING would make psycopg keep them all
            text = text.removesuffix(" RETURNING id")
        with _as_sqlite_errors(), self._connection.cursor() as cursor:
            cursor.executemany(text, [tuple(p) for p in parameters])
            return Cursor([], None, cursor.rowcount)

    def begin_write(self) -> None:
        """Begin a write transaction holding the store's write lock: writers one at a time,
        so the change log's positions are committed in order (an index that has read
        position 10 never misses a 9 committed after it)."""
        self.execute("BEGIN")
        self.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One write transaction (see :meth:`begin_write`), committed at the block's end."""
        self.begin_write()
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def execute_script(self, script: str) -> None:
        with _as_sqlite_errors():
            self._connection.execute(script.replace("%", "%%"))

    def close(self) -> None:
        self._connection.close()


def migrate(connection: PostgresConnection, migrations: dict[int, str], version: int) -> None:
    """Bring the schema to ``version``: each migration script in PostgreSQL's dialect, once,
    under the write lock (another process may be migrating the same database)."""
    connection.begin_write()
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        row = connection.execute("SELECT version FROM schema_version").fetchone()
        current = 0 if row is None else int(row[0])
        if current > version:
            raise StoreError(
                f"the shared store was written by a newer Media Monitor (schema {current}, "
                f"this version knows {version}); upgrade the app"
            )
        tables = trigger_tables(list(migrations.values()))
        for step in range(current + 1, version + 1):
            connection.execute_script(postgres_script(migrations[step], tables))
        connection.execute("DELETE FROM schema_version")
        connection.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _rows(cursor: Any) -> list[Row]:
    if cursor.description is None:
        return []
    names = {column.name: place for place, column in enumerate(cursor.description)}
    return [Row(names, values) for values in cursor.fetchall()]


def _adapt(connection: Any) -> None:
    """SQLite's shapes: True and False are stored as 1 and 0; a NUMERIC (SUM, AVG) is read
    as an int when whole, else a float."""
    from psycopg.adapt import Dumper, Loader

    class FlagDumper(Dumper):
        oid = 20  # int8

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    class NumberLoader(Loader):
        def load(self, data: Any) -> int | float:
            number = Decimal(bytes(data).decode())
            return int(number) if number == number.to_integral_value() else float(number)

    connection.adapters.register_dumper(bool, FlagDumper)
    connection.adapters.register_loader("numeric", NumberLoader)


@contextmanager
def _as_sqlite_errors() -> Iterator[None]:
    """psycopg's errors as the sqlite3 classes the store's parts already handle."""
    import psycopg

    try:
        yield
    except psycopg.IntegrityError as error:
        raise sqlite3.IntegrityError(str(error).strip()) from error
    except psycopg.OperationalError as error:
        raise sqlite3.OperationalError(str(error).strip()) from error
    except psycopg.Error as error:
        raise sqlite3.DatabaseError(str(error).strip()) from error


def without_password(url: str) -> str:
    """The URL without its password: for messages, and to name the store an index follows."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
