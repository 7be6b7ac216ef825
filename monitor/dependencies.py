"""The Python packages the core's stages cannot work without, checked before the work starts.

A package missing from an install (a pip that did not resolve an extra, a hand-made venv) must
never look like a property of the data: without ``lxml_html_clean`` every page would be stored
as "no article text", and without the pymorphy3 dictionaries every Ukrainian article would fail
detection one by one. So each stage asks :func:`require` first, and the whole update stops with
one :class:`MissingDependency` naming the package and the command that installs it.

Two strengths: :func:`missing` only looks the modules up (a few milliseconds, for the app's
start), :func:`require` imports them (what an update does anyway with its first page).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from monitor.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Requirement:
    """A module the code imports, the distribution pip installs it from, and what it is for."""

    module: str
    distribution: str
    needed_for: str


_PAGES = "reading web pages"
_LANGUAGE = "telling Russian from Ukrainian"

EXTRACTION: tuple[Requirement, ...] = (
    Requirement("lxml", "lxml", _PAGES),
    # Since lxml 5.2 lxml.html.clean is a package of its own, which trafilatura and jusText
    # import; a pip that does not resolve their lxml[html_clean] extra leaves it out.
    Requirement("lxml_html_clean", "lxml_html_clean", _PAGES),
    Requirement("trafilatura", "trafilatura", _PAGES),
    Requirement("htmldate", "htmldate", "reading the dates of web pages"),
    Requirement("justext", "jusText", _PAGES),
)
LANGUAGE: tuple[Requirement, ...] = (
    Requirement("justext", "jusText", _LANGUAGE),  # its stop lists are our word lists
    Requirement("pymorphy3", "pymorphy3", _LANGUAGE),
    Requirement("pymorphy3_dicts_ru", "pymorphy3-dicts-ru", _LANGUAGE),
    Requirement("pymorphy3_dicts_uk", "pymorphy3-dicts-uk", _LANGUAGE),
    Requirement("langdetect", "langdetect", "detecting languages in Latin script"),
)
TRANSLATION: tuple[Requirement, ...] = (
    Requirement("ctranslate2", "ctranslate2", "translating"),
    Requirement("sentencepiece", "sentencepiece", "translating"),
)
SEARCH: tuple[Requirement, ...] = (
    Requirement("whoosh", "whoosh-reloaded", "searching"),
    Requirement("Stemmer", "PyStemmer", "searching"),
)
COLLECTION = EXTRACTION + LANGUAGE
EVERYTHING = COLLECTION + TRANSLATION + SEARCH

_loaded: set[str] = set()
_loaded_lock = threading.Lock()


class MissingDependency(ConfigError):
    """Part of the install is missing or broken. ``requirements`` are the packages at fault."""

    def __init__(self, problems: Sequence[tuple[Requirement, str]]) -> None:
        self.requirements = tuple(dict.fromkeys(r for r, _ in problems))
        purposes = ", ".join(dict.fromkeys(r.needed_for for r in self.requirements))
        reasons = "; ".join(dict.fromkeys(reason for _, reason in problems))
        distributions = " ".join(dict.fromkeys(r.distribution for r in self.requirements))
        super().__init__(
            f"the install is incomplete: {purposes} needs {_names(self.requirements)} "
            f"({reasons}); install it with `{sys.executable} -m pip install {distributions}` "
            "or run scripts/install --force"
        )


def _names(requirements: Sequence[Requirement]) -> str:
    names = [r.distribution for r in requirements]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def missing(requirements: Iterable[Requirement] = EVERYTHING) -> list[Requirement]:
    """The requirements whose module cannot be found (without importing anything)."""
    absent = []
    for requirement in dict.fromkeys(requirements):
        try:
            found = importlib.util.find_spec(requirement.module) is not None
        except (ImportError, ValueError):  # ValueError: blocked in sys.modules
            found = False
        if not found:
            absent.append(requirement)
    return absent


def install_problem(requirements: Iterable[Requirement] = EVERYTHING) -> MissingDependency | None:
    """What is missing from the install, as the error an update would raise; cheap enough for
    the app's start (nothing is imported)."""
    absent = missing(requirements)
    return MissingDependency([(r, "not installed") for r in absent]) if absent else None


def require(requirements: Iterable[Requirement]) -> None:
    """Import every module of ``requirements`` (once per process); raise
    :class:`MissingDependency` naming the packages at fault.

    Packages that are not installed at all are named first and alone: an installed package
    that fails to import because it needs one of them (trafilatura without lxml_html_clean) is
    not at fault.
    """
    wanted = [r for r in dict.fromkeys(requirements) if r.module not in _loaded]
    absent = missing(wanted)
    if absent:
        raise MissingDependency([(r, "not installed") for r in absent])
    problems: list[tuple[Requirement, str]] = []
    for requirement in wanted:
        try:
            importlib.import_module(requirement.module)
        except ImportError as error:
            problems.append((requirement, _import_reason(error)))
        except OSError as error:  # a compiled module whose system library is missing
            problems.append((requirement, str(error)))
        else:
            with _loaded_lock:
                _loaded.add(requirement.module)
    if problems:
        raise MissingDependency(problems)


def missing_module(error: ImportError) -> MissingDependency:
    """The :class:`MissingDependency` for an import that failed deep inside a library: the
    packages that are not installed if there are any, else the module that failed."""
    absent = missing(EVERYTHING)
    if absent:
        return MissingDependency([(r, "not installed") for r in absent])
    name = (error.name or "").split(".")[0] or "?"
    known = {r.module: r for r in EVERYTHING}
    requirement = known.get(name) or Requirement(name, name, "this step")
    return MissingDependency([(requirement, _import_reason(error))])


def _import_reason(error: ImportError) -> str:
    if error.name and isinstance(error, ModuleNotFoundError):
        return f"no module named {error.name}"
    return str(error).splitlines()[0] if str(error) else type(error).__name__
