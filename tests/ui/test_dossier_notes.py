"""The dossier with notes as Qt lays it out for the PDF: each note in the cell beside its
sentence, the highlighted sentences' cells coloured, and the PDF printed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from monitor import open_monitor
from monitor.types import NoteColour, NoteSide
from tests.support.noted import KOREAN, add_article
from ui.pdf import render_pdf
from ui.plain import InertDocument

SHOTS = Path("/tmp/ui-shots")


def cell_of(document: InertDocument, text: str) -> tuple[int, int, QBrush]:
    """The (row, column) of the table cell holding ``text``, and the cell's background."""
    cursor = document.find(text)
    assert not cursor.isNull(), text
    table = cursor.currentTable()
    assert table is not None, text
    cell = table.cellAt(cursor)
    return cell.row(), cell.column(), cell.format().background()


def test_notes_are_laid_out_beside_their_sentences_and_printed(
    qapp: object, tmp_path: Path
) -> None:
    with open_monitor(tmp_path / "data") as monitor:
        article = add_article(monitor)
        monitor.mark_sentence(article, 1, text="Second cut this year: check the minutes")
        monitor.mark_sentence(
            article, 3, NoteSide.TRANSLATION, colour=NoteColour.BLUE, text="The won: 1,392.5"
        )
        html_file = tmp_path / "dossier.html"
        monitor.export_articles([article], html_file, "html")
        pdf = tmp_path / "dossier.pdf"
        monitor.export_articles([article], pdf, "pdf", pdf_renderer=render_pdf)

    document = InertDocument()
    document.setHtml(html_file.read_text("utf-8"))
    note_row, note_column, _ = cell_of(document, "check the minutes")
    original_row, original_column, original_fill = cell_of(document, KOREAN[1][1])
    translation_row, _, translation_fill = cell_of(document, KOREAN[1][2])
    assert note_row == original_row == translation_row  # the note is on its sentence's row
    assert (original_column, note_column) == (0, 2)  # beside the original and translation
    assert original_fill.color().name() == "#ffe97a"  # the marked side
    assert translation_fill.color().name() == "#fff8d6"  # its counterpart, lighter
    won_row, won_column, _ = cell_of(document, "The won: 1,392.5")
    assert (won_row, won_column) == (cell_of(document, KOREAN[3][2])[0], 2)
    assert cell_of(document, KOREAN[3][2])[2].color().name() == "#bcd8ff"
    unmarked = cell_of(document, KOREAN[0][1])[2]
    assert unmarked.style() == Qt.BrushStyle.NoBrush

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "dossier-notes.pdf").write_bytes(data)  # to look at (pdftoppm)
