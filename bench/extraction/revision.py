"""One module of the app as it was at another git revision, to measure before against after.

``git show REV:PATH`` is read and run as a module of its own (nothing in the working tree is
touched), so ``--against 7c6512e`` measures the extractor or decoder of that commit beside the
current one. It works for a module that is one file at that revision and imports only what
still exists; otherwise the error says so.
"""

from __future__ import annotations

import re
import subprocess
import sys
from types import ModuleType

from bench.common.paths import ROOT


class RevisionError(Exception):
    """The module could not be read or run as it was at that revision."""


def module_at(revision: str, path: str) -> ModuleType:
    """The module at ``path`` (relative to the repository) as it was at ``revision``."""
    shown = subprocess.run(
        ["git", "show", f"{revision}:{path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        raise RevisionError(f"{path} is not a file at {revision}: {shown.stderr.strip()}")
    name = "_" + re.sub(r"\W", "_", f"{revision}_{path}")
    module = ModuleType(name)
    module.__file__ = f"{revision}:{path}"
    sys.modules[name] = module  # dataclasses look their class's module up by name
    try:
        exec(compile(shown.stdout, module.__file__, "exec"), module.__dict__)
    except Exception as error:  # an import that no longer exists, a syntax of its time
        del sys.modules[name]
        raise RevisionError(f"{path} at {revision} does not run here: {error!r}") from error
    return module
