"""The reader's highlights and notes: its actions, its sentence menu, and saving through the
task manager.

Select text or right-click a sentence in either pane: Highlight (in a colour), Add note… (or
Edit note…) and Remove highlight act on the sentences chosen, on that pane's side. The same
actions on the reader (:meth:`ReaderView.note_actions`, for the window's menu) act on the
sentence last clicked. A highlighted sentence is drawn with its colour; its aligned sentence
on the other side gets a lighter mark. Notes are shown in the column beside the text
(:mod:`ui.reader.notes_view`).

Notes are read and written by the core on the task manager's threads: an article's notes
are read when it is shown, each change is one write job whose result is the article's notes
as stored, drawn when it arrives (and the index syncs after it: notes are searchable).
Without a task manager (:meth:`ReaderView.use_tasks`) the reader shows no notes and offers
no note actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from monitor import Monitor
from monitor.types import Note, NoteColour, NoteSide, SentencePair
from ui.reader.notes_view import COLOUR_NAMES, NoteEditor, pane_marks, side_name, swatch
from ui.tasks import Changes, TaskManager

if TYPE_CHECKING:
    from ui.reader import ReaderView
    from ui.reader.pane import SentencePane

ReadNotes = tuple[list[Note], tuple[SentencePair, ...]]


def reader_notes(monitor: Monitor, article_id: int) -> ReadNotes:
    """The article's notes, and its own sentences when it has no machine translation (an
    original in the target language is aligned with itself: notes are made on those)."""
    notes = monitor.notes(article_id)
    translation = monitor.translation(article_id)
    own = translation.sentences if translation is not None and not translation.by_model else ()
    return notes, own


class NoteKeeper(QObject):
    """The reader's notes: what is shown, the actions on them, and their reads and writes."""

    def __init__(self, view: ReaderView) -> None:
        super().__init__(view)
        self.view = view
        self.tasks: TaskManager | None = None
        self.notes: tuple[Note, ...] = ()
        # Reads and writes are numbered as asked for; an answer older than the one drawn
        # (a read that raced a change saved after it) is dropped.
        self._asked = self._drawn = 0
        self.highlight_action = self._action("&Highlight sentence", "H", self._highlight_active)
        self.note_action = self._action("Add &note…", "N", self._note_active)
        self.remove_action = self._action("&Remove highlight", None, self._remove_active)
        self.list_action = self._action("Notes &list", None, self._toggle_list)
        self.list_action.setCheckable(True)
        self.update_actions()

    def _action(self, text: str, shortcut: str | None, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.view)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.view.addAction(action)
        return action

    @property
    def actions(self) -> list[QAction]:
        return [self.highlight_action, self.note_action, self.remove_action, self.list_action]

    # What is shown ------------------------------------------------------------------------

    def load(self, article_id: int) -> None:
        """Read the shown article's notes (and its own sentences) on the reader thread."""
        # The column stays until they arrive: the text is not laid out twice between two
        # articles with notes.
        self._draw((), keep_column=self.tasks is not None)
        if self.tasks is not None:
            self.tasks.read(
                lambda monitor: reader_notes(monitor, article_id),
                success=partial(self._loaded, article_id, self._ask()),
                owner=self.view,
            )

    def _ask(self) -> int:
        self._asked += 1
        return self._asked

    def _loaded(self, article_id: int, asked: int, read: ReadNotes) -> None:
        content = self.view.content
        if content is None or content.article_id != article_id or asked < self._drawn:
            return  # the user has moved on, or a later answer is drawn already
        self._drawn = asked
        notes, own = read
        if own and not content.sentences:
            self.view.show_own_sentences(own)
        self.show(notes)

    def show(self, notes: Sequence[Note]) -> None:
        """Draw ``notes`` (the shown article's, as read or saved) and say so."""
        self._draw(notes)
        self.view.notes_changed.emit(self.notes)

    def _draw(self, notes: Sequence[Note], *, keep_column: bool = False) -> None:
        """The marks in both panes, the margin and the list; the column is shown while there
        are notes (and, with ``keep_column``, kept as it is)."""
        self.notes = tuple(notes)
        view = self.view
        view.original_pane.set_marks(pane_marks(self.notes, NoteSide.ORIGINAL))
        view.translation_pane.set_marks(pane_marks(self.notes, NoteSide.TRANSLATION))
        view.notes_column.set_notes(self.notes)
        if not keep_column:
            view.notes_column.setVisible(bool(self.notes) and view.content is not None)
        self.update_actions()

    def update_actions(self) -> None:
        chosen = self.view.chosen_sentence()
        usable = self.tasks is not None and chosen is not None
        self.highlight_action.setEnabled(usable)
        self.note_action.setEnabled(usable)
        marked = chosen is not None and bool(self.on_sentences([chosen[0]]))
        self.remove_action.setEnabled(usable and marked)
        self.note_action.setText(
            "Edit &note…" if chosen and self.note_on(*chosen) is not None else "Add &note…"
        )
        self.list_action.setEnabled(bool(self.notes))
        self.list_action.setChecked(self.view.notes_column.showing_list)

    def note_on(self, sentence: int, side: NoteSide) -> Note | None:
        return next((n for n in self.notes if n.sentence == sentence and n.side is side), None)

    def on_sentences(self, sentences: Sequence[int]) -> list[Note]:
        """The notes on these sentences, on either side."""
        return [note for note in self.notes if note.sentence in sentences]

    def locate(self, note: Note) -> int | None:
        """The top of the note's sentence in the margin's pixels: in the pane of its side
        when shown, else in the other one; None when it is not on screen."""
        if note.sentence is None:
            return None
        view = self.view
        panes = view.visible_panes()
        own = view.pane_of(note.side)
        for pane in [own, *panes] if own in panes else panes:
            rect = pane.span_rect(note.sentence)
            if rect is None:
                continue
            margin = view.notes_column.margin
            top = margin.mapFromGlobal(pane.viewport().mapToGlobal(QPoint(0, rect[0])))
            return top.y()
        return None

    # The sentence menu -------------------------------------------------------------------

    def extend_menu(self, pane: SentencePane, menu: QMenu, sentences: list[int]) -> None:
        """Put the note actions for ``sentences`` (on ``pane``'s side) at the top of ``menu``."""
        if self.tasks is None or self.view.content is None:
            return
        side = self.view.side_of(pane)
        first = menu.actions()[0] if menu.actions() else None
        chosen: list[QAction] = []
        plural = "sentences" if len(sentences) > 1 else "sentence"
        highlight = QAction(f"Highlight {plural}", menu)
        highlight.triggered.connect(lambda: self.mark(sentences, side))
        chosen.append(highlight)
        colours = QMenu("Highlight in", menu)
        for colour in NoteColour:
            colours.addAction(
                swatch(colour),
                COLOUR_NAMES[colour],
                partial(self.mark, sentences, side, colour=colour),
            )
        chosen.append(colours.menuAction())
        existing = self.note_on(sentences[0], side)
        note = QAction("Edit note…" if existing and existing.text else "Add note…", menu)
        note.triggered.connect(lambda: self.edit_text(sentences[0], side))
        chosen.append(note)
        if self.on_sentences(sentences):
            remove = QAction("Remove highlight", menu)
            remove.triggered.connect(lambda: self.remove(self.on_sentences(sentences)))
            chosen.append(remove)
        menu.insertActions(first, chosen)  # type: ignore[arg-type]
        menu.insertSeparator(first)  # type: ignore[arg-type]

    # Changes -----------------------------------------------------------------------------

    def mark(
        self,
        sentences: Sequence[int],
        side: NoteSide,
        *,
        colour: NoteColour | None = None,
        text: str | None = None,
    ) -> None:
        """Highlight ``sentences`` on ``side`` (a colour, a note: see Monitor.mark_sentence)."""
        content = self.view.content
        if content is None:
            return
        article_id, chosen = content.article_id, list(sentences)

        def job(monitor: Monitor) -> list[Note]:
            for sentence in chosen:
                monitor.mark_sentence(article_id, sentence, side, colour=colour, text=text)
            return monitor.notes(article_id)

        self._write(article_id, job)

    def edit_note(self, note_id: int, *, text: str | None = None) -> None:
        content = self.view.content
        if content is None:
            return
        article_id = content.article_id

        def job(monitor: Monitor) -> list[Note]:
            monitor.edit_note(note_id, text=text)
            return monitor.notes(article_id)

        self._write(article_id, job)

    def remove(self, notes: Sequence[Note]) -> None:
        content = self.view.content
        if content is None or not notes:
            return
        article_id, ids = content.article_id, [note.id for note in notes]

        def job(monitor: Monitor) -> list[Note]:
            for note_id in ids:
                monitor.remove_note(note_id)
            return monitor.notes(article_id)

        self._write(article_id, job)

    def _write(self, article_id: int, job: Callable[[Monitor], list[Note]]) -> None:
        if self.tasks is None:
            return
        asked = self._ask()
        self.tasks.write(
            job,
            changes=Changes.NOTES,
            success=lambda notes: self._loaded(article_id, asked, (notes, ())),
            owner=self.view,
        )

    def edit_text(self, sentence: int, side: NoteSide) -> None:
        """Open the note editor on ``sentence``; Save stores the note (and highlights it)."""
        sentences = self.view.sentence_list()
        if not 0 <= sentence < len(sentences):
            return
        pair = sentences[sentence]
        existing = self.note_on(sentence, side)
        quote = pair.original if side is NoteSide.ORIGINAL else pair.translation
        heading = f"Note on sentence {sentence + 1} ({side_name(side)})"
        editor = NoteEditor(quote, heading, existing.text if existing else "", self.view)
        editor.saved.connect(lambda text: self.mark([sentence], side, text=text))
        editor.open()

    def edit_by_id(self, note_id: int) -> None:
        """Open the editor on a note picked in the margin or the list (detached ones too)."""
        note = next((n for n in self.notes if n.id == note_id), None)
        if note is None:
            return
        if note.sentence is not None:
            self.edit_text(note.sentence, note.side)
            return
        editor = NoteEditor(note.sentence_text, "Note (its sentence is gone)", note.text, self.view)
        editor.saved.connect(lambda text: self.edit_note(note_id, text=text))
        editor.open()

    def remove_by_id(self, note_id: int) -> None:
        self.remove([note for note in self.notes if note.id == note_id])

    def reveal(self, note_id: int) -> None:
        note = next((n for n in self.notes if n.id == note_id), None)
        if note is not None and note.sentence is not None:
            self.view.choose_sentence(note.sentence, note.side)

    # The reader's actions (the sentence last clicked) --------------------------------------

    def _highlight_active(self) -> None:
        chosen = self.view.chosen_sentence()
        if chosen is not None:
            self.mark([chosen[0]], chosen[1])

    def _note_active(self) -> None:
        chosen = self.view.chosen_sentence()
        if chosen is not None:
            self.edit_text(*chosen)

    def _remove_active(self) -> None:
        chosen = self.view.chosen_sentence()
        if chosen is not None:
            self.remove(self.on_sentences([chosen[0]]))

    def _toggle_list(self) -> None:
        column = self.view.notes_column
        column.show_list(not column.showing_list)
        self.update_actions()
