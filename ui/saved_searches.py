"""Saved searches (watchlists) in the window: save, show with their new matches, open, and
manage in place — rename (F2), edit the query and filters, mute, delete (Del).

Every change goes to the writer through the door; the sidebar shows the result when the
writer says the watchlists changed. Names come from the user or a bundle: every dialog and
message shows them as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox, QSystemTrayIcon, QWidget

from monitor import Monitor, watchlists
from ui import queries
from ui.plain import isolated
from ui.sidebar import SAVED
from ui.tasks import Changes
from ui.viewdata import SavedSearchRow

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def delete_question(parent: QWidget, name: str) -> QMessageBox:
    """The question asked before a saved search is deleted (its name shown as plain text)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Delete saved search",
        f"Delete the saved search “{name}”?\n\nIts articles stay in the collection.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def confirm_delete(parent: QWidget, name: str) -> bool:
    """Ask before a saved search is deleted; True when the user said yes."""
    box = delete_question(parent, name)
    try:
        return box.exec() == QMessageBox.StandardButton.Yes
    finally:
        box.deleteLater()


class SavedSearches:
    """The window's saved searches: what the sidebar lists under "Saved searches"."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.tasks = window.tasks
        self._tray: QSystemTrayIcon | None = None

    def save(self) -> None:
        """Save the current search as a watchlist: the sidebar counts its new matches."""
        window = self.window
        request = window.lists.request
        if request is None or not request.text.strip():
            window.statusBar().showMessage("Search first, then save the search.", 4000)
            return
        name, accepted = QInputDialog.getText(window, "Save search", "Name:", text=request.text)
        if not (accepted and name.strip()):
            return
        chosen = name.strip()
        self.tasks.write(
            lambda m: m.add_watchlist(chosen, request.text, watchlists.filters_of(request)),
            changes=Changes.WATCHLISTS,
        )

    def refresh(self, *, check: bool = False) -> None:
        """Show the watchlists with their counts; ``check`` re-runs them (after an update)."""

        def job(monitor: Monitor) -> list[watchlists.WatchlistStatus]:
            if check:
                return monitor.check_watchlists()
            return monitor.watchlists()

        # On the writer: a check records the matches it found (and syncs the index first).
        self.tasks.write(job, changes=Changes.NONE, success=self._loaded)

    def _loaded(self, statuses: list[watchlists.WatchlistStatus]) -> None:
        self.window.sidebar.set_saved_searches(queries.saved_search_rows(statuses))
        fresh = [s for s in statuses if s.notify]
        if fresh:
            self._notify(", ".join(f"{isolated(s.name)}: {s.fresh_matches} new" for s in fresh))

    def _notify(self, message: str) -> None:
        window = self.window
        if QSettings().value("notifications/muted", False, type=bool):
            return
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(window.windowIcon(), window)
                self._tray.show()
            self._tray.showMessage("Media Monitor: new matches", message)
        window.statusBar().showMessage(f"New matches — {message}", 10_000)

    def open(self, search_id: int) -> None:
        """Run the saved search with its filters; its matches are seen, so none is new."""
        row = self.window.sidebar.saved_search(search_id)
        if row is None:
            return
        self.window.search_bar.show_request(row.request)
        self._write(lambda m: m.mark_watchlist_seen(row.name))

    # Managing one in place ---------------------------------------------------------------

    def current(self) -> SavedSearchRow | None:
        """The saved search selected in the sidebar, if one is."""
        key = self.window.sidebar.current_key()
        if key is None or key[0] != SAVED:
            return None
        return self.window.sidebar.saved_search(int(str(key[1])))

    def rename(self, row: SavedSearchRow | None = None) -> None:
        chosen = row or self.current()
        if chosen is None:
            return
        name, accepted = QInputDialog.getText(
            self.window, "Rename saved search", "Name:", text=chosen.name
        )
        if accepted and name.strip() and name.strip() != chosen.name:
            new_name = name.strip()
            self._write(lambda m: m.rename_watchlist(chosen.name, new_name))

    def edit(self, row: SavedSearchRow | None = None) -> None:
        """Edit the query and filters in a dialog that says why a query cannot be searched."""
        from ui.dialogs.saved_search import SavedSearchDialog

        chosen = row or self.current()
        if chosen is None:
            return
        window = self.window
        dialog = SavedSearchDialog(self.tasks, chosen, window.sidebar.source_names(), window)
        if dialog.exec() and window.sidebar.current_key() == (SAVED, chosen.id):
            self.open(chosen.id)  # the list shows what the search finds now
        dialog.deleteLater()

    def set_muted(self, row: SavedSearchRow | None = None, muted: bool | None = None) -> None:
        """Mute (or unmute) notifications of new matches; ``muted`` None flips."""
        chosen = row or self.current()
        if chosen is None:
            return
        wanted = not chosen.muted if muted is None else muted
        self._write(lambda m: m.mute_watchlist(chosen.name, wanted))
        said = "muted: counted, without notifications" if wanted else "notifies again"
        self.window.statusBar().showMessage(f"“{isolated(chosen.name)}” {said}", 4000)

    def delete(self, row: SavedSearchRow | None = None) -> None:
        chosen = row or self.current()
        if chosen is None or not confirm_delete(self.window, chosen.name):
            return
        self._write(lambda m: m.remove_watchlist(chosen.name))

    def _write(self, job: Callable[[Monitor], object]) -> None:
        self.tasks.write(job, changes=Changes.WATCHLISTS)
