"""Triage in the window: "Mark all read" and "Mark older than… read" for a part of the
collection, and the sidebar's context menus that offer them.

A part is what a sidebar row shows — every article, the starred ones, a language's, an
outlet's, a saved search's matches — or the search in the search bar. Marking is one write
on the writer through the door (one SQL statement however many articles); the counts and
the list follow when it is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMenu

from monitor import Monitor
from monitor.types import SearchRequest
from ui.sidebar import ALL, LANGUAGE, SAVED, SOURCE, STARRED
from ui.tasks import Changes
from ui.viewdata import ListScope

if TYPE_CHECKING:
    from ui.main_window import MainWindow

Part = ListScope | SearchRequest  # what to mark: a sidebar pick, or a search
MARK_ALL_READ = "Mark all read"
MARK_OLDER_READ = "Mark older than… read"
RENAME = "Rename…\tF2"
EDIT = "Edit search…"
MUTE, UNMUTE = "Mute notifications", "Unmute notifications"
DELETE = "Delete…\tDel"
DEFAULT_DAYS = 7
MAX_DAYS = 36_500


class Triage:
    """Marks parts of the collection read, from the sidebar's menus and the Articles menu."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.tasks = window.tasks

    # The sidebar's context menu ----------------------------------------------------------

    def show_menu(self, kind: str, value: object, position: QPoint) -> None:
        menu = self.menu_for(kind, value)
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(position)

    def menu_for(self, kind: str, value: object) -> QMenu | None:
        """The menu of the sidebar row ``kind``/``value`` (``None`` for a row without one)."""
        part = self.part_of(kind, value)
        if part is None:
            return None
        menu = QMenu(self.window)
        menu.addAction(MARK_ALL_READ, lambda: self.mark_read(part))
        menu.addAction(MARK_OLDER_READ, lambda: self.mark_older_read(part))
        if kind == SAVED:
            row = self.window.sidebar.saved_search(int(str(value)))
            saved = self.window.saved_searches
            if row is not None:
                menu.addSeparator()
                menu.addAction(RENAME, lambda: saved.rename(row))
                menu.addAction(EDIT, lambda: saved.edit(row))
                menu.addAction(
                    UNMUTE if row.muted else MUTE, lambda: saved.set_muted(row, not row.muted)
                )
                menu.addAction(DELETE, lambda: saved.delete(row))
        return menu

    def part_of(self, kind: str, value: object) -> Part | None:
        """What the sidebar row ``kind``/``value`` shows, as a part to mark."""
        if kind == ALL:
            return ListScope()
        if kind == STARRED:
            return ListScope(starred=True)
        if kind == SOURCE:
            return ListScope(source_id=int(str(value)))
        if kind == LANGUAGE and value:
            return ListScope(language=str(value))
        if kind == SAVED:
            row = self.window.sidebar.saved_search(int(str(value)))
            return None if row is None else row.request
        return None

    # Marking -----------------------------------------------------------------------------

    def current_part(self) -> Part:
        """What the list shows: the search, else the sidebar's pick."""
        lists = self.window.lists
        return lists.request if lists.request is not None else lists.scope

    def mark_view_read(self) -> None:
        self.mark_read(self.current_part())

    def mark_view_older_read(self) -> None:
        self.mark_older_read(self.current_part())

    def mark_older_read(self, part: Part) -> None:
        """Ask how many days, then mark read what was published before."""
        days, accepted = QInputDialog.getInt(
            self.window,
            "Mark older articles read",
            "Mark read the articles published more than this many days ago:",
            DEFAULT_DAYS,
            0,
            MAX_DAYS,
        )
        if accepted:
            self.mark_read(part, older_than_days=days)

    def mark_read(self, part: Part, *, older_than_days: int | None = None) -> None:
        """Mark every unread article of ``part`` read (only those published more than
        ``older_than_days`` days ago, if given); one write, then the views follow."""
        window = self.window

        def job(monitor: Monitor) -> int:
            from datetime import timedelta

            older = None if older_than_days is None else timedelta(days=older_than_days)
            if isinstance(part, SearchRequest):
                return monitor.mark_read(request=part, older_than=older)
            return monitor.mark_read(
                source_id=part.source_id,
                language=part.language,
                starred=part.starred,
                older_than=older,
            )

        def marked(count: int) -> None:
            said = "article" if count == 1 else "articles"
            window.statusBar().showMessage(f"Marked {count} {said} read", 6000)
            window.lists.reload()  # the rows' read state; the counts follow FLAGS

        self.tasks.write(job, changes=Changes.FLAGS, success=marked)
