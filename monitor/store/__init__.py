"""The SQLite store: the source of truth for sources, articles, raw pages and the change log."""

from monitor.store.database import open_database
from monitor.store.store import ArticleDraft, Store

__all__ = ["ArticleDraft", "Store", "open_database"]
