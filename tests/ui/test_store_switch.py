"""The window told to use a team's shared store (the Settings dialog's "Shared store") opens
that collection at once: its list, counts and search come from the shared store, and the
search index is built again for it; going back shows the folder's own articles again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from monitor import Monitor, open_monitor
from tests.support.noted import add_article
from tests.support.postgres import PostgresServer
from tests.ui.window_support import WAIT, main_window
from ui.main_window import MainWindow
from ui.tasks import Changes


def _use_store(window: MainWindow, store: str) -> None:
    def job(monitor: Monitor) -> None:
        monitor.save_settings(replace(monitor.saved_settings(), store=store))

    window.tasks.write(job, changes=Changes.SETTINGS)  # as the dialog saves it


def _titles(window: MainWindow) -> list[str]:
    return sorted(row.title for row in window.article_list.rows())


def test_the_window_opens_the_shared_store_when_told_to_and_comes_back(
    qtbot, tmp_path: Path, postgres_server: PostgresServer
):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    shared = postgres_server.fresh_database()
    with open_monitor(data) as own:
        add_article(own, guid="own", title="Folder article")
    with open_monitor(tmp_path / "elsewhere", store=shared) as team:
        add_article(team, guid="t1", title="Team article one")
        add_article(team, guid="t2", title="Team article two")

    with main_window(qtbot, data, "store-switch", rows=1) as window:
        assert _titles(window) == ["Folder article"]
        _use_store(window, shared)
        qtbot.waitUntil(lambda: len(window.article_list.rows()) == 2, timeout=WAIT)
        assert _titles(window) == ["Team article one", "Team article two"]

        window.search_bar.set_query("team")  # found through the index built again
        qtbot.waitUntil(
            lambda: (
                len(window.article_list.rows()) == 2
                and all(row.matched_in for row in window.article_list.rows())
            ),
            timeout=WAIT,
        )
        window.search_bar.clear()
        _use_store(window, "")
        qtbot.waitUntil(lambda: _titles(window) == ["Folder article"], timeout=WAIT)
        window.search_bar.set_query("folder")
        qtbot.waitUntil(
            lambda: [row.matched_in is not None for row in window.article_list.rows()] == [True],
            timeout=WAIT,
        )
