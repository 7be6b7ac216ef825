"""What the benchmarks share: settings, paths, the corpus, the news site, child processes,
and the sections of RESULTS.md."""
