"""White-box access for tests of the core: the parts behind a :class:`~monitor.app.Monitor`.

Callers of the core use only the Monitor's methods; tests that check what the store or the
index hold (raw pages, states, change log, document counts) look behind the door here, in
one place, rather than each reaching for a private attribute.
"""

from __future__ import annotations

from monitor.app import Monitor
from monitor.parts import Parts


def parts(monitor: Monitor) -> Parts:
    return monitor._parts
