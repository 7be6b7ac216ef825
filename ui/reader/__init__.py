"""The side-by-side reader: the original and its translation, aligned sentence by sentence.

Two read-only panes sit in a splitter (side by side, or stacked). Paragraph ``i`` is block ``i``
in both panes, and after every layout the shorter of each pair of paragraphs gets extra space
below it, so paragraph ``i`` starts at the same height on both sides; scrolling one pane
scrolls the other to the same place in the same paragraph. Every sentence is an ``s:N``
anchor: hovering or clicking one highlights it and its counterpart and brings the counterpart
into view. The user's highlights and notes on sentences are drawn in the text and in a
column beside it (:mod:`ui.reader.notes`); the people, places and organisations the article
names are chips under the header (:mod:`ui.reader.entities`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from monitor.types import ArticleEntity, Note, NoteSide, SentencePair
from ui.languages import language_name
from ui.plain import plain_label
from ui.reader.document import (
    build_pane,
    sentence_joiner,
    sentence_paragraphs,
    term_pattern,
    text_paragraphs,
)
from ui.reader.entities import EntityStrip, mark_mentions, mention_mark
from ui.reader.header import Banner, ReaderHeader
from ui.reader.history import PostHistory
from ui.reader.layout import (
    DOCUMENT_CAPTION_INDENT,
    LAYOUT_BUTTONS,
    matching_scroll,
    pane_box,
)
from ui.reader.layout import (
    ReaderLayout as ReaderLayout,
)
from ui.reader.notes import NoteKeeper
from ui.reader.notes_view import NotesColumn
from ui.reader.pane import SentencePane
from ui.tasks import TaskManager
from ui.viewdata import ReaderContent


class ReaderView(QWidget):
    """Shows one article: header, banner, and the original beside its translation.

    Signals:
        link_activated(str): the user clicked an http(s) link in the text; open it in a browser.
        open_original_requested(str): the user clicked the link to the original page.
        install_models_requested(): the user pressed Install… on the "no model" banner.
        layout_changed(object): the :class:`ReaderLayout` changed (by the toggles or code).
        notes_changed(object): the notes drawn changed (a tuple of :class:`Note`): the
            shown article's were read, or a change to them was saved.
        entity_clicked(str): the user clicked the chip of an entity (its id): open its page.
    """

    link_activated = Signal(str)
    open_original_requested = Signal(str)
    install_models_requested = Signal()
    layout_changed = Signal(object)
    notes_changed = Signal(object)
    entity_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._content: ReaderContent | None = None
        self._layout = ReaderLayout.SIDE_BY_SIDE
        self._hovered: int | None = None
        self._active: int | None = None
        self._active_side = NoteSide.ORIGINAL
        self._own_sentences: tuple[SentencePair, ...] = ()
        self._syncing = False
        self._align_timer = QTimer(self)
        self._align_timer.setSingleShot(True)
        self._align_timer.setInterval(0)
        self._align_timer.timeout.connect(self._align_rows)

        self.header = ReaderHeader()
        self.header.original_link_clicked.connect(self.open_original_requested)
        self.banner = Banner()
        self.banner.install_clicked.connect(self.install_models_requested)
        self.history = PostHistory()
        self.entities = EntityStrip()  # hovering a chip marks its mentions in both panes
        self.entities.entity_hovered.connect(self._mark_entity)
        self.entities.entity_clicked.connect(self.entity_clicked)
        self.original_pane = SentencePane()
        self.translation_pane = SentencePane()
        self.original_caption = plain_label()  # an unknown language is named by its code
        self.translation_caption = plain_label()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self._original_box = pane_box(self.original_pane, self.original_caption)
        self._translation_box = pane_box(self.translation_pane, self.translation_caption)
        self.splitter.addWidget(self._original_box)
        self.splitter.addWidget(self._translation_box)
        for pane in (self.original_pane, self.translation_pane):
            pane.sentence_hovered.connect(partial(self._on_hovered, pane))
            pane.sentence_clicked.connect(partial(self._on_clicked, pane))
            pane.web_link_clicked.connect(self.link_activated)
            pane.page_requested.connect(self._on_page_requested)
            pane.relaid_out.connect(self._align_timer.start)
            pane.verticalScrollBar().valueChanged.connect(partial(self._on_scrolled, pane))
        self._notes_ready()

        self._stack = QStackedWidget()
        empty = QLabel("Select an article to read it here.")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._stack.addWidget(empty)
        self._stack.addWidget(self._reader_page())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        self._apply_layout()

    def _reader_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        top.setContentsMargins(DOCUMENT_CAPTION_INDENT, 0, DOCUMENT_CAPTION_INDENT, 0)
        top.addWidget(self.header, 1)
        top.addLayout(self._layout_toggles(), 0)
        top.setAlignment(self._toggles, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        for widget in (self.banner, self.history, self.entities):
            row = QHBoxLayout()
            row.setContentsMargins(DOCUMENT_CAPTION_INDENT, 0, DOCUMENT_CAPTION_INDENT, 0)
            row.addWidget(widget)
            layout.addLayout(row)
        text_row = QHBoxLayout()
        text_row.setSpacing(0)
        text_row.addWidget(self.splitter, 1)
        text_row.addWidget(self.notes_column, 0)
        layout.addLayout(text_row, 1)
        return page

    def _notes_ready(self) -> None:
        self.notes_column = NotesColumn()
        self.notes_column.hide()
        self.note_keeper = NoteKeeper(self)
        margin = self.notes_column.margin
        margin.locate = self.note_keeper.locate
        for pane in (self.original_pane, self.translation_pane):
            pane.menu_extender = partial(self.note_keeper.extend_menu, pane)
            pane.verticalScrollBar().valueChanged.connect(margin.update)
            pane.relaid_out.connect(margin.update)
        for view in (margin, self.notes_column.list):
            view.note_clicked.connect(self.note_keeper.reveal)
            view.note_activated.connect(self.note_keeper.edit_by_id)
        self.notes_column.list.remove_requested.connect(self.note_keeper.remove_by_id)

    def _layout_toggles(self) -> QHBoxLayout:
        self._toggles = QHBoxLayout()
        self._toggles.setSpacing(0)
        self._toggle_group = QButtonGroup(self)
        self._toggle_group.setExclusive(True)
        self._toggle_buttons: dict[ReaderLayout, QToolButton] = {}
        for mode, (text, tip) in LAYOUT_BUTTONS.items():
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(partial(self.set_layout, mode))
            self._toggle_group.addButton(button)
            self._toggle_buttons[mode] = button
            self._toggles.addWidget(button)
        return self._toggles

    # --- public API -----------------------------------------------------------------------

    @property
    def content(self) -> ReaderContent | None:
        return self._content

    @property
    def layout_mode(self) -> ReaderLayout:
        return self._layout

    @property
    def highlighted_sentence(self) -> int | None:
        """The sentence under the mouse, else the last one clicked, else None."""
        return self._hovered if self._hovered is not None else self._active

    def show_content(self, content: ReaderContent | None) -> None:
        """Show an article (None: the empty "select an article" page)."""
        self._content = content
        self._hovered = self._active = None
        self._own_sentences = ()
        if content is None:
            self.original_pane.set_text(None)
            self.translation_pane.set_text(None)
            self._stack.setCurrentIndex(0)
            self.note_keeper.show(())
            self.entities.show_for(())
            return
        pattern = term_pattern(content.highlight_terms)
        palette = self.palette()
        source = language_name(content.language)
        if content.sentences:
            self.original_pane.set_text(
                build_pane(
                    sentence_paragraphs(content.sentences, translation=False),
                    joiner=sentence_joiner(content.language),
                    pattern=pattern,
                    palette=palette,
                ),
                content.language,
            )
            self.translation_pane.set_text(
                build_pane(
                    sentence_paragraphs(content.sentences, translation=True),
                    joiner=sentence_joiner(content.target_language),
                    pattern=pattern,
                    palette=palette,
                ),
                content.target_language,
            )
            target = language_name(content.target_language)
            self.translation_caption.setText(f"{target} · machine translation")
        else:
            self.original_pane.set_text(
                build_pane(
                    text_paragraphs(content.original_text),
                    joiner="",
                    pattern=pattern,
                    palette=palette,
                ),
                content.language,
            )
            self.translation_pane.set_text(None)
        self.original_caption.setText(f"{source} · original")
        self.header.show_content(content)
        self.banner.show_for(content)
        self.history.show_for(content)
        self.entities.show_for(content.entities)
        for button in self._toggle_buttons.values():
            button.setVisible(bool(content.sentences))
        self._stack.setCurrentIndex(1)
        self._apply_layout()
        self.original_pane.verticalScrollBar().setValue(0)
        self.translation_pane.verticalScrollBar().setValue(0)
        self.note_keeper.load(content.article_id)

    # --- notes and highlights (see ui.reader.notes) ----------------------------------------

    def use_tasks(self, tasks: TaskManager) -> None:
        """Read and save the notes through ``tasks``: from now on the reader shows each
        article's notes and offers Highlight, Add note… and Remove highlight."""
        self.note_keeper.tasks = tasks
        self.note_keeper.update_actions()
        if self._content is not None:
            self.note_keeper.load(self._content.article_id)

    def note_actions(self) -> list[QAction]:
        """Highlight sentence (H), Add note… (N), Remove highlight and Notes list, acting on
        the sentence last clicked, for the window's menu."""
        return self.note_keeper.actions

    @property
    def notes(self) -> tuple[Note, ...]:
        """The notes drawn now."""
        return self.note_keeper.notes

    def show_notes(self, notes: Sequence[Note]) -> None:
        """Draw ``notes`` on the shown article (as the task manager's reads do)."""
        self.note_keeper.show(notes)

    def sentence_list(self) -> tuple[SentencePair, ...]:
        """The sentences notes are made on: the aligned ones, or an original's own."""
        if self._content is None:
            return ()
        return self._content.sentences or self._own_sentences

    def show_own_sentences(self, sentences: tuple[SentencePair, ...]) -> None:
        """Show an untranslated original as its own sentences, so they can be marked (an
        article in the target language is aligned with itself)."""
        content = self._content
        if content is None or content.sentences or not sentences:
            return
        self._own_sentences = sentences
        self.original_pane.set_text(
            build_pane(
                sentence_paragraphs(sentences, translation=False),
                joiner=sentence_joiner(content.language),
                pattern=term_pattern(content.highlight_terms),
                palette=self.palette(),
            ),
            content.language,
        )
        self._align_timer.start()

    def chosen_sentence(self) -> tuple[int, NoteSide] | None:
        """The sentence last clicked and its side (what the note actions act on)."""
        if self._active is None or not 0 <= self._active < len(self.sentence_list()):
            return None
        return self._active, self._active_side

    def choose_sentence(self, sentence: int, side: NoteSide) -> None:
        """Make ``sentence`` the clicked one, on ``side``, and bring it into view."""
        pane = self.pane_of(side)
        if pane not in self.visible_panes():
            pane = self._other(pane)
        pane.reveal(sentence, centre=not pane.sentence_visible(sentence))
        self._on_clicked(pane, sentence)

    def pane_of(self, side: NoteSide) -> SentencePane:
        return self.original_pane if side is NoteSide.ORIGINAL else self.translation_pane

    def side_of(self, pane: SentencePane) -> NoteSide:
        if pane is self.translation_pane and self._content and self._content.sentences:
            return NoteSide.TRANSLATION
        return NoteSide.ORIGINAL

    def set_layout(self, mode: ReaderLayout) -> None:
        """Arrange the panes; emits layout_changed when the layout is new."""
        changed = mode != self._layout
        self._layout = mode
        self._apply_layout()
        if changed:
            self.layout_changed.emit(mode)

    def page_down(self) -> None:
        """Scroll one screen down, keeping the last line of the old screen in view."""
        self._page(1)

    def page_up(self) -> None:
        self._page(-1)

    def visible_panes(self) -> list[SentencePane]:
        boxes = (
            (self.original_pane, self._original_box),
            (self.translation_pane, self._translation_box),
        )
        return [pane for pane, box in boxes if not box.isHidden()]

    # --- layout ---------------------------------------------------------------------------

    def effective_layout(self) -> ReaderLayout:
        """The layout in force: an untranslated article only has its original to show."""
        if self._content is not None and not self._content.sentences:
            return ReaderLayout.ORIGINAL_ONLY
        return self._layout

    def _apply_layout(self) -> None:
        mode = self.effective_layout()
        self._toggle_buttons[self._layout].setChecked(True)
        self._original_box.setVisible(mode != ReaderLayout.TRANSLATION_ONLY)
        self._translation_box.setVisible(mode != ReaderLayout.ORIGINAL_ONLY)
        vertical = mode == ReaderLayout.STACKED
        self.splitter.setOrientation(
            Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
        )
        # Side by side the panes scroll as one, so the right-hand scroll bar is enough.
        self.original_pane.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if mode == ReaderLayout.SIDE_BY_SIDE
            else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        total = self.splitter.height() if vertical else self.splitter.width()
        self.splitter.setSizes([max(total, 2) // 2] * 2)
        self._align_timer.start()
        self.notes_column.margin.update()

    def _both_shown(self) -> bool:
        return len(self.visible_panes()) == 2 and self.translation_pane.text is not None

    def _align_rows(self) -> None:
        """Pad paragraphs so paragraph i starts at the same height in both panes."""
        panes = (self.original_pane, self.translation_pane)
        if not self._both_shown():
            for pane in panes:
                for row in range(len(pane.pads)):
                    pane.set_pad(row, 0.0)
            return
        geometry = [pane.row_geometry() for pane in panes]
        for row in range(min(len(g) for g in geometry)):
            natural = [g[row][1] - pane.pads[row] for g, pane in zip(geometry, panes, strict=True)]
            tallest = max(natural)
            for pane, height in zip(panes, natural, strict=True):
                pane.set_pad(row, tallest - height)
        self._on_scrolled(self.translation_pane)

    # --- scrolling and highlighting -------------------------------------------------------

    def _other(self, pane: SentencePane) -> SentencePane:
        return self.translation_pane if pane is self.original_pane else self.original_pane

    def _on_scrolled(self, pane: SentencePane, _value: int = 0) -> None:
        if self._syncing or not self._both_shown():
            return
        other = self._other(pane)
        target = matching_scroll(pane, other)
        self._syncing = True
        try:
            other.verticalScrollBar().setValue(target)
        finally:
            self._syncing = False

    def _on_hovered(self, pane: SentencePane, sentence: int) -> None:
        self._hovered = None if sentence < 0 else sentence
        self._show_highlight()
        if self._hovered is not None:
            self._reveal_counterpart(pane, self._hovered, centre=False)

    def _on_clicked(self, pane: SentencePane, sentence: int) -> None:
        self._active = sentence
        self._active_side = self.side_of(pane)
        self._show_highlight()
        self.note_keeper.update_actions()
        self._reveal_counterpart(
            pane, sentence, centre=not self._other(pane).sentence_visible(sentence)
        )

    def _show_highlight(self) -> None:
        for pane in (self.original_pane, self.translation_pane):
            pane.show_sentences(self._hovered, self._active)

    def _mark_entity(self, found: ArticleEntity | None) -> None:
        """Mark the mentions of the entity under the mouse (None: take the marks away)."""
        self._show_highlight()
        if found is not None:
            colour = mention_mark(found.entity.kind)
            mark_mentions(self.original_pane, found.written_original, colour)
            mark_mentions(self.translation_pane, found.written_translation, colour)

    def _reveal_counterpart(self, pane: SentencePane, sentence: int, *, centre: bool) -> None:
        other = self._other(pane)
        if other not in self.visible_panes():
            return
        # Only the other pane moves: syncing back would slide the sentence from under the mouse.
        self._syncing = True
        try:
            other.reveal(sentence, centre=centre)
        finally:
            self._syncing = False

    def _on_page_requested(self, direction: int) -> None:
        self._page(direction)

    def _page(self, direction: int) -> None:
        visible = self.visible_panes()
        if not visible:
            return
        pane = visible[-1]  # the translation when it is shown: it drives the other pane
        bar = pane.verticalScrollBar()
        step = max(bar.pageStep() - pane.fontMetrics().lineSpacing() * 2, 1)
        bar.setValue(bar.value() + direction * step)
