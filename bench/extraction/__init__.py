"""Extraction quality against the held-out corpus (``python -m bench.extraction``): not a
speed benchmark, so not part of ``bench.run``."""
