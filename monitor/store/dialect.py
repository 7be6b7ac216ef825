"""The store's SQL, written once in SQLite's dialect, said in PostgreSQL's.

The store's parts write their statements for SQLite, the embedded default. For a team's
shared store on PostgreSQL (:mod:`monitor.store.postgres`) each statement is rewritten once
(and remembered): placeholders, ``INSERT OR IGNORE/REPLACE``, two-argument ``MAX``/``MIN``,
``instr``, ``json_each``, ``COLLATE NOCASE``. The schema's scripts are rewritten the same
way (:func:`postgres_script`): identity keys, ``BYTEA``, triggers as PL/pgSQL functions.

Only the forms the store uses are rewritten; a new form is caught by the store's tests,
which run against both servers.
"""

from __future__ import annotations

import re
from functools import lru_cache

# The key an INSERT OR REPLACE replaces on, per table (its primary key).
_KEYS = {
    "translation_cache": ("model", "sentence"),
    "story_features": ("article_id",),
    "story_articles": ("article_id",),
}
# Tables whose rows get an id from the server: an INSERT into one returns it (lastrowid).
ID_TABLES = frozenset(
    {
        "sources",
        "articles",
        "watchlists",
        "update_runs",
        "change_log_holds",
        "notes",
        "article_versions",
        "name_spellings",
        "stories",
    }
)

_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_COLUMNS = re.compile(r"INTO\s+\w+\s*\(([^)]*)\)", re.IGNORECASE)
# MAX(a, b) with simple arguments is SQLite's scalar maximum, PostgreSQL's GREATEST.
_PAIR = r"\(\s*([\w.?]+)\s*,\s*([\w.?]+)\s*\)"
_MAX2 = re.compile(r"\bMAX" + _PAIR, re.IGNORECASE)
_MIN2 = re.compile(r"\bMIN" + _PAIR, re.IGNORECASE)
_INSTR = re.compile(r"\binstr\(", re.IGNORECASE)
_JSON_EACH = re.compile(r"SELECT value FROM json_each\(\?\)", re.IGNORECASE)
_LOWER = re.compile(r"\blower\(", re.IGNORECASE)
_NOCASE = re.compile(r"(\b[\w.]+)\s+COLLATE\s+NOCASE", re.IGNORECASE)


# Statements said differently as a whole: the change log's highest position ever given.
_WHOLE = {
    "SELECT seq FROM sqlite_sequence WHERE name = 'changes'": (
        "SELECT CASE WHEN is_called THEN last_value END FROM changes_seq_seq"
    ),
}
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def is_write(sql: str) -> bool:
    return bool(_WRITE.match(sql))


@lru_cache(maxsize=2048)
def to_postgres(sql: str) -> tuple[str, bool]:
    """``sql`` in PostgreSQL's dialect with psycopg's placeholders, and whether it returns
    the new row's id (an INSERT into one of :data:`ID_TABLES`)."""
    if sql.strip() in _WHOLE:
        return _WHOLE[sql.strip()], False
    text = sql.replace("%", "%%")
    text = _JSON_EACH.sub("SELECT CAST(value AS BIGINT) FROM json_array_elements_text(?)", text)
    text = _MAX2.sub(r"GREATEST(\1, \2)", text)
    text = _MIN2.sub(r"LEAST(\1, \2)", text)
    text = _INSTR.sub("strpos(", text)
    # SQLite's lower() and NOCASE fold ASCII letters only; so does ascii_lower().
    text = _LOWER.sub("ascii_lower(", text)
    text = _NOCASE.sub(r"ascii_lower(\1)", text)
    returns_id = False
    conflict = ""
    match = _INSERT_OR.match(text)
    if match:
        verb, table = match.group(1).upper(), match.group(2)
        text = _INSERT_OR.sub(f"INSERT INTO {table}", text, count=1)
        ignore = verb == "IGNORE"
        conflict = " ON CONFLICT DO NOTHING" if ignore else _replace_clause(text, table)
    elif (insert := _INSERT.match(text)) and insert.group(1).lower() in ID_TABLES:
        returns_id = "RETURNING" not in text.upper()
    text = text.rstrip().rstrip(";") + conflict
    if returns_id:
        text += " RETURNING id"
    return text.replace("?", "%s"), returns_id


def _replace_clause(text: str, table: str) -> str:
    keys = _KEYS.get(table)
    columns = _COLUMNS.search(text)
    if keys is None or columns is None:
        raise ValueError(f"INSERT OR REPLACE INTO {table}: its key is not known")
    names = [name.strip() for name in columns.group(1).split(",")]
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names if name not in keys)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return f" ON CONFLICT ({', '.join(keys)}) {action}"


# The schema ------------------------------------------------------------------------------

_TRIGGER = re.compile(
    r"CREATE TRIGGER (\w+) (AFTER|BEFORE) (INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,]+?)?)\s+ON (\w+)"
    r"\s+BEGIN\s+(.*?)\s*END;",
    re.IGNORECASE | re.DOTALL,
)
_IDENTITY = re.compile(r"\b(id|seq) INTEGER PRIMARY KEY(?: AUTOINCREMENT)?", re.IGNORECASE)
_UNIQUE_NOCASE = re.compile(r"(\w+) TEXT NOT NULL UNIQUE COLLATE NOCASE", re.IGNORECASE)


_DROP_TRIGGER = re.compile(r"DROP TRIGGER (\w+);", re.IGNORECASE)
# Schema 18 rebuilds SQLite's watchlists to drop the UNIQUE of their name; a server adds the
# user's column and changes the name's unique index in place (its rows and matches stay).
_REBUILD_WATCHLISTS = re.compile(r"-- rebuild watchlists\n.*?-- rebuilt\n", re.DOTALL)
_WATCHLISTS_IN_PLACE = """ALTER TABLE watchlists ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
ALTER TABLE watchlists ALTER COLUMN user_name DROP DEFAULT;
DROP INDEX watchlists_name;
"""


def postgres_script(script: str, trigger_tables: dict[str, str]) -> str:
    """A migration script of :mod:`monitor.store.schema` in PostgreSQL's dialect;
    ``trigger_tables``: the table of each trigger the scripts make (PostgreSQL drops a
    trigger by its table)."""
    text = _REBUILD_WATCHLISTS.sub(lambda _: _WATCHLISTS_IN_PLACE, script)
    text = _DROP_TRIGGER.sub(
        lambda m: f"DROP TRIGGER IF EXISTS {m.group(1)} ON {trigger_tables[m.group(1)]};", text
    )
    text = _TRIGGER.sub(_trigger, text)
    text = _IDENTITY.sub(r"\1 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", text)
    text = _UNIQUE_NOCASE.sub(r"\1 TEXT NOT NULL", text)
    text = _NOCASE.sub(r"ascii_lower(\1)", text)  # a unique index on a name, any ASCII case
    text = re.sub(r"\bINTEGER\b", "BIGINT", text)
    text = re.sub(r"\bBLOB\b", "BYTEA", text)
    text = re.sub(r"\bREAL\b", "DOUBLE PRECISION", text)
    text = re.sub(r"\)\s*WITHOUT ROWID", ")", text)
    if "CREATE TABLE sources" in script:
        text = _ASCII_LOWER + text
    if "CREATE TABLE watchlists (" in script:  # its name is unique whatever the ASCII case
        text += "\nCREATE UNIQUE INDEX watchlists_name ON watchlists (ascii_lower(name));\n"
    return text


_ASCII_LOWER = """
CREATE FUNCTION ascii_lower(value TEXT) RETURNS TEXT AS
$fn$ SELECT translate(value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $fn$
LANGUAGE sql IMMUTABLE;
"""


def trigger_tables(scripts: list[str]) -> dict[str, str]:
    """Each trigger's table, from the scripts that make them."""
    return {m.group(1): m.group(4) for script in scripts for m in _TRIGGER.finditer(script)}


def _trigger(match: re.Match[str]) -> str:
    name, when, event, table, body = match.groups()
    body = re.sub(r"\bnew\.", "NEW.", body)
    body = re.sub(r"\bold\.", "OLD.", body)
    event = re.sub(r"\s+", " ", event.strip())
    return (
        f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger AS $fn$ BEGIN\n"
        f"    {body.strip()}\n    RETURN NULL;\nEND $fn$ LANGUAGE plpgsql;\n"
        f"DROP TRIGGER IF EXISTS {name} ON {table};\n"
        f"CREATE TRIGGER {name} {when} {event} ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION {name}_fn();"
    )
