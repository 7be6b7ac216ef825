"""``python -m bench.extraction [--corpus DIR] [--verbose] [--only-default] [--against REV]``:
extraction quality."""

from bench.extraction.evaluate import main

main()
