"""Stage workers: collection and translation for a team's shared store, on many machines.

``media-monitor worker --stage collect|translate --store postgresql://…`` runs one stage.
The jobs are kept by procrastinate in the shared PostgreSQL store itself (its own
``procrastinate_*`` tables), so a team runs no broker beside the database it already has:

- a *collect* job reads one source and stores what is new; a periodic planning job defers
  one for every source that is due and has none waiting or running;
- a *translate* job translates some articles whole, their sentences batched together as an
  update's are; a periodic dispatch job gives every waiting article to exactly one job;
- a worker killed mid-job stops sending heartbeats; a periodic job of its stage gives the
  job back to the queue after ``stalled_after`` seconds, and another worker runs it. What
  the killed worker committed stays: the store skips articles translated since.

The periodic jobs are deferred once a tick by whichever workers are alive (procrastinate
keeps one per tick) and run one at a time (a lock), so planning never races itself.
"""

from monitor.workers.run import STAGES, run_worker
from monitor.workers.tasks import WorkerTiming

__all__ = ["STAGES", "WorkerTiming", "run_worker"]
