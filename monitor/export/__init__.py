"""Exporting articles: CSV and JSON Lines for analysis, an HTML or PDF dossier for citing.

Every format carries the same facts (see :data:`FIELDS`): metadata, where the text came
from, the SHA-256 of the page as received, the model that translated it, and both texts.
In CSV, a cell that a spreadsheet would run as a formula (see :data:`FORMULA_LEADS`) starts
with a ``'`` so it shows as the text it is.
Files are written to a temporary name beside the target and renamed into place, so an
interrupted or cancelled export never leaves a half-written file under the name asked for.
An export reports its progress (articles read, then the file written) and stops at the next
article when its cancel flag is set, raising :class:`ExportCancelled`.

The core has no Qt, so PDF is made by a renderer the desktop app passes in
(:func:`ui.pdf.render_pdf`), which prints the HTML dossier.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from indexes.types import SearchRequest
from monitor.errors import ExportCancelled, MonitorError, NotFoundError
from monitor.export.dossier import (
    ExportedArticle,
    local_iso,
    paragraphs_of,
    render_dossier,
    utc_iso,
)
from monitor.watchlists import matching_ids

if TYPE_CHECKING:
    from monitor.parts import Parts

PdfRenderer = Callable[[str, Path], None]  # (dossier HTML, output file)
ExportProgress = Callable[[int, int], None]  # (steps done, steps in all)

FIELDS = (
    "id",
    "outlet",
    "lang",
    "title",
    "title_translated",
    "url",
    "canonical_url",
    "author",
    "published",  # UTC, ISO 8601
    "published_local",  # in the offset the outlet gave, when it gave one
    "retrieved_at",  # UTC
    "text_origin",  # "page" or "feed"
    "raw_sha256",
    "model",  # the translation route, e.g. "ru→en (translate-ru_en-1_9 1.9)"
    "original_text",
    "translated_text",
    # False while only the title and the lead are translated (headlines come first); None
    # when nothing is.
    "translation_complete",
)

NO_RENDERER_MESSAGE = (
    "PDF export needs the desktop app's renderer; export HTML and print it, "
    "or run `media-monitor` from the full install"
)


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    HTML = "html"
    PDF = "pdf"


Record = dict[str, str | int | None]

# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets
# ("=HYPERLINK(…)", "@SUM(…)", "-2+3+cmd|…"); OWASP's rule is to lead it with a quote.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def export_format(name: str) -> ExportFormat:
    """The format called ``name`` (case-insensitive); MonitorError names the choices."""
    try:
        return ExportFormat(name.strip().lower())
    except ValueError:
        choices = ", ".join(f.value for f in ExportFormat)
        raise MonitorError(f"unknown export format “{name}”: choose one of {choices}") from None


def collect(
    parts: Parts,
    ids: Iterable[int] | None = None,
    *,
    step: Callable[[int, int], None] | None = None,
) -> list[ExportedArticle]:
    """The articles ``ids`` in that order (every article, newest first, when None).

    ``step(done, total)`` is called after each article is read (it may raise to stop).
    """
    if ids is None:
        articles = parts.store.articles()
    else:
        wanted = list(dict.fromkeys(ids))
        found = {article.id: article for article in parts.store.articles_by_ids(wanted)}
        missing = [str(i) for i in wanted if i not in found]
        if missing:
            raise NotFoundError(f"no article with id {', '.join(missing)}; nothing was exported")
        articles = [found[i] for i in wanted]
    notes = parts.store.notes.for_articles(article.id for article in articles)
    items = []
    for done, article in enumerate(articles, start=1):
        stored = parts.translations.translation(article.id)
        items.append(ExportedArticle(article, stored, tuple(notes.get(article.id, ()))))
        if step is not None:
            step(done, len(articles))
    return items


def starred_ids(parts: Parts) -> list[int]:
    """The ids of the starred articles, newest first (the order of the article list)."""
    return parts.store.starred_ids()


def record(item: ExportedArticle) -> Record:
    """One article as a flat record with the keys of :data:`FIELDS`."""
    article, translation = item.article, item.translation
    return {
        "id": article.id,
        "outlet": article.source_name,
        "lang": article.language,
        "title": article.title,
        "title_translated": translation.title if translation else None,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "author": article.author,
        "published": utc_iso(article.published),
        "published_local": local_iso(article),
        "retrieved_at": utc_iso(article.retrieved_at),
        "text_origin": article.text_origin.value,
        "raw_sha256": article.raw_sha256,
        "model": translation.route if translation else None,
        "original_text": article.text,
        "translated_text": paragraphs_of(translation, "translation") if translation else None,
        "translation_complete": translation.complete if translation else None,
    }


def to_csv(items: list[ExportedArticle]) -> bytes:
    """UTF-8 with a byte order mark, so spreadsheet programs read Cyrillic and Hangul right."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow({key: _csv_cell(value) for key, value in record(item).items()})
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: str | int | None) -> str | int:
    """The value as a CSV cell: empty for None, text a spreadsheet would run made inert."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def to_jsonl(items: list[ExportedArticle]) -> bytes:
    lines = (json.dumps(record(item), ensure_ascii=False) + "\n" for item in items)
    return "".join(lines).encode("utf-8")


def dossier_html(parts: Parts, items: list[ExportedArticle], *, query: str | None = None) -> str:
    from monitor import __version__

    return render_dossier(
        items,
        exported_at=parts.clock(),
        version=__version__,
        query=query,
        target_language=parts.settings.target_language,
    )


def export_articles(
    parts: Parts,
    ids: Iterable[int] | None,
    out: Path,
    fmt: str | ExportFormat,
    *,
    pdf_renderer: PdfRenderer | None = None,
    query: str | None = None,
    progress: ExportProgress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write the articles ``ids`` (every article when None) to ``out``; returns how many.

    ``query`` is only noted in the dossier's header. PDF needs ``pdf_renderer`` (the desktop
    app's); without it a :class:`MonitorError` says what to do instead. ``progress(done,
    total)`` counts the articles read and then the file written (one step more than there
    are articles); once ``cancel`` is set the export stops with :class:`ExportCancelled`
    and nothing is left behind.
    """
    chosen = fmt if isinstance(fmt, ExportFormat) else export_format(fmt)
    if chosen is ExportFormat.PDF and pdf_renderer is None:
        raise MonitorError(NO_RENDERER_MESSAGE)

    def stop_if_cancelled() -> None:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(out)

    def step(done: int, total: int) -> None:
        stop_if_cancelled()
        if progress is not None:
            progress(done, total + 1)

    stop_if_cancelled()
    items = collect(parts, ids, step=step)
    write = _file_writer(parts, items, chosen, query=query, pdf_renderer=pdf_renderer)
    _write_atomically(out, write, before_rename=stop_if_cancelled)
    if progress is not None:
        progress(len(items) + 1, len(items) + 1)
    return len(items)


def _file_writer(
    parts: Parts,
    items: list[ExportedArticle],
    chosen: ExportFormat,
    *,
    query: str | None,
    pdf_renderer: PdfRenderer | None,
) -> Callable[[Path], object]:
    """What writes ``items`` in the ``chosen`` format to the file it is given."""
    if chosen is ExportFormat.CSV:
        return lambda part: part.write_bytes(to_csv(items))
    if chosen is ExportFormat.JSONL:
        return lambda part: part.write_bytes(to_jsonl(items))
    html = dossier_html(parts, items, query=query)
    if chosen is ExportFormat.HTML:
        return lambda part: part.write_text(html, encoding="utf-8")
    renderer = pdf_renderer
    assert renderer is not None  # checked before the articles were read
    return lambda part: renderer(html, part)


def export_search(
    parts: Parts,
    request: SearchRequest,
    out: Path,
    fmt: str | ExportFormat,
    *,
    pdf_renderer: PdfRenderer | None = None,
    progress: ExportProgress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Export every article ``request`` matches (all pages), newest first; returns how many.

    ``progress`` and ``cancel`` as for :func:`export_articles`.
    """
    articles = parts.store.articles_by_ids(matching_ids(parts, request))
    # Newest first (by publication, else retrieval): the order of the article list.
    articles.sort(key=lambda a: (a.published or a.retrieved_at, a.id), reverse=True)
    return export_articles(
        parts,
        [a.id for a in articles],
        out,
        fmt,
        pdf_renderer=pdf_renderer,
        query=request.text or None,
        progress=progress,
        cancel=cancel,
    )


def _write_atomically(
    out: Path, write: Callable[[Path], object], *, before_rename: Callable[[], None]
) -> None:
    """Write ``out`` by ``write`` to ``<out>.part``, then rename it into place; whatever stops
    it on the way (an error, ``before_rename`` raising on a cancel) removes the part file."""
    part = out.with_name(out.name + ".part")
    try:
        write(part)
        if not part.is_file():
            raise MonitorError(f"the export to {out} produced no file; nothing was written")
        before_rename()
        os.replace(part, out)
    except OSError as error:
        raise MonitorError(f"cannot write {out}: {error.strerror or error}") from error
    finally:
        part.unlink(missing_ok=True)


__all__ = [
    "FIELDS",
    "FORMULA_LEADS",
    "ExportCancelled",
    "ExportFormat",
    "ExportProgress",
    "PdfRenderer",
    "collect",
    "export_articles",
    "export_format",
    "export_search",
    "record",
    "starred_ids",
]
