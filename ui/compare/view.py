"""The compare view: one story side by side as two to four outlets told it.

Opened from an article (the *base*); the columns are the base, the articles the user pinned
(dropped from the article list, or pinned in place) and the most related coverage from other
outlets. Above them: who published first on one time axis, which followed outlets have not
covered the story yet, and the terms the translations share (marked in the text). Clicking
a sentence tints the closest sentences of the other columns and scrolls to them.

The comparison is made by the core (:meth:`monitor.app.Monitor.compare`) on the reader
thread; this view only draws it.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont, QPalette
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from monitor.compare import MAX_COMPARED, closest_sentences, words_pattern
from monitor.types import Comparison
from ui.compare.column import CompareColumnWidget
from ui.compare.strip import CoverageStrip
from ui.plain import escaped, isolated, plain_label
from ui.reader.document import TERM_MARK
from ui.tasks import TaskManager, failure_message

ARTICLE_MIME_TYPE = "application/x-media-monitor-article-id"
SHARED_TERMS_SHOWN = 12


def article_mime_data(article_ids: list[int]) -> QMimeData:
    """Drag data naming articles, for the article list's ``mimeData``."""
    mime = QMimeData()
    mime.setData(ARTICLE_MIME_TYPE, QByteArray(",".join(map(str, article_ids)).encode()))
    return mime


def article_ids_from_mime(mime: QMimeData) -> list[int]:
    """The article ids a drag carries (none when it carries something else)."""
    if not mime.hasFormat(ARTICLE_MIME_TYPE):
        return []
    raw = bytes(mime.data(ARTICLE_MIME_TYPE).data()).decode("ascii", "replace")
    return [int(part) for part in raw.replace("\n", ",").split(",") if part.strip().isdigit()]


class CompareView(QWidget):
    """Side-by-side coverage of one story; accepts articles dropped from the article list.

    Signals:
        loaded(): a comparison was built and is shown.
        load_failed(str): the comparison could not be built (the message says why).
        base_changed(int): the article the comparison starts from changed.
        article_opened(int): the user asked to read an article in the reader.
    """

    loaded = Signal()
    load_failed = Signal(str)
    base_changed = Signal(int)
    article_opened = Signal(int)

    def __init__(self, tasks: TaskManager, article_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.base_id = article_id
        self.pinned: list[int] = []
        self.excluded: set[int] = set()
        self.data: Comparison | None = None
        self._order: list[int] = []
        self._originals: set[int] = set()  # columns the user flipped to the original
        self._request = 0
        self.setWindowTitle("Compare coverage")
        self.setAcceptDrops(True)

        self.heading = plain_label("Loading…")  # titles and outlets are shown as typed
        heading_font = QFont(self.heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.2)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.heading.setWordWrap(True)
        self.strip = CoverageStrip()
        self.not_covered_label = plain_label()
        self.not_covered_label.setWordWrap(True)
        self.shared_label = QLabel()
        self.shared_label.setWordWrap(True)
        self.shared_label.setTextFormat(Qt.TextFormat.RichText)
        self.message_label = plain_label(
            f"Drag articles from the list onto this window to compare them (up to {MAX_COMPARED} "
            "columns). Click a sentence to find its counterparts."
        )
        self.message_label.setWordWrap(True)
        self.message_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(6)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(self.strip)
        layout.addWidget(self.not_covered_label)
        layout.addWidget(self.shared_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)
        self.strip.article_clicked.connect(self._on_strip_clicked)
        self.reload()

    # Public API ----------------------------------------------------------------------------

    def set_article(self, article_id: int) -> None:
        """Compare from ``article_id``; pinned columns stay, related ones are looked up anew."""
        if article_id == self.base_id:
            return
        self.base_id = article_id
        self.pinned = [i for i in self.pinned if i != article_id]
        self.excluded.clear()
        self._order = [article_id, *(i for i in self._order if i in self.pinned)]
        self.base_changed.emit(article_id)
        self.reload()

    def add_article(self, article_id: int) -> bool:
        """Add ``article_id`` as a pinned column; False (with a message) when it cannot be."""
        if article_id == self.base_id or article_id in self.pinned:
            self._say("That article is already a column.")
            return False
        if len(self.pinned) + 1 >= MAX_COMPARED:
            self._say(f"At most {MAX_COMPARED} columns: remove or unpin a column first.")
            return False
        self.pinned.append(article_id)
        self.excluded.discard(article_id)
        widget = self.column_widget(article_id)
        if widget is not None:
            widget.pin_button.setChecked(True)  # an existing related column: just pin it
            return True
        self._order.append(article_id)
        self.reload()
        return True

    def reload(self) -> None:
        """Build the comparison again on the reader thread (e.g. after an update)."""
        self._request += 1
        request = self._request
        base, pinned, excluded = self.base_id, tuple(self.pinned), tuple(self.excluded)
        self.tasks.read(
            lambda monitor: monitor.compare(base, pinned_ids=pinned, excluded_ids=excluded),
            success=lambda data: self._on_built(request, data),
            failure=lambda error: self._on_failed(request, error),
            owner=self,  # a result arriving after the view was closed is dropped
        )

    def columns(self) -> list[CompareColumnWidget]:
        """The column widgets, left to right."""
        found = (self.splitter.widget(i) for i in range(self.splitter.count()))
        return [w for w in found if isinstance(w, CompareColumnWidget)]

    def column_widget(self, article_id: int) -> CompareColumnWidget | None:
        return next((c for c in self.columns() if c.article_id == article_id), None)

    def select_sentence(self, article_id: int, sentence: int) -> None:
        """Mark a sentence and the closest sentences of the other columns; scroll to them."""
        if self.data is None:
            return
        matches = closest_sentences(self.data, article_id, sentence)
        for column in self.columns():
            if column.article_id == article_id:
                column.mark_sentences(sentence, {})
                continue
            found = matches.get(column.article_id, ())
            column.mark_sentences(None, {m.sentence: m.score for m in found})
            if found:
                column.reveal(found[0].sentence)

    def highlighted(self) -> dict[int, list[int]]:
        """Per column, the sentences tinted as matches of the clicked one."""
        return {c.article_id: sorted(c.matches) for c in self.columns() if c.matches}

    # Building ------------------------------------------------------------------------------

    def _on_built(self, request: int, data: Comparison) -> None:
        if request != self._request:
            return  # a newer request is on its way
        self._show(data)
        self.loaded.emit()

    def _on_failed(self, request: int, error: BaseException) -> None:
        if request != self._request:
            return
        message = failure_message(error)
        self.heading.setText("This comparison cannot be shown")
        self._say(message)
        self.load_failed.emit(message)

    def _show(self, data: Comparison) -> None:
        self.data = data
        base = data.article(data.base_id)
        title = base.title_translated or base.title if base else ""
        self.heading.setText(f"Coverage of “{isolated(title)}”")
        self.strip.set_events(data.events)
        self.not_covered_label.setText(self._not_covered_text(data))
        self.shared_label.setText(self._shared_html(data))
        if data.notes:
            self._say(" ".join(data.notes))
        present = [c.article_id for c in data.articles]
        self.pinned = [i for i in self.pinned if i in present]
        self._order = [i for i in self._order if i in present]
        self._order += [i for i in present if i not in self._order]
        pattern = words_pattern([w for c in data.articles for w in c.marked_words])
        for old in self.columns():
            old.hide()
            old.setParent(None)
            old.deleteLater()
        for article_id in self._order:
            column = data.article(article_id)
            assert column is not None
            widget = CompareColumnWidget(
                column,
                target_language=data.target_language,
                pinned=article_id in self.pinned,
                pattern=pattern,
            )
            widget.set_showing_original(article_id in self._originals)
            self._connect(widget)
            self.splitter.addWidget(widget)
        self.splitter.setSizes([1000] * len(self._order))
        self._update_move_buttons()

    def _connect(self, widget: CompareColumnWidget) -> None:
        article_id = widget.article_id
        widget.move_requested.connect(lambda step: self._move(article_id, step))
        widget.pin_toggled.connect(lambda pinned: self._pin(article_id, pinned))
        widget.remove_requested.connect(lambda: self._remove(article_id))
        widget.base_requested.connect(lambda: self.set_article(article_id))
        widget.open_requested.connect(lambda: self.article_opened.emit(article_id))
        widget.sentence_clicked.connect(lambda sentence: self.select_sentence(article_id, sentence))
        widget.flipped.connect(lambda original: self._flip(article_id, original))
        widget.pane.setAcceptDrops(False)  # drops go to the view, not into the text

    @staticmethod
    def _not_covered_text(data: Comparison) -> str:
        if not data.not_covered:
            return "Every followed outlet has covered this story."
        return "Not covered yet by: " + ", ".join(map(isolated, data.not_covered))

    @staticmethod
    def _shared_html(data: Comparison) -> str:
        if not data.shared_terms:
            return "No terms shared between the columns."
        mark = TERM_MARK
        colour = f"rgba({mark.red()},{mark.green()},{mark.blue()},{mark.alpha()})"
        chips = [
            f'<span style="background-color:{colour}">&nbsp;{escaped(term.word)}&nbsp;</span>'
            f"<small>&nbsp;{term.articles}</small>"
            for term in data.shared_terms[:SHARED_TERMS_SHOWN]
        ]
        return "Shared terms (in how many columns): " + " &nbsp; ".join(chips)

    # Column actions ------------------------------------------------------------------------

    def _move(self, article_id: int, step: int) -> None:
        index = self._order.index(article_id)
        other = index + step
        if not 0 <= other < len(self._order):
            return
        self._order[index], self._order[other] = self._order[other], self._order[index]
        widget = self.column_widget(article_id)
        if widget is not None:
            self.splitter.insertWidget(other, widget)
        self._update_move_buttons()

    def _pin(self, article_id: int, pinned: bool) -> None:
        if pinned and article_id not in self.pinned:
            self.pinned.append(article_id)
        elif not pinned and article_id in self.pinned:
            self.pinned.remove(article_id)

    def _remove(self, article_id: int) -> None:
        if article_id in self.pinned:
            self.pinned.remove(article_id)
        self.excluded.add(article_id)
        self._order.remove(article_id)
        widget = self.column_widget(article_id)
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        self._update_move_buttons()
        self.reload()  # the next related outlet may take the free place

    def _flip(self, article_id: int, original: bool) -> None:
        if original:
            self._originals.add(article_id)
        else:
            self._originals.discard(article_id)

    def _update_move_buttons(self) -> None:
        columns = self.columns()
        for index, column in enumerate(columns):
            column.set_move_enabled(index > 0, index < len(columns) - 1)

    def _on_strip_clicked(self, article_id: int) -> None:
        widget = self.column_widget(article_id)
        if widget is None:
            self.add_article(article_id)

    def _say(self, message: str) -> None:
        self.message_label.setText(message)

    # Drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if article_ids_from_mime(event.mimeData()):
            event.acceptProposedAction()
            self._say("Drop to add the article as a column.")
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if article_ids_from_mime(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        ids = article_ids_from_mime(event.mimeData())
        if not ids:
            event.ignore()
            return
        event.acceptProposedAction()
        for article_id in ids:
            self.add_article(article_id)


__all__ = [
    "ARTICLE_MIME_TYPE",
    "CompareView",
    "article_ids_from_mime",
    "article_mime_data",
]
