"""Bulk indexing with the sound field on and off, in this process, on the same articles.

"Off" is the index as it was before the field existed: the documents carry no ``sound``
value, so Whoosh runs no sound analyzer (the schema still lists the field, which costs
nothing for a document without it). It is switched off by replacing
``indexes.index.sound_value`` for the duration of one build, in the benchmark's process
only; ``indexes/`` is not touched.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import indexes.index
from indexes.index import SearchIndex
from indexes.names import sound_query
from indexes.schema import SOUND_FIELD
from indexes.sounds import text_keys
from indexes.types import IndexDocument

MODES = ("on", "off")


@dataclass(frozen=True)
class Build:
    """One timed bulk build."""

    mode: str  # "on" or "off"
    articles: int
    wall_seconds: float
    cpu_seconds: float
    sound_hits: int  # articles the check's sound query finds in the built index

    @property
    def rate(self) -> float:
        """Articles per CPU-second."""
        return self.articles / self.cpu_seconds


def _no_sound_value(parts: Collection[tuple[str | None, str]]) -> str:
    return ""


@contextlib.contextmanager
def sound_field(mode: str) -> Iterator[None]:
    """Documents built inside carry the sound field (``"on"``) or not (``"off"``)."""
    if mode == "on":
        yield
        return
    with mock.patch.object(indexes.index, "sound_value", _no_sound_value):
        yield


def build(documents: Sequence[IndexDocument], folder: Path, mode: str, key: str) -> Build:
    """Index ``documents`` into a new index at ``folder`` through ``SearchIndex.rebuild``,
    as the search benchmark does, timing the rebuild only; checks every article is in it
    and counts what the sound query for ``key`` finds (after the timing)."""
    index = SearchIndex(folder)
    try:
        with sound_field(mode):
            wall, cpu = time.perf_counter(), time.process_time()
            count = index.rebuild(documents, synced=1)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if count != len(documents) or index.document_count() != len(documents):
            raise AssertionError(
                f"sound {mode}: {index.document_count()} documents indexed of {len(documents)}"
            )
    finally:
        index.close()
    return Build(mode, len(documents), wall, cpu, sound_hits(folder, key))


def cyrillic_name_key(documents: Sequence[IndexDocument]) -> tuple[str, str]:
    """A capitalised Cyrillic name of an indexed article and its sound key (the first one
    long enough for the parser to search by sound, past each article's first word)."""
    for document in documents:
        if document.language not in ("ru", "uk"):
            continue
        for key, start, end in text_keys(document.text, document.language):
            word = document.text[start:end]
            if start > 0 and " " not in word and len(key) >= 5 and key.isalpha():
                return word, key
    raise AssertionError("no capitalised Cyrillic name in the articles")


def sound_hits(folder: Path, key: str) -> int:
    """How many articles of the index at ``folder`` the sound query for ``key`` finds."""
    index = SearchIndex(folder)
    try:
        searcher = index.searcher()
        if SOUND_FIELD not in searcher.schema.names():
            return 0
        return len(searcher.search(sound_query(key), limit=None, scored=False))
    finally:
        index.close()


def measure_builds(
    documents: Sequence[IndexDocument], workdir: Path, repetitions: int, keep: Path, key: str
) -> list[Build]:
    """``repetitions`` builds in each mode, the order alternating (on, off; off, on; …); the
    last "on" index is moved to ``keep`` for the search measurements."""
    builds: list[Build] = []
    # Warm-up in both modes: imports, the sound keys' dictionaries, the allocator.
    for mode in MODES:
        _build_and_drop(documents[: min(100, len(documents))], workdir, mode, key)
    for repetition in range(repetitions):
        order = MODES if repetition % 2 == 0 else MODES[::-1]
        for mode in order:
            folder = Path(tempfile.mkdtemp(prefix=f"names-cost-{mode}-", dir=workdir))
            builds.append(build(documents, folder / "index", mode, key))
            if mode == "on":
                shutil.rmtree(keep, ignore_errors=True)
                shutil.move(folder / "index", keep)
            shutil.rmtree(folder, ignore_errors=True)
    return builds


def _build_and_drop(documents: Sequence[IndexDocument], workdir: Path, mode: str, key: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="names-cost-warm-", dir=workdir))
    try:
        build(documents, folder / "index", mode, key)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
