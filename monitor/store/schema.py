"""The store's schema: the first version's tables and triggers, and each later version's
migration script (each run once, in order, by :mod:`monitor.store.database`)."""

from __future__ import annotations

SCHEMA_VERSION = 18

_SCHEMA = """
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    language_hint TEXT,
    country TEXT,
    homepage TEXT,
    added_at TEXT NOT NULL,
    update_interval_minutes INTEGER NOT NULL DEFAULT 60,
    etag TEXT,
    last_modified TEXT,
    last_checked TEXT,
    last_success TEXT,
    last_error TEXT,
    error_since TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT
);

CREATE TABLE raw_pages (
    sha256 TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    retrieved_at TEXT NOT NULL,
    content_type TEXT,
    encoding TEXT,
    content BLOB NOT NULL            -- zlib-compressed bytes exactly as received
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid TEXT,
    url TEXT,
    canonical_url TEXT,
    title TEXT NOT NULL,
    author TEXT,
    published TEXT,
    published_offset INTEGER,
    retrieved_at TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    feed_content TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    text_origin TEXT NOT NULL DEFAULT 'feed',
    language TEXT,
    language_hint TEXT,
    state INTEGER NOT NULL,
    raw_sha256 TEXT REFERENCES raw_pages(sha256),
    content_hash TEXT,
    duplicate_of INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    last_error TEXT,
    is_read INTEGER NOT NULL DEFAULT 0,
    is_starred INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX articles_source_guid ON articles(source_id, guid) WHERE guid IS NOT NULL;
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_canonical_url ON articles(canonical_url);
CREATE INDEX articles_state ON articles(state);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_published ON articles(published);

-- The change log the search index follows (lemon24/reader's change tracking).
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('new', 'changed', 'removed'))
);
CREATE TRIGGER articles_inserted AFTER INSERT ON articles BEGIN
    INSERT INTO changes (article_id, kind) VALUES (new.id, 'new');
END;
CREATE TRIGGER articles_changed AFTER UPDATE OF
    title, text, language, published, source_id, url, is_read, is_starred, duplicate_of
    ON articles BEGIN
    INSERT INTO changes (article_id, kind) VALUES (new.id, 'changed');
END;
CREATE TRIGGER articles_removed AFTER DELETE ON articles BEGIN
    INSERT INTO changes (article_id, kind) VALUES (old.id, 'removed');
END;
"""


# Version 2: translations aligned sentence by sentence, the sentence cache, the work queue.
_SCHEMA_V2 = """
ALTER TABLE articles ADD COLUMN translation_note TEXT;
ALTER TABLE articles ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_queue ON articles(state, priority DESC, id);

CREATE TABLE translations (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    title TEXT NOT NULL,
    route TEXT NOT NULL,
    is_pivot INTEGER NOT NULL,
    translated_at TEXT NOT NULL,
    degenerate INTEGER NOT NULL
);
CREATE TABLE translation_sentences (
    article_id INTEGER NOT NULL REFERENCES translations(article_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    original TEXT NOT NULL,
    translation TEXT NOT NULL,
    degenerate INTEGER NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE TABLE translation_cache (
    model TEXT NOT NULL,
    sentence TEXT NOT NULL,
    translation TEXT NOT NULL,
    PRIMARY KEY (model, sentence)
) WITHOUT ROWID;
-- Read and starred flags are the user's, not searchable text: they need no reindexing.
DROP TRIGGER articles_changed;
CREATE TRIGGER articles_changed AFTER UPDATE OF
    title, text, language, published, source_id, url, duplicate_of
    ON articles BEGIN
    INSERT INTO changes (article_id, kind) VALUES (new.id, 'changed');
END;
CREATE TRIGGER translation_stored AFTER INSERT ON translations BEGIN
    INSERT INTO changes (article_id, kind) VALUES (new.article_id, 'changed');
END;
"""

# Version 3: watchlists (saved searches) and, per watchlist, which articles matched and were seen.
_SCHEMA_V3 = """
CREATE TABLE watchlists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',  -- JSON: languages, outlets, since, until
    created_at TEXT NOT NULL,
    last_seen_at TEXT,
    last_checked_at TEXT,
    muted INTEGER NOT NULL DEFAULT 0
);
-- One row per article that ever matched a watchlist. ``matching``: it matched at the last
-- check; ``seen``: it was among the matches when the user last viewed the watchlist.
-- Deleting an article deletes its rows, so a reused article id is never taken as seen.
CREATE TABLE watchlist_matches (
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    first_matched_at TEXT NOT NULL,
    matching INTEGER NOT NULL,
    seen INTEGER NOT NULL,
    PRIMARY KEY (watchlist_id, article_id)
) WITHOUT ROWID;
CREATE INDEX watchlist_matches_article ON watchlist_matches(article_id);
"""

# Version 4: article pages that failed for a passing reason are asked for again, with backoff
# (monitor.collect.pages). ``page_retry_at`` NULL: the page is not asked for again.
_SCHEMA_V4 = """
ALTER TABLE articles ADD COLUMN page_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN page_retry_at TEXT;
CREATE INDEX articles_page_retry ON articles(source_id, page_retry_at)
    WHERE page_retry_at IS NOT NULL;
"""

# Version 5: the sources list counts each source's articles; without an index on source_id
# that scanned the articles table once per source (3 s at start with 100,000 articles).
_SCHEMA_V5 = """
CREATE INDEX articles_source ON articles(source_id);
"""

# Version 6: the updates that ran to their end, so the window says when the collection was
# last updated after a restart (monitor.store.update_runs).
_SCHEMA_V6 = """
CREATE TABLE update_runs (
    id INTEGER PRIMARY KEY,
    finished_at TEXT NOT NULL,
    sources INTEGER NOT NULL,
    new INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    failed_sources INTEGER NOT NULL
);
"""

# Version 7: the search index keeps its own progress (``synced.json`` beside it), so no
# article is marked INDEXED (50) any more: those are translated (40), which they were before
# the index took them. EXTRACTED (20) was never set; a row with it would be fetched (10),
# so its page is processed again. A state is not in the change log's trigger: no reindexing.
# The change log is pruned once the index has absorbed it, except from the positions that
# rebuilds of the index under way still need (monitor.store.changelog).
_SCHEMA_V7 = """
UPDATE articles SET state = 40 WHERE state = 50;
UPDATE articles SET state = 10 WHERE state = 20;
CREATE TABLE change_log_holds (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    taken_at TEXT NOT NULL
);
"""

# Version 8: dates written without a zone are placed in the zone the evidence points to and
# keep which (``published_zone``, NULL when the feed gave the zone); a source may be given
# its zone by the user; mojibake repaired in an article is recorded.
_SCHEMA_V8 = """
ALTER TABLE articles ADD COLUMN published_zone TEXT;
ALTER TABLE articles ADD COLUMN repaired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN time_zone TEXT;
"""

# Version 9: the user's highlights and notes on sentences (monitor.store.notes). A note keeps
# its sentence's text so a new translation finds it again; its text is searchable, so a new,
# edited or removed note is a change of its article for the index.
_SCHEMA_V9 = """
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence_index INTEGER,  -- position in translation_sentences; NULL: the sentence is gone
    side TEXT NOT NULL CHECK (side IN ('original', 'translation')),
    sentence TEXT NOT NULL,  -- the sentence on its side when marked
    counterpart TEXT NOT NULL DEFAULT '',  -- the aligned sentence on the other side then
    colour TEXT NOT NULL DEFAULT 'yellow',
    text TEXT NOT NULL DEFAULT '',  -- the user's note; '' for a plain highlight
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX notes_article ON notes(article_id, sentence_index);
CREATE TRIGGER notes_inserted AFTER INSERT ON notes BEGIN
    INSERT INTO changes (article_id, kind) VALUES (new.article_id, 'changed');
END;
CREATE TRIGGER notes_edited AFTER UPDATE OF text ON notes BEGIN
    INSERT INTO changes (article_id, kind) VALUES (new.article_id, 'changed');
END;
CREATE TRIGGER notes_removed AFTER DELETE ON notes BEGIN
    INSERT INTO changes (article_id, kind) VALUES (old.article_id, 'changed');
END;
"""

# Version 10: "new since I last looked" per outlet (monitor.store.reading_marks): the newest
# article of the source the user was shown when they last looked at it (seen is not read);
# NULL: never looked, every article is new. What a store holds when it is upgraded counts
# as seen, so an upgrade does not flag every article new.
_SCHEMA_V10 = """
ALTER TABLE sources ADD COLUMN seen_through INTEGER;
UPDATE sources SET seen_through = (SELECT MAX(id) FROM articles WHERE source_id = sources.id);
"""

# Version 11: what a Telegram post has beyond its text (views, the post it forwards or answers,
# its photos, videos, documents and polls), as JSON; NULL for articles from feeds and pages.
_SCHEMA_V11 = """
ALTER TABLE articles ADD COLUMN post_details TEXT;
"""

# Version 12: a Telegram post's edits and deletion are evidence (monitor.store.post_history):
# the texts a post had before it was edited, each with the time it was first seen; when it
# was last edited (``edits`` earlier versions kept), last seen on a channel page, and when it
# was found gone from a page that still covers its id (``deleted_at``; the article is kept).
_SCHEMA_V12 = """
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX article_versions_article ON article_versions(article_id);
ALTER TABLE articles ADD COLUMN edits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN edited_at TEXT;
ALTER TABLE articles ADD COLUMN last_seen_at TEXT;
ALTER TABLE articles ADD COLUMN deleted_at TEXT;
"""

# When a stored page was last fetched again to catch a stealth edit (``recheck_days``).
_SCHEMA_V13 = """
ALTER TABLE articles ADD COLUMN page_checked_at TEXT;
"""

# An edited article's earlier version keeps the translation it had (its sentences' English
# joined, paragraphs apart), so the reader can show the edit in the translation too.
_SCHEMA_V14 = """
ALTER TABLE article_versions ADD COLUMN translation TEXT;
"""

# Names: the spellings the user added to the alias table (monitor.names), and the entities
# found in each article (how often each is mentioned; 1 in in_translation when only the
# English translation names it).
_SCHEMA_V15 = """
CREATE TABLE name_spellings (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    language TEXT NOT NULL,
    form TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (entity, language, form)
);
CREATE TABLE article_entities (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    in_translation INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, entity)
) WITHOUT ROWID;
CREATE INDEX article_entities_entity ON article_entities(entity);
"""

# Stories (monitor.stories): each article's story and why it joined, what the user moved
# out of a story (never put back), and each grouped article's features and the keys its
# features are found by.
_SCHEMA_V16 = """
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE story_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    reason TEXT NOT NULL,
    linked_to INTEGER,
    by_user INTEGER NOT NULL DEFAULT 0,
    with_translation INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX story_articles_story ON story_articles(story_id);
CREATE TABLE story_apart (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    story_id INTEGER NOT NULL,
    PRIMARY KEY (article_id, story_id)
) WITHOUT ROWID;
CREATE TABLE story_features (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    moment TEXT NOT NULL,
    features TEXT NOT NULL
);
CREATE TABLE story_keys (
    key TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    moment TEXT NOT NULL
);
CREATE INDEX story_keys_key ON story_keys(key, moment);
CREATE INDEX story_keys_article ON story_keys(article_id);
"""

# Headlines first: a translation may hold only the title and the lead (complete = 0) while
# the article waits for the rest of its text.
_SCHEMA_V17 = """
ALTER TABLE translations ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;
"""

# Per-user state (a team's shared store has many users; monitor.users): read and starred
# marks move to article_marks and "seen through" to source_marks, one row per user and
# article or source (no row: unread, not starred, never looked); notes and watchlists get
# their user, a watchlist's name being unique per user. What the store held is the single
# user's (''), so a single-user store keeps its marks, notes and watchlists as they were.
# SQLite cannot drop the name's UNIQUE of version 3 in place: the watchlists are rebuilt
# with their matches (a DROP of watchlists would cascade them away); a server alters them
# in place (monitor.store.dialect, which replaces the block between the rebuild comments).
_SCHEMA_V18 = """
CREATE TABLE article_marks (
    user_name TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    is_read INTEGER NOT NULL DEFAULT 0,
    is_starred INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_name, article_id)
) WITHOUT ROWID;
CREATE INDEX article_marks_article ON article_marks(article_id);
INSERT INTO article_marks (user_name, article_id, is_read, is_starred)
    SELECT '', id, is_read, is_starred FROM articles WHERE is_read != 0 OR is_starred != 0;
ALTER TABLE articles DROP COLUMN is_read;
ALTER TABLE articles DROP COLUMN is_starred;
CREATE TABLE source_marks (
    user_name TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    seen_through INTEGER,
    PRIMARY KEY (user_name, source_id)
) WITHOUT ROWID;
CREATE INDEX source_marks_source ON source_marks(source_id);
INSERT INTO source_marks (user_name, source_id, seen_through)
    SELECT '', id, seen_through FROM sources WHERE seen_through IS NOT NULL;
ALTER TABLE sources DROP COLUMN seen_through;
ALTER TABLE notes ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
CREATE INDEX notes_user ON notes(user_name, article_id);
-- rebuild watchlists
CREATE TABLE watchlists_v18 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    last_seen_at TEXT,
    last_checked_at TEXT,
    muted INTEGER NOT NULL DEFAULT 0
);
INSERT INTO watchlists_v18 (id, user_name, name, query, filters, created_at, last_seen_at,
    last_checked_at, muted)
    SELECT id, '', name, query, filters, created_at, last_seen_at, last_checked_at, muted
    FROM watchlists;
-- The ids given so far stay given (AUTOINCREMENT): the old table's sequence goes along.
DELETE FROM sqlite_sequence WHERE name = 'watchlists_v18';
UPDATE sqlite_sequence SET name = 'watchlists_v18' WHERE name = 'watchlists';
CREATE TEMP TABLE watchlist_matches_kept AS SELECT * FROM watchlist_matches;
DROP TABLE watchlist_matches;
DROP TABLE watchlists;
ALTER TABLE watchlists_v18 RENAME TO watchlists;
CREATE TABLE watchlist_matches (
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    first_matched_at TEXT NOT NULL,
    matching INTEGER NOT NULL,
    seen INTEGER NOT NULL,
    PRIMARY KEY (watchlist_id, article_id)
) WITHOUT ROWID;
CREATE INDEX watchlist_matches_article ON watchlist_matches(article_id);
INSERT INTO watchlist_matches (watchlist_id, article_id, first_matched_at, matching, seen)
    SELECT watchlist_id, article_id, first_matched_at, matching, seen
    FROM temp.watchlist_matches_kept;
DROP TABLE temp.watchlist_matches_kept;
-- rebuilt
CREATE UNIQUE INDEX watchlists_user_name ON watchlists(user_name, name COLLATE NOCASE);
"""

MIGRATIONS = {
    1: _SCHEMA,
    2: _SCHEMA_V2,
    3: _SCHEMA_V3,
    4: _SCHEMA_V4,
    5: _SCHEMA_V5,
    6: _SCHEMA_V6,
    7: _SCHEMA_V7,
    8: _SCHEMA_V8,
    9: _SCHEMA_V9,
    10: _SCHEMA_V10,
    11: _SCHEMA_V11,
    12: _SCHEMA_V12,
    13: _SCHEMA_V13,
    14: _SCHEMA_V14,
    15: _SCHEMA_V15,
    16: _SCHEMA_V16,
    17: _SCHEMA_V17,
    18: _SCHEMA_V18,
}
