"""The collection-wide commands end to end: watch, export, export-bundle, import-bundle."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from monitor.cli import main
from tests.support.argos_factory import build_package


def run(capsys, data: Path, *args: str, renderer=None) -> str:
    assert main(["--data-dir", str(data), *args], pdf_renderer=renderer) == 0, (
        capsys.readouterr().err
    )
    return capsys.readouterr().out


def test_watch_export_and_move_a_collection_by_bundle(tmp_path: Path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    stick = tmp_path / "stick"
    build_package(stick, "ru", "en", glossary={"спутник": "satellite"})
    run(capsys, first, "models", "install", str(stick))
    run(capsys, first, "demo")

    assert "Watching 'space'" in run(capsys, first, "watch", "add", "space", "satellite")
    [watch] = json.loads(run(capsys, first, "watch", "list", "--json"))
    assert (watch["name"], watch["new"]) == ("space", 0)
    assert watch["matches"] >= 2  # the English original and the Russian through translation

    out = tmp_path / "all.csv"
    run(capsys, first, "export", "--format", "csv", str(out))
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 33
    assert {row["lang"] for row in rows} == {"ko", "ru", "zh", "uk", "en"}

    rendered: list[str] = []
    run(
        capsys,
        first,
        "export",
        "--format",
        "pdf",
        "--query",
        "satellite",
        str(tmp_path / "d.pdf"),
        renderer=lambda html, path: (rendered.append(html), path.write_bytes(b"%PDF-1.4")),
    )
    assert rendered and "satellite" in rendered[0]

    bundle = tmp_path / "collection.mmbundle"
    run(capsys, first, "export-bundle", str(bundle), "--with-models")
    output = run(capsys, second, "import-bundle", str(bundle))
    assert "articles: 33 added" in output
    hits = json.loads(run(capsys, second, "search", "satellite", "--json"))
    assert any(hit["lang"] == "ru" and hit["matched_in"] == "translation" for hit in hits)
    models = json.loads(run(capsys, second, "models", "list", "--json"))
    assert [m["pair"] for m in models["installed"]] == ["ru-en"]


def test_pdf_without_a_renderer_and_a_bad_bundle_are_clear_errors(tmp_path: Path, capsys):
    data = tmp_path / "data"
    assert (
        main(["--data-dir", str(data), "export", "--format", "pdf", str(tmp_path / "x.pdf")]) == 1
    )
    assert "PDF export needs" in capsys.readouterr().err
    bad = tmp_path / "bad.mmbundle"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["--data-dir", str(data), "import-bundle", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("media-monitor: error:") and err.count("\n") == 1
