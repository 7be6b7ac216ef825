"""The memory benchmark: peak RSS of the app with a large collection and a model loaded
(see :mod:`bench.memory.benchmark`). Its child process is the probe."""
