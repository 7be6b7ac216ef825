"""``python -m bench.search [--quick] [--sizes …] [--fresh]``: the search benchmark alone."""

from bench.common.settings import run_alone
from bench.search.benchmark import run

run_alone(run, "search")
