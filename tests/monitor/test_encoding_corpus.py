"""Golden documents in the encoding shapes the wild produces (``data/encoding``, made by its
``make_corpus.py``), and the held-out corpus decoded in the right script when present."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from monitor.collect.encoding import decode_document
from monitor.collect.extract import extract_page
from monitor.collect.feeds import parse_feed
from monitor.collect.mojibake import repair_page
from monitor.language.detect import detect_language

DATA = Path(__file__).parent / "data" / "encoding"
EXPECTED = sorted(DATA.glob("*.expected.json"))
HELD_OUT = Path(
    os.environ.get("MEDIA_MONITOR_EVAL_DIR")
    or Path(__file__).resolve().parents[3] / "shared" / "eval"
)
CHARDET_SCRIPTS = {"big5": "han", "gb2312": "han", "euckr": "hangul", "koi8r": "cyrillic"}


def _case(expected_path: Path) -> tuple[bytes, dict[str, Any]]:
    name = expected_path.name.removesuffix(".expected.json")
    document = next(p for p in DATA.glob(f"{name}.*") if p.suffix in (".html", ".xml"))
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    return document.read_bytes(), expected


def script_of(text: str) -> str | None:
    """The script most non-ASCII letters of ``text`` are in."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha() and not char.isascii():
            code = ord(char)
            if 0xAC00 <= code <= 0xD7A3:
                counts["hangul"] += 1
            elif 0x4E00 <= code <= 0x9FFF:
                counts["han"] += 1
            elif 0x400 <= code <= 0x52F:
                counts["cyrillic"] += 1
            elif code < 0x250:
                counts["latin"] += 1
            else:
                counts["other"] += 1
    return counts.most_common(1)[0][0] if counts else None


def test_the_corpus_has_every_shape():
    assert len(EXPECTED) >= 20
    kinds = Counter("items" in _case(path)[1] for path in EXPECTED)
    assert kinds[True] >= 8 and kinds[False] >= 10  # feeds and pages


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_golden_document(expected_path):
    data, expected = _case(expected_path)
    if "items" in expected:
        feed = parse_feed(
            data, url="https://example.com/feed", content_type=expected["content_type"]
        )
        assert len(feed.items) == len(expected["items"])
        for item, want in zip(feed.items, expected["items"], strict=True):
            assert item.title == want["title"]
            if "summary" in want:
                assert item.summary == want["summary"]
            assert item.repaired is want.get("repaired", False)
            assert detect_language(f"{item.title}\n{item.summary}") == want["language"]
        return
    decoded = decode_document(data, expected["content_type"], markup=expected["markup"])
    if "encoding" in expected:
        assert decoded.encoding == expected["encoding"]
    if "page" in expected:
        page = repair_page(extract_page(decoded.text, "https://example.com/article"))
        assert page.title == expected["page"]["title"]
        for snippet in expected["page"]["contains"]:
            assert snippet in page.text
        assert page.repaired is expected["page"]["repaired"]
        assert detect_language(page.text) == expected["page"]["language"]
        return
    for snippet in expected["contains"]:
        assert snippet in decoded.text
    assert script_of(decoded.text) == expected["script"]


def _held_out_documents() -> list[tuple[str, Path, str]]:
    """(name, path, script it must decode to) for feedparser's undeclared legacy snippets
    and the article pages whose gold text is long enough to tell a script by."""
    found = []
    chardet = HELD_OUT / "feedparser-corpus" / "illformed" / "chardet"
    for path in sorted(chardet.glob("*.xml")):
        if path.stem in CHARDET_SCRIPTS:
            found.append((path.name, path, CHARDET_SCRIPTS[path.stem]))
    for gold in sorted((HELD_OUT / "articles").rglob("*.expected.txt")):
        page = gold.with_name(gold.name.removesuffix(".expected.txt") + ".html")
        text = gold.read_text(encoding="utf-8")
        script = script_of(text)
        letters = sum(char.isalpha() and not char.isascii() for char in text)
        if page.exists() and script in ("han", "hangul", "cyrillic") and letters >= 30:
            found.append((page.name, page, script))
    return found


@pytest.mark.skipif(not HELD_OUT.is_dir(), reason="held-out corpus not present")
def test_no_held_out_document_is_decoded_in_the_wrong_script():
    documents = _held_out_documents()
    assert len(documents) >= 8
    wrong = []
    for name, path, script in documents:
        markup = "xml" if path.suffix == ".xml" else "html"
        decoded = decode_document(path.read_bytes(), None, markup=markup)
        if script_of(decoded.text) != script:
            wrong.append(f"{name}: {decoded.encoding}")
    assert wrong == []
