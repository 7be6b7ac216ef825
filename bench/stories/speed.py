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
from bench.stories.collection import Sources, check_door, store_articles
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
def _grouping_timed(monitor: Monitor) -> Iterator[list[float]]:
    """Grouping runs inside indexing (it needs the entities indexing finds): the seconds its
    part (the grouper's ``settle``) took, summed, while the block runs."""
    grouper = getattr(parts(monitor).index_stage, "_stories", None)
    spent: list[float] = []
    if grouper is None:
        yield spent
        return
    settle = grouper.settle

    def timed(articles):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return settle(articles)
        finally:
            spent.append(time.perf_counter() - started)

    grouper.settle = timed
    try:
        yield spent
    finally:
        del grouper.settle


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
            with _grouping_timed(monitor) as spent:
                started = time.perf_counter()
                list(monitor.group_stories())
                whole = time.perf_counter() - started
            grouping.append(sum(spent) * 1000 / BATCH)
            indexing.append((whole - sum(spent)) * 1000 / BATCH)
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
