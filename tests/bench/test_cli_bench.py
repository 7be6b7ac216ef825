"""Smoke test of the fast-commands benchmark: a quick run, checked outputs, sane numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cli import benchmark as cli_bench
from bench.common.children import child_env
from bench.common.settings import Settings


def test_quick_run_times_every_command_and_the_window_close(tmp_path: Path):
    logged: list[str] = []

    section = cli_bench.run(Settings(quick=True, workdir=tmp_path, log=logged.append))

    for label in ("--version", "--help", "articles list", "sources list", "search спутник"):
        assert f"| `{label}` | 3 |" in section
    assert f"| `{cli_bench.CLOSE}` | 3 |" in section
    assert f"| `{cli_bench.CLOSE_AFTER_LOAD}` | 3 |" in section
    assert "demo collection (" in section and "round 3/3 done" in logged[-1]


def test_a_wrong_output_is_refused_before_it_is_timed(tmp_path: Path):
    env = child_env(tmp_path) | {"MEDIA_MONITOR_HOME": str(tmp_path / "empty")}
    [_, _, articles, *_] = cli_bench.commands(article_count=3)

    with pytest.raises(RuntimeError, match="0 articles listed, the demo has 3"):
        cli_bench.time_command(articles, env)
