"""Page extraction in worker processes, for large updates.

Extracting an article's text (lxml and trafilatura, per-node Python) is the largest part of
collecting a page, and in the update's thread pool it holds the GIL: the fetch threads take
turns on one core. An :class:`ExtractionPool` sends pages to worker processes instead, so
extraction runs beside the fetching, decoding, language detection and storing.

The processes start only once an update has :data:`PAGES_BEFORE_PROCESSES` pages to
extract (an everyday update of a few pages pays nothing for them); before that, and
whenever the processes cannot be had, pages are extracted in the calling thread. They are
started with ``spawn`` (no process is forked from a threaded one) and stopped by :meth:`close` at
the end of the update: queued pages are dropped, pages being extracted are finished (a few
milliseconds each) and the processes are joined, so nothing outlives the update.

A thread waiting for its page gives up at the update's cancel (see
:mod:`monitor.collect.cancelling`) like any other wait. A frozen app (``sys.frozen``)
extracts in threads: a spawned worker would start the app again unless its entry point
calls ``multiprocessing.freeze_support()`` first.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from monitor.collect import cancelling
from monitor.collect.extract import extract_page
from monitor.errors import ExtractionError
from monitor.types import ExtractedPage

_log = logging.getLogger(__name__)

PAGES_BEFORE_PROCESSES = 100  # pages an update extracts in its threads before the processes
MAX_PROCESSES = 4


def process_count() -> int:
    """Worker processes for extraction: one per core, at least one, at most four."""
    return max(1, min(MAX_PROCESSES, os.cpu_count() or 1))


def _warm_up() -> None:
    """Import the extraction libraries in a new worker before its first page (a page without
    article text: its ExtractionError is the expected outcome)."""
    with contextlib.suppress(ExtractionError):
        extract_page("<html><body><p>warm-up</p></body></html>", "http://localhost/")


def _extract(html: str, url: str) -> ExtractedPage:
    """What a worker process runs: :func:`extract_page`, whose errors come back pickled."""
    return extract_page(html, url)


class ExtractionPool:
    """Extraction for one update: in worker processes once it has enough pages."""

    def __init__(
        self, processes: int | None = None, *, after: int = PAGES_BEFORE_PROCESSES
    ) -> None:
        self._processes = processes if processes is not None else process_count()
        self._after = after
        self._lock = threading.Lock()
        self._pages = 0
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        self.in_processes = 0  # pages whose extraction a worker process finished

    @property
    def started(self) -> bool:
        """Whether the worker processes were started."""
        return self._pool is not None

    def extract(self, html: str, url: str) -> ExtractedPage:
        """:func:`extract_page` of ``html``, in a worker process when there are some.

        Raises what it raises (an :class:`~monitor.errors.ExtractionError` for a page
        without article text), and :class:`~monitor.collect.cancelling.Cancelled` when the
        update is cancelled while the page waits.
        """
        pool = self._pool_for_next_page()
        if pool is None:
            return extract_page(html, url)
        try:
            future: Future[ExtractedPage] = pool.submit(_extract, html, url)
        except (BrokenProcessPool, RuntimeError):  # closed, or a worker died: do it here
            return extract_page(html, url)
        while True:
            try:
                page = future.result(timeout=cancelling.POLL)
            except concurrent.futures.TimeoutError:
                cancelling.check()
                continue
            except BrokenProcessPool as error:  # a worker was killed (out of memory)?
                _log.warning("extracting in this thread: the worker processes broke: %s", error)
                return extract_page(html, url)
            except ExtractionError:
                self._count()
                raise
            self._count()
            return page

    def _count(self) -> None:
        with self._lock:
            self.in_processes += 1

    def _pool_for_next_page(self) -> ProcessPoolExecutor | None:
        with self._lock:
            self._pages += 1
            wanted = self._pages > self._after and not getattr(sys, "frozen", False)
            if self._pool is None and not self._closed and wanted:
                try:
                    self._pool = ProcessPoolExecutor(
                        self._processes,
                        mp_context=multiprocessing.get_context("spawn"),
                        initializer=_warm_up,
                    )
                except (OSError, ValueError) as error:  # no processes to be had here
                    _log.info("extracting pages in threads: %s", error)
                    self._closed = True
            return self._pool

    def close(self) -> None:
        """Stop the worker processes: drop queued pages, finish those being extracted."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
