"""The real-world shapes benchmark runs and finds every shape read right."""

from __future__ import annotations

from pathlib import Path

from bench.common.settings import Settings
from bench.realworld.benchmark import date_scores, encoding_scores, opml_scores, run


def test_every_shape_is_read_right(tmp_path: Path) -> None:
    right, expected, wrong, refused, hostile = opml_scores()
    assert (right, wrong, refused) == (expected, 0, 0) and expected >= 70 and hostile >= 3
    dates_right, dates, mistakes = date_scores()
    assert dates_right == dates and mistakes == []
    titles_right, titles, recorded, repairs = encoding_scores()
    assert (titles_right, recorded) == (titles, repairs) and repairs > 0
    section = run(Settings(quick=True, workdir=tmp_path, log=lambda _: None))
    assert "| OPML exports: feeds imported | 70 | 70 |" in section
