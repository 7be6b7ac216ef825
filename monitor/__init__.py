"""Media Monitor's core: sources, fetching, parsing, extraction, language, store, pipeline, CLI.

Qt-free and synchronous. Build everything with :func:`monitor.app.open_monitor`
(also importable as ``monitor.open_monitor``; imported lazily so that importing a small
module such as ``monitor.types`` stays cheap).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from monitor.app import Monitor, open_monitor

__all__ = ["Monitor", "__version__", "open_monitor"]


def __getattr__(name: str) -> Any:
    if name in {"Monitor", "open_monitor"}:
        from monitor import app

        return getattr(app, name)
    raise AttributeError(f"module 'monitor' has no attribute {name!r}")
