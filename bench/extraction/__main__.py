"""``python -m bench.extraction [--corpus DIR] [--verbose]``: extraction quality."""

from bench.extraction.evaluate import main

main()
