"""The facade's parts are built on first use: fast commands pay only for what they use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import indexes.index
import monitor.collect.fetch
import translations.packages
from monitor import open_monitor
from monitor.collect.local_transport import LocalDirectoryTransport
from monitor.paths import index_dir
from tests.support.inside import parts

ROOT = Path(__file__).resolve().parents[2]

# What the parser and the store's commands must not import: each costs tens of milliseconds.
HEAVY = (
    "httpx",
    "whoosh",
    "ctranslate2",
    "sentencepiece",
    "trafilatura",
    "lxml",
    "feedparser",
    "PySide6",
    "indexes.index",
    "monitor.collect.pipeline",
    "translations.packages",
)

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Injected Transport News</title>
<link>https://example.test/</link><language>en</language>
<item><title>A story</title><link>https://example.test/a.html</link><guid>a</guid></item>
</channel></rss>"""


def _imported_after(code: str) -> list[str]:
    """The HEAVY modules (or their submodules) a fresh interpreter imported running ``code``."""
    report = (
        "import json, sys\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy) and "
        "(m in heavy or m.startswith(tuple(h + '.' for h in heavy))))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    imported: list[str] = json.loads(done.stdout.splitlines()[-1])
    return imported


def test_the_parser_and_the_launcher_import_no_part_of_the_core():
    code = "import ui.launcher\nfrom monitor.cli import build_parser\nbuild_parser().format_help()"
    assert _imported_after(code) == []


def test_listing_articles_and_sources_imports_only_the_store(tmp_path: Path):
    code = (
        "from monitor.cli import main\n"
        f"assert main(['--data-dir', {str(tmp_path)!r}, 'articles', 'list']) == 0\n"
        f"assert main(['--data-dir', {str(tmp_path)!r}, 'sources', 'list']) == 0"
    )
    assert _imported_after(code) == []


def test_opening_reading_and_closing_build_no_part(tmp_path: Path, monkeypatch):
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a part was built that nothing used")

    monkeypatch.setattr(monitor.collect.fetch, "Fetcher", never)
    monkeypatch.setattr(indexes.index, "SearchIndex", never)
    monkeypatch.setattr(translations.packages, "PackageFolder", never)

    with open_monitor(tmp_path) as opened:
        assert opened.articles() == [] and opened.sources() == []
        assert opened.translation(1) is None

    assert not index_dir(tmp_path).exists()


def test_parts_are_built_once_from_what_open_monitor_was_given(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "feed.xml").write_bytes(FEED)
    transport = LocalDirectoryTransport(site, "example.test")

    with open_monitor(tmp_path / "data", transport=transport) as opened:
        assert parts(opened).fetcher is parts(opened).fetcher
        assert parts(opened).index is parts(opened).index
        assert parts(opened).collector is parts(opened).collector
        added = opened.add_source("https://example.test/feed.xml")
        assert index_dir(tmp_path / "data").exists()

    assert added.source.name == "Injected Transport News"  # fetched through the transport
