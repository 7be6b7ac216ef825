"""The per-sentence translation cache: wire copies and repeated sentences cost nothing.

Keys are (package provenance, source sentence), so a new package version never serves an old
translation. The engine only needs the :class:`SentenceCache` protocol; the app keeps its cache
in its own store, tests and the CLI use :class:`MemoryCache`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Protocol


class SentenceCache(Protocol):
    def get_many(self, model: str, sentences: Iterable[str]) -> dict[str, str]:
        """The cached translations among ``sentences`` by ``model``."""
        ...

    def put_many(self, model: str, translations: Mapping[str, str]) -> None: ...


class MemoryCache:
    """A bounded in-memory LRU cache, safe to share between threads."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, model: str, sentences: Iterable[str]) -> dict[str, str]:
        found = {}
        with self._lock:
            for sentence in sentences:
                key = (model, sentence)
                if key in self._entries:
                    self._entries.move_to_end(key)
                    found[sentence] = self._entries[key]
        return found

    def put_many(self, model: str, translations: Mapping[str, str]) -> None:
        with self._lock:
            for sentence, translation in translations.items():
                self._entries[(model, sentence)] = translation
                self._entries.move_to_end((model, sentence))
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
