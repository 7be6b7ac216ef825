"""A person's, place's or organisation's page, in a window of its own beside the main one.

What the collection says of one entity (:meth:`monitor.Monitor.entity_page`, read on the
reader thread): its forms in each language, how many articles name it, their mentions per
day and outlet (:class:`ui.timeline.TimelineChart`), the sentences naming it beside their
translations (newest first), who is named with it (chips that open their page in the same
window, with Back), and which followed outlets never name it. Follow saves a search for
``entity:<id>``, which finds it in every script.

Names, sentences and outlet names come from feeds and the alias table: every label here shows
plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor
from monitor.types import EntityPage, EntitySentence
from ui.languages import language_name
from ui.page_parts import clear_layout, dimmed, heading, wrapped
from ui.plain import isolated, plain_label, plain_tip
from ui.reader.entities import FlowLayout, entity_chip
from ui.tasks import Changes, TaskManager, failure_message
from ui.timeline import TimelineChart

MAX_SENTENCES = 300
NOT_TRANSLATED = "(not translated)"


def entity_query(entity_id: str) -> str:
    """The search that finds an entity in every script and spelling."""
    return f"entity:{entity_id}"


def articles_text(count: int) -> str:
    return f"Mentioned in {count} article{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class LoadedPage:
    """An entity's page, and whether a saved search already follows it."""

    page: EntityPage
    followed: bool


def load_page(monitor: Monitor, entity_id: str) -> LoadedPage:
    page = monitor.entity_page(entity_id)
    query = entity_query(page.entity.id)
    followed = any(status.watchlist.query == query for status in monitor.watchlists())
    return LoadedPage(page, followed)


class _LinkLabel(QLabel):
    """A plain-text label drawn as a link that says when it is clicked.

    Signals:
        clicked(): the label was clicked with the left button.
    """

    clicked = Signal()

    def __init__(self, text: str, tip: str) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)
        self.setToolTip(tip)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setForegroundRole(QPalette.ColorRole.Link)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


def sentence_line(sentence: EntitySentence) -> str:
    """'Neva Post · 20 Nov 2026 · Russian': where and when a sentence was written."""
    parts = [isolated(sentence.outlet)]
    if sentence.published is not None:
        moment = sentence.published
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        local = moment.astimezone()
        parts.append(f"{local.day} {local:%b %Y}")
    parts.append(language_name(sentence.language))
    return " · ".join(parts)


class EntityPageWindow(QDialog):
    """One entity's page; clicking who is named with it shows theirs here (Back returns).

    Signals:
        article_opened(int): the user clicked a sentence's line: show its article.
        day_selected(str, str): the user clicked a day in the timeline (entity id, ISO day):
            list the articles naming the entity that day.
    """

    article_opened = Signal(int)
    day_selected = Signal(str, str)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.page: EntityPage | None = None
        self.entity_id: str | None = None
        self._back: list[str] = []
        self.setWindowTitle("Person, place or organisation")
        self.resize(1300, 820)
        self.setSizeGripEnabled(True)

        self.title = plain_label("Loading…")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.kind = dimmed(plain_label())
        self.forms = QWidget()
        self._forms_grid = QGridLayout(self.forms)
        self.count = plain_label()
        self.message = dimmed(plain_label())
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.go_back)
        self.follow_button = QPushButton("Follow")
        self.follow_button.clicked.connect(self.follow)
        self.spelling_button = QPushButton("Add a spelling…")
        self.spelling_button.setToolTip(
            "Another way this name is written (any script): searches for it look for that"
            " too, and articles writing it name it"
        )
        self.spelling_button.clicked.connect(self.ask_spelling)
        self.chart = TimelineChart()
        self.chart.setMinimumHeight(220)
        self.chart.day_selected.connect(self._on_day)
        self.company = QWidget()
        self._company_flow = FlowLayout(self.company)
        self.silent = wrapped("")
        self.sentences = QWidget()
        self._grid = QGridLayout(self.sentences)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.kind, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        top.addWidget(self.message)
        top.addWidget(self.back_button)
        top.addWidget(self.spelling_button)
        top.addWidget(self.follow_button)
        layout.addLayout(top)
        layout.addWidget(self.count)
        middle = QHBoxLayout()
        middle.setSpacing(18)
        middle.addWidget(self.chart, 3)
        side = QVBoxLayout()
        side.addWidget(heading("Written"))
        side.addWidget(self.forms)
        side.addSpacing(8)
        side.addWidget(heading("Named with"))
        side.addWidget(self.company)
        side.addSpacing(8)
        side.addWidget(heading("Never mention it"))
        side.addWidget(self.silent)
        side.addStretch(1)
        middle.addLayout(side, 2)
        layout.addLayout(middle)
        layout.addWidget(heading("Sentences, newest first"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.sentences)
        layout.addWidget(scroll, 1)
        self._forms_grid.setContentsMargins(0, 0, 0, 0)
        self._forms_grid.setHorizontalSpacing(12)
        self._forms_grid.setVerticalSpacing(2)
        self._forms_grid.setColumnStretch(1, 1)
        self._grid.setContentsMargins(0, 0, 12, 0)
        self._grid.setHorizontalSpacing(24)
        self._grid.setVerticalSpacing(4)
        self._grid.setColumnStretch(0, 1)
        self._grid.setColumnStretch(1, 1)
        self.back_button.hide()
        self.follow_button.setEnabled(False)

    # Loading -----------------------------------------------------------------------------

    def load(self, entity_id: str, *, remember: bool = True) -> None:
        """Show ``entity_id``'s page (read on the reader thread); ``remember``: Back returns
        to the page shown now."""
        if entity_id == self.entity_id:
            return
        if remember and self.entity_id is not None:
            self._back.append(self.entity_id)
        self.entity_id = entity_id
        self.message.setText("Loading…")
        self.follow_button.setEnabled(False)
        self.tasks.read(
            lambda monitor: load_page(monitor, entity_id),
            success=self.show_page,
            failure=self._failed,
            owner=self,
        )

    def go_back(self) -> None:
        if self._back:
            self.load(self._back.pop(), remember=False)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(failure_message(error))

    def show_page(self, loaded: LoadedPage) -> None:
        page = self.page = loaded.page
        entity = page.entity
        self.entity_id = entity.id
        self.setWindowTitle(f"{isolated(entity.name)} — Media Monitor")
        self.title.setText(entity.name)
        self.kind.setText(f"{entity.kind.value} · {entity.id}")
        clear_layout(self._forms_grid)
        for row, (language, forms) in enumerate((c, f) for c, f in entity.names if f):
            name = dimmed(plain_label(language_name(language)))
            self._forms_grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            shown = wrapped(", ".join(isolated(form) for form in forms), language)
            self._forms_grid.addWidget(shown, row, 1, Qt.AlignmentFlag.AlignTop)
        self.count.setText(articles_text(page.articles))
        self.message.setText("")
        self.back_button.setVisible(bool(self._back))
        self._show_following(loaded.followed)
        days: dict[str, dict[str, int]] = {}
        for day, outlet, count in page.timeline:
            days.setdefault(day, {})[outlet] = count
        self.chart.set_data(days)
        self._show_company(page)
        self.silent.setText(
            ", ".join(isolated(outlet) for outlet in page.silent_outlets)
            or "Every followed outlet names it."
        )
        self._show_sentences(page.sentences)

    def _show_company(self, page: EntityPage) -> None:
        clear_layout(self._company_flow)
        for other, count in page.mentioned_with:
            chip = entity_chip(other, count, "articles together")
            chip.clicked.connect(lambda chosen=other.id: self.load(chosen))
            self._company_flow.add(chip)
        if not page.mentioned_with:
            self._company_flow.add(dimmed(plain_label("Nobody else is named with it.")))
        self._company_flow.invalidate()
        self.company.updateGeometry()

    def _show_sentences(self, sentences: tuple[EntitySentence, ...]) -> None:
        clear_layout(self._grid)
        self._grid.addWidget(dimmed(plain_label("Original")), 0, 0)
        self._grid.addWidget(dimmed(plain_label("Translation")), 0, 1)
        row = 1
        for sentence in sentences[:MAX_SENTENCES]:
            line = _LinkLabel(sentence_line(sentence), "Open this article in the main window")
            line.clicked.connect(
                lambda chosen=sentence.article_id: self.article_opened.emit(chosen)
            )
            self._grid.addWidget(line, row, 0, 1, 2)
            top = Qt.AlignmentFlag.AlignTop
            self._grid.addWidget(wrapped(sentence.original, sentence.language), row + 1, 0, top)
            translation = sentence.translation
            shown = wrapped(translation or NOT_TRANSLATED)
            if translation is None:
                dimmed(shown)
            self._grid.addWidget(shown, row + 1, 1, top)
            self._grid.setRowMinimumHeight(row + 2, 10)
            row += 3
        if len(sentences) > MAX_SENTENCES:
            more = len(sentences) - MAX_SENTENCES
            self._grid.addWidget(dimmed(plain_label(f"… and {more} more")), row, 0, 1, 2)
            row += 1
        if not sentences:
            self._grid.addWidget(dimmed(plain_label("No sentence names it yet.")), row, 0, 1, 2)
            row += 1
        self._grid.setRowStretch(row, 1)

    # Spellings ---------------------------------------------------------------------------

    def ask_spelling(self) -> None:
        if self.page is None:
            return
        form, accepted = QInputDialog.getText(
            self,
            "Add a spelling",
            f"Another way {self.page.entity.name} is written (any script):",
        )
        if accepted and form.strip():
            self.add_spelling(form)

    def add_spelling(self, form: str) -> None:
        """Add ``form`` to the entity's names on the writer, then show the page again."""
        if self.page is None:
            return
        entity_id = self.page.entity.id
        self.spelling_button.setEnabled(False)

        def done(_: object) -> None:
            self.spelling_button.setEnabled(True)
            self.entity_id = None  # load() skips the page it shows: read it again
            self.load(entity_id, remember=False)

        def failed(error: BaseException) -> None:
            self.spelling_button.setEnabled(True)
            self.message.setText(failure_message(error))

        # ARTICLES: the articles that write the new form are indexed again.
        self.tasks.write(
            lambda monitor: monitor.add_spelling(entity_id, form),
            changes=Changes.ARTICLES,
            success=done,
            failure=failed,
            owner=self,
        )

    # Following ---------------------------------------------------------------------------

    def follow(self) -> None:
        """Save a search for ``entity:<id>`` named after the entity (the sidebar shows it
        when the writer says the watchlists changed)."""
        if self.page is None:
            return
        name, query = self.page.entity.name, entity_query(self.page.entity.id)
        self.follow_button.setEnabled(False)
        self.tasks.write(
            lambda monitor: monitor.add_watchlist(name, query),
            changes=Changes.WATCHLISTS,
            success=lambda _: self._show_following(True),
            failure=self._follow_failed,
            owner=self,
        )

    def _follow_failed(self, error: BaseException) -> None:
        self.message.setText(failure_message(error))
        self.follow_button.setEnabled(True)

    def _show_following(self, followed: bool) -> None:
        self.follow_button.setText("Following" if followed else "Follow")
        self.follow_button.setEnabled(not followed)
        if self.page is not None:
            query = entity_query(self.page.entity.id)
            self.follow_button.setToolTip(
                plain_tip(
                    f"A saved search finds {query}: every article naming it, in any script"
                    if followed
                    else f"Save a search for {query} in the sidebar: every article naming"
                    " it, in any script, with its new matches counted"
                )
            )

    def _on_day(self, day: str) -> None:
        if self.entity_id is not None:
            self.day_selected.emit(self.entity_id, day)
