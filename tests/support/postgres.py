"""A real PostgreSQL server for the tests: the distribution's own binaries (Debian's
``postgresql`` package, which ``scripts/install --test`` installs), a cluster in a folder of
its own, listening on 127.0.0.1 at a free port, stopped when the tests end.

As root (CI, this machine), the server runs as the ``postgres`` user the package made:
PostgreSQL refuses to run as root. Each test gets a database of its own
(:meth:`PostgresServer.fresh_database`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def _version(folder: Path) -> tuple[int, ...]:
    """/usr/lib/postgresql/15/bin → (15,): 15 is newer than 9.6, though it sorts first."""
    return tuple(int(part) for part in folder.parent.name.split(".") if part.isdigit())


# The newest of Debian's installed versions first, then whatever is on PATH (Fedora).
_SEARCH = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)


class PostgresMissing(RuntimeError):
    pass


def _binary(name: str) -> str:
    for folder in _SEARCH:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise PostgresMissing(
            f"PostgreSQL's {name} is not installed: `apt-get install postgresql` "
            "(scripts/install --test does it as root)"
        )
    return found


def _as_server_user(command: Sequence[str]) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """One cluster for a test session."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="media-monitor-pg-"))
        self.port = _free_port()
        self._databases = 0
        data = self._folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self._folder, "postgres", "postgres")
        subprocess.run(
            _as_server_user(
                [_binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self._folder} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_server_user(
                [
                    _binary("pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(self._folder / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self._data = data
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start: {self.log()}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def fresh_database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg

        self._databases += 1
        name = f"test_{os.getpid()}_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        try:
            return (self._folder / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        subprocess.run(
            _as_server_user([_binary("pg_ctl"), "-D", str(self._data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self._folder, ignore_errors=True)
