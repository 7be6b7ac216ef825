"""A cancel flag that a user sets at a chosen moment: after the work has looked at it N times."""

from __future__ import annotations

import threading


class CancelAfter(threading.Event):
    """A real ``threading.Event``, set once ``is_set()`` has been asked ``checks`` times."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self._left = checks

    def is_set(self) -> bool:
        self._left -= 1
        if self._left < 0:
            self.set()
        return super().is_set()
