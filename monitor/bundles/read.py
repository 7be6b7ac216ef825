"""Importing an air-gap bundle: verify all of it, then merge it in one store transaction.

Order of work, so that a bad bundle changes nothing:

1. the zip opens and its manifest is known (format name and version); nothing is read
   without a bound, so memory stays bounded whatever the bundle claims (see
   :mod:`translations.archives` and the caps in :mod:`monitor.bundles.format`);
2. every member is safe (no path traversal, no links, no unknown names), listed in the
   manifest, within the size caps, and its bytes hash to the manifest's SHA-256; bundled
   models are unpacked to a scratch folder and checked as packages;
3. the rows are merged inside ONE store transaction, re-hashed as they are read and checked
   field by field: any problem rolls the whole merge back;
4. only then are the bundled models installed (each install is atomic on its own).

Watchlists and notes are merged last in step 3, after the articles, because they name the
bundle's articles by their ids; then every merged article's notes find their sentences in
its text as it now is.

Whose the bundle's read and starred flags, watchlists and notes become (:func:`owner`): in
a store of named users (a team's shared store), the user the bundle's manifest names (a
field user's notes written on a laptop come back as theirs, whoever imports them), else the
importing user; in a single-user store (a data folder's own SQLite file, its user ``""``),
always its one user.

The merge rules are in :mod:`monitor.store.bundle_queries` (an article's earlier versions,
edits and deletion mark: :mod:`monitor.store.bundle_history`).
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from monitor.bundles.checks import (
    check_article,
    check_note,
    check_raw_page,
    check_source,
    check_watchlist,
    watchlist_key,
)
from monitor.bundles.format import (
    ARTICLES,
    BUNDLE_LIMITS,
    MANIFEST,
    MAX_LINE_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_ROW_ITEMS,
    MAX_TOTAL_BYTES,
    NOTES,
    RAW_PAGES,
    RAW_PREFIX,
    SOURCES,
    WATCHLISTS,
    BundleReport,
    Manifest,
    MemberDigest,
    Tally,
    member_role,
    parse_manifest,
    size_cap,
)
from monitor.errors import BundleError
from monitor.paths import file_problem
from monitor.store import bundle_queries as queries
from monitor.store import bundle_stories
from monitor.store.connection import StoreConnection
from monitor.store.notes import reanchor_articles
from monitor.users import SINGLE_USER
from translations.archives import check_members, load_json, open_zip, read_member
from translations.errors import PackageError
from translations.packages import check_archive
from translations.types import InstallReport

if TYPE_CHECKING:
    from monitor.parts import Parts

Progress = Callable[[int, int], None]
# What reading a damaged zip can raise besides BadZipFile (see translations.packages).
_ZIP_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    EOFError,
    ValueError,
    struct.error,
)
_COPY_CHUNK = 1024 * 1024


def owner(manifest: Manifest, importer: str) -> str:
    """Whose the bundle's flags, watchlists and notes become where ``importer`` imports it
    (see the module's docstring)."""
    if importer == SINGLE_USER or manifest.user is None:
        return importer
    return manifest.user


def merge_watchlists(
    db: StoreConnection,
    rows: Iterable[tuple[str, dict[str, Any]]],
    local_ids: Mapping[int, int],
    at: datetime,
    user: str,
) -> Tally:
    """Merge the watchlists of ``watchlists.jsonl`` on ``db``, inside the import's transaction.

    ``rows`` are the member's rows with "where" for messages; ``local_ids`` maps the bundle's
    article ids to this store's; ``user``: whose they become. By name: a local watchlist of
    the same name is kept as it is (skipped), a new one is added with its bundled matches
    counted as seen at ``at`` (the rules are in :mod:`monitor.store.bundle_queries`). A bad row
    raises :class:`BundleError`, and the caller's transaction rolls the whole import back.
    """
    moment = queries.now_iso(at)
    names: set[str] = set()
    added = skipped = 0
    for where, row in rows:
        watchlist = check_watchlist(row, where, local_ids)
        key = watchlist_key(watchlist["name"])
        if key in names:
            raise BundleError(f"{where}: the watchlist “{watchlist['name']}” appears twice")
        names.add(key)
        matches = [local_ids[bundle_id] for bundle_id in watchlist["matches"]]
        if queries.merge_watchlist(db, watchlist, matches, moment, user):
            added += 1
        else:
            skipped += 1
    return Tally(added=added, skipped=skipped)


def merge_notes(
    db: StoreConnection,
    rows: Iterable[tuple[str, dict[str, Any]]],
    local_ids: Mapping[int, int],
    user: str,
) -> Counter[str]:
    """Merge the notes of ``notes.jsonl`` on ``db`` inside the import's transaction, without
    duplicates (the rules are in :mod:`monitor.store.bundle_queries`); ``local_ids`` maps the
    bundle's article ids to this store's; ``user``: whose they become. Returns counts as
    "notes.added" and so on."""
    counts: Counter[str] = Counter()
    for where, row in rows:
        note = check_note(row, where, local_ids)
        outcome = queries.merge_note(db, note, local_ids[note["article"]], user)
        counts[f"notes.{outcome}"] += 1
    return counts


def import_bundle(parts: Parts, bundle: Path, *, progress: Progress | None = None) -> BundleReport:
    """Merge the bundle into the collection, or refuse it whole with :class:`BundleError`."""
    bundle = Path(bundle)
    label = bundle.name
    with ExitStack() as stack:
        try:
            archive = stack.enter_context(_open_zip(bundle))
            manifest = _read_manifest(archive, label)
            models = [name for name in manifest.members if member_role(name) == "model"]
            scratch = None
            if models:
                scratch = Path(
                    stack.enter_context(
                        tempfile.TemporaryDirectory(prefix=".bundle-", dir=parts.data_dir)
                    )
                )
            extracted = _verify_members(archive, manifest, label, scratch)
            to_install, models_skipped = _sort_models(parts, extracted)
            counts = _merge(parts, archive, manifest, label, progress, len(to_install))
        except _ZIP_DAMAGE as error:
            raise BundleError(f"{label} is damaged ({error}); copy it again") from error
        except OSError as error:
            raise BundleError(f"cannot read {bundle}: {error.strerror or error}") from error
        installed = parts.install_models(to_install) if to_install else InstallReport()
    return BundleReport(
        path=str(bundle),
        sources=_tally(counts, "sources"),
        articles=_tally(counts, "articles"),
        translations=_tally(counts, "translations"),
        raw_pages=_tally(counts, "raw_pages"),
        watchlists=_tally(counts, "watchlists"),
        notes=_tally(counts, "notes"),
        models_installed=tuple(p.name for p in installed.installed),
        models_skipped=tuple(models_skipped),
        models_refused=installed.refused,
    )


def read_manifest(bundle: Path) -> Manifest:
    """The bundle's manifest (to show what it holds before importing); nothing is verified."""
    try:
        with _open_zip(bundle) as archive:
            return _read_manifest(archive, bundle.name)
    except _ZIP_DAMAGE as error:
        raise BundleError(f"{bundle.name} is damaged ({error}); copy it again") from error


def _open_zip(bundle: Path) -> zipfile.ZipFile:
    problem = file_problem(bundle, limit=MAX_TOTAL_BYTES, what="bundle file")
    if problem is not None:
        raise BundleError(problem)
    try:
        return open_zip(bundle, bundle.name, BUNDLE_LIMITS, BundleError)
    except zipfile.BadZipFile as error:
        raise BundleError(
            f"{bundle.name} is not a Media Monitor bundle, or it is damaged or cut short "
            f"(copy it again): {error}"
        ) from error
    except OSError as error:
        raise BundleError(f"cannot read {bundle}: {error.strerror or error}") from error


def _read_manifest(archive: zipfile.ZipFile, label: str) -> Manifest:
    # Before any member is read: no duplicate names, no zip bomb, not too much in all.
    check_members(archive.infolist(), label, BUNDLE_LIMITS, BundleError)
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise BundleError(f"{label} has no manifest.json: it is not a bundle") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BundleError(f"{label}: the manifest is implausibly large; refused")
    # Bounded again while reading: the size in the zip's header may lie.
    return parse_manifest(
        read_member(archive, MANIFEST, MAX_MANIFEST_BYTES, label, BundleError), label
    )


def _verify_members(
    archive: zipfile.ZipFile, manifest: Manifest, label: str, scratch: Path | None
) -> list[Path]:
    """Step 2 of the module's list; returns the unpacked model archives."""
    infos = archive.infolist()
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        member_role(name)  # unsafe or unknown names are refused here
        if name in seen:
            raise BundleError(f"{label} holds {name!r} twice; refused")
        seen.add(name)
        if (info.external_attr >> 16) & 0o170000 not in (0, 0o100000):
            raise BundleError(f"{label}: {name!r} is not a plain file (a link?); refused")
        if name == MANIFEST:
            continue
        digest = manifest.members.get(name)
        if digest is None:
            raise BundleError(f"{label}: {name!r} is not listed in the manifest; refused")
        if info.file_size != digest.size or digest.size > size_cap(name):
            raise BundleError(
                f"{label}: {name} does not have the size its manifest says; the bundle was "
                "altered or damaged in transit and was refused"
            )
        if name.startswith(RAW_PREFIX) and PurePosixPath(name).name != digest.sha256:
            raise BundleError(f"{label}: the raw page {name!r} is not what its name says")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise BundleError(f"{label} unpacks to more than a bundle may; refused")
    absent = sorted(set(manifest.members) - seen) or sorted({SOURCES, RAW_PAGES, ARTICLES} - seen)
    if absent:
        raise BundleError(f"{label} is incomplete: {absent[0]!r} is missing; copy it again")
    extracted: list[Path] = []
    for name, digest in sorted(manifest.members.items()):
        if member_role(name) == "model" and scratch is not None:
            target = scratch / PurePosixPath(name).name
            with target.open("wb") as sink:
                _drain(archive, name, digest, label, sink)
            extracted.append(target)
        else:
            _drain(archive, name, digest, label, None)
    return extracted


def _sort_models(parts: Parts, archives: list[Path]) -> tuple[list[Path], list[str]]:
    """The bundled packages to install, and those skipped (a package for the pair is here)."""
    installed = {(p.from_code, p.to_code) for p in parts.model_folder.installed()[0]}
    to_install: list[Path] = []
    skipped: list[str] = []
    for archive in archives:
        try:
            checked = check_archive(archive)
        except PackageError as error:
            raise BundleError(f"the bundled model {archive.name} is refused: {error}") from error
        pair = (checked.metadata["from_code"], checked.metadata["to_code"])
        if pair in installed:
            skipped.append(checked.top)  # the local choice of model is the user's
        else:
            to_install.append(archive)
    return to_install, skipped


def _merge(
    parts: Parts,
    archive: zipfile.ZipFile,
    manifest: Manifest,
    label: str,
    progress: Progress | None,
    models: int,
) -> Counter[str]:
    counts: Counter[str] = Counter()
    total = sum(manifest.counts.get(k, 0) for k in ("sources", "raw_pages", "articles")) + models
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    def rows(name: str) -> Iterator[tuple[str, dict[str, Any]]]:
        return _rows(archive, name, manifest.members[name], label)

    user = owner(manifest, parts.store.user)
    try:
        with parts.store.transaction() as db:
            source_ids: dict[str, int] = {}
            for where, row in rows(SOURCES):
                source = check_source(row, where)
                source_ids[source["url"]], added = queries.merge_source(db, source)
                counts["sources.added" if added else "sources.skipped"] += 1
                step()
            bundled_pages: set[str] = set()
            for where, row in rows(RAW_PAGES):
                page = check_raw_page(row, where, manifest.members)
                bundled_pages.add(page["sha256"])
                if queries.has_raw_page(db, page["sha256"]):
                    counts["raw_pages.skipped"] += 1
                else:
                    name = f"{RAW_PREFIX}{page['sha256']}"
                    content = _read_member(archive, name, manifest.members[name], label)
                    queries.add_raw_page(db, page, content)
                    counts["raw_pages.added"] += 1
                step()
            local_ids: dict[int, int] = {}
            duplicates: list[tuple[int, int]] = []
            placed: list[tuple[dict[str, Any], int]] = []  # the user's story groupings
            for where, row in rows(ARTICLES):
                article = check_article(row, where)
                if article["id"] in local_ids:
                    raise BundleError(f"{where}: article {article['id']} appears twice")
                source_id = source_ids.get(article["source_url"])
                if source_id is None:
                    raise BundleError(f"{where}: the article's source is not in the bundle")
                page = article["raw_sha256"]
                if page and page not in bundled_pages and not queries.has_raw_page(db, page):
                    raise BundleError(f"{where}: the article's raw page is not in the bundle")
                outcome = queries.merge_article(db, article, source_id, parts.store.find_article)
                local_ids[article["id"]] = outcome.local_id
                queries.merge_marks(db, article, outcome.local_id, user)
                if article["story_by_user"]:
                    placed.append((article, outcome.local_id))
                counts[f"articles.{outcome.article}"] += 1
                if outcome.translation:
                    counts[f"translations.{outcome.translation}"] += 1
                if outcome.article == "added" and article["duplicate_of"] is not None:
                    duplicates.append((outcome.local_id, article["duplicate_of"]))
                step()
            for local_id, original in duplicates:
                target = local_ids.get(original)
                if target is not None and target != local_id:
                    queries.set_duplicate(db, local_id, target)
            if WATCHLISTS in manifest.members:
                watchlists = merge_watchlists(db, rows(WATCHLISTS), local_ids, parts.clock(), user)
                counts["watchlists.added"] += watchlists.added
                counts["watchlists.merged"] += watchlists.merged
                counts["watchlists.skipped"] += watchlists.skipped
            if NOTES in manifest.members:
                counts.update(merge_notes(db, rows(NOTES), local_ids, user))
            # A translation taken from the bundle replaced a sentence list that notes here
            # (or from the bundle) were made on: each finds its sentence again by its text.
            reanchor_articles(db, local_ids.values())
            bundle_stories.place_by_user(db, placed, parts.clock())
    except sqlite3.Error as error:
        raise BundleError(f"{label} could not be merged ({error}); nothing was imported") from error
    return counts


def _rows(
    archive: zipfile.ZipFile, name: str, digest: MemberDigest, label: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The JSON rows of a member, with "where" for messages; re-hashed while read."""
    with _Reader(archive, name, digest, label) as reader:
        number = 0
        while line := reader.readline(MAX_LINE_BYTES + 1):
            number += 1
            where = f"{label}: {name} line {number}"
            if len(line) > MAX_LINE_BYTES:
                raise BundleError(f"{where} is implausibly long; refused")
            try:
                row = load_json(line, max_items=MAX_ROW_ITEMS)
            except ValueError as error:  # also UnicodeDecodeError, JSONDecodeError
                raise BundleError(f"{where} is not valid JSON ({error})") from error
            if not isinstance(row, dict):
                raise BundleError(f"{where} is not a JSON object")
            yield where, row
        reader.verify()


def _read_member(archive: zipfile.ZipFile, name: str, digest: MemberDigest, label: str) -> bytes:
    with _Reader(archive, name, digest, label) as reader:
        content = reader.read(digest.size + 1)
        reader.verify()
    return content


def _drain(
    archive: zipfile.ZipFile,
    name: str,
    digest: MemberDigest,
    label: str,
    sink: IO[bytes] | None,
) -> None:
    with _Reader(archive, name, digest, label) as reader:
        while chunk := reader.read(_COPY_CHUNK):
            if sink is not None:
                sink.write(chunk)
        reader.verify()


class _Reader:
    """A member read through SHA-256, never past the size the manifest gives it."""

    def __init__(
        self, archive: zipfile.ZipFile, name: str, digest: MemberDigest, label: str
    ) -> None:
        self._stream = archive.open(name)
        self._name = name
        self._expected = digest
        self._label = label
        self._hash = hashlib.sha256()
        self._size = 0

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()

    def read(self, size: int) -> bytes:
        return self._count(self._stream.read(size))

    def readline(self, limit: int) -> bytes:
        return self._count(self._stream.readline(limit))

    def verify(self) -> None:
        """After the last byte: the member is exactly what the manifest says."""
        self._count(self._stream.read(_COPY_CHUNK))
        if self._size != self._expected.size or self._hash.hexdigest() != self._expected.sha256:
            raise BundleError(
                f"{self._label}: {self._name} does not match its SHA-256 in the manifest; "
                "the bundle was altered or damaged in transit and was refused"
            )

    def _count(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._expected.size:
            raise BundleError(
                f"{self._label}: {self._name} is longer than the manifest says; refused"
            )
        self._hash.update(data)
        return data


def _tally(counts: Counter[str], kind: str) -> Tally:
    return Tally(counts[f"{kind}.added"], counts[f"{kind}.merged"], counts[f"{kind}.skipped"])
