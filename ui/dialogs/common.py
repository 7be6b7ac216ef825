"""Small pieces the dialogs share: language names, reading a job's outcome, confirmations.

Results of background jobs arrive as :class:`~concurrent.futures.Future` objects on the main
thread; :func:`failure` turns a failed one into a message a user can read, so no dialog
ever shows a traceback.
"""

from __future__ import annotations

import itertools
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from typing import Any, TypeVar

import shiboken6
from PySide6.QtWidgets import QMessageBox, QWidget

from monitor.errors import MonitorError
from translations.errors import TranslationError
from ui.languages import LANGUAGE_NAMES

T = TypeVar("T")
log = logging.getLogger(__name__)


def language_name(code: str | None) -> str:
    """ "Korean" for "ko"; the code itself when the name is not known; "Unknown" for None."""
    if not code:
        return "Unknown"
    return LANGUAGE_NAMES.get(code.lower(), code)


def language_label(code: str | None) -> str:
    """ "Korean (ko)", for lists where both the name and the code help."""
    if not code:
        return "Unknown language"
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def failure(future: Future[Any]) -> str | None:
    """None when the job succeeded (its result is then ready); else what went wrong, plainly."""
    if future.cancelled():
        return "Cancelled."
    error = future.exception()
    if error is None:
        return None
    if isinstance(error, MonitorError | TranslationError):
        return str(error)
    if isinstance(error, CancelledError):
        return "Cancelled."
    # A bug must not take the window down; keep its traceback in the log.
    log.error("background job failed", exc_info=error)
    return f"Unexpected error: {error or type(error).__name__}"


class Callbacks:
    """Job callbacks kept by the dialog, so that a worker's future holds no widget.

    The last reference to a Qt wrapper must never drop on a worker thread (it would delete
    the widget there), so what a future keeps is a key and a weak reference; the callback
    itself lives here, on the main thread, and is dropped once called.
    """

    def __init__(self, owner: QWidget) -> None:
        self._owner = weakref.ref(owner)
        self._waiting: dict[int, Callable[[Future[Any]], None]] = {}
        self._keys = itertools.count()

    def on_main(self, callback: Callable[[Future[T]], None]) -> Callable[[Future[T]], None]:
        """A stand-in for ``callback`` to give the TaskManager; it calls it if the owner lives."""
        key = next(self._keys)
        self._waiting[key] = callback
        this = weakref.ref(self)

        def deliver(future: Future[T]) -> None:
            callbacks = this()
            if callbacks is None:
                return
            waiting = callbacks._waiting.pop(key, None)
            owner = callbacks._owner()
            # A result may arrive after its dialog was deleted on the C++ side.
            if waiting is not None and owner is not None and shiboken6.isValid(owner):
                waiting(future)

        return deliver


def confirm(parent: QWidget, title: str, text: str, action: str) -> bool:
    """Ask before something that cannot be undone; ``action`` labels the button ("Remove")."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    accept = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    accepted = box.clickedButton() == accept
    box.deleteLater()  # owned by the parent otherwise, one per question asked
    return accepted
