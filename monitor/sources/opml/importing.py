"""Following the feeds of an OPML file: each new address added to the store once, the rest
reported ("already followed") beside what the reading skipped."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from monitor.errors import OPMLError, SourceError
from monitor.paths import file_problem
from monitor.sources.opml.reading import MAX_OPML_BYTES, read_opml
from monitor.sources.opml.report import ImportedFeed, OpmlImport, OpmlReading, SkippedOutline
from monitor.types import SourceKind

if TYPE_CHECKING:
    from monitor.store import Store

ALREADY_FOLLOWED = "already followed"


def import_opml_file(store: Store, path: Path) -> OpmlImport:
    """Follow every feed in the OPML file at ``path``; say what was imported and skipped."""
    problem = file_problem(path, limit=MAX_OPML_BYTES, what="OPML file")
    if problem is not None:
        raise OPMLError(problem)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise OPMLError(f"cannot read {path}: {error.strerror}") from error
    return follow_feeds(store, read_opml(data), file_name=path.name)


def follow_feeds(store: Store, reading: OpmlReading, *, file_name: str) -> OpmlImport:
    """Add the reading's feeds that are not followed yet, in file order."""
    imported: list[ImportedFeed] = []
    skipped = list(reading.skipped)
    for found in reading.feeds:
        outline = found.outline
        if store.find_source_by_url(outline.url) is None:
            try:
                source = store.add_source(
                    outline.url,
                    kind=SourceKind.FEED,
                    name=outline.title,
                    language_hint=outline.language,
                    homepage=outline.homepage,
                )
            except SourceError:  # added by another window since we looked
                pass
            else:
                imported.append(ImportedFeed(source, found.folder))
                continue
        skipped.append(SkippedOutline(outline.title, outline.url, ALREADY_FOLLOWED, found.position))
    skipped.sort(key=lambda outline: outline.position)
    return OpmlImport(
        file_name=file_name,
        imported=tuple(imported),
        skipped=tuple(skipped),
        damage=reading.damage,
        outlines_read=reading.outline_count,
    )
