"""OPML exports in the shapes real readers write, each beside its expected JSON.

Every file is imported for real (into a SQLite store in ``tmp_path``) and the outcome compared
with its golden file: the feeds followed (address, title, folder, language, site), the
outlines skipped and why, and whether the file was damaged and recovered.
"""

from __future__ import annotations

import json
import re
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from monitor.app import open_monitor
from monitor.errors import OPMLError
from monitor.sources.opml import OpmlImport, import_opml_file
from monitor.store import Store

DATA = Path(__file__).parent / "data" / "opml"
EXPORTS = sorted(path for path in DATA.iterdir() if not path.name.endswith(".expected.json"))


def expected_for(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    return loaded


def as_golden(result: OpmlImport) -> dict[str, Any]:
    return {
        "damaged": result.damage is not None,
        "imported": [
            {
                "url": feed.source.url,
                "title": feed.source.name,
                "category": feed.folder,
                "language": feed.source.language_hint,
                "homepage": feed.source.homepage,
            }
            for feed in result.imported
        ],
        "skipped": [
            {"name": skipped.name, "address": skipped.address, "reason": skipped.reason}
            for skipped in result.skipped
        ],
    }


def test_every_export_has_a_golden_file():
    assert len(EXPORTS) >= 20
    missing = [path.name for path in EXPORTS if not path.with_suffix(".expected.json").exists()]
    assert missing == []


@pytest.mark.parametrize("export", EXPORTS, ids=lambda path: path.name)
def test_import_matches_the_golden_file(export: Path, tmp_path: Path):
    expected = expected_for(export)
    with closing(Store(tmp_path / "monitor.sqlite3")) as store:
        if "error" in expected:
            with pytest.raises(OPMLError, match=re.escape(expected["error"])):
                import_opml_file(store, export)
            assert store.sources() == []
            return
        result = import_opml_file(store, export)
        assert as_golden(result) == expected
        followed = [(s.url, s.name, s.language_hint, s.homepage) for s in store.sources()]
    assert followed == [
        (feed["url"], feed["title"], feed["language"], feed["homepage"])
        for feed in expected["imported"]
    ]


@pytest.mark.parametrize(
    "export", [path for path in EXPORTS if "error" not in expected_for(path)], ids=lambda p: p.name
)
def test_the_door_follows_the_golden_feeds(export: Path, tmp_path: Path):
    with open_monitor(tmp_path / "data") as monitor:
        monitor.import_opml(export)
        followed = [(s.url, s.name, s.language_hint, s.homepage) for s in monitor.sources()]
    assert followed == [
        (feed["url"], feed["title"], feed["language"], feed["homepage"])
        for feed in expected_for(export)["imported"]
    ]
