"""Run the workers benchmark alone: ``python -m bench.workers [--quick] [--sizes N]``."""

from bench.common.settings import run_alone
from bench.workers.benchmark import run

run_alone(run, "workers")
