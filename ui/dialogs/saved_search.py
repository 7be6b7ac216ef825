"""Edit a saved search's query and filters, with the search bar's own controls.

The dialog holds a :class:`~ui.search_bar.SearchBar`: the same field, filters and message
under the field. Each query it builds is tried on the reader thread as the search bar's are
(a search of the index as it stands); one that cannot be searched is said under the field in
the parser's one-line message, and "Save" waits until the query can be searched. Saving goes
to the writer through the door (:meth:`~monitor.Monitor.edit_watchlist`), which checks the
query again before it stores anything.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from monitor import watchlists
from monitor.types import SearchRequest
from ui.plain import plain_label
from ui.search_bar import SearchBar
from ui.tasks import Changes, TaskManager, failure_message
from ui.viewdata import SavedSearchRow

EMPTY_QUERY = "Type what the saved search looks for."


class SavedSearchDialog(QDialog):
    """Change the query and filters of one saved search.

    Signals:
        saved(object): the :class:`~monitor.watchlists.WatchlistStatus` stored.
    """

    saved = Signal(object)

    def __init__(
        self,
        tasks: TaskManager,
        search: SavedSearchRow,
        outlets: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.search = search
        self.setWindowTitle("Edit saved search")
        self.resize(720, 0)
        self.heading = plain_label(search.name)  # a bundle may have named it
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.bar = SearchBar(self)
        self.bar.sort.setVisible(False)  # a saved search is counted, not sorted
        self.bar.set_outlets(outlets)
        self.found = plain_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.bar)
        layout.addWidget(self.found)
        layout.addWidget(buttons)
        self._serial = 0
        self._saving = False
        self.bar.search_requested.connect(self._check)
        self.bar.search_cleared.connect(self._cleared)
        self.bar.show_request(search.request)  # fills the controls and checks the query

    def request(self) -> SearchRequest | None:
        """The search the controls describe now (None when empty)."""
        return self.bar.request()

    def _check(self, request: SearchRequest) -> None:
        self._serial += 1
        serial = self._serial
        self.save_button.setEnabled(False)
        probe = replace(request, page=1, page_size=1, facets=False)

        def counted(total: int) -> None:
            if serial == self._serial:
                self.bar.set_error(None)
                self.found.setText(f"{total} {'match' if total == 1 else 'matches'} now")
                self.save_button.setEnabled(True)

        def failed(error: BaseException) -> None:
            if serial == self._serial:
                self.bar.set_error(failure_message(error))
                self.found.setText("")

        self.tasks.read(
            lambda monitor: monitor.search(probe).total, success=counted, failure=failed, owner=self
        )

    def _cleared(self) -> None:
        self._serial += 1
        self.bar.set_error(EMPTY_QUERY)
        self.found.setText("")
        self.save_button.setEnabled(False)

    def accept(self) -> None:
        """Save on the writer; the dialog closes once the change is stored."""
        request = self.request()
        if request is None or self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        name = self.search.name
        filters = watchlists.filters_of(request)

        def stored(status: watchlists.WatchlistStatus) -> None:
            self._saving = False
            self.saved.emit(status)
            super(SavedSearchDialog, self).accept()

        def failed(error: BaseException) -> None:
            # A query the index refuses now, a name gone meanwhile: said under the field.
            self._saving = False
            self.bar.set_error(failure_message(error))
            self.save_button.setEnabled(True)

        self.tasks.write(
            lambda monitor: monitor.edit_watchlist(name, request.text, filters),
            changes=Changes.WATCHLISTS,
            success=stored,
            failure=failed,
            owner=self,
        )
