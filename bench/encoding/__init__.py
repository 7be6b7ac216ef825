"""Encoding: documents of the held-out corpus and of the project's own corpus decoded in
the wrong script (``python -m bench.encoding``): a correctness measure, so not part of
``bench.run``."""
