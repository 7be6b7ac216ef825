"""``media-monitor worker --stage collect|translate``: one stage of a team's pipeline, run
on any machine that reaches the shared store (see :mod:`monitor.workers`).

Start as many as the machines allow; each prints a line per thing done ("collected source
3: 12 new, ok", "translated article 17") and stops on Ctrl+C or SIGTERM after its job in
hand. The timing options are for tests and unusual networks, and are not listed in
``--help``.

The parser half names the handler; the handler imports the core when it runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from monitor.cli.arguments import WholeNumber

if TYPE_CHECKING:
    from monitor.app import Monitor

_threads = WholeNumber("threads", 1, 256)
_seconds = WholeNumber("seconds", 1, 59)
_long_seconds = WholeNumber("seconds", 1, 86_400)


def add_worker_command(commands: Any) -> None:
    worker = commands.add_parser(
        "worker",
        help="run collection or translation jobs for a team's shared store",
        description="Run jobs of one stage from the shared store's queue until stopped "
        "(Ctrl+C or SIGTERM). Needs a shared store (--store postgresql://…). Run many, on "
        "many machines: each job is done once, and a worker killed mid-job has its job "
        "done by another after a minute.",
    )
    worker.add_argument("--stage", choices=("collect", "translate"), required=True)
    worker.add_argument(
        "--threads",
        type=_threads,
        help="translation threads of this worker (default: the settings', else every core)",
    )
    worker.add_argument("--plan-every", type=_seconds, default=15, help=argparse.SUPPRESS)
    worker.add_argument("--heartbeat", type=_long_seconds, default=10, help=argparse.SUPPRESS)
    worker.add_argument("--stalled-after", type=_long_seconds, default=60, help=argparse.SUPPRESS)
    worker.set_defaults(run=run_worker_command)

    queue = commands.add_parser(
        "queue",
        help="what a team's workers are doing: jobs waiting, running and failed",
        description="Which stages have workers running on the shared store, the jobs waiting, "
        "running and failed in each queue (translation has one a language), and the articles "
        "waiting for translation.",
    )
    queue.add_argument("--json", action="store_true", help="JSON output")
    queue.set_defaults(run=run_queue_command)


def run_worker_command(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.errors import ConfigError
    from monitor.workers import WorkerTiming, run_worker

    try:
        timing = WorkerTiming(args.plan_every, args.heartbeat, args.stalled_after)
    except ValueError as error:
        raise ConfigError(f"worker timing: {error}") from error

    def say(line: str) -> None:
        print(line, flush=True)

    run_worker(monitor, args.stage, say=say, timing=timing, threads=args.threads)
    return 0


def run_queue_command(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json
    from monitor.errors import ConfigError
    from monitor.workers.status import queue_report

    address = monitor.shared_store
    if address is None:
        raise ConfigError("the job queue is a team's shared store's: give --store postgresql://…")
    report = queue_report(address)
    waiting = monitor.waiting_by_language()
    if args.json:
        print_json(
            {
                "running_stages": sorted(report.running_stages),
                "queues": [
                    {
                        "queue": q.name,
                        "waiting": q.waiting,
                        "running": q.running,
                        "failed": q.failed,
                    }
                    for q in report.queues
                ],
                "waiting_for_translation": {
                    language or "unknown": count for language, count in waiting.items()
                },
            }
        )
        return 0
    stages = ", ".join(sorted(report.running_stages)) or "none"
    print(f"Workers running: {stages}")
    if not report.made:
        print("No worker has run on this store yet.")
    elif report.queues:
        width = max(len("queue"), *(len(q.name) for q in report.queues))
        print(f"{'queue':<{width}}  waiting  running  failed")
        for q in report.queues:
            print(f"{q.name:<{width}}  {q.waiting:>7}  {q.running:>7}  {q.failed:>6}")
    else:
        print("No jobs waiting or running.")
    if waiting:
        counts = ", ".join(
            f"{language or 'unknown'} {count}"
            for language, count in sorted(waiting.items(), key=lambda item: str(item[0]))
        )
        print(f"Articles waiting for translation: {counts}")
    return 0


__all__ = ["add_worker_command", "run_queue_command", "run_worker_command"]
