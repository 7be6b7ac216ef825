"""``python -m bench.memory [--quick] [--sizes 20000,100000] [--fresh]``: the memory
benchmark alone."""

from bench.common.settings import run_alone
from bench.memory.benchmark import run

run_alone(run, "memory")
