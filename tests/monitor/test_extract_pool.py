"""Page extraction in worker processes: the same pages and errors as in a thread, and no
process or thread left once the pool is closed."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from monitor.collect.extract import extract_page
from monitor.collect.extract_pool import ExtractionPool
from monitor.errors import ExtractionError

PAGE = (
    "<html><head><title>Запуск</title></head><body><nav><a href='/'>Главная</a></nav>"
    "<article><h1>Запуск</h1><p>"
    + "Ракета вывела на орбиту спутник связи, запуск прошёл штатно и без задержек. " * 4
    + "</p></article></body></html>"
)


def test_pages_after_the_first_are_extracted_in_processes_with_the_same_text() -> None:
    pool = ExtractionPool(1, after=1)
    try:
        first = pool.extract(PAGE, "https://example.test/1")  # in this thread
        assert not pool.started
        second = pool.extract(PAGE, "https://example.test/2")
        assert pool.started
        assert first == second == extract_page(PAGE, "https://example.test/2")
        with pytest.raises(ExtractionError):  # the worker's error comes back as it was
            pool.extract("<html><body><p>Too short.</p></body></html>", "https://example.test/3")
        assert pool.in_processes == 2
    finally:
        pool.close()
    assert multiprocessing.active_children() == []
    assert threading.active_count() == 1
    # Closed: pages are extracted in the calling thread again.
    assert pool.extract(PAGE, "https://example.test/4").text == first.text
    assert not pool.started


def test_a_small_update_starts_no_process() -> None:
    pool = ExtractionPool(1, after=5)
    for number in range(5):
        pool.extract(PAGE, f"https://example.test/{number}")
    assert not pool.started
    pool.close()
