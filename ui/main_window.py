"""The main window: sidebar, search bar, article list and reader, over background workers.

Every query goes to the reader thread and every change to the writer thread
(:class:`~ui.tasks.TaskManager`); results come back by signal, so the window never waits.
Each change says what it changed (:class:`~ui.tasks.Changes`) and the window reloads only
the views that show it; a job that fails without a handler of its own is said in one message
box (:meth:`MainWindow.show_failure`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from monitor import Monitor, watchlists
from monitor.errors import NotFoundError, QueryError
from monitor.types import SearchRequest
from ui import jobs, queries
from ui.actions import install_actions
from ui.article_list import ArticleList
from ui.plain import isolated
from ui.reader import ReaderLayout, ReaderView
from ui.search_bar import SearchBar
from ui.sidebar import Sidebar
from ui.status import WorkPanel
from ui.tasks import INDEXED, Changes, TaskManager, failure_message
from ui.viewdata import ArticleRow, ReaderContent, SourceRow
from ui.welcome import WelcomeView


class MainWindow(QMainWindow):
    """The monitor's window. No signals of its own: it is the top of the tree."""

    def __init__(self, tasks: TaskManager, *, update_interval_minutes: int = 60) -> None:
        super().__init__()
        self.tasks = tasks
        self.setWindowTitle("Media Monitor")
        self.resize(1400, 860)
        self._filter: dict[str, Any] = {}
        self._request: SearchRequest | None = None
        self._current: int | None = None
        self._watchlist_by_query: dict[str, str] = {}
        self._tray: QSystemTrayIcon | None = None
        self._list_serial = 0  # the article list shows the answer to the latest request only
        self._failure_box: QMessageBox | None = None
        # Read marks sent to the writer and not yet stored (article → read, and the mark's
        # number): the sidebar counts them while the writer is busy with a long job.
        self._unsaved_reads: dict[int, tuple[int, bool]] = {}
        self._marks = 0

        self.sidebar = Sidebar()
        self.search_bar = SearchBar()
        self.article_list = ArticleList()
        self.reader = ReaderView()
        self.welcome = WelcomeView()
        self.work = WorkPanel()
        # No stretch: the status bar's messages are drawn in the room left of its permanent
        # widgets, and a stretched panel left them none.
        self.statusBar().addPermanentWidget(self.work)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.article_list)
        self.splitter.addWidget(self.reader)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([230, 420, 750])
        self.browser = browser = QWidget()
        column = QVBoxLayout(browser)
        column.setContentsMargins(6, 6, 6, 0)
        column.addWidget(self.search_bar)
        column.addWidget(self.splitter, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(browser)
        self.pages.addWidget(self.welcome)
        self.setCentralWidget(self.pages)

        self._connect()
        install_actions(self)
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.update_sources(due_only=True))
        self._timer.start(max(1, update_interval_minutes) * 60_000)
        self._restore_state()
        self.refresh()
        self.refresh_watchlists()

    def _connect(self) -> None:
        self.sidebar.all_selected.connect(lambda: self._navigate())
        self.sidebar.source_selected.connect(lambda source_id: self._navigate(source_id=source_id))
        self.sidebar.language_selected.connect(lambda language: self._navigate(language=language))
        self.sidebar.saved_search_selected.connect(self._watchlist_opened)
        self.search_bar.search_requested.connect(self.search)
        self.search_bar.search_cleared.connect(self._search_cleared)
        self.article_list.article_selected.connect(self.open_article)
        self.article_list.article_activated.connect(self.open_article)
        self.reader.link_activated.connect(self.open_url)
        self.reader.open_original_requested.connect(self.open_url)
        self.reader.install_models_requested.connect(self.show_models)
        self.welcome.demo_requested.connect(self.load_demo)
        self.welcome.catalog_requested.connect(self.show_sources)
        self.welcome.models_requested.connect(self.show_models)
        self.work.cancel_requested.connect(self.tasks.cancel)
        self.tasks.progressed.connect(self.work.show_progress)
        self.tasks.busy_changed.connect(self.work.set_busy)
        self.tasks.changed.connect(self._changed)
        self.tasks.failed.connect(self.show_failure)

    # Loading what the views show --------------------------------------------------------

    def refresh(self) -> None:
        """Reload every view (at the start; a change reloads only what it touches)."""
        self._load_sources()
        self._load_last_update()
        self._load_list()

    def _changed(self, changes: Changes) -> None:
        """A job changed the collection: reload the views that show what it changed."""
        if changes & (Changes.SOURCES | Changes.ARTICLES | Changes.FLAGS):
            self._load_sources()  # names, states, article and unread counts
        if changes & (Changes.SOURCES | Changes.ARTICLES):
            self._load_last_update()  # an update's time and summary come from the store
        if changes & (Changes.SOURCES | INDEXED):
            self._load_list()
        if changes & INDEXED:
            self.refresh_watchlists(check=True)  # their new matches
            if self._current is not None:
                self.open_article(self._current)
        elif changes & Changes.WATCHLISTS:
            self.refresh_watchlists()
        if changes & Changes.MODELS:
            self.translate_waiting()  # what waited for a model
        if changes & Changes.SETTINGS:
            self.tasks.reload()  # each thread's Monitor takes the new settings

    def show_failure(self, message: str) -> None:
        """The default failure handler: a job's error, said in one message box over the
        window (messages arriving while it is open join it)."""
        box = self._failure_box
        if box is not None and isValid(box) and box.isVisible():
            if message not in box.text().split("\n\n"):
                box.setText(f"{box.text()}\n\n{message}")
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Media Monitor", message, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a feed or a page
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._failure_box = box
        box.open()  # window-modal, without a nested event loop

    def _load_sources(self) -> None:
        unsaved = {article: read for article, (_, read) in self._unsaved_reads.items()}
        self.tasks.read(
            lambda monitor: queries.source_rows(monitor, unsaved_reads=unsaved),
            success=self._sources_loaded,
        )

    def _load_last_update(self) -> None:
        self.tasks.read(queries.last_update, success=self.work.set_last_update)

    def _load_list(self) -> None:
        if self._request is not None:
            self.search(self._request)
        else:
            self._browse(**self._filter)

    def _sources_loaded(self, rows: list[SourceRow]) -> None:
        self.sidebar.set_sources(rows)
        self.search_bar.set_outlets(sorted({row.name for row in rows}))
        self.pages.setCurrentWidget(
            self.welcome if not rows and not self.tasks.busy else self.browser
        )

    def _next_list(self) -> int:
        self._list_serial += 1
        return self._list_serial

    # What the list shows: the sidebar's pick, or the search bar's search ---------------------

    def _navigate(self, *, source_id: int | None = None, language: str | None = None) -> None:
        """A sidebar pick shows that part of the collection, as in a feed reader: the search
        is cleared, so the search bar never shows a query the list does not apply."""
        self.search_bar.clear(announce=False)
        self._browse(source_id=source_id, language=language)

    def _search_cleared(self) -> None:
        """The search was emptied: back to what the sidebar showed before it."""
        source_id, language = self._filter.get("source_id"), self._filter.get("language")
        self.sidebar.show_browsed(source_id, language)
        self._browse(source_id=source_id, language=language)

    def _browse(self, *, source_id: int | None = None, language: str | None = None) -> None:
        self._filter = {"source_id": source_id, "language": language}
        self._request = None
        serial = self._next_list()

        def loaded(rows: list[ArticleRow]) -> None:
            if serial == self._list_serial:
                self.article_list.set_rows(rows)

        self.tasks.read(
            lambda monitor: queries.article_rows(monitor, source_id=source_id, language=language),
            success=loaded,
        )

    def search(self, request: SearchRequest) -> None:
        """Search on the reader thread, the index first brought up to date on the writer.

        The sync takes in what another process stored, or joins the one queued after a change.
        While the writer is at other work, the search is answered at once from the index as it
        stands: a long update indexes as it goes (waiting behind it cost 38 s in the UI
        benchmark), and a write that changes articles is followed by its own sync and search.
        """
        self._request = request
        self.sidebar.show_scope_of(request)
        serial = self._next_list()

        def found(result: tuple[list[ArticleRow], int]) -> None:
            if serial != self._list_serial:
                return  # a newer list was asked for meanwhile
            rows, total = result
            self.search_bar.set_error(None)
            self.article_list.set_rows(rows, total=total)
            said = f"{total} {'match' if total == 1 else 'matches'}" if total else "No matches"
            self.statusBar().showMessage(said, 4000)

        def failed(error: BaseException) -> None:
            if serial != self._list_serial:
                return
            if isinstance(error, QueryError):  # a query the user can fix: said under the field
                self.search_bar.set_error(str(error))
            else:
                self.show_failure(failure_message(error))

        def run() -> None:
            if serial == self._list_serial:  # not overtaken while the index was synced
                self.tasks.read(
                    lambda monitor: queries.search_rows(monitor, request),
                    success=found,
                    failure=failed,
                )

        def unsynced(error: BaseException) -> None:
            # The index is held by another process, say: search it as it stands.
            message = f"The index may be behind: {failure_message(error)}"
            self.statusBar().showMessage(message, 10_000)
            run()

        if self.tasks.busy or (self.tasks.writing and not self.tasks.syncing):
            run()
        else:
            self.tasks.sync_index(success=lambda _: run(), failure=unsynced)

    def open_article(self, article_id: int) -> None:
        self._current = article_id
        terms = self._highlight_terms()

        def loaded(content: ReaderContent) -> None:
            if content.article_id != self._current:
                return  # the user has moved on
            self.reader.show_content(content)
            if content.queue_position is not None:
                self.tasks.write(lambda m: m.prioritize(article_id), changes=Changes.NONE)
                self.translate_waiting()

        def failed(error: BaseException) -> None:
            if not isinstance(error, NotFoundError):
                self.show_failure(failure_message(error))
            elif article_id == self._current:  # removed with its source, say
                self._current = None
                self.reader.show_content(None)

        self.tasks.read(
            lambda monitor: queries.reader_content(monitor, article_id, terms),
            success=loaded,
            failure=failed,
        )
        row = next((r for r in self.article_list.rows() if r.id == article_id), None)
        if row is not None and not row.is_read:
            self.article_list.update_row(replace(row, is_read=True))
            self._set_flags(article_id, read=True)

    def _set_flags(
        self, article_id: int, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Store a mark on the writer. A read mark is counted in the sidebar at once: a long
        job (an update, translation) may hold the writer for minutes."""
        self._marks += 1
        mark = self._marks
        if read is not None:
            self._unsaved_reads[article_id] = (mark, read)

        def ended(error: BaseException | None) -> None:
            if self._unsaved_reads.get(article_id, (None, None))[0] == mark:
                del self._unsaved_reads[article_id]
            if error is not None:
                self._load_sources()  # the mark was not stored: count without it
                self.show_failure(failure_message(error))

        self.tasks.write(
            lambda monitor: monitor.set_flags(article_id, read=read, starred=starred),
            changes=Changes.FLAGS,
            success=lambda _: ended(None),
            failure=ended,
        )
        if read is not None:
            self._load_sources()  # on the reader, which a long job does not hold

    def _highlight_terms(self) -> tuple[str, ...]:
        return () if self._request is None else Monitor.highlight_words(self._request.text)

    # Work --------------------------------------------------------------------------------

    def update_sources(self, *, due_only: bool = False) -> None:
        if self.tasks.busy:
            return
        self.tasks.run_long(
            "Collecting",
            lambda monitor, report, cancel: jobs.update(monitor, report, cancel, due_only=due_only),
            changes=Changes.SOURCES | Changes.ARTICLES,
            success=self._work_done,
        )

    def load_demo(self) -> None:
        self.pages.setCurrentWidget(self.browser)
        self.tasks.run_long(
            "Loading the demo",
            jobs.load_demo,
            changes=Changes.SOURCES | Changes.ARTICLES,
            success=self._work_done,
        )

    def translate_waiting(self) -> None:
        if not self.tasks.busy:
            self.tasks.run_long(
                "Translating",
                jobs.translate_waiting,
                changes=Changes.TRANSLATIONS,
                success=self._work_done,
            )

    def _work_done(self, summary: str) -> None:
        self.statusBar().showMessage(summary, 6000)  # the views follow the job's changes

    # Dialogs and actions ------------------------------------------------------------------

    def save_search(self) -> None:
        """Save the current search as a watchlist: the sidebar counts its new matches."""
        request = self._request
        if request is None or not request.text.strip():
            self.statusBar().showMessage("Search first, then save the search.", 4000)
            return
        name, accepted = QInputDialog.getText(self, "Save search", "Name:", text=request.text)
        if not (accepted and name.strip()):
            return
        chosen = name.strip()

        self.tasks.write(
            lambda m: m.add_watchlist(chosen, request.text, watchlists.filters_of(request)),
            changes=Changes.WATCHLISTS,
        )

    def refresh_watchlists(self, *, check: bool = False) -> None:
        """Show the watchlists with their counts; ``check`` re-runs them (after an update)."""

        def job(monitor: Monitor) -> list[watchlists.WatchlistStatus]:
            if check:
                return monitor.check_watchlists()
            return monitor.watchlists()

        # On the writer: a check records the matches it found (and syncs the index first).
        self.tasks.write(job, changes=Changes.NONE, success=self._watchlists_loaded)

    def _watchlists_loaded(self, statuses: list[watchlists.WatchlistStatus]) -> None:
        self._watchlist_by_query = {s.watchlist.query: s.name for s in statuses}
        self.sidebar.set_saved_searches(
            [
                (
                    f"{isolated(s.name)} · {s.new_matches} new" if s.new_matches else s.name,
                    s.watchlist.query,
                )
                for s in statuses
            ]
        )
        fresh = [s for s in statuses if s.notify]
        if fresh:
            self._notify(", ".join(f"{isolated(s.name)}: {s.fresh_matches} new" for s in fresh))

    def _notify(self, message: str) -> None:
        if QSettings().value("notifications/muted", False, type=bool):
            return
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(self.windowIcon(), self)
                self._tray.show()
            self._tray.showMessage("Media Monitor: new matches", message)
        self.statusBar().showMessage(f"New matches — {message}", 10_000)

    def _watchlist_opened(self, query: str) -> None:
        self.search_bar.set_query(query)
        name = self._watchlist_by_query.get(query)
        if name is not None:
            self.tasks.write(lambda m: m.mark_watchlist_seen(name), changes=Changes.WATCHLISTS)

    def compare_current(self) -> None:
        """Open "Compare coverage" for the current article in its own window."""
        article_id = self.article_list.current_id()
        if article_id is None:
            self.statusBar().showMessage("Select an article to compare its coverage.", 4000)
            return
        from ui.compare.view import CompareView

        window = QDialog(self)
        window.setWindowTitle("Compare coverage")
        window.resize(1400, 800)
        layout = QVBoxLayout(window)
        view = CompareView(self.tasks, article_id, window)
        view.article_opened.connect(self._show_in_reader)
        layout.addWidget(view)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    def _show_in_reader(self, article_id: int) -> None:
        if not self.article_list.select_id(article_id):
            self.open_article(article_id)
        self.activateWindow()

    def show_timeline(self) -> None:
        """Matches per day and outlet for the current search, else the articles per day of
        what the sidebar shows; a click on a bar lists its day, said in the date filter."""
        from ui.timeline import browsed_request, open_timeline

        request = self._request
        title = (request.text or "this search") if request is not None else ""
        if request is None:
            source_id, language = self._filter.get("source_id"), self._filter.get("language")
            outlet = None if source_id is None else self.sidebar.source_name(source_id)
            request, title = browsed_request(outlet, language)
        chart = open_timeline(self, self.tasks, request, title)
        chart.day_selected.connect(lambda day: self._search_day(request, day))

    def _search_day(self, request: SearchRequest, day: str) -> None:
        chosen = date.fromisoformat(day)
        self.search_bar.show_request(replace(request, since=chosen, until=chosen, page=1))

    def show_sources(self) -> None:
        from ui.dialogs.sources import SourcesDialog

        dialog = SourcesDialog(self.tasks, self)  # its changes reach the views as they happen
        dialog.exec()
        dialog.deleteLater()  # its jobs' late results are dropped with it

    def show_models(self) -> None:
        from ui.dialogs.models import ModelsDialog

        dialog = ModelsDialog(self.tasks, self)  # new models start translating (MODELS)
        dialog.exec()
        dialog.deleteLater()

    def show_settings(self) -> None:
        from ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.tasks, self)  # saved settings reload the Monitors
        dialog.exec()
        dialog.deleteLater()

    def export_articles(self) -> None:
        """Export the selected articles, the search's results, a saved search, the starred
        articles or the whole collection (:mod:`ui.dialogs.export`)."""
        from ui.dialogs.export import ExportDialog, selected_article_ids

        selected = selected_article_ids(self.article_list.view)
        dialog = ExportDialog(self.tasks, self, selected_ids=selected, request=self._request)
        dialog.exec()
        dialog.deleteLater()

    def import_bundle(self) -> None:
        """Merge a bundle into the collection and show its report (the views follow)."""
        from ui.dialogs.export_import import ImportBundleDialog, choose_bundle

        bundle = choose_bundle(self)
        if bundle is not None:
            dialog = ImportBundleDialog(self.tasks, bundle, self)
            dialog.exec()
            dialog.deleteLater()

    def open_url(self, url: str) -> None:
        if url.startswith(("http://", "https://")):
            QDesktopServices.openUrl(QUrl(url))

    def toggle_star(self) -> None:
        row = self._current_row()
        if row is not None:
            starred = not row.is_starred
            self.article_list.update_row(replace(row, is_starred=starred))
            self._set_flags(row.id, starred=starred)

    def toggle_read(self) -> None:
        row = self._current_row()
        if row is not None:
            read = not row.is_read
            self.article_list.update_row(replace(row, is_read=read))
            self._set_flags(row.id, read=read)

    def _current_row(self) -> ArticleRow | None:
        article_id = self.article_list.current_id()
        return next((r for r in self.article_list.rows() if r.id == article_id), None)

    def open_current_original(self) -> None:
        article_id = self.article_list.current_id()
        if article_id is not None:
            self.tasks.read(
                lambda m: m.article(article_id).url, success=lambda url: self.open_url(url or "")
            )

    def set_reader_layout(self, layout: ReaderLayout) -> None:
        self.reader.set_layout(layout)

    # Window state --------------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        history = settings.value("search/history")
        if isinstance(history, list):
            self.search_bar.set_history([str(item) for item in history])

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("search/history", self.search_bar.history())
        self._timer.stop()
        self.tasks.shutdown()  # cancel, let the running step finish, close cleanly
        super().closeEvent(event)
