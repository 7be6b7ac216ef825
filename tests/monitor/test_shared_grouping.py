"""Two desktops indexing the same new articles of a shared store group them into stories one
at a time: each article is in one story, and no story is left empty, against a real
PostgreSQL server."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg

from monitor import open_monitor
from monitor.store import Store
from tests.support.noted import add_article
from tests.support.postgres import PostgresServer


def test_a_second_desktop_groups_after_the_first_and_finds_its_articles_placed(
    tmp_path: Path, postgres_server: PostgresServer
):
    shared = postgres_server.fresh_database()
    with open_monitor(tmp_path / "editor", store=shared) as editor:
        ids = [add_article(editor, guid=f"g{n}", title=f"Story article {n}") for n in range(6)]
    first = open_monitor(tmp_path / "first", store=shared)
    second = open_monitor(tmp_path / "second", store=shared)
    holder = Store(shared)  # stands for a desktop in the middle of its grouping
    done: list[str] = []

    def sync(name: str, desktop) -> None:  # type: ignore[no-untyped-def]
        for _ in desktop.sync_index():
            pass
        done.append(name)

    try:
        with holder.grouping_alone():
            threads = [
                threading.Thread(target=sync, args=(name, desktop))
                for name, desktop in (("first", first), ("second", second))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=2)
            assert done == []  # both wait for the grouping in hand
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(done) == ["first", "second"]
    finally:
        first.close()
        second.close()
        holder.close()

    with psycopg.connect(shared) as connection:
        placed = connection.execute(
            "SELECT article_id, COUNT(*) FROM story_articles GROUP BY article_id"
        ).fetchall()
        empty = connection.execute(
            "SELECT COUNT(*) FROM stories s"
            " WHERE NOT EXISTS (SELECT 1 FROM story_articles a WHERE a.story_id = s.id)"
        ).fetchone()
    assert sorted(article_id for article_id, _ in placed) == sorted(ids)
    assert {count for _, count in placed} == {1}
    assert empty == (0,)
