"""The ingest probe's timing wrappers: each must hook a name the product has and calls.

A wrapper around a name the pipeline no longer looks up (as ``wait`` once was) times
nothing, and its stage reads zero without a word; the probe refuses such a run instead.
"""

from __future__ import annotations

import queue
import types

import pytest

from bench.ingest import probe
from bench.ingest.probe import HookError, Recorder
from monitor.collect import extract_pool, reading, update_run
from monitor.store import Store


def _pipeline_without_wait() -> types.ModuleType:
    """A module like the pipeline once its main loop stopped calling ``wait``."""
    module = types.ModuleType("fake_pipeline")

    def wait(futures: object) -> None:  # still importable, no longer called
        return None

    def get_finished() -> str:
        return "page"

    module.wait = wait  # type: ignore[attr-defined]
    module.get_finished = get_finished  # type: ignore[attr-defined]
    module.loop = lambda: module.get_finished()  # type: ignore[attr-defined]
    return module


def test_a_name_that_is_gone_is_refused() -> None:
    module = types.ModuleType("fake_pipeline")
    recorder = Recorder()

    with pytest.raises(HookError, match=r"fake_pipeline\.wait does not exist"):
        recorder.patch(module, "wait", "waiting")


def test_a_wrapped_name_the_run_never_calls_fails_the_check() -> None:
    module = _pipeline_without_wait()
    recorder = Recorder()
    recorder.expect_called(recorder.patch(module, "wait", "waiting"))
    recorder.expect_called(recorder.patch(module, "get_finished", "getting"))

    module.loop()

    with pytest.raises(HookError, match=r"fake_pipeline\.wait") as raised:
        recorder.check_hooks()
    assert "get_finished" not in str(raised.value)
    recorder.unpatch()
    assert module.wait.__name__ == "wait" and recorder.hook_calls["fake_pipeline.get_finished"]


def test_one_call_of_either_alternative_satisfies_the_check() -> None:
    module = _pipeline_without_wait()
    recorder = Recorder()
    recorder.expect_called(
        recorder.patch(module, "wait", "waiting"), recorder.patch(module, "get_finished", "x")
    )

    module.loop()

    recorder.check_hooks()  # does not raise
    recorder.unpatch()


def test_every_timer_of_the_probe_finds_its_name_in_the_product() -> None:
    originals = (extract_pool.extract_page, reading.parse_feed, vars(Store)["articles"])
    recorder = Recorder()
    try:
        probe.install_timers(recorder)
        assert update_run.queue is not queue  # the main loop's queue is the timed one
        finished = update_run.queue.SimpleQueue()
        finished.put("page")
        assert finished.get(timeout=1) == "page"
        with pytest.raises(HookError, match="extract_page"):
            recorder.check_hooks()  # nothing ran yet but the queue
    finally:
        recorder.unpatch()
    assert update_run.queue is queue
    assert (extract_pool.extract_page, reading.parse_feed, vars(Store)["articles"]) == originals
    assert recorder.hook_calls[f"{probe.__name__}._FinishedQueue.get"] == 1
