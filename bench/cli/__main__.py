"""``python -m bench.cli [--quick]``: the fast-commands benchmark alone."""

from bench.cli.benchmark import run
from bench.common.settings import run_alone

run_alone(run, "cli")
