"""Taking a store's SQLite file back to schema 17, as tests of upgrades from older stores
need before they undo the earlier versions (each test then sets its own user_version)."""

from __future__ import annotations

import sqlite3


def undo_schema_18(raw: sqlite3.Connection) -> None:
    """The single user's marks back in the articles' and sources' columns, notes and
    watchlists without their user, the per-user tables gone (rows of other users are lost)."""
    raw.execute("ALTER TABLE articles ADD COLUMN is_read INTEGER NOT NULL DEFAULT 0")
    raw.execute("ALTER TABLE articles ADD COLUMN is_starred INTEGER NOT NULL DEFAULT 0")
    raw.execute(
        "UPDATE articles SET"
        " is_read = COALESCE((SELECT is_read FROM article_marks m"
        "  WHERE m.user_name = '' AND m.article_id = articles.id), 0),"
        " is_starred = COALESCE((SELECT is_starred FROM article_marks m"
        "  WHERE m.user_name = '' AND m.article_id = articles.id), 0)"
    )
    raw.execute("DROP TABLE article_marks")
    raw.execute("ALTER TABLE sources ADD COLUMN seen_through INTEGER")
    raw.execute(
        "UPDATE sources SET seen_through = (SELECT seen_through FROM source_marks m"
        " WHERE m.user_name = '' AND m.source_id = sources.id)"
    )
    raw.execute("DROP TABLE source_marks")
    raw.execute("DROP INDEX notes_user")
    raw.execute("ALTER TABLE notes DROP COLUMN user_name")
    raw.execute("DROP INDEX watchlists_user_name")
    raw.execute("ALTER TABLE watchlists DROP COLUMN user_name")
