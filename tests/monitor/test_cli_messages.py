"""What the command line says, run in-process over the demo collection: query words that
start with "-", unknown languages, counts in the right number, tables that fit the terminal
without cutting a name silently, and addresses refused or followed unchecked."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from monitor import open_monitor
from monitor.cli import main
from monitor.cli.commands import UNCHECKED
from monitor.cli.output import cells, fit, format_summary
from monitor.types import SourceReport

LONG_NAME = "Korea Central Broadcasting Evening Edition 한국중앙방송 저녁판 (demo)"


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo collection, one outlet renamed to a long name in two scripts."""
    data = tmp_path_factory.mktemp("cli-messages") / "data"
    with open_monitor(data) as monitor:
        sources = monitor.add_demo_sources()
        monitor.update([s.id for s in sources])
        korean = next(s for s in sources if s.language_hint == "ko")
        monitor.edit_source(korean.id, name=LONG_NAME, update_interval_minutes=60)
    return data


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch):
    """Output to a terminal ``columns`` cells wide."""

    def set_width(columns: int) -> None:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.setenv("COLUMNS", str(columns))  # what shutil.get_terminal_size reads first

    return set_width


# Query words that start with "-" ----------------------------------------------------------


def test_a_word_that_starts_with_a_dash_is_part_of_the_query(demo: Path, capsys):
    code, out, err = run(capsys, demo, "search", "-satellite", "--lang", "en", "--json")
    assert code == 0, err
    english = json.loads(out)
    assert english and {hit["lang"] for hit in english} == {"en"}
    assert all("satellite" not in hit["title"].lower() for hit in english)

    code, out, err = run(capsys, demo, "search", "--limit", "2", "Korea", "-satellite", "--json")
    assert code == 0 and len(json.loads(out)) == 2, err
    code, same, _ = run(capsys, demo, "search", "Korea", "-satellite", "--limit=2", "--json")
    assert same == out  # options before or after the words

    # Alone, the query only excludes: the query language says so, not argparse.
    code, _, err = run(capsys, demo, "search", "-satellite")
    assert code == 1 and "required" not in err and "only excludes" in err
    code, _, err = run(capsys, demo, "search", "--", "-satellite", "rocket")
    assert code == 0, err


def test_options_are_still_options_and_mistakes_still_one_line(demo: Path, capsys):
    code, _, err = run(capsys, demo, "search", "rocket", "--bogus")
    assert code == 1 and "unexpected '--bogus'" in err and "search --help" in err
    code, out, _ = run(capsys, demo, "search", "--lim", "1", "rocket", "--json")
    assert code == 0 and len(json.loads(out)) == 1  # argparse's abbreviations still work


# Unknown languages and sources --------------------------------------------------------------


def test_an_unknown_language_is_an_error_naming_the_collections_languages(demo: Path, capsys):
    code, out, err = run(capsys, demo, "articles", "list", "--lang", "xx")
    assert code == 1 and out == ""
    assert err.strip() == (
        "media-monitor: error: no articles in 'xx': the collection has articles in "
        "en, ko, ru, uk, zh"
    )
    code, out, _ = run(capsys, demo, "articles", "list", "--lang", "KO", "--json")
    assert code == 0 and {a["lang"] for a in json.loads(out)} == {"ko"}
    code, _, err = run(capsys, demo, "articles", "list", "--source", "999")
    assert code == 1 and "no source with id 999" in err


# Counts ------------------------------------------------------------------------------------


def test_counts_are_said_in_the_right_number(demo: Path, capsys):
    code, out, _ = run(capsys, demo, "search", "satellite")
    assert code == 0 and out.splitlines()[0] == "1 match"
    code, out, _ = run(capsys, demo, "search", "nothingmatchesthis")
    assert code == 0 and out.strip() == "No matches."
    code, out, _ = run(capsys, demo, "search", "Korea", "--limit", "2", "--page", "2")
    assert out.splitlines()[0].endswith("(page 2 of 4)") or "(page 2 of" in out.splitlines()[0]
    code, out, _ = run(capsys, demo, "search", "satellite", "--page", "3")
    assert out.splitlines()[0] == "1 match; there is no page 3, showing the last (page 1 of 1)"

    one = SourceReport(1, "Neva Courier", new=1, updated=0, failed=1, queued=1)
    summary = format_summary([one])
    assert "1 page unavailable; kept the feed's text; 1 page queued for the next update" in summary
    assert summary.splitlines()[-1] == (
        "1 new article from 1 source; 1 page queued for the next update"
    )
    two = SourceReport(2, "Dnipro Morning", new=2, updated=0, failed=2, error="timed out")
    assert format_summary([one, two]).splitlines()[-1] == (
        "3 new articles from 2 sources; 1 source failed; 1 page queued for the next update"
    )


# Tables ------------------------------------------------------------------------------------


def outlet_cells(line: str) -> str:
    """The outlet column of an ``articles list`` line (after id, language and time)."""
    return line[5 + 2 + 2 + 2 + 16 + 2 :]


def outlets_listed(out: str, titles: dict[int, str]) -> list[str]:
    """The outlet column of each ``articles list`` line: what is left of it once the id,
    language and time before it and the title after it are taken away."""
    shown = []
    for line in out.splitlines():
        article_id = int(line.split()[0])
        column = line[5 + 2 + 2 + 2 + 16 + 2 :]
        assert column.endswith("  " + titles[article_id]), line
        shown.append(column[: -len(titles[article_id])].rstrip())
    return shown


def test_names_are_never_cut_when_there_is_no_terminal(demo: Path, capsys):
    with open_monitor(demo) as monitor:
        names = {s.name for s in monitor.sources()}
        titles = {a.id: a.title for a in monitor.articles()}
    code, out, _ = run(capsys, demo, "articles", "list")
    assert code == 0 and set(outlets_listed(out, titles)) == names
    code, out, _ = run(capsys, demo, "sources", "list")
    assert all(name in out for name in names)


def test_tables_fit_the_terminal_and_end_a_cut_name_with_an_ellipsis(demo: Path, capsys, terminal):
    with open_monitor(demo) as monitor:
        names = {s.name for s in monitor.sources()}
        titles = {a.id: a.title for a in monitor.articles()}
    for columns in (60, 80, 100):
        terminal(columns)
        code, out, _ = run(capsys, demo, "articles", "list")
        assert code == 0
        shown = set(outlets_listed(out, titles))
        for cut in shown - names:  # said to be cut, and the start of a name
            assert cut.endswith("…") and any(name.startswith(cut[:-1]) for name in names)
        title_starts = {
            cells(line[: line.rindex(titles[int(line.split()[0])])]) for line in out.splitlines()
        }
        assert len(title_starts) == 1  # one column: the titles after it are aligned
    assert names - {LONG_NAME} <= shown  # at 100 cells, the demo's own names are whole
    assert LONG_NAME not in shown

    code, out, _ = run(capsys, demo, "articles", "list", "--json")
    assert {a["source"] for a in json.loads(out)} == names  # JSON is never cut

    terminal(80)
    code, out, _ = run(capsys, demo, "sources", "list")
    rows = [line for line in out.splitlines() if line[:4].strip().isdigit()]
    status = [cells(row[: row.index("checked")]) for row in rows]
    assert len(set(status)) == 1  # the column after the names is aligned, Hangul and all
    assert any("Korea Central Broadcasting" in row and "…" in row for row in rows)
    assert all(cells(row) <= 80 for row in rows)


def test_fit_counts_wide_characters_as_two_cells():
    assert fit("한국중앙방송", 8) == "한국중…" + " "
    assert cells(fit("한국중앙방송", 8)) == 8
    assert fit("TASS", 8) == "TASS    "
    assert fit("Interfax-Ukraine", 10) == "Interfax-…"


# Adding by address ---------------------------------------------------------------------------


def test_an_invalid_address_is_refused_with_its_reason(tmp_path: Path, capsys):
    code, out, err = run(capsys, tmp_path, "sources", "add", "not a url")
    assert code == 1 and out == ""
    assert err.strip() == (
        "media-monitor: error: 'not a url' contains a space or a control character; "
        "copy the address again"
    )
    assert run(capsys, tmp_path, "sources", "list", "--json")[1] == "[]\n"


def test_an_unreachable_address_is_followed_unchecked_with_its_own_status(tmp_path: Path, capsys):
    code, out, err = run(capsys, tmp_path, "sources", "add", "http://127.0.0.1:9/rss")
    assert code == UNCHECKED == 3
    assert out.strip() == "Added source 1: http://127.0.0.1:9/rss, not checked"
    assert err.count("\n") == 1 and "could not reach http://127.0.0.1:9/rss" in err
    assert "tried at the next update" in err
    [source] = json.loads(run(capsys, tmp_path, "sources", "list", "--json")[1])
    assert source["url"] == "http://127.0.0.1:9/rss" and source["last_error"]

    # Offline on purpose: --no-check adds without trying, and that is a success.
    code, out, err = run(capsys, tmp_path, "sources", "add", "--no-check", "http://127.0.0.1:9/a")
    assert code == 0 and err == "" and "added without checking" in out
