"""The headlines benchmark on a tiny update with tiny real Argos packages: the work is
checked before any figure is reported, and a wrong run reports none."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common.results import BenchmarkFailed
from bench.headlines.benchmark import _check, _translate, report, store_articles
from bench.translation.workload import LANGUAGES
from monitor import open_monitor
from tests.support.argos_factory import build_package


def test_a_tiny_update_is_timed_checked_and_reported(tmp_path: Path) -> None:
    with open_monitor(tmp_path / "data") as monitor:
        monitor.install_models(
            [build_package(tmp_path / "stick", language, "en") for language in LANGUAGES]
        )
        ids = store_articles(monitor, 8, use_eval=False)
        timings = _translate(monitor, ids, budget=600.0)
        _check(monitor, ids, timings)
    assert timings.articles == 8 and timings.whole_done == 8
    # A title and at least one lead sentence for every article, and not the whole of any.
    assert 8 * 2 <= timings.headline_sentences < 8 * 20
    assert 0 < timings.headlines_s <= timings.indexed_s < timings.whole_all_s
    text = report(timings, quick=True, budget=600.0)
    assert "| everything, extrapolated at that rate |" in text


def test_an_update_left_untranslated_fails_without_a_figure(tmp_path: Path) -> None:
    with open_monitor(tmp_path / "data") as monitor:
        monitor.install_models([build_package(tmp_path / "stick", "ru", "en")])
        ids = store_articles(monitor, 8, use_eval=False)  # ko, zh and uk have no model
        with pytest.raises(BenchmarkFailed, match="not translated"):
            _translate(monitor, ids, budget=600.0)
