"""``python -m bench.encoding [--verbose] [--against REV]``: documents decoded in the wrong
script."""

from bench.encoding.evaluate import main

main()
