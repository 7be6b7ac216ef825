"""Fixtures for the dialog tests: a demo collection in tmp_path and a TaskManager over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import open_monitor
from ui.tasks import TaskManager

SHOTS = Path("/tmp/ui-shots")


@pytest.fixture(name="demo_dir")  # imported by the tests under the function's name
def demo_collection(tmp_path: Path) -> Path:
    """A data folder holding the demo collection, collected (no translation models)."""
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        monitor.update([source.id for source in monitor.add_demo_sources()])
    return data


@pytest.fixture(name="tasks")
def task_manager(qtbot, demo_dir: Path) -> Iterator[TaskManager]:
    manager = TaskManager(demo_dir)
    yield manager
    manager.shutdown()


def screenshot(widget, name: str) -> Path:
    """Save what the widget shows to /tmp/ui-shots for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    assert widget.grab().save(str(path))
    return path
