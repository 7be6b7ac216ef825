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
from typing import Any, NoReturn

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

    A command made with ``free_text=True`` takes its positional words as text (a search
    query): a word that starts with "-" and is none of the command's options is a word of the
    text, so ``search -satellite`` searches for articles without "satellite" (the query
    language's NOT) rather than failing on an unknown option.
    """

    def __init__(self, *args: Any, free_text: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.free_text = free_text

    def error(self, message: str) -> NoReturn:
        self.exit(1, one_line(f"{PROGRAM}: {message} (see {self.prog} --help)") + "\n")

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        arguments = list(sys.argv[1:] if args is None else args)
        for position, argument in enumerate(arguments, start=1):
            problem = _text_problem(argument)
            if problem:
                self.error(f"argument {position} ({shown(argument)}) {problem}")
        parsed, extras = self.parse_known_args(self._text_after_options(arguments), namespace)
        command_prog = vars(parsed).pop(_COMMAND_PROG, self.prog)
        if extras:  # said here, not by argparse, to name the command they were given to
            words = " ".join(shown(word) for word in extras[:5])
            self.exit(
                1, one_line(f"{PROGRAM}: unexpected {words} (see {command_prog} --help)") + "\n"
            )
        return parsed

    def _text_after_options(self, arguments: list[str]) -> list[str]:
        """``arguments`` with the words of a free-text command moved after ``--`` (its options
        first, in their order), so argparse reads none of the words as an option."""
        if self.free_text:
            return self._split_text(arguments)
        commands = next(
            (a for a in self._actions if isinstance(a, argparse._SubParsersAction)), None
        )
        index = 0
        while commands is not None and index < len(arguments):
            argument = arguments[index]
            if argument == "--":
                break
            if argument.startswith("-"):
                index += 1 + self._values_after(argument)
                continue
            command = commands.choices.get(argument)
            if isinstance(command, Parser):
                rest = command._text_after_options(arguments[index + 1 :])
                return [*arguments[: index + 1], *rest]
            break
        return arguments

    def _split_text(self, arguments: list[str]) -> list[str]:
        options: list[str] = []
        words: list[str] = []
        index = 0
        while index < len(arguments):
            argument = arguments[index]
            if argument == "--":
                words += arguments[index + 1 :]
                break
            if argument.startswith("--") or self._option(argument) is not None:
                taken = 1 + self._values_after(argument)
                options += arguments[index : index + taken]
                index += taken
                continue
            words.append(argument)
            index += 1
        return [*options, "--", *words] if words else options

    def _option(self, argument: str) -> argparse.Action | None:
        """The option ``argument`` names (``--lim`` for ``--limit``, as argparse allows)."""
        name = argument.split("=", 1)[0]
        if name in self._option_string_actions:
            return self._option_string_actions[name]
        if name.startswith("--") and self.allow_abbrev:
            found = {a for o, a in self._option_string_actions.items() if o.startswith(name)}
            if len(found) == 1:
                return found.pop()
        return None

    def _values_after(self, argument: str) -> int:
        """How many of the following arguments the option ``argument`` takes as its values."""
        action = self._option(argument)
        if action is None or "=" in argument:
            return 0
        if action.nargs is None:
            return 1
        return action.nargs if isinstance(action.nargs, int) else 0

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
