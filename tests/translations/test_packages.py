"""Installing, listing and removing Argos packages: real archives, good and deliberately bad.

Bad archives are written with :mod:`zipfile` from the members of a genuine factory package, so
each case differs from a valid package in exactly one way.
"""

from __future__ import annotations

import json
import random
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.argos_factory import build_package
from translations import packages
from translations.errors import InvalidPackage, PackageConflict, PackageError
from translations.packages import PackageFolder, check_archive
from translations.types import PackageInfo

RU_TOP = "translate-ru_en-1_0"
KO_TOP = "translate-ko_en-1_0"
Members = dict[str, bytes]


def _members(archive: Path) -> Members:
    """Every member of ``archive`` by name (folders end in "/" and have no content)."""
    with zipfile.ZipFile(archive) as bundle:
        return {info.filename: bundle.read(info) for info in bundle.infolist()}


def _write_zip(path: Path, members: Members) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path


def _renamed(members: Members, old_top: str, new_top: str) -> Members:
    return {new_top + name[len(old_top) :]: data for name, data in members.items()}


def _with_metadata(members: Members, top: str, raw: bytes) -> Members:
    return {**members, f"{top}/metadata.json": raw}


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


def _names(folder: PackageFolder) -> list[str]:
    return [p.name for p in folder.installed()[0]]


def _declared_file_bytes(archive: Path) -> int:
    with zipfile.ZipFile(archive) as bundle:
        return sum(info.file_size for info in bundle.infolist() if not info.is_dir())


@pytest.fixture
def ru_en(tmp_path: Path) -> Path:
    return build_package(tmp_path / "downloads", "ru", "en")


@pytest.fixture
def ru_members(ru_en: Path) -> Members:
    return _members(ru_en)


@pytest.fixture
def folder(tmp_path: Path) -> PackageFolder:
    """A packages folder already holding a working ko→en package."""
    models = PackageFolder(tmp_path / "models")
    models.install_file(build_package(tmp_path / "downloads", "ko", "en"))
    return models


def _assert_untouched(folder: PackageFolder) -> None:
    """Only the ko→en package is there, still usable, and no staging folder is left."""
    installed, problems = folder.installed()
    assert [(p.name, p.pair) for p in installed] == [(KO_TOP, "ko→en")]
    assert problems == []
    assert sorted(p.name for p in folder.root.iterdir()) == [KO_TOP]


def test_install_lists_pair_version_size_and_path(tmp_path: Path, ru_en: Path) -> None:
    models = PackageFolder(tmp_path / "models")
    assert models.installed() == ([], [])  # the folder does not exist yet

    returned = models.install_file(ru_en)

    installed, problems = models.installed()
    assert installed == [returned]
    assert problems == []
    package = installed[0]
    assert (package.name, package.from_code, package.to_code) == (RU_TOP, "ru", "en")
    assert (package.version, package.pair) == ("1.0", "ru→en")
    assert (package.from_name, package.to_name) == ("Russian", "English")
    assert package.path == tmp_path / "models" / RU_TOP
    assert package.size_bytes == _declared_file_bytes(ru_en)
    assert (package.path / "model" / "model.bin").stat().st_size > 100_000
    assert _leftovers(models.root) == []


def test_install_keeps_a_stanza_folder_and_counts_it(tmp_path: Path) -> None:
    archive = build_package(tmp_path / "downloads", "uk", "en", with_stanza_folder=True)
    package = PackageFolder(tmp_path / "models").install_file(archive)
    assert (package.path / "stanza" / "resources.json").is_file()
    assert package.size_bytes == _declared_file_bytes(archive)


BAD_CASES: dict[str, tuple[Callable[[Members], Members], str]] = {
    "traversal with ..": (
        lambda m: {**m, "../evil": b"x"},
        r"unsafe file name: '\.\./evil'",
    ),
    "absolute path": (lambda m: {**m, "/abs": b"x"}, r"unsafe file name: '/abs'"),
    "traversal inside the top folder": (
        lambda m: {**m, f"{RU_TOP}/../../x": b"x"},
        r"unsafe file name: 'translate-ru_en-1_0/\.\./\.\./x'",
    ),
    "windows drive": (lambda m: {**m, "C:/evil": b"x"}, "unsafe file name: 'C:/evil'"),
    "backslash name": (lambda m: {**m, f"{RU_TOP}\\x": b"x"}, "unsafe file name"),
    "two top folders": (
        lambda m: {**m, **_renamed(m, RU_TOP, "translate-ru_en-2_0")},
        r"exactly one top folder, not 2 \(translate-ru_en-1_0, translate-ru_en-2_0\)",
    ),
    "loose file beside the top folder": (
        lambda m: {**m, "README.md": b"hi"},
        "exactly one top folder, not 2",
    ),
    "empty zip": (lambda m: {}, "exactly one top folder, not 0"),
    "hidden top folder": (
        lambda m: _renamed(m, RU_TOP, ".installing-abc"),
        "hidden top folder '.installing-abc'",
    ),
    "no metadata": (
        lambda m: {k: v for k, v in m.items() if not k.endswith("metadata.json")},
        f"has no metadata.json in its top folder {RU_TOP}",
    ),
    "no model.bin": (
        lambda m: {k: v for k, v in m.items() if not k.endswith("model.bin")},
        r"has no model \(model/model.bin\)",
    ),
    "no tokenizer": (
        lambda m: {k: v for k, v in m.items() if not k.endswith("sentencepiece.model")},
        r"has no tokenizer \(sentencepiece.model\)",
    ),
    "metadata not JSON": (
        lambda m: _with_metadata(m, RU_TOP, b'{"from_code": "ru",'),
        "metadata.json is not valid JSON",
    ),
    "metadata not UTF-8": (
        lambda m: _with_metadata(m, RU_TOP, b'{"from_code": "\xff"}'),
        "metadata.json is not valid JSON",
    ),
    "metadata a list": (
        lambda m: _with_metadata(m, RU_TOP, b'["ru", "en"]'),
        "metadata.json must be a JSON object",
    ),
    "metadata without from_code": (
        lambda m: _with_metadata(m, RU_TOP, b'{"to_code": "en"}'),
        r"no valid from_code \(got None\)",
    ),
    "metadata code a number": (
        lambda m: _with_metadata(m, RU_TOP, b'{"from_code": "ru", "to_code": 7}'),
        r"no valid to_code \(got 7\)",
    ),
    "metadata code with a newline": (
        lambda m: _with_metadata(m, RU_TOP, b'{"from_code": "ru\\n", "to_code": "en"}'),
        "no valid from_code",
    ),
    "metadata of another kind": (
        lambda m: _with_metadata(m, RU_TOP, b'{"type": "sbd", "from_code": "ru", "to_code": "en"}'),
        "is a 'sbd' package, not a translation package",
    ),
    "metadata pair into itself": (
        lambda m: _with_metadata(m, RU_TOP, b'{"from_code": "ru", "to_code": "ru"}'),
        "translates ru into itself",
    ),
    "empty model.bin": (
        lambda m: {**m, f"{RU_TOP}/model/model.bin": b""},
        r"has no model \(model/model.bin is missing\)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_archive_is_refused_and_nothing_changes(
    case: str, folder: PackageFolder, ru_members: Members, tmp_path: Path
) -> None:
    transform, message = BAD_CASES[case]
    archive = _write_zip(tmp_path / "bad.argosmodel", transform(ru_members))
    with pytest.raises(InvalidPackage, match=message):
        folder.install_file(archive)
    _assert_untouched(folder)


def test_symlink_member_is_refused(
    folder: PackageFolder, ru_members: Members, tmp_path: Path
) -> None:
    archive = _write_zip(tmp_path / "link.argosmodel", ru_members)
    link = zipfile.ZipInfo(f"{RU_TOP}/model/vocab.link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "a") as bundle:
        bundle.writestr(link, "/etc/passwd")
    with pytest.raises(InvalidPackage, match=r"symbolic link \(translate-ru_en-1_0/model/vocab"):
        folder.install_file(archive)
    _assert_untouched(folder)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>Not Found</html>\n", "is not a valid .argosmodel"),
        (b"", "is not a valid .argosmodel"),
    ],
)
def test_non_zip_file_is_refused(
    folder: PackageFolder, tmp_path: Path, content: bytes, message: str
) -> None:
    archive = tmp_path / "page.argosmodel"
    archive.write_bytes(content)
    with pytest.raises(InvalidPackage, match=message):
        folder.install_file(archive)
    _assert_untouched(folder)


def test_missing_file_is_refused(folder: PackageFolder, tmp_path: Path) -> None:
    with pytest.raises(InvalidPackage, match=r"cannot read .*nowhere\.argosmodel"):
        folder.install_file(tmp_path / "nowhere.argosmodel")
    _assert_untouched(folder)


def _lie_about_size(archive: Path, member: str, declared: int, crc: int | None = None) -> None:
    """Rewrite ``member``'s uncompressed size (and CRC) in its local and central headers."""
    data = bytearray(archive.read_bytes())
    name = member.encode()
    for signature, crc_at, size_at, name_at in (
        (b"PK\x03\x04", 14, 22, 30),
        (b"PK\x01\x02", 16, 24, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_at : start + name_at + len(name)] == name:
                struct.pack_into("<I", data, start + size_at, declared)
                if crc is not None:
                    struct.pack_into("<I", data, start + crc_at, crc)
            start += 4
    archive.write_bytes(bytes(data))


def _bomb(tmp_path: Path, members: Members) -> tuple[Path, str, bytes]:
    payload = bytes(2_000_000)  # deflates to about 2 KB
    name = f"{RU_TOP}/model/padding.bin"
    archive = _write_zip(tmp_path / "bomb.argosmodel", {**members, name: payload})
    return archive, name, payload


def test_lying_zip_bomb_is_refused(
    folder: PackageFolder, ru_members: Members, tmp_path: Path
) -> None:
    archive, name, _ = _bomb(tmp_path, ru_members)
    _lie_about_size(archive, name, 100)
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.getinfo(name).file_size == 100  # the lie is what a reader is told
    with pytest.raises(InvalidPackage, match=r"bomb\.argosmodel is damaged: Bad CRC-32"):
        folder.install_file(archive)
    _assert_untouched(folder)


def test_lying_zip_bomb_with_a_matching_checksum_is_cut_at_its_declared_size(
    tmp_path: Path, ru_members: Members
) -> None:
    # Even when the checksum agrees with the lie, no more than declared reaches the disk.
    archive, name, payload = _bomb(tmp_path, ru_members)
    _lie_about_size(archive, name, 100, crc=zlib.crc32(payload[:100]))
    package = PackageFolder(tmp_path / "models").install_file(archive)
    assert (package.path / "model" / "padding.bin").stat().st_size == 100
    assert package.size_bytes == _declared_file_bytes(archive)


def test_declared_size_over_the_cap_is_refused_before_extracting(
    folder: PackageFolder, ru_en: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packages, "MAX_PACKAGE_BYTES", 1024 * 1024)
    with pytest.raises(InvalidPackage, match=r"unpacks to 2\.7 MB, over the 1\.0 MB limit"):
        folder.install_file(ru_en)
    _assert_untouched(folder)


def test_too_many_members_is_refused(
    folder: PackageFolder, ru_en: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packages, "MAX_MEMBERS", 5)
    with pytest.raises(InvalidPackage, match=r"has 8 files; a package holds at most 5,"):
        folder.install_file(ru_en)
    _assert_untouched(folder)


def test_damaged_archives_never_escape_as_other_errors(
    folder: PackageFolder, ru_en: Path, tmp_path: Path
) -> None:
    """Random byte damage (a bad USB copy): installed whole or refused, never half-done."""
    original = ru_en.read_bytes()
    rng = random.Random(20240601)
    refused = 0
    for attempt in range(40):
        damaged = bytearray(original)
        for _ in range(4):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        archive = tmp_path / f"damaged-{attempt}.argosmodel"
        archive.write_bytes(bytes(damaged))
        try:
            folder.install_file(archive)
        except PackageError:
            refused += 1
        assert _leftovers(folder.root) == []
        assert KO_TOP in _names(folder)
        folder_names = {p.name for p in folder.root.iterdir()}
        assert folder_names <= {KO_TOP, RU_TOP}
    assert refused > 0


def test_upgrade_of_the_same_pair_replaces_the_old_version(
    folder: PackageFolder, ru_en: Path, tmp_path: Path
) -> None:
    folder.install_file(ru_en)
    newer = build_package(tmp_path / "downloads", "ru", "en", version="1.1")
    upgraded = folder.install_file(newer)
    assert (upgraded.name, upgraded.version) == ("translate-ru_en-1_1", "1.1")
    installed, problems = folder.installed()
    assert sorted((p.name, p.version) for p in installed) == [
        (KO_TOP, "1.0"),
        ("translate-ru_en-1_1", "1.1"),
    ]
    assert problems == []
    assert not (folder.root / RU_TOP).exists()
    assert _leftovers(folder.root) == []


def test_reinstalling_the_same_package_replaces_it(folder: PackageFolder, ru_en: Path) -> None:
    first = folder.install_file(ru_en)
    (first.path / "model" / "model.bin").write_bytes(b"damaged")
    again = folder.install_file(ru_en)
    assert again.size_bytes == _declared_file_bytes(ru_en)
    assert sorted(_names(folder)) == [KO_TOP, RU_TOP]


def test_a_different_pair_under_the_same_folder_name_is_a_conflict(
    folder: PackageFolder, ru_en: Path, tmp_path: Path
) -> None:
    folder.install_file(ru_en)
    ko_members = _members(build_package(tmp_path / "downloads", "ko", "en"))
    impostor = _write_zip(tmp_path / "impostor.argosmodel", _renamed(ko_members, KO_TOP, RU_TOP))
    with pytest.raises(
        PackageConflict, match=f"would overwrite {RU_TOP}, which is the ru→en package"
    ):
        folder.install_file(impostor)
    installed = {p.name: p.pair for p in folder.installed()[0]}
    assert installed == {KO_TOP: "ko→en", RU_TOP: "ru→en"}
    assert _leftovers(folder.root) == []


def test_a_broken_folder_is_not_overwritten(folder: PackageFolder, ru_en: Path) -> None:
    stranger = folder.root / RU_TOP
    stranger.mkdir()
    (stranger / "notes.txt").write_text("the user's own files")
    with pytest.raises(PackageConflict, match="which is a folder that is not a usable package"):
        folder.install_file(ru_en)
    assert (stranger / "notes.txt").read_text() == "the user's own files"


def test_a_top_folder_named_like_the_staging_folders_installs(
    folder: PackageFolder, ru_members: Members, tmp_path: Path
) -> None:
    # Regression: a package called "replaced" once spilled its files into the models folder.
    for top in ("replaced", "new"):
        archive = _write_zip(tmp_path / f"{top}.argosmodel", _renamed(ru_members, RU_TOP, top))
        package = folder.install_file(archive)
        assert (package.name, package.pair) == (top, "ru→en")
        assert sorted(p.name for p in folder.root.iterdir()) == sorted([KO_TOP, top])


def test_install_many_installs_the_good_and_reports_the_bad(
    tmp_path: Path, ru_members: Members
) -> None:
    stick = tmp_path / "usb"
    build_package(stick, "ru", "en")
    build_package(stick, "ko", "en")
    (stick / "broken.argosmodel").write_bytes(b"not a zip at all")
    (stick / "notes.txt").write_text("not a package, not looked at")
    empty = tmp_path / "empty-stick"
    empty.mkdir()
    single = _write_zip(tmp_path / "uk.argosmodel", _renamed(ru_members, RU_TOP, "translate-uk"))
    models = PackageFolder(tmp_path / "models")

    report = models.install_many([stick, empty, single])

    assert sorted(p.name for p in report.installed) == [KO_TOP, RU_TOP, "translate-uk"]
    refused = {problem.path: problem.reason for problem in report.refused}
    assert set(refused) == {stick / "broken.argosmodel", empty}
    assert "broken.argosmodel is not a valid .argosmodel" in refused[stick / "broken.argosmodel"]
    assert refused[empty] == "no .argosmodel files in this folder"
    # translate-uk holds ru→en too, so it replaced the first ru→en package: one per pair
    assert sorted(_names(models)) == [KO_TOP, "translate-uk"]


@pytest.mark.parametrize("name", [RU_TOP, "ru-en", "ru_en", "ru→en", "RU-EN", " ru->en"])
def test_remove_by_name_or_pair(folder: PackageFolder, ru_en: Path, name: str) -> None:
    folder.install_file(ru_en)
    removed = folder.remove(name)
    assert (removed.name, removed.pair) == (RU_TOP, "ru→en")
    _assert_untouched(folder)


def test_remove_of_an_unknown_name_says_what_is_installed(folder: PackageFolder) -> None:
    with pytest.raises(
        PackageError, match=f"no installed package named 'ru-en' .installed: {KO_TOP}"
    ):
        folder.remove("ru-en")
    with pytest.raises(PackageError, match="named 'ko'"):
        folder.remove("ko")  # half a pair is not a pair
    _assert_untouched(folder)


def test_installed_reports_broken_folders_and_keeps_the_others(
    folder: PackageFolder, ru_en: Path
) -> None:
    folder.install_file(ru_en)
    no_model = folder.install_file(ru_en).path.rename(folder.root / "no-model")
    (no_model / "model" / "model.bin").unlink()
    (folder.root / "empty-folder").mkdir()
    bad_json = folder.root / "bad-json"
    bad_json.mkdir()
    (bad_json / "metadata.json").write_text("{oops", encoding="utf-8")
    (folder.root / "stray.argosmodel").write_bytes(b"a file, not a package folder")
    (folder.root / ".installing-crashed").mkdir()  # staging of another run: not a package

    installed, problems = folder.installed()

    assert [p.name for p in installed] == [KO_TOP]
    reasons = {problem.path.name: problem.reason for problem in problems}
    assert reasons == {
        "bad-json": reasons["bad-json"],
        "empty-folder": "package empty-folder has no metadata.json",
        "no-model": "package no-model has no model (model/model.bin is missing)",
    }
    assert reasons["bad-json"].startswith("bad-json: metadata.json is not valid JSON")


def test_a_broken_package_can_be_removed_by_folder_name(folder: PackageFolder, ru_en: Path) -> None:
    package = folder.install_file(ru_en)
    (package.path / "sentencepiece.model").unlink()
    assert [p.path.name for p in folder.installed()[1]] == [RU_TOP]

    removed = folder.remove(RU_TOP)

    assert isinstance(removed, PackageInfo)
    assert (removed.name, removed.pair, removed.version) == (RU_TOP, "ru→en", "1.0")
    _assert_untouched(folder)


def test_check_archive_reads_without_extracting(ru_en: Path, tmp_path: Path) -> None:
    checked = check_archive(ru_en)
    assert checked.top == RU_TOP
    assert (checked.metadata["from_code"], checked.metadata["to_code"]) == ("ru", "en")
    assert checked.size == _declared_file_bytes(ru_en)
    assert json.loads(_members(ru_en)[f"{RU_TOP}/metadata.json"]) == checked.metadata
    assert sorted(p.name for p in ru_en.parent.iterdir()) == [ru_en.name]


def test_recover_puts_back_a_package_a_killed_upgrade_had_moved_aside(tmp_path):
    folder = PackageFolder(tmp_path / "models")
    installed = folder.install_file(build_package(tmp_path / "b", "ru", "en"))
    staging = folder.root / ".installing-killed"
    (staging / "replaced").mkdir(parents=True)
    installed.path.rename(staging / "replaced" / installed.path.name)  # killed right here
    (folder.root / ".removing-killed").mkdir()
    folder.recover()
    assert [p.name for p in folder.installed()[0]] == [installed.name]
    assert sorted(p.name for p in folder.root.iterdir()) == [installed.name]
