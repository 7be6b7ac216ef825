"""The window's user working or away, as the translation threads see it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from ui.activity import IDLE_AFTER_S, UserActivity


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_input_keeps_the_user_working_and_a_quiet_minute_makes_them_away(qtbot):
    clock = Clock()
    activity = UserActivity(clock=clock)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    assert activity.working()  # the window was just opened
    clock.now += IDLE_AFTER_S + 1
    assert not activity.working()
    QTest.keyClick(field, Qt.Key.Key_A)
    assert activity.working()
    clock.now += IDLE_AFTER_S - 1
    assert activity.working()
    clock.now += 2
    assert not activity.working()
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    assert activity.working()
    activity.deleteLater()
