"""Suite-wide fixtures: a local HTTP server, and a guard against leaked threads."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from tests.support.http_server import LocalServer

# Qt draws offscreen in tests: no display is needed, on CI or on a developer's machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1, stopped after the test."""
    with LocalServer() as local_server:
        yield local_server


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
