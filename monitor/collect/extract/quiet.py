"""Silencing trafilatura's per-page warnings for one extraction in one thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _ThreadQuietFilter(logging.Filter):
    """Drops records of the extraction libraries while *this thread* is extracting."""

    def __init__(self) -> None:
        super().__init__()
        self.state = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.state, "quiet", False)


_QUIET_FILTER = _ThreadQuietFilter()
_NOISY_LOGGER_PREFIXES = ("trafilatura", "htmldate", "courlan", "justext")


def _install_quiet_filter() -> None:
    # Logger filters only see records logged on that very logger, so every module
    # logger of the libraries gets the filter, not just the package logger.
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in _NOISY_LOGGER_PREFIXES:
            logger = logging.getLogger(name)
            if _QUIET_FILTER not in logger.filters:
                logger.addFilter(_QUIET_FILTER)


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """Silence trafilatura's per-page warnings ("discarding data: ...") for this call only.

    Those warnings describe pages without text, which the caller learns from
    ExtractionError already; other threads and other users of the libraries keep
    their logging untouched.
    """
    _install_quiet_filter()
    previous = getattr(_QUIET_FILTER.state, "quiet", False)
    _QUIET_FILTER.state.quiet = True
    try:
        yield
    finally:
        _QUIET_FILTER.state.quiet = previous
