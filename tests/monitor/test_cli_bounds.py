"""Out-of-range and malformed command lines: one line on stderr, exit status 1, never a traceback.

Integers beyond SQLite's 64-bit range, ``--limit 0``, addresses such as ``http://[::1`` or a
10,000-character host, arguments that are not text, and bugs themselves (which leave their
traceback in a log file, not on the terminal).
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import pytest

from monitor import open_monitor
from monitor.cli import main
from monitor.cli.arguments import one_line
from monitor.collect.fetch import FetchSettings
from monitor.errors import SourceError
from monitor.sources.adding import normalise_url
from monitor.sources.discovery import discover_feeds
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route

TOO_BIG = "99999999999999999999"  # > 2**63 - 1, the largest SQLite integer
LARGEST = str(2**63 - 1)
FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("media-monitor: "), err
    return err


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["show", TOO_BIG], "argument id: article id"),
        (["show", "-5"], "argument id: article id"),
        (["show", "0"], "argument id: article id"),
        (["related", TOO_BIG], "argument id: article id"),
        (["compare", TOO_BIG], "argument id: article id"),
        (["compare", "1", "--with", TOO_BIG], "argument --with: article id"),
        (["sources", "remove", TOO_BIG], "argument id: source id"),
        (["update", "--source", TOO_BIG], "argument --source: source id"),
        (["articles", "list", "--source", TOO_BIG], "argument --source: source id"),
    ],
)
def test_ids_beyond_sqlite_are_refused_in_one_line(tmp_path: Path, capsys, args, what):
    code, _, err = run(capsys, tmp_path, *args)
    assert code == 1
    assert what in one_line_error(err)
    assert f"must be a whole number from 1 to {LARGEST}" in err
    assert f"(see media-monitor {' '.join(a for a in args[:2] if a.isalpha())} --help)" in err


def test_the_largest_id_is_a_valid_id_that_is_not_found(tmp_path: Path, capsys):
    code, _, err = run(capsys, tmp_path, "show", LARGEST)
    assert (
        code == 1 and one_line_error(err) == f"media-monitor: error: no article with id {LARGEST}\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["articles", "list", "--limit", "0"],
        ["articles", "list", "--limit", "-1"],
        ["articles", "list", "--limit", TOO_BIG],
        ["search", "x", "--limit", "0"],
        ["search", "x", "--limit", "1001"],
        ["search", "x", "--page", "0"],
        ["search", "x", "--page", TOO_BIG],
        ["related", "1", "--limit", "0"],
    ],
)
def test_counts_out_of_range_are_refused_in_one_line(tmp_path: Path, capsys, args):
    code, _, err = run(capsys, tmp_path, *args)
    assert code == 1 and "must be a whole number from 1 to" in one_line_error(err)


def test_articles_list_limit_one_still_works(tmp_path: Path, capsys):
    code, out, err = run(capsys, tmp_path, "articles", "list", "--limit", "1")
    assert (code, out, err) == (0, "", "")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nonsense"], "invalid choice: 'nonsense'"),
        (["show", "abc"], "argument id: article id must be a whole number"),
        (["sources"], "the following arguments are required: ACTION"),
        (["search", "x", "--since", "2026-13-01"], "'2026-13-01' is not a date like"),
        (["export", "--format", "doc", "x"], "invalid choice: 'doc'"),
    ],
)
def test_usage_mistakes_are_one_line_and_status_1(tmp_path: Path, capsys, args, expected):
    code, out, err = run(capsys, tmp_path, *args)
    assert code == 1 and out == ""
    assert expected in one_line_error(err)
    assert "usage:" not in err
    assert err.rstrip().endswith("--help)")


def test_unexpected_arguments_point_at_the_commands_help(tmp_path: Path, capsys):
    code, _, err = run(capsys, tmp_path, "translate", "--from", "ru", "--json")
    assert code == 1
    assert one_line_error(err) == (
        "media-monitor: unexpected '--json' (see media-monitor translate --help)\n"
    )


def test_help_and_version_still_exit_0(tmp_path: Path, capsys):
    code, out, err = run(capsys, tmp_path, "show", "--help")
    assert code == 0 and out.startswith("usage: media-monitor show") and err == ""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("media-monitor ")


@pytest.mark.parametrize(
    ("argument", "problem"),
    [("a\x00b", "contains a NUL character"), ("x\udcff", "is not valid UTF-8 text")],
)
def test_arguments_that_are_not_text_are_refused(tmp_path: Path, capsys, argument, problem):
    for args in (["watch", "add", argument, "x"], ["sources", "import-opml", argument]):
        code, _, err = run(capsys, tmp_path, *args)
        assert code == 1 and problem in one_line_error(err)


@pytest.mark.parametrize("path", ["", ".", "..", "folder/"])
def test_an_output_path_without_a_file_name_is_refused(tmp_path: Path, capsys, path):
    for args in (["sources", "export-opml", path], ["export", "--format", "csv", path]):
        code, _, err = run(capsys, tmp_path / "data", *args)
        assert code == 1 and "is not a file name" in one_line_error(err)


HOSTILE_ADDRESSES = {
    "http://[::1": "is not a valid web address (Invalid IPv6 URL)",
    "http://[zz]/feed": "is not a valid web address",
    "http://" + "a" * 10_000 + ".com/rss": "10,015 characters long",
    "http://" + "a" * 64 + ".example/rss": "does not name a valid host",
    "http://" + ".".join(["a" * 60] * 5) + "/rss": "does not name a valid host",
    "http://a..b/rss": "does not name a valid host",
    "http://-": "does not name a valid host",
    "http://news-.example/rss": "starting or ending with a hyphen",
    "http://exa mple.com/rss": "contains a space",
    "http://example.com/\x1b[2J": "control character",
    "example.com:99999/rss": "Port out of range",
    "javascript:alert(1)": "is not a web address",
    "mailto:desk@example.com": "is not a web address",
    "ftp://example.com/rss": "is not a web address",
    "   ": "give the address of a feed",
}


@pytest.mark.parametrize("address", HOSTILE_ADDRESSES, ids=lambda a: a[:30])
@pytest.mark.parametrize("check", [True, False], ids=["checked", "no-check"])
def test_hostile_addresses_are_refused_before_anything_is_stored(
    tmp_path: Path, capsys, address: str, check: bool
):
    args = ["sources", "add", address] + ([] if check else ["--no-check"])
    code, _, err = run(capsys, tmp_path, *args)
    assert code == 1 and HOSTILE_ADDRESSES[address] in one_line_error(err)
    assert len(err) < 300  # the 10,000 characters are not repeated back
    assert run(capsys, tmp_path, "sources", "list", "--json")[1] == "[]\n"


@pytest.mark.parametrize(
    ("pasted", "followed"),
    [
        ("example.com/rss", "https://example.com/rss"),
        ("  localhost:8080/feed ", "https://localhost:8080/feed"),
        ("http://[::1]:8080/rss", "http://[::1]:8080/rss"),
        ("https://новости.рф/rss", "https://новости.рф/rss"),
    ],
)
def test_what_users_paste_is_still_accepted(pasted: str, followed: str):
    assert normalise_url(pasted) == followed


def test_a_page_whose_first_feed_link_is_damaged_is_followed_through_the_next(
    server: LocalServer, tmp_path: Path
):
    feed = server.add(
        "/rss.xml",
        Route(
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title>'
            b"<item><title>One</title><guid>1</guid></item></channel></rss>",
            headers={"Content-Type": "application/rss+xml"},
        ),
    )
    links = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="{href}">'
        for href in ("http://[::1", "http://" + "a" * 300 + "/rss", feed)
    )
    page = server.add(
        "/",
        Route(f"<html><head>{links}</head></html>".encode(), headers={"Content-Type": "text/html"}),
    )
    with open_monitor(tmp_path, fetch_settings=FAST) as monitor:
        added = monitor.add_source(page)
    assert added.source.url == feed and "found the feed" in added.note


def test_a_damaged_base_address_leaves_feed_links_relative_to_the_page():
    html = '<base href="http://[::1"><link rel="alternate" type="application/rss+xml" href="/rss">'
    assert discover_feeds(html, "https://news.example.com/a/") == ["https://news.example.com/rss"]


def test_pages_that_advertise_each_other_do_not_loop(server: LocalServer, tmp_path: Path):
    def page(other: str) -> Route:
        link = f'<link rel="alternate" type="application/rss+xml" href="{server.url(other)}">'
        return Route(
            f"<html><head>{link}</head><body></body></html>".encode(),
            headers={"Content-Type": "text/html"},
        )

    first = server.add("/a", page("/b"))
    server.add("/b", page("/a"))
    with open_monitor(tmp_path, fetch_settings=FAST) as monitor:
        with pytest.raises(SourceError, match="neither a feed nor an article page"):
            monitor.add_source(first)
        assert monitor.sources() == []
    assert len(server.requests_to("/a")) == 1 and len(server.requests_to("/b")) == 1


def test_a_bug_is_one_line_and_its_traceback_goes_to_the_log(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    def broken(monitor: object, args: object) -> int:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("monitor.cli.commands.run_sources_list", broken)
    code, out, err = run(capsys, tmp_path, "sources", "list")
    log = tmp_path / "errors.log"
    assert code == 1 and out == ""
    assert one_line_error(err) == (
        f"media-monitor: internal error: RuntimeError: boom second line (details in {log})\n"
    )
    written = log.read_text("utf-8")
    assert "Traceback (most recent call last)" in written and "in broken" in written


def test_non_utf8_input_to_translate_is_replaced_not_fatal(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    model = build_package(tmp_path / "stick", "ru", "en")
    assert run(capsys, tmp_path / "data", "models", "install", str(model))[0] == 0
    piped = io.TextIOWrapper(io.BytesIO(b"\xff\xfe \xd0\x9c\xd0\xb8\xd1\x80."), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", piped)
    code, out, err = run(capsys, tmp_path / "data", "translate", "--from", "ru")
    assert (code, err) == (0, "") and "Мир." in out


def test_a_terminal_that_cannot_show_cyrillic_gets_escapes(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    terminal = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", terminal)
    code = main(["--data-dir", str(tmp_path), "sources", "catalog", "--lang", "ru"])
    terminal.flush()
    shown = terminal.buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    assert code == 0 and "\\u" in shown and capsys.readouterr().err == ""


def test_messages_are_cut_to_one_safe_line():
    assert one_line("a\nb\r\nc\x1b[31m") == "a b c\\x1b[31m"
    assert one_line("x" * 5000, limit=100) == "x" * 99 + "…"


@pytest.mark.parametrize("name", ["a-file", "a" * 300, "a/" * 3000])
def test_an_unusable_data_folder_is_one_line(tmp_path: Path, capsys, name: str):
    (tmp_path / "a-file").write_text("not a folder")
    code, _, err = run(capsys, tmp_path / name, "sources", "list")
    assert code == 1 and "cannot use" in one_line_error(err)


def test_what_the_core_logs_goes_to_the_log_file_not_the_terminal(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    def broken_fetch(*args: object, **kwargs: object) -> None:
        raise UnicodeError("encoding with 'idna' codec failed (label empty or too long)")

    run(capsys, tmp_path, "sources", "add", "--no-check", "http://127.0.0.1:9/rss")
    monkeypatch.setattr("monitor.collect.fetch.Fetcher.fetch", broken_fetch)
    code, out, err = run(capsys, tmp_path, "update")
    assert code == 0 and "Traceback" not in out + err
    assert "unexpected error: UnicodeError" in out  # the source's failure, in one line
    logged = (tmp_path / "errors.log").read_text("utf-8")
    assert "unexpected error while reading http://127.0.0.1:9/rss" in logged
    assert "Traceback (most recent call last)" in logged and "in broken_fetch" in logged


def test_a_damaged_install_is_one_line_with_its_details_in_a_log(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "monitor.app", None)  # importing it now fails
    code, _, err = run(capsys, tmp_path / "data", "sources", "list")
    assert code == 1 and "internal error: ModuleNotFoundError" in one_line_error(err)
    assert "monitor.app" in (tmp_path / "data" / "errors.log").read_text("utf-8")
    # With no usable data folder, the details go to the temporary folder.
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temporary"))
    (tmp_path / "temporary").mkdir()
    code, _, err = run(capsys, tmp_path / "a-file", "sources", "list")
    fallback = tmp_path / "temporary" / "media-monitor-errors.log"
    assert code == 1 and f"(details in {fallback})" in one_line_error(err)
