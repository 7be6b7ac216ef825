"""The sources dialog: follow outlets from the catalog or by address, edit, test, remove, OPML.

Every change runs on the writer thread through the :class:`~ui.tasks.TaskManager`; the
dialog shows what came back (the core's note, or its error said plainly) and reloads the
list of followed sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from threading import Event
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor
from monitor.collect.zones import is_zone_name, known_zone_names
from monitor.sources.opml import OpmlImport
from monitor.types import Outlet, Progress, Source
from ui.dialogs.catalog import CatalogView
from ui.dialogs.common import confirm, language_name
from ui.languages import LANGUAGE_NAMES
from ui.plain import isolated, plain_label, plain_tip
from ui.tasks import Changes, TaskManager, failure_message

T = TypeVar("T")
_SOURCE_ID = Qt.ItemDataRole.UserRole
_MAX_INTERVAL_MINUTES = 7 * 24 * 60
AUTOMATIC_ZONE = "Automatic"


def _moment(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "never"


def source_status(source: Source) -> str:
    """One line for a source's state: its error since when, or when it was last checked."""
    if source.last_error:
        return source.error_state()
    if source.last_checked is None:
        return "not checked yet"
    return "OK"


class SourcesDialog(QDialog):
    """Follow and manage sources.

    Signals:
        sources_changed(): sources were added, edited, removed or tested.
    """

    sources_changed = Signal()

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sources")
        self.resize(860, 560)
        self._tasks = tasks
        self._sources: list[Source] = []
        self._catalog: Sequence[Outlet] = ()
        self._tested: int | None = None  # the source whose new state to show after a reload

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_followed_tab(), "Followed")
        self.tabs.addTab(self._build_catalog_tab(), "Catalog")
        self.tabs.addTab(self._build_address_tab(), "Add by address")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.reload()

    # Building ---------------------------------------------------------------------------

    def _build_followed_tab(self) -> QWidget:
        self.source_list = QTreeWidget()
        self.source_list.setRootIsDecorated(False)
        self.source_list.setUniformRowHeights(True)
        self.source_list.setHeaderLabels(["Name", "Language", "Articles", "Last checked", "Status"])
        header = self.source_list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(4, 240)
        self.source_list.itemSelectionChanged.connect(self._show_selected)

        self.name_edit = QLineEdit()
        self.interval_edit = QSpinBox()
        self.interval_edit.setRange(5, _MAX_INTERVAL_MINUTES)
        self.interval_edit.setSingleStep(15)
        self.interval_edit.setSuffix(" minutes")
        self.zone_edit = QComboBox()
        self.zone_edit.setEditable(True)  # typed with completion from the zone names
        self.zone_edit.addItem(AUTOMATIC_ZONE)
        self.zone_edit.addItems(known_zone_names())
        self.zone_edit.setToolTip(
            "Where to place dates the source writes without a time zone. Automatic: the zone"
            " of its other dates, its country or its language (zh: Beijing time)."
        )
        self.url_label = plain_label()
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("Save changes")
        self.save_button.clicked.connect(self._save_selected)
        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        form.addRow("Check every:", self.interval_edit)
        form.addRow("Time zone:", self.zone_edit)
        form.addRow("Address:", self.url_label)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        form.addRow(save_row)
        self.editor = QGroupBox("Selected source")
        self.editor.setLayout(form)

        self.test_button = QPushButton("Test now")
        self.test_button.setToolTip("Fetch this source now and show its new state")
        self.test_button.clicked.connect(self._test_selected)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self._remove_selected)
        self.import_button = QPushButton("Import OPML…")
        self.import_button.clicked.connect(self._import_opml)
        self.export_button = QPushButton("Export OPML…")
        self.export_button.clicked.connect(self._export_opml)
        actions = QHBoxLayout()
        for button in (self.test_button, self.remove_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)

        self.followed_message = plain_label()  # names outlets, quotes servers
        self.followed_message.setWordWrap(True)
        self.followed_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.source_list, 1)
        layout.addLayout(actions)
        layout.addWidget(self.editor)
        layout.addWidget(self.followed_message)
        self._show_selected()
        return tab

    def _build_catalog_tab(self) -> QWidget:
        self.catalog_view = CatalogView()
        self.follow_button = QPushButton("Follow ticked outlets")
        self.follow_button.setEnabled(False)
        self.follow_button.clicked.connect(self._follow_ticked)
        self.catalog_view.ticks_changed.connect(lambda count: self.follow_button.setEnabled(count))
        self.catalog_message = plain_label()
        self.catalog_message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.catalog_message, 1)
        row.addWidget(self.follow_button)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.catalog_view, 1)
        layout.addLayout(row)
        return tab

    def _build_address_tab(self) -> QWidget:
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(
            "https://www.example.com/rss.xml, the site's address, or @telegram_channel"
        )
        self.url_edit.returnPressed.connect(self._add_url)
        self.new_name_edit = QLineEdit()
        self.new_name_edit.setPlaceholderText("Optional: taken from the feed when empty")
        self.new_language = QComboBox()
        self.new_language.addItem("Detect automatically", None)
        for code, name in LANGUAGE_NAMES.items():
            self.new_language.addItem(f"{name} ({code})", code)
        self.add_button = QPushButton("Add")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self._add_url)
        form = QFormLayout()
        form.addRow("Address:", self.url_edit)
        form.addRow("Name:", self.new_name_edit)
        form.addRow("Language:", self.new_language)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        form.addRow(add_row)
        self.add_message = plain_label(
            "Paste a feed address, or a site's address: its feed is found for you."
        )
        self.add_message.setWordWrap(True)
        self.add_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addWidget(self.add_message)
        layout.addStretch(1)
        return tab

    # Loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the followed sources and the catalog again (on the reader thread)."""

        def job(monitor: Monitor) -> tuple[list[Source], Sequence[Outlet]]:
            return monitor.sources(), monitor.catalog()

        self._tasks.read(job, success=self._show_sources, failure=self._say_failure, owner=self)

    def _say_failure(self, error: BaseException) -> None:
        self.followed_message.setText(failure_message(error))

    def _show_sources(self, loaded: tuple[list[Source], Sequence[Outlet]]) -> None:
        self._sources, self._catalog = loaded
        selected = self.selected_source()
        keep = selected.id if selected else self._tested
        self.source_list.clear()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for source in self._sources:
            item = QTreeWidgetItem(
                [
                    source.name,
                    language_name(source.language_hint),
                    str(source.article_count),
                    _moment(source.last_checked),
                    source_status(source),
                ]
            )
            item.setData(0, _SOURCE_ID, source.id)
            item.setToolTip(0, plain_tip(source.url))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if source.last_error:
                item.setIcon(4, warning)
                item.setToolTip(4, plain_tip(source.error_state()))
            self.source_list.addTopLevelItem(item)
            if source.id == keep:
                self.source_list.setCurrentItem(item)
        self._show_selected()
        self.catalog_view.set_outlets(self._catalog, (s.url for s in self._sources))
        if self._tested is not None:
            self._show_test_result(self._tested)
            self._tested = None

    def selected_source(self) -> Source | None:
        item = self.source_list.currentItem()
        if item is None or not item.isSelected():
            return None
        source_id = item.data(0, _SOURCE_ID)
        return next((s for s in self._sources if s.id == source_id), None)

    def _show_selected(self) -> None:
        source = self.selected_source()
        for widget in (self.editor, self.test_button, self.remove_button):
            widget.setEnabled(source is not None)
        self.name_edit.setText(source.name if source else "")
        self.interval_edit.setValue(source.update_interval_minutes if source else 60)
        self.zone_edit.setCurrentText((source.time_zone if source else None) or AUTOMATIC_ZONE)
        self.url_label.setText(source.url if source else "")

    # Changing ---------------------------------------------------------------------------

    def _save_selected(self) -> None:
        source = self.selected_source()
        name = self.name_edit.text().strip()
        if source is None:
            return
        if not name:
            self.followed_message.setText("A source needs a name.")
            return
        interval = self.interval_edit.value()
        typed = self.zone_edit.currentText().strip()
        zone = None if typed in ("", AUTOMATIC_ZONE) else typed
        if zone is not None and not is_zone_name(zone):
            self.followed_message.setText(
                f"“{zone}” is not a time zone: choose one from the list (Asia/Shanghai,"
                " Europe/Kyiv…) or Automatic."
            )
            return

        def job(monitor: Monitor) -> int:
            monitor.edit_source(source.id, name=name, update_interval_minutes=interval)
            if zone == source.time_zone:
                return 0
            return monitor.set_source_time_zone(source.id, zone)

        def said(moved: int) -> str:
            again = f"; {moved} article times placed again in the new zone" if moved else ""
            return f"Saved “{name}”{again}."

        self._change(job, Changes.SOURCES | Changes.ARTICLES, self.followed_message, said)

    def _remove_selected(self) -> None:
        source = self.selected_source()
        if source is None:
            return
        question = (
            f"Stop following “{isolated(source.name)}” and delete its {source.article_count} "
            "articles from the collection?"
        )
        if not confirm(self, "Remove source", question, "Remove"):
            return
        self._change(
            lambda monitor: monitor.remove_source(source.id),
            Changes.SOURCES | Changes.ARTICLES,  # its articles go with it
            self.followed_message,
            lambda removed: f"Removed “{isolated(removed.name)}”.",
        )

    def _test_selected(self) -> None:
        source = self.selected_source()
        if source is None:
            return
        self.test_button.setEnabled(False)
        self.followed_message.setText(f"Checking “{isolated(source.name)}”…")

        def job(monitor: Monitor, report: Callable[[Progress], None], cancel: Event) -> None:
            for progress in monitor.update_iter([source.id], cancel=cancel):
                report(progress)

        def done(_: None) -> None:
            self._tested = source.id
            self.reload()
            self.sources_changed.emit()

        def failed(error: BaseException) -> None:
            self._say_failure(error)
            done(None)

        self._tasks.run_long(
            f"Testing {isolated(source.name)}",
            job,
            changes=Changes.SOURCES | Changes.ARTICLES,
            success=done,
            failure=failed,
            owner=self,
        )

    def _show_test_result(self, source_id: int) -> None:
        source = next((s for s in self._sources if s.id == source_id), None)
        if source is None:
            return
        if source.last_error:
            state = source.error_state()
        else:
            state = f"OK, checked {_moment(source.last_checked)}"
        name = isolated(source.name)
        self.followed_message.setText(f"“{name}”: {state}; {source.article_count} articles.")

    def _follow_ticked(self) -> None:
        outlets = self.catalog_view.ticked()
        if not outlets:
            return

        def said(added: list[Source]) -> str:
            names = ", ".join(isolated(s.name) for s in added)
            return f"Now following {len(added)}: {names}. They are fetched on the next update."

        self._change(
            lambda monitor: monitor.add_outlets(outlets),
            Changes.SOURCES,
            self.catalog_message,
            said,
        )

    def _add_url(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            self.add_message.setText("Type or paste an address first.")
            return
        name = self.new_name_edit.text().strip() or None
        language = self.new_language.currentData()
        self.add_button.setEnabled(False)
        self.add_message.setText(f"Checking {url}…")

        def said(added: Any) -> str:
            self.url_edit.clear()
            self.new_name_edit.clear()
            return f"Following “{isolated(added.source.name)}”: {added.note}."

        self._change(
            lambda monitor: monitor.add_source(url, name=name, language=language),
            Changes.SOURCES,
            self.add_message,
            said,
            lambda: self.add_button.setEnabled(True),
        )

    def _import_opml(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import sources", "", "OPML files (*.opml *.xml);;All files (*)"
        )
        if not path:
            return

        def said(result: OpmlImport) -> str:
            return "\n".join([result.summary(), *result.details(limit=5, isolate=isolated)])

        self._change(
            lambda monitor: monitor.import_opml(Path(path)),
            Changes.SOURCES,
            self.followed_message,
            said,
        )

    def _export_opml(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export sources", "media-monitor-sources.opml", "OPML files (*.opml)"
        )
        if not path:
            return
        target = Path(path) if Path(path).suffix else Path(path).with_suffix(".opml")

        def said(count: int) -> str:
            return f"Exported {count} feeds to {target}."

        self._change(
            lambda monitor: monitor.export_opml(target), Changes.NONE, self.followed_message, said
        )

    def _change(
        self,
        job: Callable[[Monitor], T],
        changes: Changes,
        message: QLabel,
        describe: Callable[[T], str],
        finally_do: Callable[[], None] | None = None,
    ) -> None:
        """Run a change on the writer; say what happened in ``message``; reload on success."""

        def done(result: T) -> None:
            if finally_do is not None:
                finally_do()
            message.setText(describe(result))
            self.reload()
            self.sources_changed.emit()

        def failed(error: BaseException) -> None:
            if finally_do is not None:
                finally_do()
            message.setText(failure_message(error))

        self._tasks.write(job, changes=changes, success=done, failure=failed, owner=self)
