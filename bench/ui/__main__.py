"""``python -m bench.ui [--quick] [--sizes 100,300]``: the UI benchmark alone."""

from bench.common.settings import run_alone
from bench.ui.benchmark import run

run_alone(run, "ui")
