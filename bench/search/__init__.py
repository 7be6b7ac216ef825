"""The search benchmark: bulk indexing, commits and query latency (see
:mod:`bench.search.benchmark`)."""
