"""Search over the collection: index sync from the store's change log, and cross-language hits."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexes.types import MatchedIn, SearchRequest
from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.collect.fetch import FetchSettings
from monitor.paths import index_dir
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)
GLOSSARY = {"ракета": "missile", "упала": "fell", "море": "sea"}


def feed(server: LocalServer, items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><guid>{guid}</guid><description>{text}</description>"
        f"<pubDate>Fri, 20 Nov 2026 10:15:00 +0300</pubDate></item>"
        for guid, title, text in items
    )
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Вести (тест)</title><language>ru</language>{entries}</channel></rss>"
    )
    return server.add(
        "/rss.xml", Route(body.encode(), headers={"Content-Type": "application/rss+xml"})
    )


ITEMS = [
    ("a1", "Учения на флоте", "Вчера ракета упала в море во время учений. Пострадавших нет."),
    ("a2", "Ставка сохранена", "Банк России сохранил ключевую ставку на прежнем уровне."),
]


@pytest.fixture
def monitor(tmp_path: Path, server: LocalServer) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as opened:
        opened.install_models([build_package(tmp_path / "b", "ru", "en", glossary=GLOSSARY)])
        opened.add_source(feed(server, ITEMS))
        opened.update()
        yield opened


def titles(monitor: Monitor, query: str) -> list[str]:
    result = monitor.search(SearchRequest(query))
    return [hit.article.title for hit in result.hits]


def test_english_query_finds_the_russian_article_through_its_translation(monitor: Monitor):
    result = monitor.search(SearchRequest("missile"))
    [hit] = result.hits
    assert hit.article.title == "Учения на флоте"
    assert hit.matched_in == MatchedIn.TRANSLATION
    assert "<b>missile</b> fell" in hit.snippet_translation
    assert "ракета упала" in hit.snippet_original
    assert titles(monitor, "ракеты") == ["Учения на флоте"]  # Russian word forms


def test_index_follows_changes_and_removals(monitor: Monitor, server: LocalServer):
    feed(
        server,
        [
            ("a1", "Учения завершены", ITEMS[0][2]),
            ITEMS[1],
            ("a3", "Новая статья", "Морской порт открылся после ремонта."),
        ],
    )
    monitor.update()
    assert titles(monitor, "завершены") == ["Учения завершены"]
    assert titles(monitor, "флоте") == []  # the old title is gone from the index
    assert titles(monitor, "порт") == ["Новая статья"]
    monitor.remove_source(monitor.sources()[0].id)
    list(monitor.sync_index())
    assert titles(monitor, "ставка") == []
    assert parts(monitor).index.document_count() == 0


def test_crash_between_store_and_index_commit_is_resynced(monitor: Monitor, tmp_path: Path):
    # The store committed more than the index recorded (killed before the index commit):
    # both articles changed again, and the index's position stayed where it was.
    with parts(monitor).store.transaction() as db:
        db.execute("UPDATE articles SET title = title")
    synced = parts(monitor).store.change_log.last_position()
    reopened = open_monitor(parts(monitor).data_dir)
    try:
        assert parts(reopened).index_stage.pending() > 0
        list(reopened.sync_index())
        assert parts(reopened).index.synced == synced
        assert parts(reopened).index.document_count() == 2  # replayed, not duplicated
    finally:
        reopened.close()


def test_lost_index_is_rebuilt_from_the_store(monitor: Monitor):
    data_dir = parts(monitor).data_dir
    monitor.close()
    shutil.rmtree(index_dir(data_dir))
    with open_monitor(data_dir) as reopened:
        assert parts(reopened).index.needs_rebuild
        list(reopened.sync_index())
        assert [h.article.title for h in reopened.search(SearchRequest("missile")).hits] == [
            "Учения на флоте"
        ]


def test_cli_search_json_and_errors(monitor: Monitor, capsys):
    data = ["--data-dir", str(parts(monitor).data_dir)]
    monitor.close()
    assert main([*data, "search", "missile", "--json"]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    assert set(hit) == {
        "id",
        "title",
        "title_translated",
        "outlet",
        "lang",
        "published",
        "url",
        "score",
        "matched_in",
        "snippet_original",
        "snippet_translation",
    }
    assert (hit["matched_in"], hit["lang"], hit["title_translated"]) == (
        "translation",
        "ru",
        "Учения на флоте",
    )
    assert main([*data, "search", '"unclosed']) == 1
    err = capsys.readouterr().err
    assert err.startswith("media-monitor: error:") and err.count("\n") == 1
    assert main([*data, "reindex"]) == 0
    assert "Rebuilt the index: 2 articles." in capsys.readouterr().out


def test_each_article_is_written_to_the_index_once_per_sync(tmp_path: Path, server: LocalServer):
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as monitor:
        list(monitor.sync_index())  # an existing (empty) index: the batch path, not a rebuild
        parts(monitor).index_stage._batch = 2  # several batches, with articles spanning two of them
        parts(monitor).collector.stages.remove(parts(monitor).index_stage)
        monitor.add_source(feed(server, ITEMS))
        monitor.update()  # stored and translated (no model: aligned to itself), not indexed
        assert parts(monitor).index_stage.pending() > len(ITEMS)  # several changes per article
        written: list[int] = []
        apply = parts(monitor).index.apply

        def recording_apply(documents, removed, *, synced, **options):  # type: ignore[no-untyped-def]
            documents = list(documents)
            written.extend(d.article_id for d in documents)
            return apply(documents, removed, synced=synced, **options)

        parts(monitor).index.apply = recording_apply  # type: ignore[method-assign]
        list(monitor.sync_index())
        assert sorted(written) == sorted(a.id for a in monitor.articles())
        assert parts(monitor).index_stage.pending() == 0
        assert titles(monitor, "ставку") == ["Ставка сохранена"]


@pytest.mark.sqlite_file  # counts the statements SQLite runs
def test_a_search_reads_each_article_once_whatever_the_number_of_hits(
    tmp_path: Path, server: LocalServer
):
    many = [
        (f"m{n}", f"Учения {n}", f"Вчера ракета {n} упала в море во время учений.")
        for n in range(30)
    ]
    with open_monitor(tmp_path / "many", fetch_settings=FAST) as opened:
        opened.install_models([build_package(tmp_path / "b", "ru", "en", glossary=GLOSSARY)])
        opened.add_source(feed(server, many))
        opened.update()
        statements: list[str] = []
        parts(opened).store._db.set_trace_callback(statements.append)
        try:
            page = opened.search(SearchRequest("missile", page_size=25))
        finally:
            parts(opened).store._db.set_trace_callback(None)

    assert page.total == 30 and len(page.hits) == 25
    assert all(hit.title_translated and "missile" in hit.snippet_translation for hit in page.hits)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert sum(" FROM articles " in s for s in reads) == 1
    assert sum("FROM translations " in s for s in reads) == 1
    assert sum("FROM translation_sentences" in s for s in reads) == 1
