"""End to end: an install that lacks a package says so, and stores nothing wrong because of it.

The CLI runs in a child process whose ``sitecustomize`` makes chosen modules unimportable, as
they are when pip leaves a package out (pip 23 and ``lxml[html_clean]``). The update must stop
with one line naming the package and how to install it, before any article is recorded as
"no article text"; once the package is back, the next update stores the pages' text.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from monitor import dependencies
from monitor.collect.extract import extract_page
from monitor.dependencies import MissingDependency, missing, require
from monitor.errors import ExtractionError
from monitor.paths import store_path
from tests.e2e.test_crash_recovery import feed_xml, page_html
from tests.support.http_server import LocalServer, Route

pytestmark = pytest.mark.network

# Blocks the modules named in MM_BLOCKED_MODULES (and their submodules) for the whole process,
# before any of our code runs: looking one up or importing it fails as if it were not installed.
SITECUSTOMIZE = """
import os, sys
class _Blocked:
    names = set(os.environ.get("MM_BLOCKED_MODULES", "").split(","))
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _Blocked())
"""


def run_cli(
    tmp_path: Path, data: Path, args: Sequence[str], blocked: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    environment = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        MM_BLOCKED_MODULES=",".join(blocked),
    )
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def serve_site(server: LocalServer, language: str = "uk", count: int = 3) -> str:
    links = [
        server.add(f"/{language}/{n}.html", Route(page_html(language, n))) for n in range(count)
    ]
    return server.add(f"/{language}.xml", Route(feed_xml(language, links)))


def articles(data: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(store_path(data)) as db:
        return db.execute("SELECT text, last_error FROM articles ORDER BY id").fetchall()


@pytest.mark.parametrize(
    ("blocked", "named"),
    [
        (["lxml_html_clean"], "lxml_html_clean"),
        (["trafilatura"], "trafilatura"),
        (["pymorphy3_dicts_uk"], "pymorphy3-dicts-uk"),
    ],
)
def test_update_without_a_package_names_it_and_records_nothing(
    tmp_path: Path, server: LocalServer, blocked: list[str], named: str
) -> None:
    data = tmp_path / "data"
    feed = serve_site(server)
    added = run_cli(tmp_path, data, ["sources", "add", feed, "--no-check"])
    assert added.returncode == 0, added.stderr

    broken = run_cli(tmp_path, data, ["update"], blocked)

    assert broken.returncode == 1
    lines = broken.stderr.strip().splitlines()
    assert len(lines) == 1, broken.stderr
    assert "Traceback" not in broken.stderr
    assert named in lines[0]
    assert f"pip install {named}" in lines[0]
    assert articles(data) == []  # not one page recorded as having no text
    assert server.requests_to("/uk/0.html") == []

    healed = run_cli(tmp_path, data, ["update"])

    assert healed.returncode == 0, healed.stderr
    stored = articles(data)
    assert len(stored) == 3
    assert all(error is None for _, error in stored)
    assert all(text.count("\n\n") >= 4 for text, _ in stored)  # the pages' paragraphs


def test_missing_names_packages_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)

    absent = missing(dependencies.EVERYTHING)

    assert [r.distribution for r in absent] == ["lxml_html_clean"]


def test_require_blames_the_package_not_installed_rather_than_its_users(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dependencies, "_loaded", set())
    monkeypatch.setitem(sys.modules, "lxml_html_clean", None)

    with pytest.raises(MissingDependency) as raised:
        require(dependencies.COLLECTION)

    assert [r.module for r in raised.value.requirements] == ["lxml_html_clean"]
    assert "reading web pages needs lxml_html_clean (not installed)" in str(raised.value)


def test_extraction_that_meets_a_missing_module_is_not_a_page_without_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [n for n in sys.modules if n.split(".")[0] == "trafilatura"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "trafilatura", None)

    with pytest.raises(MissingDependency) as raised:
        extract_page(page_html("ru", 1).decode(), "http://127.0.0.1/ru/1.html")

    assert not isinstance(raised.value, ExtractionError)
    assert "trafilatura" in str(raised.value)
