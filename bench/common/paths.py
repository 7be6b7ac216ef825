"""Where the benchmarks find the repository, their cache and the evaluation corpus.

Nothing here is an absolute path: the repository is found from this file, and the held-out
evaluation corpus is looked for beside the repository (``<repo>/../shared/eval``) unless
:data:`EVAL_ENV` names another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / "bench" / ".cache"  # built indexes and data folders, kept between runs
EVAL_ENV = "MEDIA_MONITOR_EVAL_DIR"


def eval_dir() -> Path:
    """The evaluation corpus's folder (it may not exist: callers fall back or skip)."""
    configured = os.environ.get(EVAL_ENV)
    return Path(configured) if configured else ROOT.parent / "shared" / "eval"


def missing_eval_note() -> str | None:
    """A sentence for the log when the evaluation corpus is absent, else None."""
    folder = eval_dir()
    if folder.is_dir():
        return None
    return (
        f"no evaluation corpus at {folder} (set {EVAL_ENV} to its folder): the corpus uses "
        "its built-in vocabulary and the translation workload generated sentences"
    )


def folder_bytes(folder: Path) -> int:
    """Bytes of every file below ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
