"""The translation models dialog: what is installed, what it covers, installing and removing.

Models come from files or folders (a USB stick) or, when there is a network, from the Argos
online index. Installing and downloading run on the writer thread; the index is read on the
reader thread. After an install the dialog emits ``models_changed``; the job's change
(``Changes.MODELS``) has the main window translate the articles that were waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from threading import Event
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor
from monitor.errors import NoNetworkError
from monitor.types import (
    AvailablePackage,
    InstallReport,
    PackageInfo,
    PackageProblem,
    Progress,
    ProgressKind,
)
from ui.dialogs.common import confirm, language_name
from ui.plain import plain_label, plain_tip
from ui.tasks import Changes, TaskManager, failure_message

T = TypeVar("T")
_NAME = Qt.ItemDataRole.UserRole
NO_NETWORK = "No network: install from a file or folder instead."


@dataclass(frozen=True, slots=True)
class ModelsState:
    """What the dialog shows, read in one go on the reader thread."""

    packages: tuple[PackageInfo, ...]
    problems: tuple[PackageProblem, ...]
    waiting: Mapping[str | None, int]  # articles waiting for translation, by language
    target: str


def coverage_lines(state: ModelsState) -> list[str]:
    """One line per language in the collection or the models: how it reaches the target."""
    to_target = {p.from_code: p for p in state.packages if p.to_code == state.target}
    by_source: dict[str, list[PackageInfo]] = {}
    for package in state.packages:
        by_source.setdefault(package.from_code, []).append(package)
    languages = {code for code in state.waiting if code} | set(by_source)
    lines = []
    for code in sorted(languages - {state.target}, key=language_name):
        waiting = state.waiting.get(code, 0)
        pending = f"; {waiting} articles waiting" if waiting else ""
        route = f"{language_name(code)} → {language_name(state.target)}"
        if code in to_target:
            lines.append(f"{route}: {to_target[code].pair}{pending}")
            continue
        pivot = next((p for p in by_source.get(code, ()) if p.to_code in to_target), None)
        if pivot is not None:
            lines.append(f"{route}: through {language_name(pivot.to_code)}{pending}")
        elif waiting:
            lines.append(f"No model for {language_name(code)}: {waiting} articles waiting")
    return lines


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _version_key(package: AvailablePackage) -> tuple[str, str, list[int]]:
    numbers = [int(x) if x.isdigit() else 0 for x in package.version.split(".")]
    return package.from_code, package.to_code, numbers


class ModelsDialog(QDialog):
    """Installed translation models, their coverage, install, download and remove.

    Signals:
        models_changed(): models were installed or removed; waiting articles can be translated.
    """

    models_changed = Signal()

    def __init__(
        self, tasks: TaskManager, parent: QWidget | None = None, *, index_url: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Translation models")
        self.resize(820, 620)
        self._tasks = tasks
        self._index_url = index_url
        self._state: ModelsState | None = None
        self._available: list[AvailablePackage] = []
        self._job_name = ""
        self._job_cancel: Event | None = None

        self.installed = QTreeWidget()
        self.installed.setRootIsDecorated(False)
        self.installed.setUniformRowHeights(True)
        self.installed.setHeaderLabels(["Pair", "Languages", "Version", "Size", "Package"])
        header = self.installed.header()
        for column in (0, 1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.installed.itemSelectionChanged.connect(self._update_buttons)
        self.file_button = QPushButton("Install from file…")
        self.file_button.clicked.connect(self._install_files)
        self.folder_button = QPushButton("Install from folder…")
        self.folder_button.clicked.connect(self._install_folder)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self._remove_selected)
        actions = QHBoxLayout()
        for button in (self.file_button, self.folder_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.remove_button)
        self.coverage = plain_label()
        self.coverage.setWordWrap(True)
        self.coverage.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        installed_box = QGroupBox("Installed")
        installed_layout = QVBoxLayout(installed_box)
        installed_layout.addWidget(self.installed, 1)
        installed_layout.addLayout(actions)
        installed_layout.addWidget(self.coverage)

        self.online = QTreeWidget()
        self.online.setRootIsDecorated(False)
        self.online.setUniformRowHeights(True)
        self.online.setHeaderLabels(["Pair", "Languages", "Version"])
        self.online.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.online.itemSelectionChanged.connect(self._update_buttons)
        self.check_button = QPushButton("Check the online index")
        self.check_button.clicked.connect(self.check_online)
        self.download_button = QPushButton("Download and install")
        self.download_button.clicked.connect(self._download_selected)
        online_actions = QHBoxLayout()
        online_actions.addWidget(self.check_button)
        online_actions.addStretch(1)
        online_actions.addWidget(self.download_button)
        online_box = QGroupBox("Download (needs a network)")
        online_layout = QVBoxLayout(online_box)
        online_layout.addWidget(self.online, 1)
        online_layout.addLayout(online_actions)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._cancel_job)
        self.message = plain_label()  # names packages and paths
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        working = QHBoxLayout()
        working.addWidget(self.progress, 1)
        working.addWidget(self.cancel_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(installed_box, 3)
        layout.addWidget(online_box, 2)
        layout.addLayout(working)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        tasks.progressed.connect(self._on_progress)
        self._update_buttons()
        self.reload()

    # Installed --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the installed models and the waiting articles again (on the reader thread)."""

        def job(monitor: Monitor) -> ModelsState:
            packages, problems = monitor.models()
            return ModelsState(
                tuple(packages),
                tuple(problems),
                monitor.waiting_by_language(),
                monitor.saved_settings().target_language,  # saved since opening, too
            )

        self._tasks.read(job, success=self._show_state, failure=self._say_failure, owner=self)

    def _say_failure(self, error: BaseException) -> None:
        self.message.setText(failure_message(error))

    def _show_state(self, state: ModelsState) -> None:
        self._state = state
        self.installed.clear()
        for package in state.packages:
            names = f"{language_name(package.from_code)} → {language_name(package.to_code)}"
            item = QTreeWidgetItem(
                [package.pair, names, package.version, _megabytes(package.size_bytes), package.name]
            )
            item.setData(0, _NAME, package.name)
            item.setToolTip(4, plain_tip(str(package.path)))
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.installed.addTopLevelItem(item)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for problem in state.problems:
            item = QTreeWidgetItem(["broken", "", "", "", f"{problem.path.name}: {problem.reason}"])
            item.setIcon(0, warning)
            item.setToolTip(4, plain_tip(f"{problem.path}\n{problem.reason}"))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.installed.addTopLevelItem(item)
        lines = coverage_lines(state)
        if not state.packages:
            lines.insert(0, "No translation models installed yet.")
        self.coverage.setText("\n".join(lines))
        self._update_buttons()

    def _selected_installed(self) -> str | None:
        items = self.installed.selectedItems()
        name = items[0].data(0, _NAME) if items else None
        return name if isinstance(name, str) else None

    def _update_buttons(self) -> None:
        working = bool(self._job_name)
        self.remove_button.setEnabled(not working and self._selected_installed() is not None)
        self.download_button.setEnabled(not working and bool(self.online.selectedItems()))

    def _install_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Install translation models", "", "Argos models (*.argosmodel);;All files (*)"
        )
        if paths:
            self.install([Path(p) for p in paths])

    def _install_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Install every model in a folder")
        if folder:
            self.install([Path(folder)])

    def install(self, paths: Sequence[Path]) -> None:
        """Install these files or folders on the writer thread, then say what happened."""
        shown = ", ".join(p.name for p in paths)

        def job(
            monitor: Monitor, report: Callable[[Progress], None], cancel: Event
        ) -> InstallReport:
            return monitor.install_models(paths)

        self._start_job("Installing models", f"Installing {shown}…", job)

    def _installed(self, report: InstallReport) -> None:
        self._end_job()
        lines = [f"Installed {p.pair} ({p.name}, version {p.version})." for p in report.installed]
        lines += [f"Refused {p.path.name}: {p.reason}" for p in report.refused]
        if not lines:
            lines = ["No translation models were found there."]
        self.message.setText("\n".join(lines))
        self.reload()
        if report.installed:
            self.models_changed.emit()

    def _remove_selected(self) -> None:
        name = self._selected_installed()
        if name is None:
            return
        if not confirm(self, "Remove model", f"Remove the translation model {name}?", "Remove"):
            return

        def done(removed: PackageInfo) -> None:
            self.message.setText(f"Removed {removed.name} ({removed.pair}).")
            self.reload()
            self.models_changed.emit()

        self._tasks.write(
            lambda monitor: monitor.remove_model(name),
            changes=Changes.MODELS,
            success=done,
            failure=self._say_failure,
            owner=self,
        )

    # Online -----------------------------------------------------------------------------

    def check_online(self) -> None:
        """Read the online index (on the reader thread) and list what it offers."""
        url = self._index_url

        def job(monitor: Monitor) -> list[AvailablePackage]:
            return monitor.available_models(url)

        self.check_button.setEnabled(False)
        self.message.setText("Reading the online index…")
        self._tasks.read(job, success=self._show_online, failure=self._online_failed, owner=self)

    def _online_failed(self, error: BaseException) -> None:
        self.check_button.setEnabled(True)
        if isinstance(error, NoNetworkError):
            self.message.setText(NO_NETWORK)  # the usual case in the field, not a fault
        else:
            self._say_failure(error)

    def _show_online(self, packages: list[AvailablePackage]) -> None:
        self.check_button.setEnabled(True)
        self._available = sorted(packages, key=_version_key)
        self.online.clear()
        for package in self._available:
            names = (
                f"{package.from_name or package.from_code} → {package.to_name or package.to_code}"
            )
            self.online.addTopLevelItem(
                QTreeWidgetItem([f"{package.from_code}→{package.to_code}", names, package.version])
            )
        self.message.setText(f"The online index offers {len(packages)} models.")
        self._update_buttons()

    def _download_selected(self) -> None:
        items = self.online.selectedItems()
        if not items:
            return
        package = self._available[self.online.indexOfTopLevelItem(items[0])]

        def job(
            monitor: Monitor, report: Callable[[Progress], None], cancel: Event
        ) -> InstallReport:
            def show(received: int, total: int | None) -> None:
                message = f"Downloading {package.file_name}"
                report(Progress(ProgressKind.FETCHED, message=message, done=received, total=total))

            return monitor.download_model(package, progress=show, cancel=cancel)

        text = f"Downloading {package.file_name}…"
        self._start_job(f"Downloading {package.file_name}", text, job)

    # Long jobs --------------------------------------------------------------------------

    def _start_job(
        self,
        name: str,
        text: str,
        job: Callable[[Monitor, Callable[[Progress], None], Event], InstallReport],
    ) -> None:
        self._job_name = name
        self.message.setText(text)
        self.progress.setRange(0, 0)  # busy until the job says how far it is
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self._update_buttons()
        self._job_cancel = self._tasks.run_long(
            name,
            job,
            changes=Changes.MODELS,
            success=self._installed,
            failure=self._install_failed,
            owner=self,
        )

    def _install_failed(self, error: BaseException) -> None:
        self._end_job()
        self._say_failure(error)

    def _on_progress(self, name: str, progress: Progress) -> None:
        if name != self._job_name or not progress.total:
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * progress.done / progress.total))
        self.progress.setFormat(f"{progress.done / 1e6:.1f} of {progress.total / 1e6:.1f} MB")

    def _cancel_job(self) -> None:
        if self._job_cancel is not None:
            self._job_cancel.set()

    def _end_job(self) -> None:
        self._job_name = ""
        self._job_cancel = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_buttons()
