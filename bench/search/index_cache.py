"""Built search indexes kept between benchmark runs, so a full run fits its time budget.

Whoosh indexes about 60 articles a second here, so the 100k index alone takes half an hour,
more than the whole run may. A built index is kept in ``bench/.cache/`` under a key made of
the corpus (size, seed, vocabulary) and the code that decides what is indexed (the schema,
analyzers, index writer and corpus generator): change any of them and the index is built
again. Its build time is kept with it, and the report says when it was measured. The search
benchmark works on a copy, since it commits new articles into it. ``--fresh`` rebuilds.

A change to that code that leaves a rebuild's output alone (``apply``'s merge policy in
``indexes/index.py``, say) still changes the key. Setting :data:`VERSION_ENV` to an older
key's version reuses the index built by that code; the log says so, and so must the notes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.common.paths import CACHE_DIR, ROOT
from indexes.index import SearchIndex
from indexes.types import IndexDocument

VERSION_ENV = "MEDIA_MONITOR_BENCH_INDEX_VERSION"

# What an index's content depends on, besides the documents.
_INDEXING_CODE = (
    "indexes/schema.py",
    "indexes/analyzers.py",
    "indexes/morphology.py",
    "indexes/index.py",
    "bench/common/corpus.py",
)


@dataclass(frozen=True)
class BuildRecord:
    """How a cached index was built: the figures of the bulk indexing measurement."""

    articles: int
    wall_seconds: float
    cpu_seconds: float
    built_at: str  # ISO date and time, local
    reused: bool = False


def code_version() -> str:
    """A short hash of the code that decides what an index holds."""
    digest = hashlib.sha256()
    for name in _INDEXING_CODE:
        digest.update(name.encode())
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def indexed_copy(
    documents: Sequence[IndexDocument],
    key: str,
    destination: Path,
    *,
    fresh: bool,
    log: Callable[[str], None],
) -> BuildRecord:
    """A rebuilt index of ``documents`` at ``destination``, from the cache when it has one.

    ``key`` names the corpus (size, seed, vocabulary). The first build is timed (wall and
    CPU) and kept with the index.
    """
    version = code_version()
    chosen = os.environ.get(VERSION_ENV) or version
    if chosen != version:
        log(f"  {VERSION_ENV}: an index built by code version {chosen} (this code: {version})")
    cached = CACHE_DIR / f"index-{key}-{chosen}"
    record_file = cached.with_suffix(".json")
    if fresh or not record_file.exists():
        shutil.rmtree(cached, ignore_errors=True)
        record_file.unlink(missing_ok=True)
        log(f"  indexing {len(documents):,} articles (kept in {cached.name}) …")
        index = SearchIndex(cached)
        wall, cpu = time.perf_counter(), time.process_time()
        count = index.rebuild(documents, synced=1)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        index.close()
        assert count == len(documents)
        when = datetime.datetime.now().astimezone().isoformat(timespec="minutes")
        record = BuildRecord(len(documents), wall, cpu, when)
        record_file.write_text(json.dumps(asdict(record)), "utf-8")  # last: marks it complete
    else:
        saved = json.loads(record_file.read_text("utf-8"))
        record = BuildRecord(**{**saved, "reused": True})
        log(f"  reusing the index built {record.built_at} ({cached.name})")
    shutil.copytree(cached, destination)
    return record
