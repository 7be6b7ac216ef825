"""The UI responsiveness benchmark: cold start and event-loop lag during an update (see
:mod:`bench.ui.benchmark`). Its child process is the probe, which runs the real app."""
