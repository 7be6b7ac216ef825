"""The command line's parser class and argument types: every mistake is one line and status 1.

argparse prints the usage and exits with status 2 on a mistake; :class:`Parser` says what
is wrong in one line, points at the command's ``--help`` and exits with status 1, like every
other error of ``media-monitor``. The numeric types refuse values SQLite cannot hold (ids are
64-bit integers) and counts no command can use (``--limit 0``), before any command runs.

This module imports argparse alone: ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

PROGRAM = "media-monitor"
LARGEST_ID = 2**63 - 1  # SQLite's INTEGER PRIMARY KEY is a signed 64-bit integer
_SHOWN_CHARACTERS = 40
_COMMAND_PROG = "_command_prog"  # the namespace attribute naming the command that was parsed


def one_line(text: str, *, limit: int = 1000) -> str:
    """``text`` fit for one line of a terminal: line breaks become spaces, control characters
    are escaped (a message may quote what a user or a server sent), and it is cut at ``limit``.
    """
    joined = " ".join(text.splitlines())
    safe = "".join(c if c.isprintable() else repr(c)[1:-1] for c in joined)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def shown(value: str) -> str:
    """A user's argument quoted in a message, shortened if long."""
    if len(value) > _SHOWN_CHARACTERS:
        value = value[: _SHOWN_CHARACTERS - 1] + "…"
    return repr(value)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit status 1.

    Subcommand parsers are of the same class (argparse makes them with ``type(self)``), so a
    mistake after ``media-monitor sources add`` points at that command's ``--help``.
    ``--help`` and ``--version`` still exit with status 0.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(1, one_line(f"{PROGRAM}: {message} (see {self.prog} --help)") + "\n")

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        for position, argument in enumerate(sys.argv[1:] if args is None else args, start=1):
            problem = _text_problem(argument)
            if problem:
                self.error(f"argument {position} ({shown(argument)}) {problem}")
        parsed, extras = self.parse_known_args(args, namespace)
        command_prog = vars(parsed).pop(_COMMAND_PROG, self.prog)
        if extras:  # said here, not by argparse, to name the command they were given to
            words = " ".join(shown(word) for word in extras[:5])
            self.exit(
                1, one_line(f"{PROGRAM}: unexpected {words} (see {command_prog} --help)") + "\n"
            )
        return parsed

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        # The innermost command's parser returns first, and its namespace is copied upwards.
        if not hasattr(parsed, _COMMAND_PROG):
            setattr(parsed, _COMMAND_PROG, self.prog)
        return parsed, extras


def _text_problem(argument: str) -> str | None:
    """Why an argument cannot be used as text, or ``None``.

    A shell cannot pass a NUL byte, but a caller in Python can; bytes that are not UTF-8 reach
    Python as lone surrogates, which SQLite and the terminal refuse to encode.
    """
    if "\x00" in argument:
        return "contains a NUL character"
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8 text (if it is a file name, rename the file)"
    return None


class WholeNumber:
    """An argparse type: a whole number from ``low`` to ``high``, else a message naming ``what``
    ("article id must be a whole number from 1 to 9223372036854775807, not '-5'").
    """

    def __init__(self, what: str, low: int, high: int) -> None:
        self.what, self.low, self.high = what, low, high

    def __call__(self, text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:  # not a number, or more digits than Python converts
            value = None
        if value is None or not self.low <= value <= self.high:
            raise argparse.ArgumentTypeError(
                f"{self.what} must be a whole number from {self.low} to {self.high}, "
                f"not {shown(text)}"
            )
        return value

    def __repr__(self) -> str:
        return f"WholeNumber({self.what!r}, {self.low}, {self.high})"


article_id = WholeNumber("article id", 1, LARGEST_ID)
source_id = WholeNumber("source id", 1, LARGEST_ID)


def calendar_day(text: str) -> date:
    """An argparse type: a day written as 2026-11-20."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a date like 2026-11-20") from None


def output_file(text: str) -> Path:
    """An argparse type: the path of a file to write, which must end in a file name."""
    if not text or text.endswith(("/", os.sep)) or Path(text).name in ("", ".", ".."):
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not a file name; give the path of the file to write"
        )
    return Path(text)
