"""The export dialog: articles to an HTML or PDF dossier, CSV, JSON Lines or an air-gap bundle.

What to export: the articles selected in the list, every match of the current search (all
pages, not the page on screen), a saved search's matches, the starred articles or the whole
collection. Each choice shows how many articles it holds, counted on the reader thread
before anything starts. The export runs on the writer thread with progress and Cancel; the
core writes to ``<file>.part`` and renames it, so a cancelled export leaves no file. The
result line (plain text) names the file, with a button that opens its folder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor
from monitor.export import ExportCancelled, PdfRenderer
from monitor.types import Progress, ProgressKind, SearchRequest
from ui.article_list import ROW_ROLE
from ui.dialogs.export_jobs import (
    FORMATS,
    Counts,
    ExportOutcome,
    ExportPlan,
    FormatChoice,
    SavedSearch,
    Scope,
    count_articles,
    run_export,
    with_suffix,
)
from ui.pdf import render_pdf_on_a_qt_thread
from ui.plain import isolated, plain_label, plain_tip
from ui.tasks import Changes, TaskManager, failure_message

SHOW_PROGRESS_AFTER_MS = 600  # quick exports never flash a progress bar (Anki's delay)


class ProgressRelay(QObject):
    """Carries a worker's progress to the main thread (a queued signal: no widget is
    touched from the worker).

    Signals:
        progressed(int, int): steps done, steps in all.
    """

    progressed = Signal(int, int)


def selected_article_ids(view: QAbstractItemView) -> list[int]:
    """The ids of the articles selected in the article list's view, top to bottom (several
    when the view allows it), else the current one."""
    indexes = sorted(view.selectedIndexes(), key=lambda index: index.row())
    if not indexes and view.currentIndex().isValid():
        indexes = [view.currentIndex()]
    rows = (index.data(ROW_ROLE) for index in indexes)
    return list(dict.fromkeys(row.id for row in rows if row is not None))


def _button_text(text: str) -> str:
    """``text`` on a button as typed: "&" is not a shortcut mark, right-to-left stays in it."""
    return isolated(text).replace("&", "&&")


def _articles(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"


class ExportDialog(QDialog):
    """Choose what to export, the format and the file; export with progress and Cancel.

    Signals:
        counted(object): the :class:`~ui.dialogs.export_jobs.Counts` now shown.
        exported(object): the :class:`~ui.dialogs.export_jobs.ExportOutcome` of an export
            that finished.
        export_failed(str): an export stopped (cancelled, or on an error); the message shown.
    """

    counted = Signal(object)
    exported = Signal(object)
    export_failed = Signal(str)

    def __init__(
        self,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        selected_ids: Sequence[int] = (),
        request: SearchRequest | None = None,
        pdf_renderer: PdfRenderer | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export articles")
        self._tasks = tasks
        self._selected_ids = tuple(selected_ids)
        self._request = request
        self._pdf_renderer = pdf_renderer
        self._counts: Counts | None = None
        self._cancel: threading.Event | None = None
        self._close_when_stopped = False
        self._last_folder: Path | None = None
        self.progress_relay = ProgressRelay(self)  # a child: the dialog owns it
        self.progress_relay.progressed.connect(self._show_progress)

        self.scopes = QButtonGroup(self)
        self.scope_buttons: dict[Scope, QRadioButton] = {}
        scope_box = QGroupBox("What to export")
        scope_layout = QVBoxLayout(scope_box)
        for scope in Scope:
            button = QRadioButton()
            self.scope_buttons[scope] = button
            self.scopes.addButton(button)
            if scope is Scope.SAVED_SEARCH:
                self.saved_searches = QComboBox()
                self.saved_searches.setMinimumContentsLength(24)
                self.saved_searches.currentIndexChanged.connect(self._choice_changed)
                row = QHBoxLayout()
                row.addWidget(button)
                row.addWidget(self.saved_searches, 1)
                scope_layout.addLayout(row)
            else:
                scope_layout.addWidget(button)
        self.scopes.buttonToggled.connect(self._scope_toggled)

        self.format = QComboBox()
        for choice in FORMATS:
            self.format.addItem(choice.label, choice)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.path = QLineEdit()
        self.path.textChanged.connect(self._choice_changed)
        self.path.setPlaceholderText("The file to write")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.clicked.connect(self._choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow("Format:", self.format)
        form.addRow("File:", file_row)

        self.summary = plain_label()  # names a search and a file
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        working = QHBoxLayout()
        working.addWidget(self.progress, 1)
        working.addWidget(self.cancel_button)
        self.result_line = plain_label()  # the path, a bundle's report, an error quoting a file
        self.result_line.setWordWrap(True)
        self.result_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setVisible(False)
        self.open_folder_button.clicked.connect(self.open_folder)
        result_row = QHBoxLayout()
        result_row.addWidget(self.result_line, 1)
        result_row.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignTop)

        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(scope_box)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addLayout(working)
        layout.addLayout(result_row)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.timeout.connect(lambda: self.progress.setVisible(self.running))

        self._show_counts(None)
        self._default_scope().setChecked(True)
        self.path.setText(str(self._default_path(folder)))
        self._count()

    # Counting ------------------------------------------------------------------------------

    def _count(self) -> None:
        request = self._request

        def job(monitor: Monitor) -> Counts:
            return count_articles(monitor, request)

        self._tasks.read(job, success=self._counted, failure=self._count_failed, owner=self)

    def _counted(self, counts: Counts) -> None:
        self._show_counts(counts)
        self.counted.emit(counts)

    def _count_failed(self, error: BaseException) -> None:
        self.summary.setText(f"Could not count the articles: {failure_message(error)}")

    def _show_counts(self, counts: Counts | None) -> None:
        """Label each choice with how many articles it holds ("…" until counted)."""
        self._counts = counts

        starred = collection = found = "…"
        if counts is not None:
            starred, collection = str(counts.starred), str(counts.collection)
            found = "?" if counts.search is None else str(counts.search)
        selected = len(self._selected_ids)
        labels = {
            Scope.SELECTION: (
                f"The selected article{'s' if selected > 1 else ''} ({selected})"
                if selected
                else "The selected articles (none selected)"
            ),
            Scope.STARRED: f"Starred articles ({starred})",
            Scope.COLLECTION: f"The whole collection ({collection})",
            Scope.SAVED_SEARCH: "A saved search:",
        }
        request = self._request
        if request is None:
            labels[Scope.SEARCH] = "The current search's results (no search)"
        else:
            query = request.text.strip() or "filters only"
            labels[Scope.SEARCH] = f"The current search's results, all pages: “{query}” ({found})"
        for scope, text in labels.items():
            self.scope_buttons[scope].setText(_button_text(text))
        self.scope_buttons[Scope.SELECTION].setEnabled(bool(selected))
        self.scope_buttons[Scope.SEARCH].setEnabled(request is not None)
        self._fill_saved_searches(counts.saved if counts is not None else ())
        self._choice_changed()

    def _fill_saved_searches(self, saved: tuple[SavedSearch, ...]) -> None:
        chosen = self.saved_searches.currentText()
        self.saved_searches.blockSignals(True)
        self.saved_searches.clear()
        for search in saved:
            count = "?" if search.count is None else str(search.count)
            self.saved_searches.addItem(f"{isolated(search.name)} ({count})", search)
            tip = search.error or search.request.text
            self.saved_searches.setItemData(
                self.saved_searches.count() - 1, plain_tip(tip), Qt.ItemDataRole.ToolTipRole
            )
        if not saved:
            self.saved_searches.addItem(
                "Counting…" if self._counts is None else "No saved searches", None
            )
        kept = self.saved_searches.findText(chosen)
        self.saved_searches.setCurrentIndex(max(kept, 0))
        self.saved_searches.blockSignals(False)
        self.saved_searches.setEnabled(bool(saved))
        self.scope_buttons[Scope.SAVED_SEARCH].setEnabled(bool(saved))

    def _default_scope(self) -> QRadioButton:
        if self._request is not None:
            return self.scope_buttons[Scope.SEARCH]
        if self._selected_ids:
            return self.scope_buttons[Scope.SELECTION]
        return self.scope_buttons[Scope.COLLECTION]

    # Choices -------------------------------------------------------------------------------

    def _scope_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._choice_changed()

    def scope(self) -> Scope:
        return next(s for s, b in self.scope_buttons.items() if b.isChecked())

    def choose_scope(self, scope: Scope) -> None:
        self.scope_buttons[scope].setChecked(True)

    def format_choice(self) -> FormatChoice:
        choice: FormatChoice = self.format.currentData()
        return choice

    def choose_format(self, label: str) -> None:
        self.format.setCurrentIndex(self.format.findText(label))

    def count(self) -> int | None:
        """How many articles the current choice holds (None: not known yet, or unknown)."""
        counts = self._counts
        if counts is None:
            return None
        scope = self.scope()
        if scope is Scope.SELECTION:
            return len(self._selected_ids)
        if scope is Scope.SEARCH:
            return counts.search
        if scope is Scope.SAVED_SEARCH:
            saved = self.saved_searches.currentData()
            return saved.count if isinstance(saved, SavedSearch) else None
        return counts.starred if scope is Scope.STARRED else counts.collection

    def plan(self) -> ExportPlan | None:
        """The export the dialog shows, or None when it is not ready (said in the summary)."""
        text = self.path.text().strip()
        if not text or self.count() is None:
            return None
        choice = self.format_choice()
        scope = self.scope()
        request: SearchRequest | None = None
        if scope is Scope.SEARCH:
            request = self._request
        elif scope is Scope.SAVED_SEARCH:
            saved = self.saved_searches.currentData()
            request = saved.request if isinstance(saved, SavedSearch) else None
        out = with_suffix(Path(text).expanduser(), choice.suffix)
        return ExportPlan(scope, choice, out, self._selected_ids, request)

    def _choice_changed(self) -> None:
        if self.running:
            return
        count = self.count()
        choice = self.format_choice()
        if self._counts is None:
            text = "Counting the articles…"
        elif count is None:
            saved = self.saved_searches.currentData()
            error = self._counts.search_error if self.scope() is Scope.SEARCH else None
            if isinstance(saved, SavedSearch) and self.scope() is Scope.SAVED_SEARCH:
                error = saved.error
            text = f"This search cannot be exported: {error or 'nothing to count'}"
        elif count == 0:
            text = "Nothing to export: this choice holds no articles."
        else:
            text = f"{_articles(count)} will be exported {choice.described}."
            if choice.bundle and self.scope() is Scope.COLLECTION:
                text += " The saved searches go with them."
        self.summary.setText(text)
        ready = bool(count) and bool(self.path.text().strip())
        self.export_button.setEnabled(ready)

    def _format_changed(self) -> None:
        """Give the file the new format's suffix (when it has another format's)."""
        choice = self.format_choice()
        text = self.path.text().strip()
        if text:
            path = Path(text)
            known = {c.suffix for c in FORMATS}
            if path.suffix.lower() in known and path.suffix.lower() != choice.suffix:
                self.path.setText(str(path.with_suffix(choice.suffix)))
        self._choice_changed()

    def _default_path(self, folder: Path | None) -> Path:
        if folder is None:
            documents = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            folder = Path(documents) if documents else Path.home()
        return folder / f"media-monitor-{date.today().isoformat()}{self.format_choice().suffix}"

    def _choose_file(self) -> None:
        choice = self.format_choice()
        pattern = f"{choice.label} (*{choice.suffix});;All files (*)"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), pattern)
        if chosen:
            self.path.setText(str(with_suffix(Path(chosen), choice.suffix)))

    # Exporting -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def start_export(self) -> None:
        """Export as chosen on the writer thread; progress and Cancel show while it runs."""
        plan = self.plan()
        if plan is None or self.running:
            return
        if plan.out.is_dir():
            self.result_line.setText(f"{plan.out} is a folder; give the file a name.")
            return
        if not plan.out.parent.is_dir():
            self.result_line.setText(f"The folder {plan.out.parent} does not exist.")
            return
        self.path.setText(str(plan.out))
        relay = self.progress_relay.progressed
        renderer = self._pdf_renderer or render_pdf_on_a_qt_thread

        def job(
            monitor: Monitor, report: Callable[[Progress], None], cancel: threading.Event
        ) -> ExportOutcome:
            def step(done: int, total: int) -> None:
                report(Progress(ProgressKind.EXPORTED, None, None, "", done, total))  # status
                relay.emit(done, total)  # the dialog's bar

            return run_export(monitor, plan, step, cancel, renderer)

        self._set_running(True)
        self.result_line.setText(f"Exporting to {plan.out}…")
        self.open_folder_button.setVisible(False)
        self._cancel = self._tasks.run_long(
            "Exporting",
            job,
            changes=Changes.NONE,
            success=self._finished,
            failure=self._failed,
            owner=self,
        )

    def cancel_export(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.result_line.setText("Cancelling…")

    def _show_progress(self, done: int, total: int) -> None:
        if self.running and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _finished(self, outcome: ExportOutcome) -> None:
        self._set_running(False)
        lines = [f"Exported {_articles(outcome.articles)} to {outcome.out}"]
        lines += outcome.report
        self.result_line.setText("\n".join(lines))
        self._last_folder = outcome.out.parent
        self.open_folder_button.setVisible(True)
        self.exported.emit(outcome)
        self._close_if_asked()

    def _failed(self, error: BaseException) -> None:
        self._set_running(False)
        if isinstance(error, ExportCancelled):
            message = "Export cancelled; no file was written."
        else:
            message = f"The export failed: {failure_message(error)}"
        self.result_line.setText(message)
        self.export_failed.emit(message)
        self._close_if_asked()

    def _set_running(self, running: bool) -> None:
        if not running:
            self._cancel = None
            self._reveal.stop()
        choices = (self.saved_searches, self.format, self.path, self.choose_button)
        for widget in (*self.scope_buttons.values(), *choices):
            widget.setEnabled(not running)
        self.export_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(False)
        if running:
            self.progress.setRange(0, 0)  # busy until the export says how far it is
            self._reveal.start(SHOW_PROGRESS_AFTER_MS)
        else:
            self._show_counts(self._counts)  # the choices as they were, enabled as they were

    def open_folder(self) -> None:
        if self._last_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_folder)))

    def reject(self) -> None:
        """Close; a running export is cancelled first, and the dialog closes once it stops."""
        if self.running:
            self._close_when_stopped = True
            self.cancel_export()
            return
        super().reject()

    def _close_if_asked(self) -> None:
        if self._close_when_stopped:
            self._close_when_stopped = False
            super().reject()
