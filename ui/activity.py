"""Whether the window's user is working, for the translation threads (see
:meth:`monitor.parts.Parts.translation_threads`): while keys, clicks and the wheel come in,
translation leaves a core to the window; after a minute without them, it uses every core.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

IDLE_AFTER_S = 60.0

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
        QEvent.Type.MouseMove,
        QEvent.Type.TouchBegin,
    }
)


class UserActivity(QObject):
    """Watches the application's input (an event filter on it, installed on the main
    thread); :meth:`working` may be asked from any thread: it reads one number."""

    def __init__(
        self, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._last_input = clock()  # the window has just been opened by its user
        application = QApplication.instance()
        if application is not None:
            application.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self._last_input = self._clock()
        return False

    def working(self) -> bool:
        return self._clock() - self._last_input < IDLE_AFTER_S
