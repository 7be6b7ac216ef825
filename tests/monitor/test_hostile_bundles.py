"""Hostile bundles: every read bounded, every value the store cannot hold refused by its row.

Bundles are made from a genuine export of the demo collection, changed in one way and
re-hashed (so that only the change is wrong). A bad row refuses the whole bundle, naming
the member and line, in one line of text, and the store is left as it was. The memory
cases import in a child interpreter (see :func:`tests.support.hostile_zips.measure`)
and hold its peak to 200 MB over what the imports took: before these bounds a manifest
that inflates to 200 MB took about 3 GB and a list of a million members 500 MB.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor import Monitor, open_monitor
from monitor.errors import BundleError
from tests.support.hostile_zips import (
    MB,
    bomb,
    entries_of,
    entry,
    measure,
    write_member_list,
    write_zip,
)
from tests.support.inside import parts

MEMORY_BUDGET_MB = 200
Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-bundles")
    with open_monitor(root / "origin") as monitor:
        monitor.update([source.id for source in monitor.add_demo_sources()])
        monitor.export_bundle(root / "demo.mmbundle")
    return root / "demo.mmbundle"


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "target") as monitor:
        yield monitor


def _members(bundle: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(bundle) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rebuild(
    bundle: Path,
    out: Path,
    *,
    edit: Callable[[dict[str, bytes]], None] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
) -> Path:
    """Copy ``bundle`` with its members edited, its manifest re-hashed, then edited."""
    members = _members(bundle)
    document = json.loads(members.pop("manifest.json"))
    if edit:
        edit(members)
    document["members"] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in members.items()
    }
    if manifest:
        manifest(document)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(document))
    return out


def first_row(
    member: str, change: Callable[[dict[str, Any]], None]
) -> Callable[[dict[str, bytes]], None]:
    """An edit of the first row of ``member``."""

    def edit(members: dict[str, bytes]) -> None:
        rows = members[member].decode().splitlines()
        row = json.loads(rows[0])
        change(row)
        rows[0] = json.dumps(row, ensure_ascii=False)
        members[member] = "".join(line + "\n" for line in rows).encode()

    return edit


def first_line(member: str, line: bytes) -> Callable[[dict[str, bytes]], None]:
    """An edit that puts ``line`` in place of the first row of ``member``."""

    def edit(members: dict[str, bytes]) -> None:
        rows = members[member].split(b"\n")
        members[member] = b"\n".join([line, *rows[1:]])

    return edit


def counts(monitor: Monitor) -> tuple[int, int, int]:
    db = parts(monitor).store._db
    return tuple(  # type: ignore[return-value]
        db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("sources", "articles", "raw_pages")
    )


def short_strings(size: int) -> bytes:
    """``["3fa9","1b2c",…]`` of about ``size`` bytes: many items, compressing only ~2:1."""
    digits = os.urandom(size * 2 // 7).hex().encode()  # 4 digits in 7 bytes: "3fa9",
    return b'["' + b'","'.join(digits[i : i + 4] for i in range(0, len(digits), 4)) + b'"]'


def _set(name: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.update({name: value})


def _deep(depth: int) -> bytes:
    return b'{"id": ' + b"[" * depth + b"]" * depth + b"}"


ROW_CASES: dict[str, tuple[Callable[[dict[str, bytes]], None], str]] = {
    "an id of 2**63": (
        first_row("articles.jsonl", _set("id", 2**63)),
        r"articles\.jsonl line 1: field 'id' is a whole number too large to keep",
    ),
    "a link below -2**63": (
        first_row("articles.jsonl", _set("duplicate_of", -(2**63) - 1)),
        r"field 'duplicate_of' is a whole number too large to keep",
    ),
    "an interval of 2**62 minutes": (
        first_row("sources.jsonl", _set("update_interval_minutes", 2**62)),
        r"sources\.jsonl line 1: a source needs a URL and an update interval of 1 to 527,040",
    ),
    "a time in the year 0 in UTC": (
        first_row("articles.jsonl", _set("published", "0001-01-01T00:00:00+14:00")),
        r"field 'published' should be a time with its UTC offset \(at most 14 hours\)",
    ),
    "a time in the year 10000 in UTC": (
        first_row("articles.jsonl", _set("retrieved_at", "9999-12-31T23:59:59-14:00")),
        r"field 'retrieved_at' should be a time",
    ),
    "a time on the calendar's last day": (
        first_row("raw_pages.jsonl", _set("retrieved_at", "9999-12-31T12:00:00+00:00")),
        r"raw_pages\.jsonl line 1: field 'retrieved_at' should be a time",
    ),
    "an offset of 15 hours": (
        first_row("sources.jsonl", _set("added_at", "2026-11-20T07:15:00+15:00")),
        r"field 'added_at' should be a time with its UTC offset \(at most 14 hours\)",
    ),
    "an offset of a day in minutes": (
        first_row("articles.jsonl", _set("published_offset", 24 * 60)),
        r"field 'published_offset' is 1440 minutes, not a zone",
    ),
    "a row nested 100,000 deep": (
        first_line("articles.jsonl", _deep(100_000)),
        r"articles\.jsonl line 1 is not valid JSON \(it is nested too deeply\)",
    ),
    "a row of 300,000 items": (
        first_line("articles.jsonl", b'{"id": ' + short_strings(2 * MB) + b"}"),
        r"articles\.jsonl line 1 is not valid JSON \(it holds \d{3},\d{3} items, more than",
    ),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_a_value_the_store_cannot_hold_refuses_the_bundle_by_its_row(
    case: str, bundle: Path, target: Monitor, tmp_path: Path
) -> None:
    edit, message = ROW_CASES[case]
    bad = rebuild(bundle, tmp_path / "bad.mmbundle", edit=edit)
    with pytest.raises(BundleError, match=message) as refusal:
        target.import_bundle(bad)
    assert "\n" not in str(refusal.value)
    assert counts(target) == (0, 0, 0)
    target.import_bundle(bundle)  # the store is whole and takes the genuine bundle
    assert counts(target)[1] > 0


MANIFEST_CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "a count of 2**31": (
        lambda document: document["counts"].update(articles=2**31),
        r"manifest has a bad count 2147483648",
    ),
    "a creation time in the year 0": (
        _set("created_at", "0001-01-01T00:00:00+14:00"),
        r"manifest has no valid creation time",
    ),
}


def _manifest_text(bundle: Path, out: Path, replace: Callable[[bytes], bytes]) -> Path:
    members = _members(bundle)
    members["manifest.json"] = replace(members["manifest.json"])
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out


@pytest.mark.parametrize("case", sorted(MANIFEST_CASES))
def test_a_bad_manifest_is_a_one_line_refusal(
    case: str, bundle: Path, target: Monitor, tmp_path: Path
) -> None:
    change, message = MANIFEST_CASES[case]
    bad = rebuild(bundle, tmp_path / "bad.mmbundle", manifest=change)
    with pytest.raises(BundleError, match=message) as refusal:
        target.import_bundle(bad)
    assert "\n" not in str(refusal.value)
    assert counts(target) == (0, 0, 0)


def test_a_manifest_nested_200_000_deep_is_a_one_line_refusal(
    bundle: Path, target: Monitor, tmp_path: Path
) -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    bad = _manifest_text(
        bundle, tmp_path / "deep.mmbundle", lambda raw: raw[:-1] + b', "x": ' + deep + b"}"
    )
    with pytest.raises(BundleError, match=r"manifest is not valid JSON \(it is nested too deeply"):
        target.import_bundle(bad)


def test_a_manifest_of_tiny_items_is_refused_before_it_is_parsed(
    bundle: Path, target: Monitor, tmp_path: Path
) -> None:
    bad = _manifest_text(
        bundle,
        tmp_path / "items.mmbundle",
        lambda raw: raw[:-1] + b', "x": ' + short_strings(4 * MB) + b"}",
    )
    with pytest.raises(BundleError, match=r"manifest is not valid JSON \(it holds [\d,]+ items"):
        target.import_bundle(bad)


def test_a_raw_page_larger_than_the_fetcher_keeps_is_refused(
    bundle: Path, target: Monitor, tmp_path: Path
) -> None:
    page = os.urandom(17 * MB)
    name = f"raw/{hashlib.sha256(page).hexdigest()}"
    bad = rebuild(bundle, tmp_path / "big.mmbundle", edit=lambda m: m.update({name: page}))
    with pytest.raises(BundleError, match=f"{name} does not have the size its manifest says"):
        target.import_bundle(bad)
    assert counts(target) == (0, 0, 0)


def test_a_zip_bomb_member_is_refused_before_anything_is_read(
    bundle: Path, target: Monitor, tmp_path: Path
) -> None:
    entries = entries_of(bundle)
    articles = next(item for item in entries if item.name == "articles.jsonl")
    swollen = bomb("articles.jsonl", 64 * MB, b"\n")
    bad = write_zip(
        tmp_path / "bomb.mmbundle", [item for item in entries if item is not articles] + [swollen]
    )
    with pytest.raises(BundleError, match=r"articles\.jsonl would inflate from .+ \(over 200:1"):
        target.import_bundle(bad)


def test_a_member_list_longer_than_its_claim_is_counted_as_it_is(
    target: Monitor, tmp_path: Path
) -> None:
    lying = write_member_list(tmp_path / "lying.mmbundle", 150_000, claimed=1)
    with pytest.raises(BundleError, match="has more than 100,000 files; a bundle holds at most"):
        target.import_bundle(lying)


# Peak memory of an import, in a child interpreter ----------------------------------------

_SETUP = """
from pathlib import Path
from monitor import open_monitor
monitor = open_monitor(Path({data!r}))
"""


def _import_measured(bad: Path, data: Path) -> tuple[float, str]:
    measured = measure(_SETUP.format(data=str(data)), f"monitor.import_bundle(Path({str(bad)!r}))")
    return measured.added_mb, measured.outcome


def _with_manifest(bundle: Path, out: Path, manifest: Any) -> Path:
    entries = [item for item in entries_of(bundle) if item.name != "manifest.json"]
    return write_zip(out, [*entries, manifest])


def test_a_manifest_that_inflates_to_200_mb_is_refused_in_bounded_memory(
    bundle: Path, tmp_path: Path
) -> None:
    head = b'{"format": "media-monitor-bundle", "format_version": 1, "x": ['
    swollen = bomb("manifest.json", 200 * MB, b"{},", head=head, tail=b"{}]}")
    bad = _with_manifest(bundle, tmp_path / "manifest-bomb.mmbundle", swollen)
    added, outcome = _import_measured(bad, tmp_path / "data")
    assert "manifest.json would inflate from" in outcome
    assert added < MEMORY_BUDGET_MB


def test_a_manifest_of_20_mb_of_tiny_items_is_refused_in_bounded_memory(
    bundle: Path, tmp_path: Path
) -> None:
    text = b'{"format": "media-monitor-bundle", "format_version": 1, "x": '
    manifest = entry("manifest.json", text + short_strings(20 * MB) + b"}")
    bad = _with_manifest(bundle, tmp_path / "items.mmbundle", manifest)
    added, outcome = _import_measured(bad, tmp_path / "data")
    assert "manifest is not valid JSON (it holds" in outcome
    assert added < MEMORY_BUDGET_MB


@pytest.mark.parametrize(("members", "claimed"), [(1_000_000, 1_000_000), (150_000, 1)])
def test_a_huge_member_list_is_refused_in_bounded_memory(
    tmp_path: Path, members: int, claimed: int
) -> None:
    bad = write_member_list(tmp_path / "list.mmbundle", members, claimed=claimed)
    added, outcome = _import_measured(bad, tmp_path / "data")
    assert "files; a bundle holds at most 100,000, so it was refused" in outcome
    assert added < MEMORY_BUDGET_MB


def test_a_row_of_15_mb_of_tiny_items_is_refused_in_bounded_memory(
    bundle: Path, tmp_path: Path
) -> None:
    line = b'{"id": ' + short_strings(15 * MB) + b"}"
    bad = rebuild(bundle, tmp_path / "row.mmbundle", edit=first_line("articles.jsonl", line))
    added, outcome = _import_measured(bad, tmp_path / "data")
    assert "articles.jsonl line 1 is not valid JSON (it holds" in outcome
    assert added < MEMORY_BUDGET_MB
