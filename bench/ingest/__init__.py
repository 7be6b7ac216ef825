"""The ingest benchmark: articles per second from feeds to the search index (see
:mod:`bench.ingest.benchmark`). Its child processes are the site and the probe."""
