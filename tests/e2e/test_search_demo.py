"""End to end: the demo collection, glossary models, then search in every language and through
translations, as a monitor would use it."""

from __future__ import annotations

import json
from pathlib import Path

from monitor.cli import main
from tests.support.argos_factory import build_package

# Tiny genuine models that translate one word each: enough to see search match through them.
GLOSSARIES = {
    "ru": {"спутник": "satellite"},
    "uk": {"супутник": "satellite"},
    "zh": {"卫星": "satellite"},
    "ko": {"위성": "satellite"},
}


def run(capsys, data: Path, *args: str) -> str:
    assert main(["--data-dir", str(data), *args]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_search_the_demo_in_every_language_and_through_translations(tmp_path: Path, capsys):
    stick = tmp_path / "stick"
    for language, glossary in GLOSSARIES.items():
        build_package(stick, language, "en", glossary=glossary, with_stanza_folder=True)
    data = tmp_path / "data"
    run(capsys, data, "models", "install", str(stick))
    run(capsys, data, "demo")

    hits = json.loads(run(capsys, data, "search", "satellite", "--limit", "50", "--json"))
    by_language = {}
    for hit in hits:
        by_language.setdefault(hit["lang"], []).append(hit)
    assert set(by_language) == {"ko", "ru", "zh", "uk", "en"}
    for language in GLOSSARIES:
        for hit in by_language[language]:
            assert hit["matched_in"] in {"translation", "both"}
            assert "<b>satellite</b>" in hit["snippet_translation"]
            assert hit["snippet_original"]
    for hit in by_language["en"]:
        assert hit["matched_in"] == "original"

    for query, language in (("спутник", "ru"), ("супутник", "uk"), ("卫星", "zh"), ("위성", "ko")):
        found = json.loads(run(capsys, data, "search", query, "--json"))
        assert found, query
        assert {hit["lang"] for hit in found} == {language}
        assert all("<b>" in hit["snippet_original"] for hit in found)

    korean = by_language["ko"][0]["id"]
    related = json.loads(run(capsys, data, "related", str(korean), "--json"))
    assert related, "the same story from other outlets"
    assert {r["outlet"] for r in related}.isdisjoint({by_language["ko"][0]["outlet"]})
