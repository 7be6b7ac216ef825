"""Count documents decoded in the wrong script, in the held-out corpus and in our own.

1. **Held-out** (found as :func:`bench.common.paths.eval_dir` says, read in place, never
   copied): feedparser's ``illformed/chardet`` snippets, undeclared legacy encodings whose
   script follows from the file name, and the article pages whose gold text (or gold
   snippets) is long enough to tell a script by. Each is decoded by
   :func:`~monitor.collect.encoding.decode_document` with no HTTP header, as a page or
   feed without one would be, and counted when the decoded text is in another script.
2. **Own corpus** (``tests/monitor/data/encoding``, written by ``make_corpus.py`` there):
   each document goes the app's way, feeds through ``parse_feed``, pages through
   ``decode_document``, ``extract_page`` and ``repair_page``, other documents through
   ``decode_document``; counted when the text is in the wrong script, and when the
   expected titles or snippets are not found.
3. With ``--against REV``, the decoder of that commit (:mod:`bench.extraction.revision`)
   beside today's: wrong scripts in (1) and in the decoded documents of (2) (parsing,
   extraction and repair stay today's), then every held-out feed and page decoded by both,
   listing those that decode differently, and the time each decoder took.

    .venv/bin/python -m bench.encoding [--verbose] [--against REV]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common.paths import EVAL_ENV, ROOT, eval_dir
from bench.extraction.revision import RevisionError, module_at
from monitor.collect.encoding import decode_document
from monitor.collect.extract import extract_page
from monitor.collect.feeds import parse_feed
from monitor.collect.mojibake import repair_page
from monitor.language.detect import detect_language
from monitor.types import DecodedText

OWN_CORPUS = ROOT / "tests" / "monitor" / "data" / "encoding"
# feedparser's undeclared snippets: the script each file's name promises.
CHARDET_SCRIPTS = {
    "big5": "han",
    "gb2312": "han",
    "euckr": "hangul",
    "koi8r": "cyrillic",
    "eucjp": "japanese",
    "shiftjis": "japanese",
    "tis620": "thai",
    "windows1255": "hebrew",
}
# tgcontest pages have no gold text; index.json names their script.
CONTEST_SCRIPTS = {"Cyrl": "cyrillic", "Hani": "han", "Hang": "hangul"}
MIN_GOLD_LETTERS = 30  # fewer non-ASCII letters in the gold tell no script
_HEADER = re.compile(rb"Header:\s*Content-type:\s*([^\n]+)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")

# decode_document's signature: (data, content type, *, markup) -> DecodedText
Decode = Callable[..., DecodedText]


@dataclass(frozen=True)
class Document:
    name: str
    data: bytes
    markup: str  # "xml" or "html"
    script: str  # the script its text must come out in
    content_type: str | None = None  # the HTTP header it is served with, if any


def script_of(text: str, minimum: int = 3) -> str | None:
    """The script most non-ASCII letters of ``text`` are in (None below ``minimum``)."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha() or char.isascii():
            continue
        code = ord(char)
        if 0xAC00 <= code <= 0xD7A3:
            counts["hangul"] += 1
        elif 0x3040 <= code <= 0x30FF:
            counts["kana"] += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            counts["han"] += 1
        elif 0x400 <= code <= 0x52F:
            counts["cyrillic"] += 1
        elif 0xE00 <= code <= 0xE7F:
            counts["thai"] += 1
        elif 0x590 <= code <= 0x5FF:
            counts["hebrew"] += 1
        elif code < 0x250:
            counts["latin"] += 1
        else:
            counts["other"] += 1
    if sum(counts.values()) < minimum:
        return None
    if counts["kana"] and counts["kana"] * 10 >= counts["kana"] + counts["han"]:
        return "japanese"  # Japanese mixes kana into its Han
    return counts.most_common(1)[0][0]


def held_out_documents(corpus: Path) -> Iterator[Document]:
    """The held-out documents whose script is known (see the module docstring)."""
    for path in sorted((corpus / "feedparser-corpus" / "illformed" / "chardet").glob("*.xml")):
        if path.stem in CHARDET_SCRIPTS:
            yield Document(path.name, path.read_bytes(), "xml", CHARDET_SCRIPTS[path.stem])
    articles = corpus / "articles"
    for path in sorted(articles.rglob("*.html")):
        if path.name == "expected.html":
            continue
        gold = _gold_text(path)
        script = script_of(gold, MIN_GOLD_LETTERS) if gold else None
        if script is not None:
            yield Document(str(path.relative_to(articles)), path.read_bytes(), "html", script)


def _gold_text(page: Path) -> str | None:
    """The text the held-out corpus gives for ``page``, in whatever form it has one."""
    for sibling in (page.with_suffix(".expected.txt"), page.with_name("expected.html")):
        if sibling.exists():
            return _TAG.sub(" ", sibling.read_text(encoding="utf-8"))
    if page.with_suffix(".json").exists():  # goose3: the expected fields
        data = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        return json.dumps(data.get("expected", data), ensure_ascii=False)
    if page.parent.name == "trafilatura-eval":  # the snippets it must contain, and its title
        spec = json.loads((page.parent / "expected_with_without.json").read_text("utf-8"))
        for entry in spec.values():
            if entry["file"] == page.name:
                return " ".join([*entry.get("with", []), str(entry.get("title", ""))])
    if page.parent.name == "tgcontest2020-sample":
        index = json.loads((page.parent / "index.json").read_text(encoding="utf-8"))
        script = {entry["file"]: entry["script"] for entry in index}.get(page.name)
        if script in CONTEST_SCRIPTS:
            return {"cyrillic": "Кириллица", "han": "中文汉字", "hangul": "한국어"}[
                CONTEST_SCRIPTS[script]
            ] * MIN_GOLD_LETTERS
    return None


def count_wrong(documents: list[Document], decode: Decode, verbose: bool) -> int:
    """Documents of ``documents`` that ``decode`` puts in the wrong script."""
    wrong = 0
    for document in documents:
        decoded = decode(document.data, document.content_type, markup=document.markup)
        got = script_of(decoded.text)
        if got != document.script:
            wrong += 1
            if verbose:
                print(f"    WRONG {document.name}: {decoded.encoding} -> {got}")
    return wrong


def own_cases() -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    for expected_path in sorted(OWN_CORPUS.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        document = next(p for p in OWN_CORPUS.glob(f"{name}.*") if p.suffix in (".html", ".xml"))
        yield name, document.read_bytes(), json.loads(expected_path.read_text(encoding="utf-8"))


def check_own(verbose: bool) -> tuple[int, int, int]:
    """(wrong script, wrong text, documents) for the own corpus, the app's whole way."""
    wrong_script = wrong_text = total = 0
    for name, data, expected in own_cases():
        total += 1
        if "items" in expected:
            feed = parse_feed(
                data, url="https://example.com/feed", content_type=expected["content_type"]
            )
            text = " ".join(f"{item.title} {item.summary}" for item in feed.items)
            right = [item.title for item in feed.items] == [
                item["title"] for item in expected["items"]
            ]
            note = f"{feed.encoding}"
        else:
            decoded = decode_document(data, expected["content_type"], markup=expected["markup"])
            text, note = decoded.text, decoded.encoding
            if "page" in expected:
                page = repair_page(extract_page(decoded.text, "https://example.com/article"))
                text = page.text
                right = all(snippet in text for snippet in expected["page"]["contains"])
                note += f", language {detect_language(text)}"
            else:
                right = all(snippet in text for snippet in expected["contains"])
        script = script_of(text)
        wrong_script += script != expected["script"]
        wrong_text += not right
        if verbose or script != expected["script"] or not right:
            flag = "   " if right and script == expected["script"] else "BAD"
            print(f"    {flag} {name}: {script} (want {expected['script']}), {note}")
    return wrong_script, wrong_text, total


def own_documents() -> list[Document]:
    """The own corpus's documents a decoder alone can get right, to compare decoders on:
    not those whose bytes are mojibake already (text decoded wrongly and saved again),
    which only the repair after decoding can fix."""
    return [
        Document(name, data, expected["markup"], expected["script"], expected["content_type"])
        for name, data, expected in own_cases()
        if not _repaired(expected)
    ]


def _repaired(expected: dict[str, Any]) -> bool:
    if "items" in expected:
        return any(item.get("repaired", False) for item in expected["items"])
    return bool(expected.get("page", {}).get("repaired", False))


def all_held_out(corpus: Path) -> Iterator[tuple[str, bytes, str | None, str]]:
    """(name, bytes, content type, markup) for every feed and page of the held-out corpus;
    feedparser's files name the HTTP header they are served with in a comment."""
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.suffix not in (".xml", ".html", ".json", ".txt"):
            continue
        if {"parallel", "langid"} & set(path.relative_to(corpus).parts):
            continue
        data = path.read_bytes()
        header = _HEADER.search(data[:600])
        content_type = header.group(1).decode("latin-1").strip() if header else None
        markup = "html" if path.suffix == ".html" else "xml"
        yield str(path.relative_to(corpus)), data, content_type, markup


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.encoding", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--against", metavar="REV", help="also measure this commit's decoder")
    args = parser.parse_args()
    decoders: list[tuple[str, Decode]] = [("now", decode_document)]
    if args.against:
        try:
            old = module_at(args.against, "monitor/collect/encoding.py").decode_document
        except RevisionError as error:
            parser.error(str(error))
        decoders.append((f"at {args.against}", old))

    wrong_script, wrong_text, total = check_own(args.verbose)
    print(
        f"== own corpus ({OWN_CORPUS.relative_to(ROOT)}), the app's way: {wrong_script} of "
        f"{total} in the wrong script, {wrong_text} with wrong text"
    )
    own = own_documents()
    corpus = eval_dir()
    held_out = list(held_out_documents(corpus)) if corpus.is_dir() else []
    for label, decode in decoders:
        print(f"== documents decoded by the decoder {label}")
        wrong_own = count_wrong(own, decode, args.verbose)
        print(
            f"   own corpus: {wrong_own} of {len(own)} (not mojibake already) in the wrong script"
        )
        if held_out:
            wrong = count_wrong(held_out, decode, args.verbose)
            print(f"   held-out: {wrong} of {len(held_out)} in the wrong script")
    if not corpus.is_dir():
        print(f"no held-out corpus at {corpus} (set {EVAL_ENV} to its folder)")
    elif len(decoders) == 2:
        print(f"== every held-out feed and page, {decoders[1][0]} against now")
        compare_all(corpus, decoders[1][1], decode_document, args.against or "")


def compare_all(corpus: Path, before: Decode, after: Decode, revision: str) -> None:
    """Decode every held-out feed and page both ways: which differ, and how long each took."""
    differ = total = 0
    spent = [0.0, 0.0]
    for name, data, content_type, markup in all_held_out(corpus):
        results = []
        for slot, decode in enumerate((before, after)):
            started = time.perf_counter()
            results.append(decode(data, content_type, markup=markup))
            spent[slot] += time.perf_counter() - started
        total += 1
        if results[0].text != results[1].text:
            differ += 1
            print(
                f"    differs: {name}: {results[0].encoding} at {revision} -> {results[1].encoding}"
            )
    print(
        f"   {differ} of {total} documents decode differently; decoding took {spent[0]:.2f} s "
        f"at {revision}, {spent[1]:.2f} s now"
    )


if __name__ == "__main__":
    main()
