"""Importing an air-gap bundle from the window, with progress and the door's report.

The core verifies the whole bundle before it changes anything and merges it in one store
transaction (:meth:`monitor.Monitor.import_bundle`), so an import is not cancelled halfway:
it runs to its end, or is refused whole. Its report (what was added, merged and already
here) and any refusal are shown as plain text: a bundle comes from another machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor
from monitor.bundles.format import BUNDLE_SUFFIX, BundleReport
from monitor.types import Progress
from ui.dialogs.export import SHOW_PROGRESS_AFTER_MS, ProgressRelay
from ui.plain import plain_label
from ui.tasks import Changes, TaskManager, failure_message

# What an import may bring: the window reloads these (and syncs the index) once it ends.
IMPORT_CHANGES = (
    Changes.SOURCES
    | Changes.ARTICLES
    | Changes.TRANSLATIONS
    | Changes.WATCHLISTS
    | Changes.MODELS
    | Changes.FLAGS
)


def choose_bundle(parent: QWidget | None) -> Path | None:
    """Ask for a bundle file to import; None when the user changed their mind."""
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        "Import a bundle",
        "",
        f"Media Monitor bundles (*{BUNDLE_SUFFIX});;All files (*)",
    )
    return Path(chosen) if chosen else None


class ImportBundleDialog(QDialog):
    """Imports one bundle as soon as it opens and shows the report.

    Signals: none of its own; the import's changes reach the window through the
    :class:`~ui.tasks.TaskManager` (``changed``).
    """

    def __init__(self, tasks: TaskManager, bundle: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import bundle")
        self._tasks = tasks
        self.bundle = bundle
        self.running = False
        self.report: BundleReport | None = None
        self.heading = plain_label(f"Importing {bundle}…")  # the file's name is the sender's
        self.heading.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.report_text = QPlainTextEdit()  # plain text by nature
        self.report_text.setReadOnly(True)
        self.report_text.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.report_text, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.progress_relay = ProgressRelay(self)
        self.progress_relay.progressed.connect(self._show_progress)
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.timeout.connect(lambda: self.progress.setVisible(self.running))
        self._start()

    def _start(self) -> None:
        bundle = self.bundle
        relay = self.progress_relay.progressed

        def job(
            monitor: Monitor, _report: Callable[[Progress], None], _cancel: threading.Event
        ) -> BundleReport:
            return monitor.import_bundle(bundle, progress=relay.emit)

        self.running = True
        self.buttons.setEnabled(False)  # it cannot stop halfway: it ends, or is refused whole
        self._reveal.start(SHOW_PROGRESS_AFTER_MS)
        self._tasks.run_long(
            "Importing a bundle",
            job,
            changes=IMPORT_CHANGES,
            success=self._imported,
            failure=self._refused,
            owner=self,
        )

    def _show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _imported(self, report: BundleReport) -> None:
        self.report = report
        self._stop(f"Imported {self.bundle}:", "\n".join(report.lines()))

    def _refused(self, error: BaseException) -> None:
        self._stop(f"{self.bundle} was not imported:", failure_message(error))

    def _stop(self, heading: str, text: str) -> None:
        self.running = False
        self._reveal.stop()
        self.progress.setVisible(False)
        self.heading.setText(heading)
        self.report_text.setPlainText(text)
        self.report_text.setVisible(True)
        self.buttons.setEnabled(True)

    def reject(self) -> None:
        if not self.running:  # an import under way is seen to its end
            super().reject()
