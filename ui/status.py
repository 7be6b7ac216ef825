"""The status bar's work panel: what runs in the background, its progress, and Cancel.

Progress appears only after a short delay (Anki waits 600 ms), so quick jobs never flash.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from monitor.types import FinishedUpdate, Progress, ProgressKind
from ui.plain import plain_label, plain_tip

SHOW_AFTER_MS = 600

_VERBS = {
    ProgressKind.SOURCE_STARTED: "Collecting",
    ProgressKind.SOURCE_FINISHED: "Collecting",
    ProgressKind.FETCHED: "Collecting",
    ProgressKind.EXTRACTED: "Collecting",
    ProgressKind.STORED: "Collecting",
    ProgressKind.FAILED: "Collecting",
    ProgressKind.TRANSLATED: "Translating",
    ProgressKind.HEADLINE: "Translating headlines",
    ProgressKind.UNTRANSLATED: "Translating",
    ProgressKind.INDEXED: "Indexing",
    ProgressKind.EXPORTED: "Exporting",
    ProgressKind.LEFT_TO_WORKERS: "Left to the team's workers",
}


class WorkPanel(QWidget):
    """Signals:
    cancel_requested(): the user pressed Cancel.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label()  # a job's name may name an outlet
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.last_update = QLabel("Not updated yet")
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
            widget.hide()
        layout.addWidget(self.last_update)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.timeout.connect(self._reveal)
        self._busy = False

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        if busy:
            self._delay.start(SHOW_AFTER_MS)
            return
        self._delay.stop()
        for widget in (self.label, self.bar, self.cancel_button):
            widget.hide()

    def _reveal(self) -> None:
        if self._busy:
            for widget in (self.label, self.bar, self.cancel_button):
                widget.show()

    def show_progress(self, name: str, progress: Progress) -> None:
        verb = _VERBS.get(progress.kind, name)
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(min(progress.done, progress.total))
            left = progress.total - progress.done
            text = f"{verb}: {progress.done}/{progress.total}"
            if verb.startswith("Translating"):
                text = f"{verb}: {left} left"
        else:
            self.bar.setRange(0, 0)  # busy indicator
            text = f"{verb}…"
        self.label.setText(text)
        self.label.setToolTip(plain_tip(progress.message))

    def set_last_update(self, update: FinishedUpdate | None) -> None:
        """Show when the collection was last updated (kept in the store across restarts)."""
        if update is None:
            self.last_update.setText("Not updated yet")
            self.last_update.setToolTip("")
            return
        local = update.finished_at.astimezone()
        today = datetime.now(local.tzinfo).date()
        when = local.strftime("%H:%M")
        if local.date() != today:
            when = f"{local.day} {local.strftime('%b')} {when}"
            if local.year != today.year:
                when = f"{local.day} {local.strftime('%b %Y')} {local.strftime('%H:%M')}"
        self.last_update.setText(f"Updated {when}")
        self.last_update.setToolTip(
            plain_tip(
                f"Last update finished {local.strftime('%Y-%m-%d %H:%M')}: {update.describe()}"
            )
        )
