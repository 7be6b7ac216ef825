"""The window's user working or away, as the translation threads see it."""

from __future__ import annotations

from pathlib import Path

from monitor import open_monitor
from tests.ui.test_tasks import settle
from ui.activity import IDLE_AFTER_S, UserActivity
from ui.tasks import TaskManager


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_requests_keep_the_user_working_and_a_quiet_minute_makes_them_away():
    clock = Clock()
    activity = UserActivity(clock=clock)
    assert activity.working()  # the window was just opened
    clock.now += IDLE_AFTER_S + 1
    assert not activity.working()
    activity.note()
    assert activity.working()
    clock.now += IDLE_AFTER_S - 1
    assert activity.working()
    clock.now += 2
    assert not activity.working()


def test_what_the_window_asks_its_workers_for_counts_as_work(qtbot, tmp_path: Path):
    tasks = TaskManager(tmp_path, monitor_factory=lambda: open_monitor(tmp_path))
    clock = Clock()
    tasks.activity = UserActivity(clock=clock)
    clock.now += IDLE_AFTER_S + 1
    assert not tasks.activity.working()
    answers: list[int] = []
    tasks.read(lambda monitor: len(monitor.sources()), success=answers.append)
    qtbot.waitUntil(lambda: answers == [0])
    assert tasks.activity.working()
    settle(qtbot, tasks)
    tasks.shutdown()
