"""What the export dialog offers and the jobs it runs: no widgets here.

What to export (:class:`Scope`) and in which format (:data:`FORMATS`) make an
:class:`ExportPlan`; :func:`count_articles` says how many articles each choice holds (on the
reader thread, before anything starts) and :func:`run_export` writes the file (on the writer
thread) through the door's exports: ``export_articles``, ``export_search`` and
``export_bundle``, which report progress, stop when cancelled and write through a ``.part``
file, so a cancelled export leaves nothing behind.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor import Monitor, watchlists
from monitor.bundles.format import BUNDLE_SUFFIX
from monitor.errors import MonitorError
from monitor.export import ExportFormat, PdfRenderer
from monitor.types import SearchRequest

StepProgress = Callable[[int, int], None]  # (steps done, steps in all)


class Scope(enum.Enum):
    """Which articles an export carries."""

    SELECTION = "selection"  # the articles selected in the list
    SEARCH = "search"  # every match of the current search, all pages
    SAVED_SEARCH = "saved search"  # every match of a watchlist
    STARRED = "starred"
    COLLECTION = "collection"  # every article (a bundle also carries the saved searches)


@dataclass(frozen=True, slots=True)
class FormatChoice:
    label: str  # as the format list shows it
    suffix: str  # added to a file name that lacks it
    described: str  # ends "N articles will be exported …"
    export_format: ExportFormat | None  # None: an air-gap bundle
    with_models: bool = False  # a bundle that carries the translation models too

    @property
    def bundle(self) -> bool:
        return self.export_format is None


FORMATS = (
    FormatChoice("HTML dossier", ".html", "as an HTML dossier", ExportFormat.HTML),
    FormatChoice("PDF dossier", ".pdf", "as a PDF dossier", ExportFormat.PDF),
    FormatChoice("CSV (spreadsheet)", ".csv", "as CSV", ExportFormat.CSV),
    FormatChoice("JSON Lines", ".jsonl", "as JSON Lines", ExportFormat.JSONL),
    FormatChoice("Air-gap bundle", BUNDLE_SUFFIX, "to an air-gap bundle", None),
    FormatChoice(
        "Air-gap bundle with translation models",
        BUNDLE_SUFFIX,
        "to an air-gap bundle with the translation models",
        None,
        with_models=True,
    ),
)


def with_suffix(path: Path, suffix: str) -> Path:
    """``path`` ending in ``suffix`` (added, never replacing what the user wrote)."""
    return path if path.name.lower().endswith(suffix) else path.with_name(path.name + suffix)


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A watchlist as the dialog offers it: its search and how many articles match now."""

    name: str
    request: SearchRequest
    count: int | None  # None when its search failed
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    """How many articles each choice holds, counted before the export starts."""

    search: int | None  # None: no current search (or it failed, see search_error)
    starred: int
    collection: int
    saved: tuple[SavedSearch, ...] = ()
    search_error: str | None = None


def count_articles(monitor: Monitor, request: SearchRequest | None) -> Counts:
    """Count every choice: the search's matches (all pages), the starred articles, the
    collection and each saved search's matches, from the index as it stands."""
    search: int | None = None
    search_error = None
    if request is not None:
        try:
            search = len(monitor.matching_ids(request))
        except MonitorError as error:
            search_error = str(error)
    saved = []
    for status in monitor.watchlists():
        saved_request = watchlists.request_for(status.watchlist)
        try:
            saved.append(
                SavedSearch(status.name, saved_request, len(monitor.matching_ids(saved_request)))
            )
        except MonitorError as error:
            saved.append(SavedSearch(status.name, saved_request, None, str(error)))
    return Counts(
        search=search,
        starred=len(monitor.starred_article_ids()),
        collection=monitor.article_count(),
        saved=tuple(saved),
        search_error=search_error,
    )


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """One export the user asked for."""

    scope: Scope
    format: FormatChoice
    out: Path
    article_ids: tuple[int, ...] = ()  # with Scope.SELECTION
    request: SearchRequest | None = None  # with Scope.SEARCH and Scope.SAVED_SEARCH


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """What an export wrote: where, how many articles, and a bundle's report lines."""

    out: Path
    articles: int
    report: tuple[str, ...] = ()


def run_export(
    monitor: Monitor,
    plan: ExportPlan,
    progress: StepProgress,
    cancel: threading.Event,
    pdf_renderer: PdfRenderer | None,
) -> ExportOutcome:
    """Write ``plan`` (on the writer thread); raises ``ExportCancelled`` once cancelled."""
    if plan.format.bundle:
        report = monitor.export_bundle(
            plan.out,
            article_ids=_bundle_ids(monitor, plan),
            with_models=plan.format.with_models,
            progress=progress,
            cancel=cancel,
        )
        return ExportOutcome(plan.out, report.articles.added, tuple(report.lines()))
    chosen = plan.format.export_format
    assert chosen is not None
    if plan.request is not None:  # every match, newest first, the query in the dossier
        count = monitor.export_search(
            plan.request,
            plan.out,
            chosen,
            pdf_renderer=pdf_renderer,
            progress=progress,
            cancel=cancel,
        )
    else:
        count = monitor.export_articles(
            _article_ids(monitor, plan),
            plan.out,
            chosen,
            pdf_renderer=pdf_renderer,
            progress=progress,
            cancel=cancel,
        )
    return ExportOutcome(plan.out, count)


def _article_ids(monitor: Monitor, plan: ExportPlan) -> Sequence[int] | None:
    """The articles of a plan without a search; None: every article."""
    if plan.scope is Scope.SELECTION:
        return plan.article_ids
    if plan.scope is Scope.STARRED:
        return monitor.starred_article_ids()
    return None


def _bundle_ids(monitor: Monitor, plan: ExportPlan) -> Sequence[int] | None:
    if plan.request is not None:
        return monitor.matching_ids(plan.request)
    return _article_ids(monitor, plan)
