"""The search layer's exceptions: one tree rooted in :class:`SearchError`.

::

    SearchError
    ├── QuerySyntaxError   the query cannot be understood (says where and why)
    ├── InvalidRequest     a page or page size out of bounds
    ├── IndexBusy          another process holds the index writer too long
    └── IndexDamaged       the index cannot be opened; it will be rebuilt from the store
"""

from __future__ import annotations


class SearchError(Exception):
    """Base of every error the search layer raises on purpose; ``str()`` is for the user."""


class QuerySyntaxError(SearchError):
    pass


class InvalidRequest(SearchError):
    pass


class IndexBusy(SearchError):
    pass


class IndexDamaged(SearchError):
    pass
