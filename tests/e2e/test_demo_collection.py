"""End to end: a fresh data folder, `media-monitor demo`, then the articles as a user lists them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from monitor import demo
from monitor.cli import main
from monitor.collect.feeds import parse_feed


def cli(data_dir: Path, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    return completed.stdout


def demo_items() -> dict[str, tuple[str, str]]:
    """Every demo feed item: link -> (outlet language, outlet name), read from the shipped feeds."""
    items = {}
    for outlet in demo.DEMO_OUTLETS:
        resource = demo.demo_resource(outlet.feed_url)
        assert resource is not None
        feed = parse_feed(resource.read_bytes(), url=outlet.feed_url)
        for item in feed.items:
            assert item.url is not None
            items[item.url] = (outlet.language, outlet.name)
    return items


def test_demo_then_articles_list_shows_every_item_with_its_language(tmp_path: Path, capsys):
    output = cli(tmp_path, "demo")
    expected = demo_items()
    assert f"{len(expected)} new articles from {len(demo.DEMO_OUTLETS)} sources" in output

    listed = json.loads(cli(tmp_path, "articles", "list", "--json"))
    assert sorted(a["url"] for a in listed) == sorted(expected)
    for article in listed:
        language, outlet = expected[article["url"]]
        if article["url"] == demo.RUSSIAN_ITEM_IN_UKRAINIAN_FEED_URL:
            language = "ru"  # a Ukrainian outlet publishing in Russian: the text decides
        assert (article["source"], article["lang"]) == (outlet, language), article["title"]
        # No model is installed: English needs none; the rest wait, saying why.
        assert article["state"] == ("translated" if language == "en" else "detected")

    for article in listed:
        assert main(["--data-dir", str(tmp_path), "show", str(article["id"]), "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        missing = article["url"] == demo.MISSING_PAGE_URL
        assert shown["text_origin"] == ("feed" if missing else "page")
        assert len(shown["text"]) > 200, shown["title"]
        assert "\ufffd" not in shown["text"] + shown["title"]  # no mojibake, legacy pages included
        if not missing:
            assert shown["raw_sha256"]
        if shown["lang"] != "en":
            assert shown["translation_note"] == f"untranslated: no {shown['lang']}→en model"

    again = cli(tmp_path, "update")
    assert "0 new articles" in again  # served again with ETags: nothing is duplicated
    assert len(json.loads(cli(tmp_path, "articles", "list", "--json"))) == len(expected)
