"""The export dialog over a real collection: every choice of articles to CSV and HTML, PDF,
bundles carried into a second collection, cancel leaving no file, and the counts drawn."""

from __future__ import annotations

import csv
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence

from monitor import open_monitor
from monitor.types import ProgressKind, SearchRequest
from tests.ui.dialog_support import screenshot
from ui.dialogs.export import ExportDialog
from ui.dialogs.export_import import ImportBundleDialog
from ui.dialogs.export_jobs import ExportOutcome, Scope
from ui.main_window import MainWindow
from ui.tasks import TaskManager

# Four matches over two pages of two: an export of the search takes every page.
SEARCH = SearchRequest("위성 OR спутник OR 卫星", page_size=2)
SAVED_NAME = "Ukrainian press"
HOSTILE_NAME = "<b>R&D</b> \u202eevil"  # a watchlist name as a bundle may bring it
CSV_FORMAT, HTML_FORMAT = "CSV (spreadsheet)", "HTML dossier"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Scope, list[int]]]:
    """The demo collection with three starred articles and two watchlists, indexed; and the
    ids each choice should export, found without the dialog's code."""
    data = tmp_path_factory.mktemp("export") / "data"
    with open_monitor(data) as monitor:
        monitor.update([source.id for source in monitor.add_demo_sources()])
        everything = [article.id for article in monitor.articles()]
        starred = everything[:3]
        for article_id in starred:
            monitor.set_flags(article_id, starred=True)
        monitor.add_watchlist(SAVED_NAME, "lang:uk")
        monitor.add_watchlist(HOSTILE_NAME, "lang:ru")
        for _ in monitor.sync_index():
            pass
        page = monitor.search(SearchRequest(SEARCH.text, page_size=100))
        assert page.total == 4 and len(monitor.search(SEARCH).hits) == 2
        expected = {
            Scope.SELECTION: everything[5:7],
            Scope.SEARCH: [hit.article.id for hit in page.hits],
            Scope.SAVED_SEARCH: [a.id for a in monitor.articles(language="uk")],
            Scope.STARRED: starred,
            Scope.COLLECTION: everything,
        }
    return data, expected


@pytest.fixture
def data_dir(prepared: tuple[Path, dict[Scope, list[int]]], tmp_path: Path) -> Path:
    return Path(shutil.copytree(prepared[0], tmp_path / "data"))


@pytest.fixture
def expected(prepared: tuple[Path, dict[Scope, list[int]]]) -> dict[Scope, list[int]]:
    return prepared[1]


@pytest.fixture
def tasks(qtbot, data_dir: Path) -> Iterator[TaskManager]:
    manager = TaskManager(data_dir)
    yield manager
    manager.shutdown()


def make_dialog(
    qtbot, tasks: TaskManager, expected: dict[Scope, list[int]], folder: Path, **options
) -> ExportDialog:
    """The dialog with the selection and the search, once it has drawn its counts."""
    arguments = {"selected_ids": expected[Scope.SELECTION], "request": SEARCH, "folder": folder}
    arguments.update(options)
    dialog = ExportDialog(tasks, **arguments)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.count() is not None, timeout=10_000)
    return dialog


def drawn_count(dialog: ExportDialog, scope: Scope) -> int:
    """The count the dialog draws beside a choice: "Starred articles (3)" → 3."""
    text = (
        dialog.saved_searches.currentText()
        if scope is Scope.SAVED_SEARCH
        else dialog.scope_buttons[scope].text()
    )
    found = re.search(r"\((\d+)\)$", text)
    assert found, text
    return int(found.group(1))


def export(qtbot, dialog: ExportDialog) -> ExportOutcome:
    with qtbot.waitSignal(dialog.exported, timeout=30_000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    outcome: ExportOutcome = done.args[0]
    return outcome


def exported_ids(path: Path) -> list[int]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            return [int(row["id"]) for row in csv.DictReader(file)]
    html = path.read_text(encoding="utf-8")
    return [int(found) for found in re.findall(r'<div class="article" id="article-(\d+)">', html)]


def test_the_dialog_draws_the_count_of_every_choice(
    qtbot, tasks: TaskManager, expected, tmp_path: Path
):
    dialog = make_dialog(qtbot, tasks, expected, tmp_path)
    buttons = dialog.scope_buttons
    assert buttons[Scope.SELECTION].text() == "The selected articles (2)"
    assert (
        buttons[Scope.SEARCH].text()
        == f"The current search's results, all pages: “{SEARCH.text}” (4)"
    )
    assert buttons[Scope.STARRED].text() == "Starred articles (3)"
    assert buttons[Scope.COLLECTION].text() == "The whole collection (33)"
    # Watchlist names come from outside: shown as typed, "&" not eaten as a shortcut mark.
    names = [dialog.saved_searches.itemText(i) for i in range(dialog.saved_searches.count())]
    assert names == [f"\u2068{HOSTILE_NAME}\u2069 (7)", f"{SAVED_NAME} (6)"]
    assert dialog.scope() is Scope.SEARCH  # the search the user is looking at, by default
    assert dialog.summary.text() == "4 articles will be exported as an HTML dossier."
    dialog.choose_scope(Scope.STARRED)
    dialog.choose_format(CSV_FORMAT)
    assert dialog.summary.text() == "3 articles will be exported as CSV."
    assert dialog.path.text().endswith(".csv")
    dialog.choose_format("Air-gap bundle")
    dialog.choose_scope(Scope.COLLECTION)
    assert dialog.summary.text() == (
        "33 articles will be exported to an air-gap bundle. The saved searches go with them."
    )
    assert dialog.path.text().endswith(".mmbundle")
    dialog.choose_format(HTML_FORMAT)
    dialog.choose_scope(Scope.SEARCH)
    dialog.resize(700, dialog.sizeHint().height())
    shot = screenshot(dialog, "export-dialog.png")
    assert shot.stat().st_size > 10_000


def test_without_a_search_or_a_selection_those_choices_are_off(
    qtbot, tasks: TaskManager, expected, tmp_path: Path
):
    dialog = make_dialog(qtbot, tasks, expected, tmp_path, selected_ids=(), request=None)
    assert dialog.scope() is Scope.COLLECTION
    assert not dialog.scope_buttons[Scope.SELECTION].isEnabled()
    assert not dialog.scope_buttons[Scope.SEARCH].isEnabled()
    assert dialog.scope_buttons[Scope.SEARCH].text() == "The current search's results (no search)"
    assert dialog.summary.text() == "33 articles will be exported as an HTML dossier."


@pytest.mark.parametrize("format_label", [CSV_FORMAT, HTML_FORMAT])
@pytest.mark.parametrize("scope", list(Scope), ids=[scope.value for scope in Scope])
def test_each_choice_exports_exactly_its_articles(
    qtbot, tasks: TaskManager, expected, tmp_path: Path, scope: Scope, format_label: str
):
    dialog = make_dialog(qtbot, tasks, expected, tmp_path)
    dialog.choose_scope(scope)
    if scope is Scope.SAVED_SEARCH:
        dialog.saved_searches.setCurrentIndex(dialog.saved_searches.findText(f"{SAVED_NAME} (6)"))
    dialog.choose_format(format_label)
    dialog.path.setText(str(tmp_path / "out"))  # the format's suffix is added
    drawn = drawn_count(dialog, scope)

    outcome = export(qtbot, dialog)

    suffix = ".csv" if format_label == CSV_FORMAT else ".html"
    path = tmp_path / f"out{suffix}"
    assert outcome.out == path
    ids = exported_ids(path)
    assert sorted(ids) == sorted(expected[scope])
    assert len(ids) == drawn == outcome.articles
    if scope is Scope.SELECTION:
        assert ids == expected[scope]  # in the list's order
    noun = "article" if drawn == 1 else "articles"
    assert dialog.result_line.text() == f"Exported {drawn} {noun} to {path}"
    assert dialog.open_folder_button.isVisible()
    assert sorted(p.name for p in tmp_path.glob("out*")) == [path.name]  # no .part left


def test_a_pdf_dossier_is_drawn_on_the_writer_thread(
    qtbot, tasks: TaskManager, expected, tmp_path: Path
):
    dialog = make_dialog(qtbot, tasks, expected, tmp_path)
    dialog.choose_scope(Scope.SELECTION)
    dialog.choose_format("PDF dossier")
    dialog.path.setText(str(tmp_path / "dossier.pdf"))
    outcome = export(qtbot, dialog)
    assert outcome.articles == 2
    content = (tmp_path / "dossier.pdf").read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 5_000
    dialog.resize(700, dialog.sizeHint().height())
    screenshot(dialog, "export-dialog-done.png")


@pytest.mark.parametrize(
    ("scope", "articles", "watchlists"), [(Scope.COLLECTION, 33, 2), (Scope.SEARCH, 4, 0)]
)
def test_a_bundle_carries_the_articles_into_a_second_collection(
    qtbot,
    tasks: TaskManager,
    expected,
    tmp_path: Path,
    scope: Scope,
    articles: int,
    watchlists: int,
):
    dialog = make_dialog(qtbot, tasks, expected, tmp_path)
    dialog.choose_scope(scope)
    dialog.choose_format("Air-gap bundle")
    dialog.path.setText(str(tmp_path / "carry"))
    outcome = export(qtbot, dialog)
    bundle = tmp_path / "carry.mmbundle"
    assert outcome.out == bundle and outcome.articles == articles
    assert f"articles: {articles} added, 0 merged, 0 already here" in outcome.report
    assert dialog.result_line.text().splitlines() == [
        f"Exported {articles} articles to {bundle}",
        *outcome.report,
    ]

    second = tmp_path / "second"
    other = TaskManager(second)
    try:
        importer = ImportBundleDialog(other, bundle)
        qtbot.addWidget(importer)
        importer.show()
        qtbot.waitUntil(lambda: not importer.running, timeout=30_000)
        report = importer.report_text.toPlainText()
        assert f"articles: {articles} added, 0 merged, 0 already here" in report.splitlines()
        assert importer.heading.text() == f"Imported {bundle}:"
        importer.resize(620, 320)
        screenshot(importer, f"import-bundle-{scope.value}.png")
    finally:
        other.shutdown()
    with open_monitor(second) as monitor:
        imported = {a.title for a in monitor.articles()}
        assert monitor.article_count() == articles
        assert len(monitor.watchlists()) == watchlists
    with open_monitor(tasks.data_dir) as monitor:
        titles = {a.title for a in monitor.articles_with_ids(expected[scope])}
    assert imported == titles


def test_a_refused_bundle_is_said_in_plain_text(qtbot, tmp_path: Path):
    bogus = tmp_path / "bogus.mmbundle"
    bogus.write_bytes(b"<b>not a zip</b>")
    manager = TaskManager(tmp_path / "data")
    try:
        importer = ImportBundleDialog(manager, bogus)
        qtbot.addWidget(importer)
        importer.show()
        qtbot.waitUntil(lambda: not importer.running, timeout=10_000)
        assert importer.heading.text() == f"{bogus} was not imported:"
        assert "bogus.mmbundle is not a Media Monitor bundle" in importer.report_text.toPlainText()
        assert importer.heading.textFormat() == Qt.TextFormat.PlainText
    finally:
        manager.shutdown()


def hold_at_first_step(dialog: ExportDialog) -> tuple[threading.Event, threading.Event]:
    """Stop the export on the writer at its first step until ``gate`` is set; ``reached`` says
    it got there. The slot runs on the writer and touches no widget."""
    reached, gate = threading.Event(), threading.Event()

    def hold(_done: int, _total: int) -> None:
        reached.set()
        gate.wait(10)

    dialog.progress_relay.progressed.connect(hold, Qt.ConnectionType.DirectConnection)
    return reached, gate


@pytest.mark.parametrize("format_label", [CSV_FORMAT, "Air-gap bundle"])
def test_cancel_mid_export_leaves_no_file(
    qtbot, tasks: TaskManager, expected, tmp_path: Path, format_label: str
):
    out = tmp_path / "out"
    dialog = make_dialog(qtbot, tasks, expected, tmp_path)
    dialog.choose_scope(Scope.COLLECTION)
    dialog.choose_format(format_label)
    dialog.path.setText(str(out))
    reached, gate = hold_at_first_step(dialog)
    reported: list[tuple[str, object]] = []  # what the window's status panel is given
    tasks.progressed.connect(lambda name, progress: reported.append((name, progress)))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: bool(reported))
    name, progress = reported[0]
    assert name == "Exporting" and progress.kind is ProgressKind.EXPORTED
    assert progress.done == 1 and progress.total > 1
    assert dialog.cancel_button.isVisible() and not dialog.export_button.isEnabled()
    assert not dialog.choose_button.isEnabled() and not dialog.format.isEnabled()
    if format_label != CSV_FORMAT:
        assert [p.name for p in tmp_path.glob("out*")] == ["out.mmbundle.part"]  # half written
        qtbot.waitUntil(dialog.progress.isVisible)  # after a short delay, as in the window
        assert dialog.progress.value() == 1 and dialog.progress.maximum() > 33
        screenshot(dialog, "export-dialog-running.png")
    with qtbot.waitSignal(dialog.export_failed, timeout=10_000) as failed:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        gate.set()
    assert failed.args == ["Export cancelled; no file was written."]
    assert dialog.result_line.text() == "Export cancelled; no file was written."
    assert list(tmp_path.glob("out*")) == []
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isVisible()


def test_a_cancelled_pdf_leaves_neither_the_file_nor_its_part(
    qtbot, tasks: TaskManager, expected, tmp_path: Path
):
    """Cancelled while the PDF is being drawn into its part file: the part is removed."""
    reached, gate = threading.Event(), threading.Event()

    def slow_renderer(html: str, part: Path) -> None:
        part.write_bytes(b"%PDF-1.4 half a dossier")
        reached.set()
        gate.wait(10)

    dialog = make_dialog(qtbot, tasks, expected, tmp_path, pdf_renderer=slow_renderer)
    dialog.choose_format("PDF dossier")
    dialog.path.setText(str(tmp_path / "out.pdf"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    assert [p.name for p in tmp_path.glob("out*")] == ["out.pdf.part"]
    with qtbot.waitSignal(dialog.export_failed, timeout=10_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        gate.set()
    assert list(tmp_path.glob("out*")) == []


def test_closing_during_an_export_cancels_it_then_closes(
    qtbot, tasks: TaskManager, expected, tmp_path: Path
):
    dialog = make_dialog(qtbot, tasks, expected, tmp_path)
    dialog.choose_scope(Scope.COLLECTION)
    dialog.path.setText(str(tmp_path / "out.html"))
    reached, gate = hold_at_first_step(dialog)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    with qtbot.waitSignal(dialog.export_failed, timeout=10_000):
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()  # until the export has stopped
        gate.set()
    assert not dialog.isVisible()
    assert list(tmp_path.glob("out*")) == []


@pytest.fixture
def window(qtbot, data_dir: Path, tmp_path: Path) -> Iterator[MainWindow]:
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"export-{tmp_path.name}")
    shown = MainWindow(TaskManager(data_dir))
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: len(shown.article_list.rows()) > 0, timeout=10_000)
    yield shown
    shown.close()


def test_the_window_offers_export_with_its_selection_and_search(
    qtbot, window: MainWindow, monkeypatch
):
    seen: list[tuple[Scope, str, str, tuple[int, ...] | None]] = []

    def shown(dialog: ExportDialog) -> int:  # instead of the modal loop: what it drew
        qtbot.waitUntil(lambda: dialog.count() is not None, timeout=10_000)
        plan = dialog.plan()
        selection = dialog.scope_buttons[Scope.SELECTION].text()
        ids = None if plan is None else plan.article_ids
        seen.append((dialog.scope(), selection, dialog.summary.text(), ids))
        return 0

    monkeypatch.setattr(ExportDialog, "exec", shown)
    file_actions = window.menuBar().actions()[0].menu().actions()
    [export_action] = [a for a in file_actions if a.text() == "&Export…"]
    assert export_action.shortcut() == QKeySequence("Ctrl+E")
    assert any(a.text() == "&Import bundle…" for a in file_actions)
    assert export_action in window.article_list.view.actions()  # the list's context menu
    policy = window.article_list.view.contextMenuPolicy()
    assert policy == Qt.ContextMenuPolicy.ActionsContextMenu

    chosen = window.article_list.rows()[3].id
    window.article_list.select_id(chosen)
    export_action.trigger()
    assert seen.pop() == (
        Scope.SELECTION,  # no search: the selection, by default
        "The selected article (1)",
        "1 article will be exported as an HTML dossier.",
        (chosen,),
    )

    view = window.article_list.view  # Ctrl+click two more rows
    for row in (5, 6):
        index = view.model().index(row, 0)
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            view.visualRect(index).center(),
        )
    export_action.trigger()
    rows = window.article_list.rows()
    assert seen.pop() == (
        Scope.SELECTION,
        "The selected articles (3)",
        "3 articles will be exported as an HTML dossier.",
        tuple(rows[n].id for n in (3, 5, 6)),
    )

    window.search(SEARCH)
    qtbot.waitUntil(lambda: window.article_list.summary.text() == "Showing 2 of 4 matches")
    export_action.trigger()
    scope, _, summary, _ = seen.pop()
    assert scope is Scope.SEARCH
    assert summary == "4 articles will be exported as an HTML dossier."
