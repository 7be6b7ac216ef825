"""``python -m bench.names_cost [--quick] [--sizes N]``: the sound-field cost benchmark alone."""

from bench.common.settings import run_alone
from bench.names_cost.benchmark import run

run_alone(run, "names_cost")
