"""The main window: sidebar, search bar, article list and reader, over background workers.

Every query goes to the reader thread and every change to the writer thread
(:class:`~ui.tasks.TaskManager`); results come back by signal, so the window never waits.
Each change says what it changed (:class:`~ui.tasks.Changes`) and the window reloads only
the views that show it; a job that fails without a handler of its own is said in one message
box (:meth:`MainWindow.show_failure`).

The window builds the views and routes changes; its parts do the rest, each in a module:
what the list shows and the marks on articles (:mod:`ui.list_coordinator`), saved searches
(:mod:`ui.saved_searches`), marking parts of the collection read and the sidebar's menus
(:mod:`ui.triage`), and the menus and keys (:mod:`ui.actions`, where a new menu entry goes).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from monitor.types import Progress, ProgressKind, SearchRequest
from ui import jobs, queries
from ui.actions import install_actions
from ui.article_list import ArticleList
from ui.entity_page import EntityPageWindow, entity_query
from ui.list_coordinator import ListCoordinator
from ui.reader import ReaderLayout, ReaderView
from ui.saved_searches import SavedSearches
from ui.search_bar import SearchBar
from ui.sidebar import Sidebar
from ui.status import WorkPanel
from ui.story_view import StoryPicker, StoryWindow
from ui.tasks import INDEXED, Changes, TaskManager
from ui.triage import Triage
from ui.viewdata import ListScope
from ui.welcome import WelcomeView

UNREAD_ONLY_KEY = "list/unread_only"


class MainWindow(QMainWindow):
    """The monitor's window. No signals of its own: it is the top of the tree."""

    def __init__(self, tasks: TaskManager, *, update_interval_minutes: int = 60) -> None:
        super().__init__()
        self.tasks = tasks
        self.setWindowTitle("Media Monitor")
        self.resize(1400, 860)
        self._failure_box: QMessageBox | None = None
        self._headlines_indexing = False  # every headline translated; the index takes them
        self.entity_window: EntityPageWindow | None = None
        self.story_window: StoryWindow | None = None

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

        self.lists = ListCoordinator(self)
        self.saved_searches = SavedSearches(self)
        self.triage = Triage(self)
        self._connect()
        install_actions(self)
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.update_sources(due_only=True))
        self._timer.start(max(1, update_interval_minutes) * 60_000)
        self._restore_state()
        self.refresh()
        self.saved_searches.refresh()

    def _connect(self) -> None:
        lists, sidebar = self.lists, self.sidebar
        sidebar.all_selected.connect(lambda: lists.navigate(ListScope()))
        sidebar.starred_selected.connect(lambda: lists.navigate(ListScope(starred=True)))
        sidebar.source_selected.connect(lambda chosen: lists.navigate(ListScope(source_id=chosen)))
        sidebar.language_selected.connect(lambda chosen: lists.navigate(ListScope(language=chosen)))
        sidebar.saved_search_selected.connect(self.saved_searches.open)
        sidebar.menu_requested.connect(self.triage.show_menu)
        self.search_bar.search_requested.connect(self.search)
        self.search_bar.search_cleared.connect(lists.search_cleared)
        self.article_list.article_selected.connect(self.open_article)
        self.article_list.article_activated.connect(self.open_article)
        self.article_list.unread_only_changed.connect(lists.set_unread_only)
        self.article_list.by_story_changed.connect(lists.set_by_story)
        self.article_list.story_opened.connect(self.open_story)
        self.reader.use_tasks(self.tasks)  # its notes and highlights are read and saved there
        self.reader.link_activated.connect(self.open_url)
        self.reader.open_original_requested.connect(self.open_url)
        self.reader.install_models_requested.connect(self.show_models)
        self.reader.entity_clicked.connect(self.open_entity)
        self.welcome.demo_requested.connect(self.load_demo)
        self.welcome.catalog_requested.connect(self.show_sources)
        self.welcome.models_requested.connect(self.show_models)
        self.work.cancel_requested.connect(self.tasks.cancel)
        self.tasks.progressed.connect(self.work.show_progress)
        self.tasks.progressed.connect(self._progressed)
        self.tasks.busy_changed.connect(self.work.set_busy)
        self.tasks.changed.connect(self._changed)
        self.tasks.failed.connect(self.show_failure)

    # Loading what the views show --------------------------------------------------------

    def refresh(self) -> None:
        """Reload every view (at the start; a change reloads only what it touches)."""
        self.lists.load_counts()
        self._load_last_update()
        self.lists.reload()

    def _changed(self, changes: Changes) -> None:
        """A job changed the collection: reload the views that show what it changed."""
        if changes & (Changes.SOURCES | Changes.ARTICLES | Changes.FLAGS):
            self.lists.load_counts()  # names, states; unread, new and starred counts
        if changes & (Changes.SOURCES | Changes.ARTICLES):
            self._load_last_update()  # an update's time and summary come from the store
        if changes & (Changes.SOURCES | INDEXED):
            self.lists.reload()
        if changes & INDEXED:
            self.saved_searches.refresh(check=True)  # their new matches
            self.lists.reopen_article()
        elif changes & Changes.WATCHLISTS:
            self.saved_searches.refresh()
        if changes & Changes.MODELS:
            self.translate_waiting()  # what waited for a model
        if changes & Changes.SETTINGS:
            self.tasks.reload()  # each thread's Monitor takes the new settings...
            # ...and may open another store, or as another user: every view is read again
            # (the list's search syncs the index, rebuilt when it followed another log).
            self.refresh()
            self.saved_searches.refresh()

    def _progressed(self, _name: str, progress: Progress) -> None:
        """Translations arriving during a long update are shown before it ends: the opened
        article when it is translated, the list once every headline is (and indexed)."""
        translated = progress.kind in (ProgressKind.TRANSLATED, ProgressKind.HEADLINE)
        if translated and progress.article_id == self.lists.current is not None:
            self.lists.reopen_article()
        if progress.kind is ProgressKind.HEADLINE and progress.done == progress.total:
            self._headlines_indexing = True
        elif progress.kind is ProgressKind.INDEXED and self._headlines_indexing:
            self._headlines_indexing = progress.done < (progress.total or 0)
            if not self._headlines_indexing:
                self.lists.reload()

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

    def _load_last_update(self) -> None:
        self.tasks.read(queries.last_update, success=self.work.set_last_update)

    # What the list shows (ui.list_coordinator) ---------------------------------------------

    def search(self, request: SearchRequest) -> None:
        """Show what ``request`` finds (see :meth:`ListCoordinator.search`)."""
        self.lists.search(request)

    def open_article(self, article_id: int) -> None:
        """Show the article in the reader; it is marked read."""
        self.lists.open_article(article_id)

    def toggle_star(self) -> None:
        self.lists.toggle_star()

    def toggle_read(self) -> None:
        self.lists.toggle_read()

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
        """Save the current search in the sidebar (see :class:`SavedSearches`)."""
        self.saved_searches.save()

    def compare_current(self) -> None:
        """Open "Compare coverage" for the current article in its own window."""
        article_id = self.article_list.current_id()
        if article_id is None:
            self.statusBar().showMessage("Select an article to compare its coverage.", 4000)
            return
        self.open_compare(article_id)

    def open_compare(self, article_id: int) -> None:
        """Open "Compare coverage" of ``article_id``'s story in its own window."""
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

        request = self.lists.request
        title = (request.text or "this search") if request is not None else ""
        if request is None:
            scope = self.lists.scope
            outlet = None if scope.source_id is None else self.sidebar.source_name(scope.source_id)
            request, title = browsed_request(outlet, scope.language)
        chart = open_timeline(self, self.tasks, request, title)
        chart.day_selected.connect(lambda day: self._search_day(request, day))

    def _search_day(self, request: SearchRequest, day: str) -> None:
        chosen = date.fromisoformat(day)
        self.search_bar.show_request(replace(request, since=chosen, until=chosen, page=1))

    def open_entity(self, entity_id: str) -> None:
        """Show a person's, place's or organisation's page in its window (one, reused)."""
        page = self.entity_window
        if page is None or not isValid(page):
            page = self.entity_window = EntityPageWindow(self.tasks, self)
            page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            page.article_opened.connect(self._show_in_reader)
            page.day_selected.connect(
                lambda chosen, day: self._search_day(SearchRequest(entity_query(chosen)), day)
            )
        page.load(entity_id)
        page.show()
        page.activateWindow()  # a page opened before may be behind the window

    def open_story(self, story_id: int) -> None:
        """Show a story in its window (one, reused)."""
        window = self.story_window
        if window is None or not isValid(window):
            window = self.story_window = StoryWindow(self.tasks, self)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.article_opened.connect(self._show_in_reader)
            window.compare_requested.connect(self.open_compare)
        window.load(story_id)
        window.show()
        window.activateWindow()

    def open_story_of(self, article_id: int) -> None:
        """Show the story ``article_id`` is part of (said in the status bar when none)."""

        def found(story_id: int | None) -> None:
            if story_id is None:
                message = "This article is in no story yet: it is grouped as it is indexed."
                self.statusBar().showMessage(message, 6000)
            else:
                self.open_story(story_id)

        self.tasks.read(lambda monitor: monitor.story_of(article_id), success=found)

    def open_current_story(self) -> None:
        article_id = self.article_list.current_id()
        if article_id is None:
            self.statusBar().showMessage("Select an article to open its story.", 4000)
        else:
            self.open_story_of(article_id)

    def show_stories(self) -> None:
        """The latest stories, to pick one and open it."""
        picker = StoryPicker(self.tasks, self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.story_chosen.connect(self.open_story)
        picker.open()

    def find_entity(self) -> None:
        """Ask for a name (any script or spelling) and open its page; a name nobody has is
        said as the window's failure message."""
        name, accepted = QInputDialog.getText(
            self, "Find person, place or organisation", "Name, in any script or spelling:"
        )
        if accepted and name.strip():
            self.open_entity_named(name.strip())

    def open_entity_named(self, name: str) -> None:
        """Open the page of whoever ``name`` names (any form, any script)."""
        self.tasks.read(lambda m: m.entity(name).id, success=self.open_entity)

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
        dialog = ExportDialog(self.tasks, self, selected_ids=selected, request=self.lists.request)
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
        unread_only = settings.value(UNREAD_ONLY_KEY, False, type=bool)
        self.article_list.set_unread_only(bool(unread_only))
        self.lists.unread_only = bool(unread_only)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("search/history", self.search_bar.history())
        settings.setValue(UNREAD_ONLY_KEY, self.lists.unread_only)
        self._timer.stop()
        self.tasks.shutdown()  # cancel, let the running step finish, close cleanly
        super().closeEvent(event)
