"""What the store's parts write through: an open SQLite file or a PostgreSQL connection
(:mod:`monitor.store.postgres`), both with the part of :mod:`sqlite3`'s interface they use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

# A result row, read by position or column name (sqlite3.Row, or postgres.Row).
StoreRow = Any


class StoreConnection(Protocol):
    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any: ...

    def close(self) -> None: ...
