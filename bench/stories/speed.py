"""How long grouping takes per article added to a large collection: a background of N
articles (stories made like the labelled set's, many more of them) stored, indexed and
grouped in bulk, then batches of 100 new articles added and ``group_stories()`` timed.

``group_stories()`` indexes what waits before grouping it (the entities it needs are found
there), so each batch is timed twice: the index stage alone with the grouper held back, then
``group_stories()``, which is then grouping alone; both are reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common.settings import Log
from bench.stories.collection import Sources, check_door, store_articles, sync
from bench.stories.dataset import background
from monitor import Monitor, open_monitor
from tests.support.inside import parts

BATCH = 100


@dataclass(frozen=True)
class Speed:
    """Per-article milliseconds at one background size (medians over the batches)."""

    background: int
    bulk_seconds: float  # storing, indexing and grouping the background
    grouping_ms: float  # group_stories() after the batch was indexed
    indexing_ms: float | None  # the index stage alone (None: the grouper could not be held)
    batches: int
    grouped_share: float  # of the batches' articles, the share in a story with others


@contextmanager
def _grouper_held(monitor: Monitor) -> Iterator[bool]:
    """Index without grouping, by holding back the index stage's grouper (a private part,
    so the split is skipped if it is not where expected)."""
    stage = parts(monitor).index_stage
    grouper = getattr(stage, "_stories", None)
    if grouper is None:
        yield False
        return
    stage._stories = None
    try:
        yield True
    finally:
        stage._stories = grouper


def measure(size: int, batches: int, folder: Path, log: Log) -> Speed:
    """Store ``size`` background articles, group them, then time ``batches`` batches."""
    articles = background(size)
    added = background(batches * BATCH, first_id=900_000, days=2, label="added")
    with open_monitor(folder / "data") as monitor:
        check_door(monitor)
        sources = Sources(monitor)
        started = time.perf_counter()
        store_articles(monitor, articles, sources, tag="background")
        list(monitor.group_stories())
        bulk = time.perf_counter() - started
        log(f"stories: background of {size} stored, indexed and grouped in {bulk:.0f} s")
        grouping, indexing, together, total = [], [], 0, 0
        for number in range(batches):
            batch = added[number * BATCH : (number + 1) * BATCH]
            stored = store_articles(monitor, batch, sources, tag=f"batch{number}")
            with _grouper_held(monitor) as split:
                if split:
                    started = time.perf_counter()
                    sync(monitor)
                    indexing.append((time.perf_counter() - started) * 1000 / BATCH)
            started = time.perf_counter()
            list(monitor.group_stories())
            grouping.append((time.perf_counter() - started) * 1000 / BATCH)
            stories = [monitor.story_of(article_id) for article_id in stored]
            if any(story is None for story in stories):
                raise RuntimeError("stories benchmark: group_stories() left new articles out")
            sizes = {s: len(monitor.story(s).members) for s in set(stories) if s is not None}
            together += sum(sizes[s] > 1 for s in stories if s is not None)
            total += len(stories)
    return Speed(
        size,
        bulk,
        statistics.median(grouping),
        statistics.median(indexing) if indexing else None,
        batches,
        together / total,
    )
