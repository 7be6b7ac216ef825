"""A collection written before schema 7 opened by this version.

Before schema 7 every translated article the index took was marked INDEXED (50), and the
change log kept every change the index had absorbed. The collection here is made by today's
code and then given, with SQL, exactly what the older code left; this version must open it
with nothing lost: the same articles, translations and search, and INDEXED read as TRANSLATED.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from indexes.types import SearchRequest
from monitor import open_monitor
from monitor.paths import index_dir, store_path
from monitor.store.bundle_queries import BUNDLE_STATES, bundle_state
from monitor.store.database import SCHEMA_VERSION
from monitor.types import ArticleState
from tests.support.argos_factory import build_package
from tests.support.old_store import undo_schema_18

pytestmark = pytest.mark.sqlite_file  # upgrades of the SQLite file

OLD_INDEXED = 50
TABLES = ("sources", "articles", "raw_pages", "translations", "translation_sentences")
# Schema 9: the notes table, its index and the triggers that log its changes for the index.
NOTES_SCHEMA = ("notes", "notes_article", "notes_inserted", "notes_edited", "notes_removed")
# Schema 12: a Telegram post's earlier texts, and their index.
VERSIONS_SCHEMA = ("article_versions", "article_versions_article")
# Schema 15: the user's spellings of names, and the entities each article mentions.
NAMES_SCHEMA = (
    "name_spellings",
    "sqlite_autoindex_name_spellings_1",
    "article_entities",
    "article_entities_entity",
)
# Schema 16: stories, their articles, the user's separations, features and their keys.
STORIES_SCHEMA = (
    "stories",
    "story_articles",
    "story_articles_story",
    "story_apart",
    "story_features",
    "story_keys",
    "story_keys_key",
    "story_keys_article",
)
# Schema 18: each user's marks on articles and sources, notes and watchlists by user.
USERS_SCHEMA = (
    "article_marks",
    "article_marks_article",
    "source_marks",
    "source_marks_source",
    "notes_user",
    "watchlists_user_name",
)


def read(path: Path) -> dict[str, Any]:
    """What a store holds, read with plain SQL (no Media Monitor code)."""
    with closing(sqlite3.connect(path)) as raw:
        return {
            "version": raw.execute("PRAGMA user_version").fetchone()[0],
            "counts": {
                table: raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in TABLES
            },
            "states": dict(raw.execute("SELECT id, state FROM articles").fetchall()),
            "translations": raw.execute(
                "SELECT * FROM translations ORDER BY article_id"
            ).fetchall(),
            "sentences": raw.execute(
                "SELECT * FROM translation_sentences ORDER BY article_id, position"
            ).fetchall(),
            "changes": raw.execute("SELECT COUNT(*) FROM changes").fetchone()[0],
            "tables": {row[0] for row in raw.execute("SELECT name FROM sqlite_master")},
        }


@pytest.fixture(scope="module")
def old_collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo collected, translated (ko→en) and indexed, as a version-6 store left it."""
    root = tmp_path_factory.mktemp("old")
    data = root / "data"
    with open_monitor(data) as monitor:
        monitor.install_models([build_package(root / "stick", "ko", "en")])
        monitor.update([s.id for s in monitor.add_demo_sources()])
    synced = json.loads((index_dir(data) / "synced.json").read_text("utf-8"))["synced"]
    with closing(sqlite3.connect(store_path(data))) as raw:
        ids = [row[0] for row in raw.execute("SELECT id FROM articles ORDER BY id")]
        # The old index stage marked what it had indexed...
        raw.execute("UPDATE articles SET state = ? WHERE state = ?", (OLD_INDEXED, 40))
        # ...and never pruned the log: every change up to the index's position is there.
        raw.executemany(
            "INSERT OR IGNORE INTO changes (seq, article_id, kind) VALUES (?, ?, 'changed')",
            [(seq, ids[seq % len(ids)]) for seq in range(1, synced + 1)],
        )
        undo_schema_18(raw)  # the user's own state, per user
        # Schema 7 added a table beside the states, schema 8 three columns, schema 9 the
        # notes table (with its index and triggers): a version-6 file has none of them.
        raw.execute("DROP TABLE change_log_holds")
        raw.execute("DROP TABLE notes")
        raw.execute("ALTER TABLE articles DROP COLUMN published_zone")
        raw.execute("ALTER TABLE articles DROP COLUMN repaired")
        raw.execute("ALTER TABLE sources DROP COLUMN time_zone")
        raw.execute("ALTER TABLE sources DROP COLUMN seen_through")  # schema 10
        raw.execute("ALTER TABLE articles DROP COLUMN post_details")  # schema 11
        raw.execute("DROP TABLE article_versions")  # schema 12
        raw.execute("ALTER TABLE articles DROP COLUMN page_checked_at")  # schema 13
        for column in ("edits", "edited_at", "last_seen_at", "deleted_at"):
            raw.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        raw.execute("DROP TABLE name_spellings")  # schema 15
        raw.execute("DROP TABLE article_entities")
        raw.execute("DROP TABLE story_keys")  # schema 16
        raw.execute("DROP TABLE story_features")  # schema 16
        raw.execute("DROP TABLE story_apart")  # schema 16
        raw.execute("DROP TABLE story_articles")  # schema 16
        raw.execute("DROP TABLE stories")  # schema 16
        raw.execute("ALTER TABLE translations DROP COLUMN complete")  # schema 17
        raw.execute("PRAGMA user_version = 6")
        raw.commit()
    return data


def test_a_version_6_collection_opens_with_nothing_lost(old_collection: Path):
    before = read(store_path(old_collection))
    assert before["version"] == 6
    assert set(before["states"].values()) == {OLD_INDEXED, int(ArticleState.DETECTED)}
    assert before["changes"] > 0

    with open_monitor(old_collection) as monitor:
        migrated = read(store_path(old_collection))
        assert migrated["version"] == SCHEMA_VERSION
        assert migrated["tables"] - before["tables"] == {
            "change_log_holds",
            *NOTES_SCHEMA,
            *VERSIONS_SCHEMA,
            *NAMES_SCHEMA,
            *STORIES_SCHEMA,
            *USERS_SCHEMA,
        }
        assert migrated["counts"] == before["counts"]
        # Schema 17 adds whether a translation is whole: every earlier one was.
        assert [row[:-1] for row in migrated["translations"]] == before["translations"]
        assert {row[-1] for row in migrated["translations"]} == {1}
        assert migrated["sentences"] == before["sentences"]
        assert migrated["changes"] == before["changes"]  # states are not in the change log
        expected = {
            article_id: ArticleState.TRANSLATED if state == OLD_INDEXED else ArticleState(state)
            for article_id, state in before["states"].items()
        }
        assert {a.id: a.state for a in monitor.articles()} == expected
        korean = monitor.articles(language="ko")
        assert korean and {a.state for a in korean} == {ArticleState.TRANSLATED}
        for article in korean:
            translation = monitor.translation(article.id)
            assert translation is not None and translation.route.startswith("ko→en")

        hits = {"배추": 0, "rate": 0}
        for query in hits:
            hits[query] = monitor.search(SearchRequest(query)).total
        assert all(hits.values()), hits
        list(monitor.sync_index())  # nothing new; what the index absorbed is pruned
        assert read(store_path(old_collection))["changes"] == 0
        assert monitor.search(SearchRequest("배추")).total == hits["배추"]

        rebuilt = list(monitor.reindex())
        assert rebuilt[-1].done == len(before["states"])
        for query, total in hits.items():
            assert monitor.search(SearchRequest(query)).total == total
        assert {a.id: a.state for a in monitor.articles()} == expected


def test_bundles_made_before_schema_7_keep_their_states():
    """A bundle's state is the state its maker's store had: INDEXED (50) in older ones, and
    EXTRACTED (20), which no version set but a bundle could name."""
    assert sorted(BUNDLE_STATES) == [10, 20, 30, 40, 50]
    translated = {"translation": {"sentences": []}}
    assert bundle_state({**translated, "state": OLD_INDEXED}) == ArticleState.TRANSLATED
    assert bundle_state({**translated, "state": 20}) == ArticleState.FETCHED
    assert bundle_state({"translation": None, "state": OLD_INDEXED}) == ArticleState.DETECTED
