"""A name typed in the search field, found in every script, in the whole window: the line
under the field says what else it was searched as, the reader marks those forms, and "Exact"
searches the name as typed only. A real store, index and bundled alias table in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt

from monitor import open_monitor
from monitor.types import NameExpansion
from tests.monitor.test_entities import store_articles
from tests.ui.dialog_support import screenshot
from tests.ui.drawn_text import drawn_text
from tests.ui.test_tasks import settle
from ui.main_window import MainWindow
from ui.name_line import NameLine
from ui.search_bar import EXACT_TIP
from ui.tasks import TaskManager

WAIT = 10_000
NAMING_HIM = {"Нарада у Києві", "Заявление Кремля", "젤렌스키 연설", "泽连斯基讲话"}


@pytest.fixture
def titles(tmp_path: Path) -> dict[str, int]:
    with open_monitor(tmp_path / "data") as monitor:
        ids = store_articles(monitor)  # uk, ru, ko, zh and en articles, as the core tests
        list(monitor.sync_index())
    return ids


@pytest.fixture
def window(qtbot, titles: dict[str, int], tmp_path: Path) -> Iterator[MainWindow]:
    QCoreApplication.setOrganizationName("Media Monitor Tests")
    QCoreApplication.setApplicationName(f"names-{tmp_path.name}")
    QSettings().clear()  # the window as it first opens
    shown = MainWindow(TaskManager(tmp_path / "data"))
    qtbot.addWidget(shown)
    shown.resize(1300, 800)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: len(shown.article_list.rows()) == len(titles), timeout=WAIT)
    settle(qtbot, shown.tasks)
    yield shown
    shown.close()  # cancels and joins the workers


def listed(window: MainWindow) -> set[str]:
    return {row.title for row in window.article_list.rows()}


def test_a_typed_name_finds_its_other_scripts_and_exact_finds_it_as_typed(
    qtbot, window: MainWindow, titles: dict[str, int]
):
    bar = window.search_bar
    line = bar.names
    assert not line.isVisible() and not bar.exact.isChecked()
    assert bar.exact.toolTip() == EXACT_TIP

    qtbot.keyClicks(bar.field, "Zelensky")
    qtbot.waitUntil(lambda: listed(window) == NAMING_HIM, timeout=WAIT)
    qtbot.waitUntil(line.isVisible, timeout=WAIT)
    widened = drawn_text(line)
    assert widened.startswith("Zelensky also finds:")
    for form in ("젤렌스키", "泽连斯基", "Зеленський"):
        assert form in widened
    assert "젤렌스키" in line.toolTip()
    # The line sits between the field and the filters, overlapping neither.
    assert bar.field.geometry().bottom() < line.geometry().top()
    assert line.geometry().bottom() < bar.language.geometry().top()
    assert bar.exact.geometry().right() < bar.sort.geometry().left()
    assert "젤렌스키" in window.lists.highlight_terms()
    assert "Zelensky" in window.lists.highlight_terms()

    korean = titles["젤렌스키 연설"]
    window.article_list.select_id(korean)
    qtbot.waitUntil(
        lambda: window.reader.content is not None and window.reader.content.article_id == korean,
        timeout=WAIT,
    )
    assert window.reader.content is not None
    assert "젤렌스키" in window.reader.content.highlight_terms
    settle(qtbot, window.tasks)  # a reload after indexing reopens it: still marked
    assert "젤렌스키" in window.reader.content.highlight_terms
    filters_top = bar.language.geometry().top()
    shot = screenshot(window, "search-names.png")
    assert shot.stat().st_size > 20_000

    qtbot.mouseClick(bar.exact, Qt.MouseButton.LeftButton)
    assert bar.request() is not None and bar.request().exact  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not window.article_list.rows(), timeout=WAIT)
    qtbot.waitUntil(lambda: drawn_text(line) == "Exact: names as typed only", timeout=WAIT)
    assert bar.language.geometry().top() == filters_top  # the filters stay where they were
    assert "젤렌스키" not in window.lists.highlight_terms()
    screenshot(window, "search-names-exact.png")

    qtbot.mouseClick(bar.exact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listed(window) == NAMING_HIM, timeout=WAIT)
    qtbot.waitUntil(lambda: "泽连斯基" in drawn_text(line), timeout=WAIT)
    settle(qtbot, window.tasks)


def test_the_line_is_hidden_for_a_query_without_names_and_on_an_error(qtbot, window: MainWindow):
    bar = window.search_bar
    bar.set_query("Zelensky")
    qtbot.waitUntil(bar.names.isVisible, timeout=WAIT)
    bar.set_query("Busan AND (")
    qtbot.waitUntil(bar.error.isVisible, timeout=WAIT)
    assert not bar.names.isVisible()
    bar.set_query("shares")
    qtbot.waitUntil(lambda: listed(window) == {"Markets"}, timeout=WAIT)
    assert not bar.names.isVisible()
    settle(qtbot, window.tasks)


def test_several_names_share_one_line_elided_to_its_width_with_all_in_the_tooltip(qtbot):
    line = NameLine()
    qtbot.addWidget(line)
    line.resize(260, line.height())
    line.show_expansions(
        (
            NameExpansion("Zelensky", ("Зеленський", "젤렌스키")),
            NameExpansion("Xi Jinping", ("习近平",), sound="xijinping"),
            NameExpansion("<b>Nobody</b>", ()),  # nothing added: not mentioned
        )
    )
    line.show()
    qtbot.waitExposed(line)
    whole = (
        "Zelensky also finds: Зеленський · 젤렌스키; "
        "Xi Jinping also finds: 习近平 · names that sound alike"
    )
    assert line.full_text() == whole and line.toolTip() == whole
    drawn = drawn_text(line)
    assert drawn.startswith("Zelensky also") and drawn.endswith("…") and len(drawn) < len(whole)
    line.show_expansions(())
    assert not line.isVisible()
