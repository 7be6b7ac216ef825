"""Untrusted text is plain text: with hostile titles, outlets, authors, texts, notes, errors
and watchlists loaded, no widget renders any of it as HTML.

Every view that draws article data is opened (list, reader, a search with snippets, the
saved search, the timeline, the compare view, the sources dialog and its confirmation, a
failure message), then every widget of every window is walked: a label, tooltip or message
that Qt renders as rich text must hold no markup from the data, and a text document no image,
table or link from it. Screenshots must show no pixel of the magenta canary image (a loaded
``<img src="file:…">``) nor of the magenta a hostile ``<style>`` asks for.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import QFont, QImage, QTextDocument, QTextLayout
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTextEdit,
    QWidget,
)

from monitor import open_monitor
from tests.support.inside import parts
from tests.ui.hostile_collection import (
    BOLD,
    CANARY_COLOUR,
    ENTITY,
    ENTITY_DECODED,
    LINK,
    RAW_MARKERS,
    RLO,
    TABLE,
    HostileCollection,
    build_hostile_collection,
    image,
)
from ui.article_list import snippet_document, snippet_html
from ui.compare.view import CompareView
from ui.dialogs.sources import SourcesDialog
from ui.main_window import MainWindow
from ui.plain import isolated, plain_tip
from ui.sidebar import KIND_ROLE, SAVED
from ui.tasks import TaskManager
from ui.timeline import TimelineChart

WAIT_MS = 15_000


class _Inert(QTextDocument):
    """Parses HTML for a check without loading what it names."""

    def loadResource(self, type: int, name: QUrl | str) -> object:
        return None


# What counts as rich-text rendering of data ------------------------------------------------


def rich_problems(text: str, where: str) -> list[str]:
    """Why ``text``, rendered as HTML, shows data as markup (nothing when it is escaped)."""
    found = [f"{where}: raw {m!r} in rich text {text[:160]!r}" for m in RAW_MARKERS if m in text]
    document = _Inert()
    document.setHtml(text)
    if ENTITY_DECODED in document.toPlainText():
        found.append(f"{where}: an entity in the data was decoded: {text[:160]!r}")
    found += document_problems(document, where)
    return found


def document_problems(document: QTextDocument, where: str) -> list[str]:
    """Images, tables or links (other than sentence anchors and bare http(s) addresses in the
    text, which the reader makes itself) in a document."""
    found = []
    if document.rootFrame().childFrames():
        found.append(f"{where}: a table or frame in the document")
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            char_format = fragment.charFormat()
            if char_format.isImageFormat():
                name = char_format.toImageFormat().name()
                found.append(f"{where}: an image {name!r} in the document")
            elif char_format.isAnchor():
                href, text = char_format.anchorHref(), fragment.text()
                made_here = href.startswith("s:") or (
                    href.startswith(("http://", "https://")) and (text in href or "↗" in text)
                )
                if not made_here:
                    found.append(f"{where}: a link {href!r} on {text!r} in the document")
            iterator += 1
        block = block.next()
    return found


def tip_problems(tip: str, where: str) -> list[str]:
    """A tooltip is rendered as HTML when Qt guesses so from its first line."""
    return rich_problems(tip, where) if GuiQt.mightBeRichText(tip) else []


def label_is_rich(label: QLabel) -> bool:
    text_format = label.textFormat()
    if text_format == Qt.TextFormat.AutoText:
        return GuiQt.mightBeRichText(label.text())
    return text_format != Qt.TextFormat.PlainText


def model_tips(model: QAbstractItemModel, parent: QModelIndex) -> Iterator[tuple[str, str]]:
    for row in range(model.rowCount(parent)):
        column = 0
        while model.hasIndex(row, column, parent):  # a list model's columnCount is private
            index = model.index(row, column, parent)
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str) and tip:
                yield f"row {row} column {column}", tip
            yield from model_tips(model, index)
            column += 1


def widget_problems(widget: QWidget) -> list[str]:
    where = f"{type(widget).__name__} {widget.objectName()!r}".strip()
    found = tip_problems(widget.toolTip(), f"{where} tooltip")
    for action in widget.actions():
        found += tip_problems(action.toolTip(), f"{where} action tooltip")
    if isinstance(widget, QLabel) and label_is_rich(widget):
        found += rich_problems(widget.text(), where)
    if isinstance(widget, QTextEdit):
        found += document_problems(widget.document(), where)
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
        for place, tip in model_tips(widget.model(), QModelIndex()):
            found += tip_problems(tip, f"{where} {place} tooltip")
    if isinstance(widget, QMessageBox):
        found += [f"{where}: rich text {widget.text()[:120]!r}"] if _box_is_rich(widget) else []
    return found


def _box_is_rich(box: QMessageBox) -> bool:
    text_format = box.textFormat()
    if text_format == Qt.TextFormat.AutoText:
        return GuiQt.mightBeRichText(box.text()) and any(m in box.text() for m in RAW_MARKERS)
    return text_format != Qt.TextFormat.PlainText and any(m in box.text() for m in RAW_MARKERS)


def every_widget() -> list[QWidget]:
    seen: dict[int, QWidget] = {}
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in [top, *top.findChildren(QWidget)]:
            seen.setdefault(id(widget), widget)
    return list(seen.values())


def all_problems() -> list[str]:
    found = []
    for widget in every_widget():
        found += widget_problems(widget)
    return found


def drawn_after(text: str, part: str, font: QFont) -> bool:
    """Whether ``part``, the end of ``text``, is drawn left to right to the right of all that
    comes before it: a right-to-left override in the data must not reorder a time after it."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(100_000)
    layout.endLayout()
    x = [line.cursorToX(position)[0] for position in range(len(text) + 1)]
    start = text.rindex(part)
    inside = x[start:]
    return inside == sorted(inside) and all(x[i] <= x[start] + 0.5 for i in range(start))


def canary_pixels(widget: QWidget, path: Path) -> int:
    """Save a screenshot; count its pixels in the canary's magenta."""
    picture = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert picture.save(str(path))
    pixels = array("I", bytes(picture.constBits()))
    return pixels.count(CANARY_COLOUR.rgb() & 0xFFFFFFFF)


# The collection and the window -------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(qapp, tmp_path_factory: pytest.TempPathFactory) -> HostileCollection:
    collection = build_hostile_collection(tmp_path_factory.mktemp("hostile"))
    with open_monitor(collection.data_dir) as monitor:
        # A server's answer quoted in a source's error (it is not carried by bundles).
        source = monitor.sources()[0]
        error = f"{image(collection.canary)} 403 <b>bold</b> from the server"
        parts(monitor).store.record_failure(
            source.id, error=error, at=source.added_at, next_attempt_at=None
        )
    return collection


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    chosen = os.environ.get("MEDIA_MONITOR_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def window(qtbot, hostile: HostileCollection, tmp_path: Path) -> Iterator[MainWindow]:
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"plain-{tmp_path.name}")
    shown = MainWindow(TaskManager(hostile.data_dir))
    qtbot.addWidget(shown)
    shown.resize(1500, 900)
    shown.show()
    qtbot.waitUntil(lambda: len(shown.article_list.rows()) == 4, timeout=WAIT_MS)
    yield shown
    for top in QApplication.topLevelWidgets():
        if isinstance(top, QDialog | QMessageBox) and top.isVisible():
            top.close()
    shown.close()  # cancels and joins the workers


def _read(qtbot, window: MainWindow, article_id: int) -> None:
    window.article_list.select_id(article_id)
    qtbot.waitUntil(
        lambda: (
            window.reader.content is not None and window.reader.content.article_id == article_id
        ),
        timeout=WAIT_MS,
    )


def _open_saved_search(qtbot, window: MainWindow, hostile: HostileCollection) -> None:
    tree = window.sidebar.tree
    qtbot.waitUntil(
        lambda: any(
            tree.topLevelItem(i).data(0, KIND_ROLE) == SAVED  # type: ignore[union-attr]
            for i in range(tree.topLevelItemCount())
        ),
        timeout=WAIT_MS,
    )
    saved = next(
        item
        for item in (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
        if item is not None and item.data(0, KIND_ROLE) == SAVED
    )
    assert saved.text(0) == hostile.watchlist_name
    tree.setCurrentItem(saved)  # runs the watchlist's search
    qtbot.waitUntil(
        lambda: any(row.snippet_original for row in window.article_list.rows()), timeout=WAIT_MS
    )


def _open_compare(qtbot, window: MainWindow, hostile: HostileCollection) -> CompareView:
    _read(qtbot, window, hostile.base_id)
    window.compare_current()
    view = window.findChild(CompareView)
    assert view is not None
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    for article_id in hostile.other_ids:
        if view.column_widget(article_id) is None:
            with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
                assert view.add_article(article_id)
    assert {c.article_id for c in view.columns()} == {hostile.base_id, *hostile.other_ids}
    return view


# The tests ---------------------------------------------------------------------------------


def test_main_window_shows_hostile_data_as_plain_text(
    qtbot, window: MainWindow, hostile: HostileCollection, screenshots: Path
):
    _read(qtbot, window, hostile.base_id)
    _open_saved_search(qtbot, window, hostile)
    _read(qtbot, window, hostile.base_id)  # the reader now marks the search's words
    window.show_timeline()
    chart = window.findChild(TimelineChart)
    assert chart is not None
    qtbot.waitUntil(lambda: bool(chart.days), timeout=WAIT_MS)
    window.show_failure(f"Could not read {image(hostile.canary)} <b>bold</b>")

    problems = all_problems()
    for day in chart.days:
        problems += tip_problems(chart.tooltip_text(day), f"timeline tooltip {day}")
    view = window.article_list.view
    for row in window.article_list.rows():
        document = snippet_document(snippet_html(row), view.font(), view.palette())
        problems += document_problems(document, f"snippet of article {row.id}")
        if ENTITY_DECODED in document.toPlainText():
            problems.append(f"snippet of article {row.id}: an entity was decoded")
    assert not problems, "\n".join(problems)

    # What is drawn: the markup shows as text, and no image was loaded.
    assert image(hostile.canary) in window.reader.original_pane.toPlainText()
    assert window.reader.header.title.text().startswith("&lt;img")
    assert canary_pixels(window, screenshots / "plain-text-main-window.png") == 0


def test_compare_view_and_dialogs_show_hostile_data_as_plain_text(
    qtbot, window: MainWindow, hostile: HostileCollection, screenshots: Path
):
    view = _open_compare(qtbot, window, hostile)
    sources = SourcesDialog(window.tasks, window)
    qtbot.addWidget(sources)
    sources.show()
    qtbot.waitUntil(lambda: sources.source_list.topLevelItemCount() == 4, timeout=WAIT_MS)
    sources.source_list.setCurrentItem(sources.source_list.topLevelItem(0))

    problems = all_problems()
    for place in view.strip.placed():
        problems += tip_problems(view.strip.tooltip_text(place), "coverage strip tooltip")
        time = place.text.rsplit(" ", 1)[-1]
        if not drawn_after(place.text, time, view.strip.font()):
            problems.append(f"coverage strip: {place.text!r} reorders its time")

    confirmation: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        confirmation.extend(all_problems())
        confirmation.append(box.text())
        box.reject()

    QTimer.singleShot(0, answer)
    sources.remove_button.click()  # asks first; the question names the outlet
    assert confirmation, "no confirmation was asked"
    problems += confirmation[:-1]
    assert not problems, "\n".join(problems)

    base = view.column_widget(hostile.base_id)
    assert base is not None
    assert base.shown_title().startswith("<img")  # shown as typed
    assert canary_pixels(view, screenshots / "plain-text-compare.png") == 0
    assert canary_pixels(sources, screenshots / "plain-text-sources.png") == 0
    sources.close()


def test_isolated_text_cannot_reorder_what_follows_it(qapp):
    font = QFont()
    assert not drawn_after("Outlet\u202e · 12:34", "12:34", font)  # what isolating prevents
    for outlet in ("Outlet\u202e", "Outlet\u2069\u202e", "\u2068Outlet\u202e", "שלום", RLO):
        assert drawn_after(f"{isolated(outlet)} · 12:34", "12:34", font), repr(outlet)
    assert isolated("Harbour Courier") == "Harbour Courier"  # nothing to isolate


def test_plain_tooltips_read_as_typed(qapp):
    for text in (f"{BOLD}\n  two  spaces", ENTITY, f"{LINK} {TABLE}", "Plain · 12:34", "a &lt;b"):
        tip = plain_tip(text)
        document = _Inert()
        if GuiQt.mightBeRichText(tip):
            document.setHtml(tip)
            assert not document_problems(document, "tip")
        else:
            document.setPlainText(tip)
        assert document.toPlainText() == text
