"""The command line, run in-process on a real data folder and a local HTTP server."""

from __future__ import annotations

import argparse
import inspect
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.cli import build_parser, main
from monitor.cli.handlers import Later
from tests.support.http_server import LocalServer, Route

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Тестовое агентство</title><link>https://example.test/</link>
<language>ru</language>
<item><title>Ставка сохранена</title><link>{base}/missing.html</link><guid>a1</guid>
<description>Банк России сохранил ключевую ставку на уровне 16 процентов годовых.</description>
<pubDate>Fri, 20 Nov 2026 10:15:00 +0300</pubDate></item>
</channel></rss>"""


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_sources_update_articles_show(server: LocalServer, tmp_path: Path, capsys):
    feed_url = server.add(
        "/rss.xml",
        Route(
            FEED.format(base=server.base_url).encode(),
            headers={"Content-Type": "application/rss+xml"},
        ),
    )
    code, out, _ = run(capsys, tmp_path, "sources", "add", feed_url)
    assert code == 0 and "Тестовое агентство" in out

    code, out, _ = run(capsys, tmp_path, "sources", "list", "--json")
    [source] = json.loads(out)
    assert set(source) >= {"id", "url", "name", "lang", "last_checked", "last_error", "articles"}
    assert (source["url"], source["lang"], source["articles"]) == (feed_url, "ru", 0)

    code, out, _ = run(capsys, tmp_path, "sources", "list")
    assert code == 0 and "Last update" not in out

    code, out, _ = run(capsys, tmp_path, "update")
    assert code == 0 and "Тестовое агентство" in out and "1 new article from 1 source" in out

    code, out, _ = run(capsys, tmp_path, "sources", "list")
    assert out.rstrip().splitlines()[-1].endswith(": 1 new from 1 source.")
    assert "Last update finished " in out

    code, out, _ = run(capsys, tmp_path, "articles", "list", "--json")
    [article] = json.loads(out)
    assert set(article) >= {"id", "source", "title", "lang", "url", "published", "state"}
    assert (article["title"], article["lang"], article["state"]) == (
        "Ставка сохранена",
        "ru",
        "detected",
    )
    assert article["published"] == "2026-11-20T07:15:00+00:00"

    code, out, _ = run(capsys, tmp_path, "show", str(article["id"]), "--json")
    shown = json.loads(out)
    assert shown["text_origin"] == "feed"  # the page is missing: the feed's text, flagged
    assert "404" in shown["error"]
    assert shown["published_local"] == "2026-11-20T10:15:00+03:00"

    code, out, _ = run(capsys, tmp_path, "show", str(article["id"]))
    assert "Text from: the feed" in out


def test_user_mistakes_are_one_line_errors(tmp_path: Path, capsys):
    code, _, err = run(capsys, tmp_path, "show", "42")
    assert code == 1 and err.strip() == "media-monitor: error: no article with id 42"
    code, _, err = run(capsys, tmp_path, "sources", "add", "ftp://example.test/x")
    assert code == 1 and err.count("\n") == 1 and "not a web address" in err
    code, _, err = run(capsys, tmp_path, "sources", "import-opml", str(tmp_path / "nope.opml"))
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1


def test_catalog_and_opml_round_trip(tmp_path: Path, capsys):
    code, out, _ = run(capsys, tmp_path, "sources", "catalog", "--lang", "uk", "--json")
    outlets = json.loads(out)
    assert outlets and {o["lang"] for o in outlets} == {"uk"}
    code, out, _ = run(capsys, tmp_path, "sources", "catalog", "--lang", "uk", "--add-all")
    assert code == 0
    opml = tmp_path / "sources.opml"
    code, out, _ = run(capsys, tmp_path, "sources", "export-opml", str(opml))
    feeds = [o for o in outlets if o["kind"] == "feed"]  # OPML carries feeds, not channels
    assert len(feeds) < len(outlets)  # the Ukrainian channels are in the catalog too
    assert code == 0 and f"Wrote {len(feeds)} feeds" in out
    other = tmp_path / "other"
    code, out, _ = run(capsys, other, "sources", "import-opml", str(opml))
    assert code == 0 and f"Imported {len(feeds)} sources" in out
    code, out, _ = run(capsys, other, "sources", "list", "--json")
    assert sorted(s["url"] for s in json.loads(out)) == sorted(o["url"] for o in feeds)


def _commands(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, object]]:
    """Every runnable command line of ``parser`` with the handler its parser names."""
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        yield path, parser.get_default("run")
    for action in actions:
        for name, child in action.choices.items():
            yield from _commands(child, f"{path} {name}".strip())


def test_every_command_names_a_handler_that_takes_the_monitor_and_its_arguments():
    commands = dict(_commands(build_parser()))
    assert {"sources list", "update", "show", "compare", "models download", "watch add"} <= set(
        commands
    )
    for name, handler in commands.items():
        assert handler is not None, name
        function = handler.resolve() if isinstance(handler, Later) else handler
        assert callable(function), name
        assert list(inspect.signature(function).parameters) == ["monitor", "args"], name


def test_sources_add_a_telegram_channel_by_name(tmp_path: Path, capsys):
    code, out, _ = run(capsys, tmp_path, "sources", "add", "--no-check", "@newsroom_kyiv")
    assert code == 0 and "https://t.me/s/newsroom_kyiv" in out
    code, out, _ = run(capsys, tmp_path, "sources", "list", "--json")
    [source] = json.loads(out)
    assert source["url"] == "https://t.me/s/newsroom_kyiv"
    code, _, err = run(capsys, tmp_path, "sources", "add", "--no-check", "t.me/newsroom_kyiv")
    assert code != 0 and "already followed" in err
