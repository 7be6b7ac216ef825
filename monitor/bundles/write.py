"""Writing an air-gap bundle: a collection (or part of it) and, on request, its models.

The store is read through its own read-only connection inside one read transaction, so
the bundle is a consistent snapshot even while an update writes beside it. The bundle is
written to ``<name>.part`` and renamed into place, so a full USB stick or a pulled cable
never leaves something that looks like a finished bundle.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from monitor import __version__
from monitor.bundles.format import (
    ARTICLES,
    MANIFEST,
    MAX_MEMBERS,
    MODELS_PREFIX,
    NOTES,
    RAW_PAGES,
    RAW_PREFIX,
    ROW_MEMBERS,
    SOURCES,
    WATCHLISTS,
    BundleReport,
    MemberDigest,
    Tally,
    manifest_bytes,
)
from monitor.errors import BundleError, NotFoundError
from monitor.store import bundle_queries as queries
from monitor.store.connection import StoreConnection
from monitor.users import bundle_author
from translations.packages import PACKAGE_SUFFIX
from translations.types import PackageInfo

if TYPE_CHECKING:
    from monitor.parts import Parts

Progress = Callable[[int, int], None]
_T = TypeVar("_T")


def watchlist_rows(
    db: StoreConnection, article_ids: Sequence[int], user: str
) -> list[dict[str, object]]:
    """One JSON row per watchlist (saved search) of ``user`` to carry along, read from ``db``.

    A row holds the name, query, filters (a JSON object), muted flag, creation time, and
    ``matches``: which of ``article_ids`` (the bundle's articles) it matched at its last
    check, so the importer can count them as seen (see :mod:`monitor.store.bundle_queries`).
    """
    return queries.watchlist_rows(db, article_ids, user)


def export_bundle(
    parts: Parts,
    out: Path,
    *,
    article_ids: Iterable[int] | None = None,
    with_models: bool = False,
    with_watchlists: bool | None = None,
    with_notes: bool = True,
    progress: Progress | None = None,
) -> BundleReport:
    """Write the collection (or the given articles) to the bundle file ``out``.

    Watchlists go along with the whole collection, and not with chosen articles unless
    ``with_watchlists`` says so: a few articles handed to someone else should not also
    tell them everything the user watches. They are small, so all of them go, never some.
    The user's notes on the bundled articles go with them unless ``with_notes`` is False
    (for a machine whose Media Monitor is older than notes: see :mod:`.format`).

    The flags, watchlists and notes are the store's user's, and the manifest names them
    (:func:`monitor.users.bundle_author`: the single user of a SQLite file is written as the
    login name), so that where the bundle is imported into a shared store they are theirs.
    """
    out = Path(out)
    if out.is_dir():
        raise BundleError(f"{out} is a folder; give the bundle a file name, e.g. news.mmbundle")
    models = parts.model_folder.installed()[0] if with_models else []
    temporary = out.with_name(out.name + ".part")
    try:
        with _snapshot(parts.store.path) as db:
            writer = _Writer(temporary, parts.clock().replace(microsecond=0), parts.store.user)
            with writer:
                report = _write_everything(
                    writer, db, article_ids, models, (with_watchlists, with_notes), progress
                )
        os.replace(temporary, out)
    except OSError as error:
        raise BundleError(f"cannot write the bundle {out}: {error.strerror or error}") from error
    except sqlite3.Error as error:
        raise BundleError(f"cannot read the article store for the bundle: {error}") from error
    finally:
        temporary.unlink(missing_ok=True)
    return report


def _write_everything(
    writer: _Writer,
    db: StoreConnection,
    article_ids: Iterable[int] | None,
    models: list[PackageInfo],
    carried: tuple[bool | None, bool],  # (with watchlists, with notes)
    progress: Progress | None,
) -> BundleReport:
    with_watchlists, with_notes = carried
    if with_watchlists is None:
        with_watchlists = article_ids is None
    if article_ids is None:
        ids = queries.all_article_ids(db)
        sources = queries.source_rows(db, None)
    else:
        ids = sorted(set(article_ids))
        missing = queries.missing_article_ids(db, ids)
        if missing:
            shown = ", ".join(str(i) for i in missing[:5])
            raise NotFoundError(f"no article with id {shown}; nothing was exported")
        sources = queries.source_rows(db, ids)
    hashes = queries.raw_page_hashes(db, ids)
    members = len(hashes) + len(models) + len(ROW_MEMBERS) + 1  # the manifest too
    if members > MAX_MEMBERS:  # what no import would take
        raise BundleError(
            f"these {len(ids):,} articles keep {len(hashes):,} pages, more than one bundle"
            f" may carry ({MAX_MEMBERS:,} files); export them in parts with --query, e.g."
            " 'date:2026-11', one bundle a month. Nothing was written"
        )
    total = len(sources) + len(hashes) + len(ids) + len(models)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    writer.rows(SOURCES, _counted(sources, step))
    raw_meta: list[dict[str, object]] = []
    for sha256 in hashes:
        row, content = queries.raw_page_row(db, sha256)
        writer.member(f"{RAW_PREFIX}{sha256}", [content])
        raw_meta.append(row)
        step()
    writer.rows(RAW_PAGES, raw_meta)
    translations = 0
    for article in _counted(queries.article_rows(db, ids, writer.user), step):
        translations += article["translation"] is not None
        writer.article(article)
    writer.close_articles()
    watchlists = watchlist_rows(db, ids, writer.user) if with_watchlists else []
    if watchlists:  # the member is optional: a bundle without watchlists does not have it
        writer.rows(WATCHLISTS, watchlists)
    notes = queries.note_rows(db, ids, writer.user) if with_notes else []
    if notes:  # optional too, and only here when there are notes (see .format)
        writer.rows(NOTES, notes)
    for package in models:
        writer.model(package)
        step()
    counts = {
        "sources": len(sources),
        "raw_pages": len(hashes),
        "articles": len(ids),
        "translations": translations,
        "watchlists": len(watchlists),
        "notes": len(notes),
        "models": len(models),
    }
    writer.finish(counts)
    return BundleReport(
        path=str(writer.final_name),
        sources=Tally(added=len(sources)),
        articles=Tally(added=len(ids)),
        translations=Tally(added=translations),
        raw_pages=Tally(added=len(hashes)),
        watchlists=Tally(added=len(watchlists)),
        notes=Tally(added=len(notes)),
        models_installed=tuple(p.name for p in models),
    )


def _counted(items: Iterable[_T], step: Callable[[], None]) -> Iterator[_T]:
    for item in items:
        yield item
        step()


class _Writer:
    """The zip being written, with the SHA-256 and size of each member for the manifest."""

    def __init__(self, path: Path, created_at: datetime, user: str) -> None:
        self.path = path
        self.user = user  # whose flags, watchlists and notes are written
        self.final_name = path.with_name(path.name.removesuffix(".part"))
        self.created_at = created_at
        self.digests: dict[str, MemberDigest] = {}
        self._archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._articles: _HashingSink | None = None

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._articles is not None:
            self._articles.sink.close()
        self._archive.close()

    def member(self, name: str, chunks: Iterable[bytes]) -> None:
        sink = _HashingSink(self._archive.open(self._info(name), "w", force_zip64=True))
        with sink.sink:
            for chunk in chunks:
                sink.write(chunk)
        self.digests[name] = sink.digest()

    def rows(self, name: str, rows: Iterable[object]) -> None:
        self.member(name, (_line(row) for row in rows))

    def article(self, row: object) -> None:
        """Append one article row (kept open: too many articles to hold in memory)."""
        if self._articles is None:
            self._articles = _HashingSink(
                self._archive.open(self._info(ARTICLES), "w", force_zip64=True)
            )
        self._articles.write(_line(row))

    def close_articles(self) -> None:
        if self._articles is None:
            self.member(ARTICLES, [])  # no articles: the member is still there, empty
            return
        self._articles.sink.close()
        self.digests[ARTICLES] = self._articles.digest()
        self._articles = None

    def model(self, package: PackageInfo) -> None:
        """Re-zip an installed package folder as an ``.argosmodel`` (one top folder).

        The package zip is streamed straight into its member: no temporary copy of a
        model of several hundred megabytes. It is stored, not deflated, inside: the
        bundle's own compression squeezes it once.
        """
        name = f"{MODELS_PREFIX}{package.name}{PACKAGE_SUFFIX}"
        sink = _HashingSink(self._archive.open(self._info(name), "w", force_zip64=True))
        with sink.sink, zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED, allowZip64=True) as inner:
            for file in sorted(package.path.rglob("*")):
                if file.is_symlink():
                    continue  # a package may not hold links; never follow one out
                inner.write(file, file.relative_to(package.path.parent).as_posix())
        self.digests[name] = sink.digest()

    def finish(self, counts: dict[str, int]) -> None:
        author = bundle_author(self.user)
        data = manifest_bytes(__version__, self.created_at, counts, self.digests, author)
        self._archive.writestr(self._info(MANIFEST), data)

    def _info(self, name: str) -> zipfile.ZipInfo:
        moment = self.created_at
        stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info


class _HashingSink:
    """A member being written, hashed as it goes."""

    def __init__(self, sink: IO[bytes]) -> None:
        self.sink = sink
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self._size += len(data)
        return self.sink.write(data)

    def flush(self) -> None:
        self.sink.flush()

    def close(self) -> None:
        self.sink.close()

    def digest(self) -> MemberDigest:
        return MemberDigest(self._hash.hexdigest(), self._size)


def _line(row: object) -> bytes:
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _snapshot(location: Path | str) -> closing[StoreConnection]:
    """A read-only connection in a read transaction: one consistent view for the whole export
    (of the store's SQLite file, or of a shared store on a PostgreSQL server)."""
    if isinstance(location, str):
        from monitor.store.postgres import PostgresConnection

        server = PostgresConnection(location)
        server.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        server.execute("SELECT 1")  # takes the snapshot now
        return closing(server)
    connection = sqlite3.connect(f"{location.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
    connection.execute("PRAGMA busy_timeout = 30000")
    connection.execute("BEGIN")
    connection.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # takes the snapshot now
    return closing(connection)
