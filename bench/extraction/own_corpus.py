"""The project's own golden pages, scored like the held-out ones.

``tests/monitor/data/pages`` holds news pages written for the tests (one per language, their
expected JSON beside them) and ``shapes/`` the page shapes of issue 15 (text in ``<div>``s
and ``<td>``s with ``<br>``, forum posts, one-sentence news items, blogs, notices under a
metadata table, portal pages, and pages that are not articles). Each expected JSON lists the
paragraphs (``null``: the page must be refused) and the page's language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common.paths import ROOT

PAGES = ROOT / "tests" / "monitor" / "data" / "pages"


@dataclass(frozen=True)
class OwnPage:
    name: str
    html: str
    url: str
    language: str
    shape: str
    paragraphs: list[str] | None  # None: not an article, extraction must refuse it


def own_pages(folder: Path = PAGES) -> Iterator[OwnPage]:
    """The golden pages of ``folder`` and of its ``shapes`` subfolder."""
    paths = [*folder.glob("*.expected.json"), *folder.glob("shapes/*.expected.json")]
    for expected_path in sorted(paths):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        page = expected_path.with_name(expected_path.name.replace(".expected.json", ".html"))
        yield OwnPage(
            name=str(expected_path.relative_to(folder)).removesuffix(".expected.json"),
            html=page.read_text(encoding="utf-8"),
            url=expected["url"],
            language=expected.get("language") or expected["language_hint"],
            shape=expected.get("shape", "news"),
            paragraphs=expected["paragraphs"],
        )
