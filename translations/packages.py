"""Installed Argos packages: listing, validating, installing atomically, removing.

We do not use ``argostranslate.package.install_from_path``: it extracts any zip as is, so a
folder without ``metadata.json`` breaks the listing of every package, a zip may overwrite
another package, and there is no size limit. Here every archive is checked before anything
touches the packages folder (in bounded memory: see :mod:`translations.archives`),
extracted into a temporary folder beside it, loaded there and made to translate a probe
sentence, and only then renamed into place: a package that does not load (a truncated
``model.bin``) never replaces the one that works. A broken installed package is reported
and skipped while the others keep working.
"""

from __future__ import annotations

import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from translations.archives import ZipLimits, check_members, load_json, open_zip, read_member
from translations.errors import InvalidPackage, PackageConflict, PackageError, TranslationError
from translations.types import InstallReport, PackageInfo, PackageProblem, Route

MAX_PACKAGE_BYTES = 3 * 1024**3  # uncompressed; real packages are 100-900 MB
MAX_MEMBERS = 20_000
MAX_METADATA_BYTES = 256 * 1024  # real ones are under 2 KB
# What a new package must translate in its staging folder before it replaces anything.
PROBE_SENTENCE = "The minister said on Monday that the talks would go on."
PACKAGE_SUFFIX = ".argosmodel"
_CODE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z]{2,4})?$")
_TOKENIZERS = ("sentencepiece.model", "bpe.model")
# What reading a damaged or exotic zip can raise besides BadZipFile: corrupt deflate data
# (zlib.error), unsupported compression (NotImplementedError), encrypted members
# (RuntimeError), and garbage in the headers (EOFError, ValueError, struct.error).
_ZIP_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    EOFError,
    ValueError,
    struct.error,
)


@dataclass(frozen=True, slots=True)
class _Checked:
    top: str
    metadata: dict[str, Any]
    size: int


class PackageFolder:
    """The folder that holds installed packages, one sub-folder each."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def installed(self) -> tuple[list[PackageInfo], list[PackageProblem]]:
        """Usable packages, and the folders that are not (with the reason)."""
        packages: list[PackageInfo] = []
        problems: list[PackageProblem] = []
        if not self.root.is_dir():
            return packages, problems
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            try:
                packages.append(read_package(folder))
            except PackageError as error:
                problems.append(PackageProblem(folder, str(error)))
            except OSError as error:
                problems.append(PackageProblem(folder, f"cannot read {folder}: {error}"))
        return packages, problems

    def install_file(self, archive: Path) -> PackageInfo:
        """Validate ``archive`` and install it; an upgrade of the same pair replaces the old."""
        checked = check_archive(archive)
        from_code, to_code = checked.metadata["from_code"], checked.metadata["to_code"]
        target = self.root / checked.top
        installed, _ = self.installed()
        same_pair = [p for p in installed if (p.from_code, p.to_code) == (from_code, to_code)]
        if target.exists() and not any(p.path == target for p in same_pair):
            other = next((p for p in installed if p.path == target), None)
            what = f"the {other.pair} package" if other else "a folder that is not a usable package"
            raise PackageConflict(
                f"{archive.name} ({from_code}→{to_code}) would overwrite {checked.top}, "
                f"which is {what}; remove it first if that is intended"
            )
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=self.root))
        except OSError as error:
            raise PackageError(f"cannot write to the models folder {self.root}: {error}") from error
        # The archive goes into its own sub-folder so its top folder can never collide with
        # the one holding the packages it replaces (a package may be named anything).
        unpacked = staging / "new"
        graveyard = staging / "replaced"
        try:
            _extract(archive, unpacked, checked.size)
            fresh = read_package(unpacked / checked.top)  # what we extracted is what we checked
            _prove_it_translates(fresh, unpacked, archive.name, same_pair)
            graveyard.mkdir()
            for old in same_pair:
                old.path.rename(graveyard / old.path.name)
            (unpacked / checked.top).rename(target)
        except OSError as error:
            _restore(graveyard, self.root)
            raise PackageError(f"cannot install {archive.name}: {error}") from error
        except BaseException:
            _restore(graveyard, self.root)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return read_package(target)

    def recover(self) -> None:
        """Finish what a killed install or removal left: put replaced packages back, tidy up."""
        if not self.root.is_dir():
            return
        for leftover in self.root.iterdir():
            if leftover.name.startswith(".installing-"):
                _restore(leftover / "replaced", self.root)
            if leftover.name.startswith((".installing-", ".removing-")):
                shutil.rmtree(leftover, ignore_errors=True)

    def install_many(self, paths: Iterable[Path]) -> InstallReport:
        """Install every ``.argosmodel`` given or found in given folders (the USB-stick path)."""
        installed: list[PackageInfo] = []
        refused: list[PackageProblem] = []
        for path in paths:
            archives = sorted(path.glob(f"*{PACKAGE_SUFFIX}")) if path.is_dir() else [path]
            if path.is_dir() and not archives:
                refused.append(PackageProblem(path, f"no {PACKAGE_SUFFIX} files in this folder"))
            for archive in archives:
                try:
                    installed.append(self.install_file(archive))
                except PackageError as error:
                    refused.append(PackageProblem(archive, str(error)))
        return InstallReport(tuple(installed), tuple(refused))

    def remove(self, name: str) -> PackageInfo:
        """Remove a package by folder name or by pair ("ru-en", "ru_en", "ru→en").

        A broken package (listed under problems) can be removed by its folder name; what is
        returned for it then carries whatever its metadata still says ("?" when unreadable).
        """
        installed, problems = self.installed()
        wanted = name.strip().casefold()
        for package in installed:
            pairs = {f"{package.from_code}{sep}{package.to_code}".casefold() for sep in _SEPS}
            if package.name == name or wanted in pairs:
                self._delete(package.path)
                return package
        for problem in problems:
            if problem.path.name == name:
                broken = _describe_broken(problem.path)
                self._delete(problem.path)
                return broken
        names = ", ".join(p.name for p in installed) or "none"
        raise PackageError(f"no installed package named {name!r} (installed: {names})")

    def _delete(self, folder: Path) -> None:
        try:
            trash = Path(tempfile.mkdtemp(prefix=".removing-", dir=self.root))
            folder.rename(trash / folder.name)  # atomic: gone or still whole
        except OSError as error:
            raise PackageError(f"cannot remove {folder}: {error}") from error
        shutil.rmtree(trash, ignore_errors=True)


_SEPS = ("-", "_", "→", "->", ">", " ")


def _describe_broken(folder: Path) -> PackageInfo:
    """A broken package's description, as far as its metadata can still be read."""
    try:
        metadata: dict[str, Any] = _read_json(folder / "metadata.json", folder.name)
    except PackageError:
        metadata = {}
    return PackageInfo(
        name=folder.name,
        from_code=str(metadata.get("from_code") or "?"),
        to_code=str(metadata.get("to_code") or "?"),
        version=str(metadata.get("package_version") or "?"),
        path=folder,
        size_bytes=0,
    )


def read_package(folder: Path) -> PackageInfo:
    """An installed package's description, or :class:`InvalidPackage` saying what is wrong."""
    metadata = _validate_metadata(_read_json(folder / "metadata.json", folder.name), folder.name)
    model = folder / "model" / "model.bin"
    if not model.is_file() or model.stat().st_size == 0:
        raise InvalidPackage(f"package {folder.name} has no model (model/model.bin is missing)")
    if not any((folder / name).is_file() for name in _TOKENIZERS):
        raise InvalidPackage(f"package {folder.name} has no tokenizer (sentencepiece.model)")
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return PackageInfo(
        name=folder.name,
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        version=str(metadata.get("package_version", "1.0")),
        path=folder,
        size_bytes=size,
        from_name=str(metadata.get("from_name", "")),
        to_name=str(metadata.get("to_name", "")),
    )


def _check_regular_file(archive: Path, label: str) -> None:
    """Refuse, without opening it, what is not a package file: a device (``/dev/zero``) would
    be read until memory runs out, and a named pipe waits for a writer forever."""
    try:
        status = archive.stat()
    except OSError as error:
        raise InvalidPackage(f"cannot read {label}: {error.strerror or error}") from error
    if not stat.S_ISREG(status.st_mode):
        raise InvalidPackage(f"{label} is not a regular file (a device or a pipe); refused")
    if status.st_size > MAX_PACKAGE_BYTES:
        raise InvalidPackage(f"{label} is {_human(status.st_size)}, too large for a package")


def _limits() -> ZipLimits:
    # Read when used, so that a test may lower the module's caps.
    return ZipLimits(MAX_MEMBERS, MAX_PACKAGE_BYTES, "a package")


def check_archive(archive: Path) -> _Checked:
    """Everything that can be known about a package before extracting a byte of it."""
    label = archive.name
    _check_regular_file(archive, label)
    try:
        with open_zip(archive, label, _limits(), InvalidPackage) as bundle:
            members = bundle.infolist()
            tops = {_member_path(member, label).parts[0] for member in members}
            if len(tops) != 1:
                raise InvalidPackage(
                    f"{label} must hold exactly one top folder, not {len(tops)} "
                    f"({', '.join(sorted(tops)[:4])})"
                )
            top = tops.pop()
            if top.startswith("."):
                # Hidden folders are never listed, and .installing-* is our own staging.
                raise InvalidPackage(f"{label} has a hidden top folder {top!r}; refused")
            size = check_members(members, label, _limits(), InvalidPackage)
            names = {member.filename.rstrip("/") for member in members}
            if f"{top}/metadata.json" not in names:
                raise InvalidPackage(f"{label} has no metadata.json in its top folder {top}")
            if f"{top}/model/model.bin" not in names:
                raise InvalidPackage(f"{label} has no model (model/model.bin)")
            if not any(f"{top}/{name}" in names for name in _TOKENIZERS):
                raise InvalidPackage(f"{label} has no tokenizer (sentencepiece.model)")
            raw = read_member(
                bundle, f"{top}/metadata.json", MAX_METADATA_BYTES, label, InvalidPackage
            )
    except zipfile.BadZipFile as error:
        raise InvalidPackage(f"{label} is not a valid .argosmodel (a zip file): {error}") from error
    except OSError as error:
        raise InvalidPackage(f"cannot read {archive}: {error.strerror or error}") from error
    except _ZIP_DAMAGE as error:
        raise InvalidPackage(f"{label} is damaged and cannot be read: {error}") from error
    metadata = _validate_metadata(_parse_json(raw, label), label)
    return _Checked(top, metadata, size)


def _member_path(member: zipfile.ZipInfo, label: str) -> PurePosixPath:
    name = member.filename
    path = PurePosixPath(name)
    if (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or ":" in path.parts[0]
        or ".." in path.parts
    ):
        raise InvalidPackage(f"{label} contains an unsafe file name: {name!r}")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise InvalidPackage(f"{label} contains a symbolic link ({name}); packages may not")
    return path


def _extract(archive: Path, destination: Path, budget: int) -> None:
    """Extract, never writing more than the sizes the archive declared (a lying zip bomb)."""
    written = 0
    try:
        with open_zip(archive, archive.name, _limits(), InvalidPackage) as bundle:
            for member in bundle.infolist():
                target = destination / member.filename
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, target.open("wb") as sink:
                    while chunk := source.read(1024 * 1024):
                        written += len(chunk)
                        if written > budget:
                            raise InvalidPackage(
                                f"{archive.name} unpacks to more than it declares; refused"
                            )
                        sink.write(chunk)
    except OSError as error:
        raise PackageError(f"cannot install {archive.name}: {error}") from error
    except _ZIP_DAMAGE as error:
        raise InvalidPackage(f"{archive.name} is damaged: {error}") from error


def _prove_it_translates(
    package: PackageInfo, staging: Path, label: str, replaces: list[PackageInfo]
) -> None:
    """Load ``package`` where it was unpacked and translate :data:`PROBE_SENTENCE` through
    the engine, the very path every later translation takes; :class:`InvalidPackage` if
    that fails, before any installed package has been touched."""
    from translations.engine import Engine  # the engine lists packages with this module

    engine = Engine(PackageFolder(staging), max_loaded=1)
    route = Route(package.from_code, package.to_code, (package,))
    try:
        [(translation, _)] = engine.translate(route, [PROBE_SENTENCE])
        if not translation.strip():
            raise TranslationError("it translates a sentence into nothing")
    except Exception as error:  # whatever a foreign model makes the engine raise, it fails
        reason = " ".join(str(error.__cause__ or error).split())[:300]
        kept = (
            f"the installed {replaces[0].pair} package {replaces[0].name} was kept"
            if replaces
            else "nothing was installed"
        )
        raise InvalidPackage(f"{label} does not load: {reason}; {kept}") from error
    finally:
        engine.forget()


def _restore(graveyard: Path, root: Path) -> None:
    """Put back packages moved aside when the install fails halfway."""
    if graveyard.is_dir():
        for old in graveyard.iterdir():
            if not (root / old.name).exists():
                old.rename(root / old.name)


def _read_json(path: Path, label: str) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_METADATA_BYTES + 1)
    except FileNotFoundError as error:
        raise InvalidPackage(f"package {label} has no metadata.json") from error
    except OSError as error:
        raise InvalidPackage(f"cannot read {path}: {error.strerror}") from error
    return _parse_json(raw, label)


def _parse_json(raw: bytes, label: str) -> dict[str, Any]:
    if len(raw) > MAX_METADATA_BYTES:
        raise InvalidPackage(f"{label}: metadata.json is larger than any real one; refused")
    try:
        value = load_json(raw, "utf-8-sig")
    except ValueError as error:  # also UnicodeDecodeError, JSONDecodeError, deep nesting
        raise InvalidPackage(f"{label}: metadata.json is not valid JSON ({error})") from error
    if not isinstance(value, dict):
        raise InvalidPackage(f"{label}: metadata.json must be a JSON object")
    return value


def _human(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.1f} MB"


def is_language_code(value: object) -> bool:
    """Whether ``value`` looks like a language code Argos uses ("ru", "zh", "pt-BR", "zt")."""
    return isinstance(value, str) and _CODE.fullmatch(value) is not None


def _validate_metadata(metadata: dict[str, Any], label: str) -> dict[str, Any]:
    kind = metadata.get("type", "translate")
    if kind != "translate":
        raise InvalidPackage(f"{label} is a {kind!r} package, not a translation package")
    for key in ("from_code", "to_code"):
        code = metadata.get(key)
        if not is_language_code(code):
            raise InvalidPackage(f"{label}: metadata.json has no valid {key} (got {code!r})")
    if metadata["from_code"] == metadata["to_code"]:
        raise InvalidPackage(f"{label}: translates {metadata['from_code']} into itself")
    return metadata
