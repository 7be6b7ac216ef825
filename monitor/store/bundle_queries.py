"""The SQL behind air-gap bundles: rows out of one store, merged into another.

Rows are plain dicts with stable keys (the JSON Lines of a bundle). Exports read from any
connection (a read-only snapshot); merges run on the connection of an open
:meth:`Store.transaction`, so a refused bundle rolls back as a whole.

Merge rules (kept here, next to the SQL that applies them):

* A source is the same source when its URL is. A local source is kept exactly as it is (its
  name, update interval, time zone and fetch state are the user's); a new one is added with
  its time zone and without fetch state (no ETag), so its first update here fetches afresh.
* An article is matched like :meth:`Store.find_article` matches a feed item: by GUID within
  its source, else by URL or canonical URL. A new article comes in with its state, text and
  translation. A known article keeps its priority and duplicate link whatever happens; it
  takes the bundle's text and state only when the bundle got further with it (e.g.
  extracted and translated there, still waiting here); its post details, assumed zone and
  repair mark come with the text. Its earlier versions, edits and deletion mark are merged
  by :mod:`monitor.store.bundle_history`.
* A translation is taken when the local article has none (the bundle's text comes with it:
  aligned sentences belong to the text they were made from), or when the bundle's is newer
  and was made from the same text. Otherwise the local translation is kept.
* Read and starred flags, watchlists and notes are a user's (:mod:`monitor.users`): the
  bundle's are the user's who wrote it, and they are merged as the user the importer names
  (:func:`monitor.bundles.read.owner` says which). The flags are taken for an
  article that user has no marks on here; marks they have are kept as they are.
* A raw page is its SHA-256: present or added, never changed.
* A watchlist is the same watchlist when the user has one of its name (without regard to
  ASCII case, as the store's unique name does). A local watchlist is kept exactly as it is,
  matches and all: the user's edits win. A new one comes in with its query, filters, muted
  flag and creation time; the bundled articles it matched on the machine that made the
  bundle are recorded as matching *and seen* now. The user of this machine has not looked
  at them, but "new" on a sidebar is only useful for what arrives after the watchlist did:
  a count of every article of a freshly carried collection says nothing. Local articles it
  matches that the bundle did not carry are counted by the next
  :func:`monitor.watchlists.check_watchlists` as new, as are bundled articles it matches
  only here.
* A note (or highlight) is the same note when it is the same user's, on the same article,
  on the same side, on a sentence of the same text. A local one is kept unless the bundle's
  was changed later (then its colour and text are taken); a new one comes in and finds its
  sentence in the local text by that text (:func:`monitor.store.notes.reanchor`), or stays
  detached.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.clock import to_iso
from monitor.store import bundle_history, bundle_stories
from monitor.store.connection import StoreConnection
from monitor.store.rows import in_chunks
from monitor.store.watchlist_store import WatchFilters
from monitor.types import ArticleState

Row = dict[str, Any]
FindArticle = Callable[[int, str | None, Sequence[str | None]], int | None]

SOURCE_FIELDS = (
    "url",
    "kind",
    "name",
    "language_hint",
    "country",
    "homepage",
    "added_at",
    "update_interval_minutes",
    "time_zone",
)
# Content columns: what an article's text and pipeline state are made of.
CONTENT_FIELDS = (
    "canonical_url",
    "title",
    "author",
    "published",
    "published_offset",
    "summary",
    "feed_content",
    "text",
    "text_origin",
    "language",
    "language_hint",
    "raw_sha256",
    "content_hash",
    "last_error",
    "translation_note",
    "published_zone",
    "repaired",
    "post_details",
)
ARTICLE_FIELDS = ("guid", "url", "retrieved_at", *CONTENT_FIELDS, "state")
FLAG_FIELDS = ("is_read", "is_starred")  # the exporting user's marks, in an article's row
TRANSLATION_FIELDS = ("target", "title", "route", "is_pivot", "translated_at", "degenerate")
SENTENCE_FIELDS = ("paragraph", "original", "translation", "degenerate")
RAW_PAGE_FIELDS = ("sha256", "url", "retrieved_at", "content_type", "encoding")
WATCHLIST_FIELDS = ("name", "query", "filters", "muted", "created_at")
NOTE_FIELDS = (
    "sentence_index",
    "side",
    "sentence",
    "counterpart",
    "colour",
    "text",
    "created_at",
    "updated_at",
)
# The states a bundle's article may carry: today's, and EXTRACTED (20) and INDEXED (50) from
# bundles made before schema 7 (see :func:`bundle_state`).
BUNDLE_STATES = frozenset({*(int(state) for state in ArticleState), 20, 50})


# Export ------------------------------------------------------------------------------


def all_article_ids(db: StoreConnection) -> list[int]:
    return [int(row[0]) for row in db.execute("SELECT id FROM articles ORDER BY id")]


def missing_article_ids(db: StoreConnection, ids: Sequence[int]) -> list[int]:
    missing: list[int] = []
    for chunk, marks in in_chunks(ids):
        found = {r[0] for r in db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)}
        missing.extend(i for i in chunk if i not in found)
    return missing


def source_rows(db: StoreConnection, article_ids: Sequence[int] | None) -> list[Row]:
    """Every source, or only those the given articles come from."""
    columns = ", ".join(SOURCE_FIELDS)
    if article_ids is None:
        rows = db.execute(f"SELECT {columns} FROM sources ORDER BY id").fetchall()
        return [dict(zip(SOURCE_FIELDS, row, strict=True)) for row in rows]
    wanted: dict[str, Row] = {}
    for chunk, marks in in_chunks(article_ids):
        for row in db.execute(
            f"SELECT {columns} FROM sources WHERE id IN"
            f" (SELECT source_id FROM articles WHERE id IN ({marks})) ORDER BY id",
            chunk,
        ):
            wanted[row[0]] = dict(zip(SOURCE_FIELDS, row, strict=True))
    return list(wanted.values())


def raw_page_hashes(db: StoreConnection, article_ids: Sequence[int]) -> list[str]:
    hashes: set[str] = set()
    for chunk, marks in in_chunks(article_ids):
        hashes.update(
            row[0]
            for row in db.execute(
                f"SELECT raw_sha256 FROM articles WHERE raw_sha256 IS NOT NULL AND id IN ({marks})",
                chunk,
            )
        )
    return sorted(hashes)


def raw_page_row(db: StoreConnection, sha256: str) -> tuple[Row, bytes]:
    """A raw page's metadata and its bytes exactly as received."""
    row = db.execute(
        f"SELECT {', '.join(RAW_PAGE_FIELDS)}, content FROM raw_pages WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return dict(zip(RAW_PAGE_FIELDS, row[:-1], strict=True)), zlib.decompress(row[-1])


def article_rows(db: StoreConnection, ids: Sequence[int], user: str) -> Iterator[Row]:
    """The articles with their source URL, translation, history (earlier versions, edits,
    deletion) and ``user``'s read and starred flags, ``id`` being the bundle's key."""
    columns = ", ".join(f"a.{name}" for name in ARTICLE_FIELDS)
    flags = ", ".join(f"COALESCE(m.{name}, 0)" for name in FLAG_FIELDS)
    fields = (*ARTICLE_FIELDS, *FLAG_FIELDS)
    for chunk, marks in in_chunks(sorted(ids)):
        rows = db.execute(
            f"SELECT a.id, s.url, a.duplicate_of, {columns}, {flags} FROM articles a"
            " JOIN sources s ON s.id = a.source_id"
            " LEFT JOIN article_marks m ON m.article_id = a.id AND m.user_name = ?"
            f" WHERE a.id IN ({marks}) ORDER BY a.id",
            (user, *chunk),
        ).fetchall()
        histories = bundle_history.history_rows(db, chunk)
        stories = bundle_stories.story_fields(db, chunk)
        for row in rows:
            article: Row = {"id": row[0], "source_url": row[1], "duplicate_of": row[2]}
            article.update(zip(fields, row[3:], strict=True))
            for flag in ("is_read", "is_starred", "repaired"):
                article[flag] = bool(article[flag])
            article["translation"] = _translation_row(db, row[0])
            article.update(histories[row[0]])
            article.update(stories.get(row[0], {"story": None, "story_by_user": False}))
            yield article


def _translation_row(db: StoreConnection, article_id: int) -> Row | None:
    row = db.execute(
        # A headline (the title and lead only) stays home: the importer translates the whole.
        f"SELECT {', '.join(TRANSLATION_FIELDS)} FROM translations"
        " WHERE article_id = ? AND complete = 1",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    translation: Row = dict(zip(TRANSLATION_FIELDS, row, strict=True))
    translation["is_pivot"] = bool(translation["is_pivot"])
    translation["degenerate"] = bool(translation["degenerate"])
    translation["sentences"] = [
        {"paragraph": s[0], "original": s[1], "translation": s[2], "degenerate": bool(s[3])}
        for s in db.execute(
            f"SELECT {', '.join(SENTENCE_FIELDS)} FROM translation_sentences"
            " WHERE article_id = ? ORDER BY position",
            (article_id,),
        )
    ]
    return translation


def watchlist_rows(db: StoreConnection, article_ids: Sequence[int], user: str) -> list[Row]:
    """Every watchlist of ``user``, with ``matches``: those of ``article_ids`` it matched at
    its last check.

    ``filters`` is a JSON object (not the stored text), so a bundle reads as plain JSON Lines.
    """
    exported = set(article_ids)
    rows = db.execute(
        f"SELECT id, {', '.join(WATCHLIST_FIELDS)} FROM watchlists WHERE user_name = ?"
        " ORDER BY name COLLATE NOCASE, id",
        (user,),
    ).fetchall()
    watchlists: list[Row] = []
    for watchlist_id, *values in rows:
        row: Row = dict(zip(WATCHLIST_FIELDS, values, strict=True))
        row["filters"] = json.loads(WatchFilters.from_json(row["filters"]).to_json())
        row["muted"] = bool(row["muted"])
        row["matches"] = [
            int(match[0])
            for match in db.execute(
                "SELECT article_id FROM watchlist_matches WHERE watchlist_id = ? AND matching = 1"
                " ORDER BY article_id",
                (watchlist_id,),
            )
            if match[0] in exported
        ]
        watchlists.append(row)
    return watchlists


def note_rows(db: StoreConnection, article_ids: Sequence[int], user: str) -> list[Row]:
    """``user``'s notes on ``article_ids``, ``article`` being the article's id in the bundle."""
    columns = ", ".join(NOTE_FIELDS)
    rows: list[Row] = []
    for chunk, marks in in_chunks(sorted(article_ids)):
        for row in db.execute(
            f"SELECT article_id, {columns} FROM notes WHERE user_name = ?"
            f" AND article_id IN ({marks}) ORDER BY article_id, id",
            (user, *chunk),
        ):
            note: Row = {"article": row[0]}
            note.update(zip(NOTE_FIELDS, row[1:], strict=True))
            rows.append(note)
    return rows


# Merge -------------------------------------------------------------------------------


def merge_source(db: StoreConnection, row: Row) -> tuple[int, bool]:
    """The local id of the bundle's source, and whether it was added."""
    found = db.execute("SELECT id FROM sources WHERE url = ?", (row["url"],)).fetchone()
    if found is not None:
        return int(found[0]), False
    cursor = db.execute(
        f"INSERT INTO sources ({', '.join(SOURCE_FIELDS)})"
        f" VALUES ({', '.join('?' for _ in SOURCE_FIELDS)})",
        [row[name] for name in SOURCE_FIELDS],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid, True


def has_raw_page(db: StoreConnection, sha256: str) -> bool:
    return db.execute("SELECT 1 FROM raw_pages WHERE sha256 = ?", (sha256,)).fetchone() is not None


def add_raw_page(db: StoreConnection, row: Row, content: bytes) -> None:
    db.execute(
        f"INSERT INTO raw_pages ({', '.join(RAW_PAGE_FIELDS)}, content) VALUES (?, ?, ?, ?, ?, ?)",
        (*(row[name] for name in RAW_PAGE_FIELDS), zlib.compress(content)),
    )


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    local_id: int
    article: str  # "added", "merged" or "skipped"
    translation: str | None  # the same, or None when the bundle has no translation


def merge_article(
    db: StoreConnection, row: Row, source_id: int, find_article: FindArticle
) -> ArticleOutcome:
    """Add or merge one bundle article (see the module's rules); ``row`` is already checked."""
    translation: Row | None = row["translation"]
    state = bundle_state(row)
    local_id = find_article(source_id, row["guid"], [row["url"], row["canonical_url"]])
    if local_id is None:
        names = ("source_id", *ARTICLE_FIELDS)
        values = [source_id, *(row[name] for name in ARTICLE_FIELDS)]
        values[names.index("state")] = state
        cursor = db.execute(
            f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            values,
        )
        assert cursor.lastrowid is not None
        bundle_history.add_history(db, cursor.lastrowid, row)
        if translation is not None:
            _insert_translation(db, cursor.lastrowid, translation)
        return ArticleOutcome(cursor.lastrowid, "added", None if translation is None else "added")

    local = db.execute(
        # A headline here counts as no translation: the bundle's whole one is taken.
        "SELECT a.state, a.text, CASE WHEN t.complete = 1 THEN t.translated_at END FROM articles a"
        " LEFT JOIN translations t ON t.article_id = a.id WHERE a.id = ?",
        (local_id,),
    ).fetchone()
    local_state = int(local[0])
    takes_text = bundle_history.settle_texts(db, local_id, row)
    history_merged = bundle_history.merge_history(db, local_id, row)
    if not takes_text:  # the text here was seen later: the bundle's is kept as a version
        return ArticleOutcome(local_id, "merged", None if translation is None else "skipped")
    if translation is not None and local[2] is None:
        _take_content(db, local_id, row, max(int(local[0]), state))
        db.execute("DELETE FROM translations WHERE article_id = ?", (local_id,))
        _insert_translation(db, local_id, translation)
        return ArticleOutcome(local_id, "merged", "added")
    if (
        translation is not None
        and translation["translated_at"] > local[2]
        and row["text"] == local[1]
    ):
        db.execute("DELETE FROM translations WHERE article_id = ?", (local_id,))
        _insert_translation(db, local_id, translation)
        return ArticleOutcome(local_id, "merged", "merged")
    outcome_translation = None if translation is None else "skipped"
    if state > local_state:
        _take_content(db, local_id, row, state)
        return ArticleOutcome(local_id, "merged", outcome_translation)
    return ArticleOutcome(local_id, "merged" if history_merged else "skipped", outcome_translation)


def bundle_state(row: Row) -> int:
    """The state an imported article may claim here: the furthest one its own implies.

    Bundles made before schema 7 may say INDEXED (50: "in the index of the machine that made
    the bundle"), here translated (the local index follows the change log), or EXTRACTED (20,
    never set), here fetched. Without its translation an article is only detected.
    """
    state = max((s for s in ArticleState if s <= int(row["state"])), default=ArticleState.FETCHED)
    if row["translation"] is None:
        state = min(state, ArticleState.DETECTED)
    return int(state)


def merge_marks(db: StoreConnection, row: Row, article_id: int, user: str) -> None:
    """The bundle's read and starred flags on the local ``article_id``, as ``user``'s, unless
    that user has marks on it here (theirs are kept)."""
    if row["is_read"] or row["is_starred"]:
        db.execute(
            "INSERT OR IGNORE INTO article_marks (user_name, article_id, is_read, is_starred)"
            " VALUES (?, ?, ?, ?)",
            (user, article_id, row["is_read"], row["is_starred"]),
        )


def set_duplicate(db: StoreConnection, article_id: int, duplicate_of: int) -> None:
    db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", (duplicate_of, article_id))


def _take_content(db: StoreConnection, article_id: int, row: Row, state: int) -> None:
    # The user's own column (priority) and the identity columns stay.
    assignments = ", ".join(f"{name} = ?" for name in CONTENT_FIELDS)
    db.execute(
        f"UPDATE articles SET {assignments}, state = ? WHERE id = ?",
        (*(row[name] for name in CONTENT_FIELDS), state, article_id),
    )


def _insert_translation(db: StoreConnection, article_id: int, translation: Row) -> None:
    db.execute(
        f"INSERT INTO translations (article_id, {', '.join(TRANSLATION_FIELDS)})"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (article_id, *(translation[name] for name in TRANSLATION_FIELDS)),
    )
    db.executemany(
        "INSERT INTO translation_sentences (article_id, position, paragraph, original,"
        " translation, degenerate) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (article_id, position, *(s[name] for name in SENTENCE_FIELDS))
            for position, s in enumerate(translation["sentences"])
        ],
    )


def merge_watchlist(
    db: StoreConnection, row: Row, matches: Sequence[int], at: str, user: str
) -> bool:
    """Add the bundle's watchlist as ``user``'s unless they have one of its name here;
    whether it was added.

    ``row`` is checked (``filters`` is the stored JSON text); ``matches`` are local article
    ids, recorded as matching and seen at ``at`` (see the module's rules).
    """
    found = db.execute(
        "SELECT 1 FROM watchlists WHERE user_name = ? AND lower(name) = lower(?)",
        (user, row["name"]),
    ).fetchone()
    if found is not None:
        return False
    cursor = db.execute(
        "INSERT INTO watchlists (user_name, name, query, filters, muted, created_at,"
        " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user, row["name"], row["query"], row["filters"], row["muted"], row["created_at"], at),
    )
    assert cursor.lastrowid is not None
    db.executemany(
        "INSERT OR IGNORE INTO watchlist_matches"
        " (watchlist_id, article_id, first_matched_at, matching, seen) VALUES (?, ?, ?, 1, 1)",
        [(cursor.lastrowid, article_id, at) for article_id in sorted(set(matches))],
    )
    return True


def now_iso(moment: datetime) -> str:
    """``moment`` in the store's form, for the times a merge writes."""
    text = to_iso(moment)
    assert text is not None
    return text


def merge_note(db: StoreConnection, row: Row, article_id: int, user: str) -> str:
    """Add or merge one bundle note on the local ``article_id`` as ``user``'s (see the
    module's rules); ``row`` is checked. Returns "added", "merged" or "skipped"."""
    local = db.execute(
        "SELECT id, colour, text, updated_at FROM notes WHERE user_name = ?"
        " AND article_id = ? AND side = ? AND sentence = ? ORDER BY id LIMIT 1",
        (user, article_id, row["side"], row["sentence"]),
    ).fetchone()
    if local is None:
        names = ("user_name", "article_id", *NOTE_FIELDS)
        db.execute(
            f"INSERT INTO notes ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            (user, article_id, *(row[name] for name in NOTE_FIELDS)),
        )
        return "added"
    if row["updated_at"] > local[3] and (row["colour"], row["text"]) != (local[1], local[2]):
        db.execute(
            "UPDATE notes SET colour = ?, text = ?, updated_at = ? WHERE id = ?",
            (row["colour"], row["text"], row["updated_at"], local[0]),
        )
        return "merged"
    return "skipped"
