"""The fast-commands benchmark: how long the installed ``media-monitor`` takes to answer,
and to quit the window (see :mod:`bench.cli.benchmark`)."""
