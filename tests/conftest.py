"""Suite-wide fixtures: a local HTTP server, a PostgreSQL server, the store's two backends,
and a guard against leaked threads."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.http_server import LocalServer
from tests.support.postgres import PostgresServer

# Qt draws offscreen in tests: no display is needed, on CI or on a developer's machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1, stopped after the test."""
    with LocalServer() as local_server:
        yield local_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store-backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the store every Monitor of the tests opens (postgresql: a fresh database each)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--store-backend postgresql``, the tests of the SQLite file itself (its pragmas,
    its upgrades, its damage) are left out: they ran with the file."""
    if config.getoption("--store-backend") != "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("sqlite_file") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True, scope="session")
def _store_backend(request: pytest.FixtureRequest) -> Iterator[None]:
    """With ``--store-backend postgresql``, every data folder the tests open keeps its
    articles in a fresh PostgreSQL database of its own (two folders, two machines: two
    databases), module-wide collections included."""
    if request.config.getoption("--store-backend") != "postgresql":
        yield
        return
    import monitor.app
    from monitor.store import Store

    server: PostgresServer = request.getfixturevalue("postgres_server")
    databases: dict[Path, str] = {}

    def on_server(location: Path | str, **options: Any) -> Store:
        if isinstance(location, Path):
            key = location.resolve()
            if key not in databases:
                databases[key] = server.fresh_database()
            location = databases[key]
        return Store(location, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(monitor.app, "Store", on_server)
        yield


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on 127.0.0.1 for the whole test session (see
    :mod:`tests.support.postgres`)."""
    started = PostgresServer()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request: pytest.FixtureRequest, tmp_path) -> str | object:  # type: ignore[no-untyped-def]
    """Where a store under test lives: a SQLite file, then a fresh PostgreSQL database (the
    store's tests run against both backends)."""
    if request.param == "sqlite":
        return tmp_path / "monitor.sqlite3"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.fresh_database()


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves non-daemon threads running (napari's guard)."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    for thread in leaked:
        thread.join(timeout=2)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"test left threads running: {still}"


@pytest.fixture
def model_loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every model the engine loads: its source language and the threads it is given."""
    loads: list[tuple[str, int]] = []
    from translations import engine as engine_module

    original = engine_module.load_model

    def counted(package, settings):  # type: ignore[no-untyped-def]
        loads.append((package.from_code, settings.threads))
        return original(package, settings)

    monkeypatch.setattr(engine_module, "load_model", counted)
    return loads
