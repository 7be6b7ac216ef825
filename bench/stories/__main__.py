"""Run the stories benchmark alone: ``python -m bench.stories [--quick]``."""

from bench.common.settings import run_alone
from bench.stories.benchmark import run

run_alone(run, "stories")
