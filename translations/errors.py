"""The translation engine's exceptions: one tree rooted in :class:`TranslationError`.

::

    TranslationError
    ├── PackageError          a package file or folder cannot be used
    │   ├── InvalidPackage    not a valid .argosmodel (bad zip, no metadata, symlink, too big…)
    │   └── PackageConflict   would overwrite a different installed package
    ├── NoRouteError          no installed package (or pair of packages) for this language pair
    ├── ModelLoadError        an installed model is damaged (e.g. a truncated model.bin)
    └── PackageIndexError     the online package index cannot be reached or read

    Cancelled                 not an error: the caller's cancel flag stopped the work
"""

from __future__ import annotations


class TranslationError(Exception):
    """Base of every error the engine raises on purpose. ``str(error)`` is the user message."""


class Cancelled(Exception):
    """The caller set its cancel flag; what was translated so far is kept in the cache."""


class PackageError(TranslationError):
    pass


class InvalidPackage(PackageError):
    pass


class PackageConflict(PackageError):
    pass


class NoRouteError(TranslationError):
    def __init__(self, from_code: str, to_code: str) -> None:
        super().__init__(
            f"no {from_code}→{to_code} model installed; install one with "
            f"`media-monitor models install FILE.argosmodel` (or `models download "
            f"{from_code} {to_code}` when online)"
        )
        self.from_code = from_code
        self.to_code = to_code


class ModelLoadError(TranslationError):
    pass


class PackageIndexError(TranslationError):
    pass
