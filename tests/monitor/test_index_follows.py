"""A data folder's search index knows whose change log it follows: another store (the
``store`` setting changed, or a new store file in the old one's place) or another user (whose
notes it holds) makes it rebuild, not skip or keep what belongs to someone else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.paths import store_path
from monitor.types import ProgressKind, SearchRequest
from tests.support.noted import add_article
from tests.support.postgres import PostgresServer


def synced_ids(monitor: Monitor, query: str) -> tuple[list[int], bool]:
    """The ids ``query`` finds after a sync, and whether the sync rebuilt the index."""
    rebuilt = any(
        p.kind is ProgressKind.INDEXED and p.message.startswith("rebuilt")
        for p in monitor.sync_index()
    )
    return sorted(hit.article.id for hit in monitor.search(SearchRequest(query)).hits), rebuilt


@pytest.mark.sqlite_file
def test_a_new_store_file_in_the_old_ones_place_is_indexed_afresh(tmp_path: Path):
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        for number in range(5):
            add_article(monitor, guid=f"old{number}", title=f"oldstore article {number}")
        assert len(synced_ids(monitor, "oldstore")[0]) == 5
    # "Move it aside and run again to start a new one", as a damaged store's message says.
    shutil.move(store_path(data), tmp_path / "aside.sqlite3")
    with open_monitor(data) as monitor:
        fresh = add_article(monitor, guid="new", title="newstore article")
        assert synced_ids(monitor, "newstore") == ([fresh], True)
        assert synced_ids(monitor, "oldstore") == ([], False)


def test_switching_to_a_shared_store_and_back_rebuilds_each_time(
    tmp_path: Path, postgres_server: PostgresServer
):
    data = tmp_path / "data"
    shared = postgres_server.fresh_database()
    with open_monitor(data) as own:
        mine = add_article(own, guid="mine", title="ownfile article")
        assert synced_ids(own, "ownfile")[0] == [mine]  # a first index: built
    with open_monitor(data, store=shared) as team:
        theirs = add_article(team, guid="theirs", title="teamstore article")
        found, rebuilt = synced_ids(team, "teamstore")
        assert found == [theirs] and rebuilt
        assert synced_ids(team, "ownfile") == ([], False)
    with open_monitor(data) as own:
        assert synced_ids(own, "ownfile") == ([mine], True)
        assert synced_ids(own, "teamstore")[0] == []


def test_another_user_on_the_same_desktop_does_not_find_the_first_ones_notes(
    tmp_path: Path, postgres_server: PostgresServer
):
    shared = postgres_server.fresh_database()
    with open_monitor(tmp_path / "desk", store=shared, user="ana") as ana:
        article = add_article(ana)
        ana.mark_sentence(article, 1, text="ask the ministry about quokkas")
        assert synced_ids(ana, "note:quokkas")[0] == [article]
        assert synced_ids(ana, "note:quokkas")[1] is False  # no rebuild while nothing changes
    with open_monitor(tmp_path / "desk", store=shared, user="ben") as ben:
        assert synced_ids(ben, "note:quokkas") == ([], True)


def test_an_index_from_before_it_named_its_store_is_kept(tmp_path: Path):
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        article = add_article(monitor, guid="kept", title="keptindex article")
        assert synced_ids(monitor, "keptindex")[0] == [article]
    state = data / "index" / "synced.json"
    recorded = json.loads(state.read_text("utf-8"))
    assert "follows" in recorded
    del recorded["follows"]
    state.write_text(json.dumps(recorded), "utf-8")
    with open_monitor(data) as monitor:
        assert synced_ids(monitor, "keptindex") == ([article], False)
