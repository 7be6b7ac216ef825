"""How a parsed command line reaches the function that runs it.

Each subcommand's parser names its handler with ``set_defaults(run=…)``: a function that
takes the opened Monitor and the parsed arguments and returns the exit status, which
:func:`monitor.cli.main` calls. A handler whose module imports the core at its top is named
by :class:`Later` and imported only when its command runs, so that building the parser
(``--help``, ``--version``) imports none of the core.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.app import Monitor

Handler = Callable[["Monitor", argparse.Namespace], int]


class Later:
    """The handler ``function`` of ``module``, imported when the command runs."""

    __slots__ = ("function", "module")

    def __init__(self, module: str, function: str) -> None:
        self.module = module
        self.function = function

    def __call__(self, monitor: Monitor, args: argparse.Namespace) -> int:
        return self.resolve()(monitor, args)

    def resolve(self) -> Handler:
        handler: Handler = getattr(importlib.import_module(self.module), self.function)
        return handler

    def __repr__(self) -> str:
        return f"Later({self.module!r}, {self.function!r})"
