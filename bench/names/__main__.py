"""``python -m bench.names``: the cross-script name search benchmark alone."""

from bench.common.settings import run_alone
from bench.names.benchmark import run

run_alone(run, "names")
