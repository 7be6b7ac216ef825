"""``python -m bench.realworld``: the real-world shapes benchmark alone."""

from bench.common.settings import run_alone
from bench.realworld.benchmark import run

run_alone(run, "realworld")
