"""The benchmarks: one package per benchmark, and :mod:`bench.common` for what they share.

``python -m bench.run`` runs them and records their sections in ``bench/RESULTS.md``;
``python -m bench.<name>`` runs one alone and prints its section (see the README).
"""
