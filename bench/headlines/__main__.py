"""Run the headlines benchmark alone: ``python -m bench.headlines [--quick] [--sizes N]``."""

from bench.common.settings import run_alone
from bench.headlines.benchmark import run

run_alone(run, "headlines")
