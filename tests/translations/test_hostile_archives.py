"""Hostile packages: bounded memory while reading them, and no broken model over a good one.

Each archive differs from a genuine factory package in one way. The memory cases run the
install in a child interpreter (see :func:`tests.support.hostile_zips.measure`) and
hold its peak to 200 MB over what the imports took: before these bounds, the package whose
``metadata.json`` inflates to 1.5 GB took 2 GB and more (it hit the child's cap).
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.argos_factory import build_package
from tests.support.hostile_zips import (
    MB,
    Entry,
    bomb,
    entries_of,
    entry,
    measure,
    write_member_list,
    write_zip,
)
from translations import packages
from translations.engine import Engine
from translations.errors import InvalidPackage
from translations.packages import MAX_METADATA_BYTES, PackageFolder
from translations.types import Route

RU_TOP = "translate-ru_en-1_0"
NEWER_TOP = "translate-ru_en-1_1"
MEMORY_BUDGET_MB = 200


@pytest.fixture
def ru_entries(tmp_path: Path) -> list[Entry]:
    return entries_of(build_package(tmp_path / "downloads", "ru", "en"))


@pytest.fixture
def installed(tmp_path: Path) -> PackageFolder:
    """A models folder holding a working ru→en package, version 1.0."""
    folder = PackageFolder(tmp_path / "models")
    folder.install_file(build_package(tmp_path / "downloads", "ru", "en"))
    return folder


def _replaced(entries: list[Entry], name: str, new: Entry | None) -> list[Entry]:
    kept = [item for item in entries if item.name != name]
    return kept if new is None else [*kept, new]


def _still_translates(folder: PackageFolder) -> None:
    """The folder holds exactly the ru→en 1.0 package, and it translates."""
    installed, problems = folder.installed()
    assert [(p.name, p.version) for p in installed] == [(RU_TOP, "1.0")]
    assert problems == []
    assert sorted(p.name for p in folder.root.iterdir()) == [RU_TOP]
    route = Route("ru", "en", (installed[0],))
    assert Engine(folder).translate(route, ["Министр заявил."]) == [("Министр заявил.", False)]


# A model that does not load never replaces one that does ---------------------------------


def _newer(tmp_path: Path, models: Callable[[bytes], list[bytes]] | None = None) -> Path:
    """Version 1.1 of ru→en, with the model.bin entries ``models`` makes of the real one."""
    archive = build_package(tmp_path / "newer", "ru", "en", version="1.1")
    name = f"{NEWER_TOP}/model/model.bin"
    with zipfile.ZipFile(archive) as package:
        model = package.read(name)
    assert len(model) > 100_000
    entries = entries_of(archive)
    if models is not None:
        entries = _replaced(entries, name, None) + [entry(name, data) for data in models(model)]
    return write_zip(tmp_path / "newer.argosmodel", entries)


def test_an_upgrade_with_a_truncated_model_is_refused_and_the_old_one_keeps_translating(
    installed: PackageFolder, tmp_path: Path
) -> None:
    archive = _newer(tmp_path, lambda model: [model[: len(model) // 2]])
    with pytest.raises(
        InvalidPackage,
        match=rf"^newer\.argosmodel does not load: .+; the installed ru→en package {RU_TOP} "
        "was kept$",
    ):
        installed.install_file(archive)
    _still_translates(installed)


def test_a_model_of_garbage_is_refused_and_nothing_is_installed(
    tmp_path: Path,
) -> None:
    folder = PackageFolder(tmp_path / "models")
    archive = _newer(tmp_path, lambda model: [random.Random(7).randbytes(len(model))])
    with pytest.raises(InvalidPackage, match=r"does not load: .+; nothing was installed$"):
        folder.install_file(archive)
    assert folder.installed() == ([], [])
    assert list(folder.root.iterdir()) == []


def test_two_model_bin_entries_are_refused(installed: PackageFolder, tmp_path: Path) -> None:
    # Extracted in order, the second, truncated entry would be what lands on disk.
    archive = _newer(tmp_path, lambda model: [model, model[:1000]])
    with pytest.raises(InvalidPackage, match=r"holds 'translate-ru_en-1_1/model/model\.bin' twice"):
        installed.install_file(archive)
    _still_translates(installed)


@pytest.mark.parametrize(
    "other",
    [f"{RU_TOP}/Model/model.bin", f"{RU_TOP}/model/model.bin/", f"{RU_TOP}/model/MODEL.BIN"],
)
def test_names_one_file_system_would_take_for_one_file_are_duplicates(
    ru_entries: list[Entry], tmp_path: Path, other: str
) -> None:
    archive = write_zip(tmp_path / "twins.argosmodel", [*ru_entries, entry(other, b"x")])
    with pytest.raises(InvalidPackage, match="twice; refused"):
        PackageFolder(tmp_path / "models").install_file(archive)


def test_a_good_upgrade_still_replaces_the_old_version(
    installed: PackageFolder, tmp_path: Path
) -> None:
    upgraded = installed.install_file(_newer(tmp_path))
    assert [p.name for p in installed.installed()[0]] == [upgraded.name] == [NEWER_TOP]


# Bounded reading ------------------------------------------------------------------------


def test_metadata_is_read_with_a_bound(ru_entries: list[Entry], tmp_path: Path) -> None:
    # Under a megabyte, so no compression ratio gives it away: only the read's bound does.
    name = f"{RU_TOP}/metadata.json"
    padded = entry(name, b'{"from_code": "ru", "to_code": "en"}' + b" " * 900_000)
    archive = write_zip(tmp_path / "fat.argosmodel", _replaced(ru_entries, name, padded))
    with pytest.raises(InvalidPackage, match=r"metadata\.json is larger than 256\.0 KB"):
        PackageFolder(tmp_path / "models").install_file(archive)
    assert MAX_METADATA_BYTES == 256 * 1024


@pytest.mark.parametrize("depth", [100_000, 200_000])
def test_deeply_nested_metadata_is_a_one_line_refusal(
    ru_entries: list[Entry], tmp_path: Path, depth: int
) -> None:
    name = f"{RU_TOP}/metadata.json"
    nested = entry(name, b"[" * depth + b"]" * depth)
    archive = write_zip(tmp_path / "deep.argosmodel", _replaced(ru_entries, name, nested))
    with pytest.raises(InvalidPackage) as refusal:
        PackageFolder(tmp_path / "models").install_file(archive)
    message = str(refusal.value)
    assert "\n" not in message
    assert ("nested too deeply" in message) or ("larger than 256.0 KB" in message)
    if depth * 2 <= MAX_METADATA_BYTES:
        assert "metadata.json is not valid JSON (it is nested too deeply)" in message


def test_a_member_that_inflates_implausibly_is_refused_before_extracting(
    ru_entries: list[Entry], tmp_path: Path
) -> None:
    padding = bomb(f"{RU_TOP}/model/padding.bin", 64 * MB, b"\0")
    archive = write_zip(tmp_path / "bomb.argosmodel", [*ru_entries, padding])
    with pytest.raises(
        InvalidPackage, match=r"padding\.bin would inflate from 64\.\d KB to 64\.0 MB \(over 200:1"
    ):
        PackageFolder(tmp_path / "models").install_file(archive)
    assert not (tmp_path / "models").exists() or list((tmp_path / "models").iterdir()) == []


def test_a_claim_of_a_million_members_is_refused_before_the_list_is_read(
    tmp_path: Path,
) -> None:
    archive = write_member_list(tmp_path / "million.argosmodel", 10, claimed=1_000_000)
    with pytest.raises(InvalidPackage, match="has 1,000,000 files; a package holds at most 20,000"):
        PackageFolder(tmp_path / "models").install_file(archive)


def test_a_member_list_longer_than_its_claim_is_counted_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packages, "MAX_MEMBERS", 1_000)
    archive = write_member_list(tmp_path / "lying.argosmodel", 5_000, claimed=3)
    with pytest.raises(InvalidPackage, match="has more than 1,000 files; a package holds at most"):
        PackageFolder(tmp_path / "models").install_file(archive)


def test_a_member_list_too_large_for_its_members_is_refused(tmp_path: Path) -> None:
    # 20,000 names of 600 bytes: a member list of 12.3 MB, claiming 3 members.
    archive = write_member_list(tmp_path / "long.argosmodel", 20_000, claimed=3, name_length=600)
    with pytest.raises(InvalidPackage, match=r"has a member list of 12\.3 MB, far more than a"):
        PackageFolder(tmp_path / "models").install_file(archive)


# Peak memory of an install, in a child interpreter ---------------------------------------

_SETUP = """
from pathlib import Path
from translations.packages import PackageFolder
folder = PackageFolder(Path({models!r}))
"""


def _install_measured(archive: Path, models: Path) -> tuple[float, str]:
    measured = measure(
        _SETUP.format(models=str(models)), f"folder.install_file(Path({str(archive)!r}))"
    )
    return measured.added_mb, measured.outcome


def test_a_metadata_bomb_is_refused_in_bounded_memory(
    ru_entries: list[Entry], tmp_path: Path
) -> None:
    # 2.3 MB on disk, its metadata.json 1.5 GB inflated: this once took over 2 GB.
    name = f"{RU_TOP}/metadata.json"
    archive = write_zip(
        tmp_path / "meta-bomb.argosmodel", _replaced(ru_entries, name, bomb(name, 1536 * MB))
    )
    assert archive.stat().st_size < 3 * MB
    added, outcome = _install_measured(archive, tmp_path / "models")
    assert outcome.startswith("InvalidPackage: meta-bomb.argosmodel: ")
    assert "metadata.json would inflate from 1.5 MB to 1.5 GB" in outcome
    assert added < MEMORY_BUDGET_MB


def test_a_package_that_unpacks_to_2_5_gb_is_refused_without_writing_it(
    ru_entries: list[Entry], tmp_path: Path
) -> None:
    padding = bomb(f"{RU_TOP}/model/padding.bin", 2560 * MB, b"\0")
    archive = write_zip(tmp_path / "unpack-bomb.argosmodel", [*ru_entries, padding])
    assert archive.stat().st_size < 4 * MB
    added, outcome = _install_measured(archive, tmp_path / "models")
    assert "padding.bin would inflate from 2.5 MB to 2.5 GB (over 200:1" in outcome
    assert added < MEMORY_BUDGET_MB
    assert not (tmp_path / "models").exists() or list((tmp_path / "models").iterdir()) == []


def test_a_million_members_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    archive = write_member_list(tmp_path / "million.argosmodel", 1_000_000, claimed=1_000_000)
    added, outcome = _install_measured(archive, tmp_path / "models")
    assert "has 1,000,000 files; a package holds at most 20,000" in outcome
    assert added < MEMORY_BUDGET_MB
