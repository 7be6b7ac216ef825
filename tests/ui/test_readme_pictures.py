"""The README's pictures, taken over :mod:`tests.ui.readme_collection` and checked for what
they draw: the reader with a note and a highlight, a search through translations, the export
dialog, triage in the sidebar, the dossier with notes, and the compare view.

They are written to $MEDIA_MONITOR_SCREENSHOTS when it is set (``scripts/screenshots`` sets
it to docs/), else to tmp_path. The English they show was written by hand and stored as the
articles' translations (see :mod:`tests.ui.readme_collection` for why); the reader's header
and the dossier name that route, and the README's captions say so.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRectF, QSettings
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from monitor import open_monitor
from monitor.types import SearchRequest
from tests.ui.drawn_text import drawn_runs
from tests.ui.readme_collection import (
    HAND_ROUTE,
    HIGHLIGHT_SENTENCE,
    LAUNCH_STORY,
    NOTE_SENTENCE,
    NOTE_TEXT,
    SAVED_SEARCH,
    ReadmeCollection,
    build_readme_collection,
)
from tests.ui.test_dossier_notes import cell_of
from tests.ui.test_main_window import screenshot_folder
from tests.ui.test_tasks import settle
from tests.ui.test_triage import click, drawn_row, item_of
from ui.compare.view import CompareView
from ui.dialogs.export import ExportDialog
from ui.dialogs.export_jobs import Scope
from ui.main_window import MainWindow
from ui.plain import InertDocument
from ui.sidebar import SAVED, STARRED
from ui.tasks import TaskManager

WAIT = 10_000
LARGEST = (1400, 850)  # the README shows them at most this big
KOREAN = LAUNCH_STORY["누리호"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> ReadmeCollection:
    return build_readme_collection(tmp_path_factory.mktemp("readme") / "data")


@pytest.fixture
def collection(prepared: ReadmeCollection, tmp_path: Path) -> ReadmeCollection:
    """A copy for each picture: opening an article marks it read, a view marks it seen."""
    copy = Path(shutil.copytree(prepared.data, tmp_path / "data"))
    return ReadmeCollection(copy, prepared.launch, prepared.english_launch, prepared.starred)


@pytest.fixture
def tasks(collection: ReadmeCollection) -> Iterator[TaskManager]:
    manager = TaskManager(collection.data)
    yield manager
    manager.shutdown()


@pytest.fixture
def window(qtbot, collection: ReadmeCollection, tmp_path: Path) -> Iterator[MainWindow]:
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"readme-{tmp_path.name}")
    QSettings().clear()  # the window as it first opens, not as an earlier run left it
    shown = MainWindow(TaskManager(collection.data))
    qtbot.addWidget(shown)
    shown.resize(*LARGEST)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: bool(shown.article_list.rows()), timeout=WAIT)
    settle(qtbot, shown.tasks)
    yield shown
    shown.close()  # cancels and joins the workers


def drawn(widget: QWidget) -> str:
    """The text ``widget`` paints, its wrapped lines joined by single spaces."""
    return re.sub(r"\s+", " ", " ".join(drawn_runs(widget)))


def squeezed(text: str) -> str:
    """``text`` without its spaces: drawn lines also wrap after a hyphen ("ocean-")."""
    return re.sub(r"\s+", "", text)


def save_picture(picture: QPixmap | QImage, name: str, tmp_path: Path) -> Path:
    image = picture.toImage() if isinstance(picture, QPixmap) else picture
    assert 0 < image.width() <= LARGEST[0] and 0 < image.height() <= LARGEST[1]
    path = screenshot_folder(tmp_path) / name
    assert image.save(str(path), "PNG", 0)  # 0: the smallest file zlib makes
    return path


def open_in_window(qtbot, window: MainWindow, article_id: int) -> None:
    window.article_list.select_id(article_id)
    reader = window.reader
    qtbot.waitUntil(
        lambda: reader.content is not None and reader.content.article_id == article_id,
        timeout=WAIT,
    )
    settle(qtbot, window.tasks)


def test_the_reader_shows_the_stored_translation_with_a_note_and_a_highlight(
    qtbot, window: MainWindow, collection: ReadmeCollection, tmp_path: Path
):
    window.splitter.setSizes([200, 320, 880])  # the reader made wider, as a user would
    open_in_window(qtbot, window, collection.launch["ko"])
    reader = window.reader
    qtbot.waitUntil(lambda: len(reader.notes_column.margin.cards()) == 2, timeout=WAIT)

    header = drawn(reader)
    assert "translated by " + HAND_ROUTE.format(language="ko") in header
    assert KOREAN.title in header
    translation = drawn(reader.translation_pane)
    assert squeezed(KOREAN.sentences[HIGHLIGHT_SENTENCE]) in squeezed(translation)
    assert "satellite" in translation and "위성" not in translation  # English, no Korean left
    assert "누리호" in drawn(reader.original_pane)
    note, highlight = reader.notes_column.margin.cards()
    assert note.note.text == NOTE_TEXT and not highlight.note.text
    assert NOTE_TEXT in drawn(reader.notes_column.margin)
    assert note.note.sentence == NOTE_SENTENCE and highlight.note.sentence == HIGHLIGHT_SENTENCE
    save_picture(window.grab(), "screenshot-reader.png", tmp_path)


def test_a_search_finds_every_language_through_the_stored_translations(
    qtbot, window: MainWindow, collection: ReadmeCollection, tmp_path: Path
):
    window.search_bar.set_query("satellite")
    qtbot.waitUntil(
        lambda: (
            len(window.article_list.rows()) == 5
            and all(row.matched_in for row in window.article_list.rows())
        ),
        timeout=WAIT,
    )
    rows = window.article_list.rows()
    assert {row.language for row in rows} == {"ko", "ru", "zh", "uk", "en"}
    assert all(row.matched_in == "translation" for row in rows if row.language != "en")
    open_in_window(qtbot, window, collection.launch["ru"])
    assert "satellite" in drawn(window.reader.translation_pane)
    assert "спутник" in drawn(window.reader.original_pane)
    assert "5 matches" in drawn(window.article_list)
    save_picture(window.grab(), "screenshot-search.png", tmp_path)


def test_the_export_dialog_draws_the_count_of_each_choice(
    qtbot, tasks: TaskManager, collection: ReadmeCollection, tmp_path: Path
):
    dialog = ExportDialog(
        tasks,
        selected_ids=[collection.launch["ko"]],
        request=SearchRequest(SAVED_SEARCH[1]),
        folder=Path("/home/analyst/Documents"),  # shown in the File field
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.count() is not None, timeout=WAIT)
    dialog.resize(640, dialog.sizeHint().height())
    qtbot.waitExposed(dialog)

    shown = drawn(dialog)
    for counted in (
        "The selected article (1)",
        "“satellite” (5)",
        "Starred articles (2)",
        "The whole collection (33)",
    ):
        assert counted in shown, counted
    assert f"{SAVED_SEARCH[0]} (5)" in shown
    assert dialog.scope() is Scope.SEARCH
    assert "5 articles will be exported as an HTML dossier." in shown
    save_picture(dialog.grab(), "screenshot-export.png", tmp_path)


def test_the_sidebar_shows_starred_new_badges_and_a_saved_search(
    qtbot, window: MainWindow, collection: ReadmeCollection, tmp_path: Path
):
    sidebar = window.sidebar
    click(qtbot, sidebar, STARRED)
    qtbot.waitUntil(
        lambda: {row.id for row in window.article_list.rows()} == set(collection.starred),
        timeout=WAIT,
    )
    open_in_window(qtbot, window, collection.starred[1])

    assert drawn_row(sidebar, STARRED) == "2 Starred"
    saved = next(s for s in sidebar.saved_searches() if s.name == SAVED_SEARCH[0])
    assert drawn_row(sidebar, SAVED, saved.id) == f"5 new {SAVED_SEARCH[0]}"
    assert drawn(sidebar.tree.viewport()).count(" 7 new ") == 2  # two outlets not looked at
    assert all(row.is_starred for row in window.article_list.rows())
    assert drawn(window.article_list).count("★") == 2
    # The saved search's menu, drawn where a right click on its row opens it (the offscreen
    # platform cannot pop one up), below the row and its badge.
    menu = window.triage.menu_for(SAVED, saved.id)
    assert menu is not None
    qtbot.addWidget(menu)
    menu.ensurePolished()
    menu.adjustSize()
    offered = drawn(menu)
    for entry in ("Mark all read", "Rename…", "Edit search…", "Mute notifications"):
        assert entry in offered, entry
    picture = window.grab()
    tree = sidebar.tree
    row = tree.visualItemRect(item_of(sidebar, SAVED, saved.id))
    at = tree.viewport().mapTo(window, QPoint(row.center().x(), row.bottom() + 2))  # below it
    painter = QPainter(picture)
    painter.drawPixmap(at, menu.grab())
    painter.end()
    save_picture(picture, "screenshot-triage.png", tmp_path)


def test_the_dossier_prints_each_note_beside_its_sentence(
    qapp: object, collection: ReadmeCollection, tmp_path: Path
):
    html_file = tmp_path / "dossier.html"
    with open_monitor(collection.data) as monitor:
        monitor.export_articles([collection.launch["ko"]], html_file, "html")
    document = InertDocument()
    document.setHtml(html_file.read_text("utf-8"))
    width, margin = 900, 40
    document.setTextWidth(width - 2 * margin)
    note_row, note_column, _ = cell_of(document, NOTE_TEXT)
    sentence_row, _, marked = cell_of(document, KOREAN.sentences[NOTE_SENTENCE])
    assert (note_row, note_column) == (sentence_row, 2)
    assert cell_of(document, KOREAN.sentences[HIGHLIGHT_SENTENCE])[2].color().green() > 150
    assert HAND_ROUTE.format(language="ko") in document.toPlainText()

    image = QImage(width, LARGEST[1], QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(margin, margin)
    document.drawContents(painter, QRectF(0, 0, width - 2 * margin, LARGEST[1] - margin))
    painter.end()
    # The note is inside the picture, and its sentence's cell is drawn in the note's colour.
    layout = document.documentLayout()
    note = layout.blockBoundingRect(document.find(NOTE_TEXT).block())
    assert note.bottom() + margin < LARGEST[1]
    sentence = layout.blockBoundingRect(document.find(KOREAN.sentences[NOTE_SENTENCE]).block())
    fill = image.pixelColor(
        QPoint(int(sentence.right()) + margin - 1, int(sentence.top()) + margin)
    )
    assert fill == marked.color()
    save_picture(image, "screenshot-dossier.png", tmp_path)


def test_the_compare_view_spreads_close_times_without_overprinting(
    qtbot, tasks: TaskManager, collection: ReadmeCollection, tmp_path: Path
):
    view = CompareView(tasks, collection.launch["ko"])
    qtbot.addWidget(view)
    view.resize(*LARGEST)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.show()
    qtbot.waitExposed(view)
    view.select_sentence(collection.launch["ko"], HIGHLIGHT_SENTENCE)
    # The strip asks for another lane of labels at its final width: let the layout give it.
    qtbot.waitUntil(lambda: view.strip.height() >= view.strip.sizeHint().height(), timeout=WAIT)

    assert view.data is not None
    places = view.strip.placed()
    # The launch's story: all five outlets on the strip, four in columns, the English
    # article among them (it is the story's, not a related guess).
    assert len(places) == len(view.data.events) >= 5
    assert len({event.outlet for event in view.data.events}) == 5
    assert view.column_widget(collection.english_launch) is not None
    assert len(view.columns()) == 4 and not view.data.not_covered
    assert not [
        (a.text, b.text)
        for i, a in enumerate(places)
        for b in places[i + 1 :]
        if a.label.intersects(b.label)
    ]
    published = sorted(event.published for event in view.data.events if event.published)
    assert (published[4] - published[0]).total_seconds() <= 75 * 60  # five minutes apart
    assert "satellite" in view.shared_label.text()
    assert all("satellite" in column.shown_text() for column in view.columns())
    assert view.highlighted()  # the closest sentences of the other columns are tinted
    save_picture(view.grab(), "screenshot-compare.png", tmp_path)
