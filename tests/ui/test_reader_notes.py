"""Highlights and notes in the reader: made with its actions and its sentence menu, saved by the
task manager's writer into a real store, and drawn: the sentence's background on both sides,
the note's words in the margin level with its sentence, the per-article list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QMenu

from monitor import open_monitor
from monitor.types import NoteColour, NoteSide
from tests.support.noted import ENGLISH, KOREAN, add_article
from tests.ui.drawn_text import drawn_text
from ui.queries import reader_content
from ui.reader import ReaderLayout, ReaderView
from ui.reader.notes_view import NoteEditor
from ui.reader.pane import SentencePane
from ui.tasks import TaskManager

SHOTS = Path("/tmp/ui-shots")
WAIT = 10_000


@dataclass(frozen=True)
class Collection:
    data: Path
    korean: int
    english: int


@pytest.fixture
def collection(tmp_path: Path) -> Collection:
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        korean = add_article(monitor)
        english = add_article(monitor, ENGLISH, language="en", guid="en1", title="Launch")
    return Collection(data, korean, english)


@pytest.fixture
def tasks(collection: Collection) -> Iterator[TaskManager]:
    manager = TaskManager(collection.data)
    yield manager
    manager.shutdown()


@pytest.fixture
def view(qtbot, tasks: TaskManager) -> ReaderView:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(1400, 640)
    reader.show()
    qtbot.waitExposed(reader)
    reader.use_tasks(tasks)
    return reader


def open_article(qtbot, view: ReaderView, collection: Collection, article_id: int) -> None:
    with open_monitor(collection.data) as monitor:
        content = reader_content(monitor, article_id)
    with qtbot.waitSignal(view.notes_changed, timeout=WAIT):
        view.show_content(content)


def stored_notes(collection: Collection, article_id: int) -> list[tuple[object, ...]]:
    with open_monitor(collection.data) as monitor:
        return [(n.sentence, n.side, n.colour, n.text) for n in monitor.notes(article_id)]


def background(pane: SentencePane, sentence: int) -> QColor:
    """The colour drawn most behind the first characters of a sentence (its background: the
    glyphs take fewer pixels than the space around them)."""
    assert pane.text is not None
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.text.spans[sentence][0])
    rect = pane.cursorRect(cursor)
    image = pane.viewport().grab().toImage()
    colours = Counter(
        image.pixel(x, y)
        for x in range(rect.left() + 2, rect.left() + 60)
        for y in range(rect.top() + 1, rect.bottom())
    )
    return QColor.fromRgb(colours.most_common(1)[0][0])


def yellowness(colour: QColor) -> int:
    return colour.red() - colour.blue()


def save_shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_highlight_from_the_reader_action_is_drawn_on_both_sides(
    qtbot, view: ReaderView, collection: Collection
):
    open_article(qtbot, view, collection, collection.korean)
    highlight, note, remove, listing = view.note_actions()
    assert not view.notes_column.isVisible()
    assert note.text() == "Add &note…" and not listing.isEnabled()
    assert not highlight.isEnabled()  # no sentence chosen yet
    plain = background(view.translation_pane, 1)

    view.translation_pane.sentence_clicked.emit(1)
    assert highlight.isEnabled() and not remove.isEnabled()
    with qtbot.waitSignal(view.notes_changed, timeout=WAIT):
        highlight.trigger()
    assert stored_notes(collection, collection.korean) == [
        (1, NoteSide.TRANSLATION, NoteColour.YELLOW, "")
    ]
    assert remove.isEnabled()
    view.original_pane.sentence_clicked.emit(3)  # the clicked tint moves away from sentence 1

    marked = background(view.translation_pane, 1)
    counterpart = background(view.original_pane, 1)
    assert yellowness(marked) > yellowness(counterpart) > yellowness(plain) + 20
    assert yellowness(background(view.translation_pane, 0)) == yellowness(plain)
    assert view.notes_column.isVisible()  # a tick in the margin for the highlight
    assert "1 highlight" in drawn_text(view.notes_column)
    listing.trigger()
    assert view.notes_column.showing_list and listing.isChecked()
    assert "(highlighted)" in drawn_text(view.notes_column.list)
    listing.trigger()
    assert not view.notes_column.showing_list

    view.translation_pane.sentence_clicked.emit(1)
    with qtbot.waitSignal(view.notes_changed, timeout=WAIT):
        remove.trigger()
    assert stored_notes(collection, collection.korean) == []
    view.original_pane.sentence_clicked.emit(3)
    assert yellowness(background(view.translation_pane, 1)) == yellowness(plain)
    assert not view.notes_column.isVisible()


def test_a_note_from_the_sentence_menu_is_drawn_in_the_margin_beside_its_sentence(
    qtbot, view: ReaderView, collection: Collection
):
    open_article(qtbot, view, collection, collection.korean)
    menu = QMenu(view)
    view.original_pane.menu_extender(menu, [2])  # what right-clicking sentence 2 offers
    offered = [action.text() for action in menu.actions()]
    assert offered[:3] == ["Highlight sentence", "Highlight in", "Add note…"]
    assert "Remove highlight" not in offered
    next(a for a in menu.actions() if a.text() == "Add note…").trigger()
    editor = view.findChild(NoteEditor)
    assert editor is not None and KOREAN[2][1] in editor.sentence.text()
    typed = "<b>Ask</b> the governor's office\nwhen demand figures come out"
    editor.editor.setPlainText(typed)
    with qtbot.waitSignal(view.notes_changed, timeout=WAIT):
        editor.save_button.click()
    assert stored_notes(collection, collection.korean) == [
        (2, NoteSide.ORIGINAL, NoteColour.YELLOW, typed)
    ]

    margin = view.notes_column.margin
    drawn = drawn_text(margin)
    assert "<b>Ask</b> the governor's office" in drawn  # as typed, never as markup
    assert "when demand figures come out" in drawn
    [card] = margin.cards()
    assert view.original_pane.text is not None
    cursor = QTextCursor(view.original_pane.document())
    cursor.setPosition(view.original_pane.text.spans[2][0])
    sentence_top = view.original_pane.viewport().mapToGlobal(
        QPoint(0, view.original_pane.cursorRect(cursor).top())
    )
    assert card.rect.top() == margin.mapFromGlobal(sentence_top).y()  # level with it
    assert yellowness(background(view.original_pane, 2)) > 80

    # The selection's sentences, highlighted in a colour from the same menu.
    selection = QTextCursor(view.translation_pane.document())
    assert view.translation_pane.text is not None
    selection.setPosition(view.translation_pane.text.spans[0][0] + 4)
    selection.setPosition(
        view.translation_pane.text.spans[1][0] + 4, QTextCursor.MoveMode.KeepAnchor
    )
    view.translation_pane.setTextCursor(selection)
    assert view.translation_pane.selected_sentences() == [0, 1]
    menu = QMenu(view)
    view.translation_pane.menu_extender(menu, [0, 1])
    colours = next(a for a in menu.actions() if a.text() == "Highlight in").menu()
    assert [a.text() for a in colours.actions()] == ["Yellow", "Green", "Blue", "Pink"]
    with qtbot.waitSignal(view.notes_changed, timeout=WAIT):
        colours.actions()[1].trigger()
    assert sorted(stored_notes(collection, collection.korean))[:2] == [
        (0, NoteSide.TRANSLATION, NoteColour.GREEN, ""),
        (1, NoteSide.TRANSLATION, NoteColour.GREEN, ""),
    ]
    view.translation_pane.setTextCursor(QTextCursor(view.translation_pane.document()))
    green = background(view.translation_pane, 0)
    assert green.green() > green.red() and green.green() > green.blue()
    save_shot(view, "reader-notes-side-by-side.png")

    view.notes_column.show_list()
    listed = drawn_text(view.notes_column.list)
    assert "Sentence 3 · original" in listed and "<b>Ask</b> the governor's office" in listed
    assert listed.count("(highlighted)") == 2
    save_shot(view, "reader-notes-list.png")


def test_notes_made_elsewhere_show_when_the_article_opens_and_detached_ones_are_listed(
    qtbot, view: ReaderView, collection: Collection
):
    with open_monitor(collection.data) as monitor:
        monitor.mark_sentence(collection.korean, 0, text="Lead with the rate cut")
        monitor.mark_sentence(collection.korean, 3, NoteSide.TRANSLATION, colour=NoteColour.BLUE)
        gone = monitor.mark_sentence(collection.korean, 1, text="A sentence that goes away")
        translate_without_sentence_1(monitor, collection.korean)
        assert monitor.notes(collection.korean)[-1].id == gone.id
    open_article(qtbot, view, collection, collection.korean)
    assert view.notes_column.isVisible()
    assert "Lead with the rate cut" in drawn_text(view.notes_column.margin)
    assert "A sentence that goes away" not in drawn_text(view.notes_column.margin)
    view.notes_column.show_list()
    listed = drawn_text(view.notes_column.list)
    assert "Its sentence is no longer in the text" in listed
    assert KOREAN[1][1] in listed

    # Stacked, the margin still puts each note level with its sentence.
    view.set_layout(ReaderLayout.STACKED)
    view.notes_column.show_list(False)
    qtbot.waitUntil(lambda: bool(view.notes_column.margin.cards()))
    first = next(c for c in view.notes_column.margin.cards() if c.note.text)
    assert first.level == view.note_keeper.locate(first.note)
    save_shot(view, "reader-notes-stacked.png")


def translate_without_sentence_1(monitor, article_id: int) -> None:
    from tests.support.noted import translate

    translate(monitor, article_id, (KOREAN[0], KOREAN[2], KOREAN[3]))


def test_an_original_in_the_target_language_gets_sentences_to_mark(
    qtbot, view: ReaderView, collection: Collection
):
    open_article(qtbot, view, collection, collection.english)
    assert view.effective_layout() is ReaderLayout.ORIGINAL_ONLY
    assert view.original_pane.text is not None
    assert sorted(view.original_pane.text.spans) == [0, 1]  # its own sentences, anchored
    view.original_pane.sentence_clicked.emit(1)
    note = view.note_actions()[1]
    assert note.text() == "Add &note…"
    note.trigger()
    editor = view.findChild(NoteEditor)
    assert editor is not None and editor.sentence.text() == ENGLISH[1][1]
    editor.editor.setPlainText("No date: ask the ministry again")
    with qtbot.waitSignal(view.notes_changed, timeout=WAIT):
        editor.save_button.click()
    assert stored_notes(collection, collection.english) == [
        (1, NoteSide.ORIGINAL, NoteColour.YELLOW, "No date: ask the ministry again")
    ]
    assert "No date: ask the ministry again" in drawn_text(view.notes_column.margin)
    assert note.text() == "Edit &note…"
    save_shot(view, "reader-notes-english.png")


def test_without_a_task_manager_the_reader_offers_no_note_actions(qtbot):
    reader = ReaderView()
    qtbot.addWidget(reader)
    assert all(not action.isEnabled() for action in reader.note_actions()[:3])
    menu = QMenu(reader)
    reader.original_pane.menu_extender(menu, [0])  # type: ignore[misc]
    assert menu.actions() == []
