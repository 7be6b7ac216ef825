"""Extraction quality against the held-out corpus and the project's own golden pages
(``python -m bench.extraction``): not a speed benchmark, so not part of ``bench.run``."""
