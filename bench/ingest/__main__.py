"""``python -m bench.ingest [--quick] [--sizes …]``: the ingest benchmark alone."""

from bench.common.settings import run_alone
from bench.ingest.benchmark import run

run_alone(run, "ingest")
