"""Whether the window's user is working, for the translation threads (see
:meth:`monitor.parts.Parts.translation_threads`): while they search, open and mark,
translation leaves a core to the window; after a minute without, it uses every core.

What counts as work: every query or change the window asks its workers for (a search typed,
an article opened, a flag set), which the task manager notes (:meth:`UserActivity.note`).
Nothing watches Qt's events: an application-wide Python event filter sees every event of
every object, costs on each one, and, in PySide, is fragile while objects are deleted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

IDLE_AFTER_S = 60.0


class UserActivity:
    """Noted on the main thread; :meth:`working` may be asked from any thread (it reads one
    number)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = clock()  # the window has just been opened by its user

    def note(self) -> None:
        """The user asked for something."""
        self._last = self._clock()

    def working(self) -> bool:
        return self._clock() - self._last < IDLE_AFTER_S
