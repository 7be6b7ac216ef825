"""Measure main-text extraction against the held-out corpus's ``articles`` folder and the
project's own golden pages.

Not a test: it prints token-level precision/recall/F1 per language, the pages extracted in
another script than their gold, the pass rate of the trafilatura "with/without" snippets and
the time per page, for several extraction settings, so the defaults of
``monitor.collect.extract.ExtractionOptions`` can be chosen by the numbers; first the same
per language on the own corpus (:mod:`bench.extraction.own_corpus`), with the pages
extracted exactly and the non-articles refused. Han, kana and Hangul are
tokenized by character, other scripts by word. Nothing is copied from the held-out corpus,
which is found as :func:`bench.common.paths.eval_dir` says (``MEDIA_MONITOR_EVAL_DIR``).
``--against REV`` adds the extractor of an older commit (:mod:`bench.extraction.revision`).

    .venv/bin/python -m bench.extraction [--corpus DIR] [--verbose] [--only-default]
                                         [--against REV]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]

from bench.common.paths import EVAL_ENV, eval_dir
from bench.encoding.evaluate import script_of
from bench.extraction.own_corpus import OwnPage, own_pages
from bench.extraction.revision import RevisionError, module_at
from monitor.collect.extract import DEFAULT_OPTIONS, ExtractionOptions, extract_page
from monitor.errors import ExtractionError

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff"
_CONTEST_TEXT_BLOCKS = (
    "//article//*[self::p or self::h2 or self::h3 or self::h4 or self::li or self::td"
    " or self::blockquote[not(.//p)]][not(ancestor::related) and not(ancestor::figcaption)]"
)
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")


@dataclass
class GoldPage:
    name: str
    html: str
    url: str
    expected: str
    prefix_only: bool = False  # the gold is only the start of the article: score recall


@dataclass
class SnippetPage:
    name: str
    html: str
    url: str
    with_: list[str]
    without: list[str]


def decode(data: bytes) -> str:
    """Use the project's decoder when present, else UTF-8, then the declared charset."""
    try:
        from monitor.collect.encoding import decode_document
    except ImportError:
        pass
    else:
        return decode_document(data, None, markup="html").text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for match in re.finditer(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:8192]):
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def read_html(path: Path) -> str:
    return decode(path.read_bytes())


def html_text(html: str, xpath: str | None = None) -> str:
    tree = lxml.html.document_fromstring(html)
    for junk in tree.xpath("//script | //style"):
        junk.drop_tree()
    if xpath is None:
        for br in tree.iter("br"):
            br.tail = "\n" + (br.tail or "")
        return str(tree.text_content())
    return "\n\n".join(element.text_content() for element in tree.xpath(xpath))


def language_of(text: str) -> str:
    hangul = len(re.findall(r"[\uac00-\ud7af]", text))
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    cyrillic = len(re.findall(r"[\u0400-\u04ff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    best = max(hangul, han, cyrillic, latin)
    if best == hangul:
        return "ko"
    if best == han:
        return "zh"
    if best == cyrillic:
        return "uk" if len(re.findall(r"[іїєґІЇЄҐ]", text)) > cyrillic / 100 else "ru"
    return "en"


def gold_pages(corpus: Path) -> Iterator[GoldPage]:
    aeb = corpus / "scrapinghub-aeb"
    if aeb.is_dir():
        truth = json.loads((aeb / "ground-truth.subset.json").read_text(encoding="utf-8"))
        for page_id, entry in sorted(truth.items()):
            html = read_html(aeb / f"{page_id}.html")
            yield GoldPage(f"aeb/{page_id[:8]}", html, entry["url"], entry["articleBody"])
    readability = corpus / "readability"
    if readability.is_dir():
        for folder in sorted(p for p in readability.iterdir() if p.is_dir()):
            expected = html_text((folder / "expected.html").read_text(encoding="utf-8"))
            html = read_html(folder / "source.html")
            yield GoldPage(f"readability/{folder.name}", html, "http://fakehost/test/", expected)
    goose = corpus / "goose3"
    if goose.is_dir():
        for meta_path in sorted(goose.glob("*.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            html = read_html(meta_path.with_suffix(".html"))
            # goose3's tests compare only the start of the text, and some golds are cut short.
            expected = meta["expected"]["cleaned_text"]
            yield GoldPage(f"goose3/{meta_path.stem}", html, meta["url"], expected, True)
    newspaper = corpus / "newspaper4k"
    if newspaper.is_dir():
        for expected_path in sorted(newspaper.glob("*.expected.txt")):
            stem = expected_path.name.removesuffix(".expected.txt")
            meta_path = newspaper / f"{stem}.metadata.json"
            url = "http://example.com/article"
            if meta_path.exists():
                url = json.loads(meta_path.read_text(encoding="utf-8")).get("url") or url
            yield GoldPage(
                f"newspaper4k/{stem}",
                read_html(newspaper / f"{stem}.html"),
                url,
                expected_path.read_text(encoding="utf-8"),
            )
    contest = corpus / "tgcontest2020-sample"
    if contest.is_dir():
        for entry in json.loads((contest / "index.json").read_text(encoding="utf-8")):
            html = read_html(contest / entry["file"])
            # Telegram's pages are pre-cleaned: the text blocks of <article> are the article
            # (figure captions and the <related> links are left out).
            expected = html_text(html, _CONTEST_TEXT_BLOCKS)
            yield GoldPage(f"tgcontest/{entry['file']}", html, entry["url"], expected)


def snippet_pages(corpus: Path) -> Iterator[SnippetPage]:
    folder = corpus / "trafilatura-eval"
    if not folder.is_dir():
        return
    spec = json.loads((folder / "expected_with_without.json").read_text(encoding="utf-8"))
    for url, entry in spec.items():
        path = folder / entry["file"]
        if path.exists():
            yield SnippetPage(
                f"trafilatura/{entry['file']}",
                read_html(path),
                url,
                entry.get("with", []),
                entry.get("without", []),
            )


def tokens(text: str) -> Counter[str]:
    return Counter(token.casefold() for token in _TOKEN.findall(text))


def prf(extracted: str, expected: str) -> tuple[float, float, float]:
    got, want = tokens(extracted), tokens(expected)
    common = sum((got & want).values())
    if not got or not want or not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


Extractor = Callable[[str, str], str]


def ours(options: ExtractionOptions) -> Extractor:
    def run(html: str, url: str) -> str:
        try:
            return extract_page(html, url, options=options).text
        except ExtractionError:
            return ""

    return run


def at_revision(revision: str) -> Extractor:
    """The extractor of an older commit, when ``monitor/collect/extract.py`` was one file."""
    module = module_at(revision, "monitor/collect/extract.py")

    def run(html: str, url: str) -> str:
        try:
            return str(module.extract_page(html, url).text)
        except ExtractionError:
            return ""

    return run


def timed(run: Extractor, html: str, url: str, times: list[float]) -> str:
    started = time.perf_counter()
    text = run(html, url)
    times.append(time.perf_counter() - started)
    return text


def time_line(times: list[float]) -> str:
    milliseconds = [1000 * seconds for seconds in times]
    return (
        f"{statistics.mean(milliseconds):.1f} ms/page mean, "
        f"{statistics.median(milliseconds):.1f} median, {max(milliseconds):.0f} max"
    )


def raw_trafilatura_txt(html: str, url: str) -> str:
    """trafilatura.extract's own plain text, for comparison with our XML reading."""
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def evaluate(
    name: str, run: Extractor, gold: list[GoldPage], snippets: list[SnippetPage], verbose: bool
) -> None:
    by_language: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    failures = wrong_script = 0
    times: list[float] = []
    for page in gold:
        text = timed(run, page.html, page.url, times)
        failures += not text
        wrong_script += bool(text) and script_of(text) != script_of(page.expected)
        score = prf(text, page.expected)
        group = "tgcontest-" if page.name.startswith("tgcontest") else ""
        if page.prefix_only:
            group, score = "recall-only-", (score[1], score[1], score[1])
        by_language[group + language_of(page.expected)].append(score)
        if verbose:
            print(f"    {page.name:40} P={score[0]:.2f} R={score[1]:.2f} F1={score[2]:.2f}")
    passed_pages = passed_snippets = total_snippets = 0
    for snippet_page in snippets:
        text = timed(run, snippet_page.html, snippet_page.url, times)
        ok_with = [snippet in text for snippet in snippet_page.with_]
        ok_without = [snippet not in text for snippet in snippet_page.without]
        passed_snippets += sum(ok_with) + sum(ok_without)
        total_snippets += len(ok_with) + len(ok_without)
        passed_pages += all(ok_with) and all(ok_without)
        if verbose:
            missing = [s for s, ok in zip(snippet_page.with_, ok_with, strict=True) if not ok]
            leaked = [s for s, ok in zip(snippet_page.without, ok_without, strict=True) if not ok]
            print(f"    {snippet_page.name:40} missing={missing} leaked={leaked}")
    print(
        f"== {name}  ({failures} gold pages without text, {wrong_script} in another script "
        "than their gold)"
    )
    print_scores(by_language)
    if snippets:
        print(
            f"   with/without: pages {passed_pages}/{len(snippets)}, "
            f"snippets {passed_snippets}/{total_snippets}"
        )
    print(f"   time: {time_line(times)}")


def print_scores(by_language: dict[str, list[tuple[float, float, float]]]) -> None:
    for language in sorted(by_language):
        f1s = [score[2] for score in by_language[language]]
        p = statistics.mean(score[0] for score in by_language[language])
        r = statistics.mean(score[1] for score in by_language[language])
        print(
            f"   {language:14} n={len(f1s):2}  P={p:.3f} R={r:.3f}  "
            f"F1 mean={statistics.mean(f1s):.3f} median={statistics.median(f1s):.3f}"
        )


def evaluate_own(name: str, run: Extractor, pages: list[OwnPage], verbose: bool) -> None:
    """Token F1 per language on the own corpus, exact paragraphs, refusals of non-articles."""
    by_language: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    exact = refused = 0
    times: list[float] = []
    articles = [page for page in pages if page.paragraphs is not None]
    for page in pages:
        text = timed(run, page.html, page.url, times)
        if page.paragraphs is None:
            refused += not text
            if verbose:
                print(f"    {page.name:44} {'refused' if not text else 'TAKEN AS AN ARTICLE'}")
            continue
        score = prf(text, "\n".join(page.paragraphs))
        exact += text.split("\n\n") == page.paragraphs
        by_language[page.language].append(score)
        if verbose:
            print(f"    {page.name:44} P={score[0]:.2f} R={score[1]:.2f} F1={score[2]:.2f}")
    print(f"== own corpus, {name}")
    print_scores(by_language)
    print(
        f"   paragraphs exactly as expected: {exact}/{len(articles)}; "
        f"non-articles refused: {refused}/{len(pages) - len(articles)}"
    )
    print(f"   time: {time_line(times)}")


def evaluate_metadata(corpus: Path, verbose: bool) -> None:
    """Compare title, date and canonical URL with what the page or the corpus states."""
    checks: Counter[str] = Counter()
    totals: Counter[str] = Counter()

    def check(field: str, page: str, got: object, want: object) -> None:
        totals[field] += 1
        checks[field] += got == want
        if verbose and got != want:
            print(f"    {page:40} {field}: got {got!r} want {want!r}")

    contest = corpus / "tgcontest2020-sample"
    if contest.is_dir():
        for entry in json.loads((contest / "index.json").read_text(encoding="utf-8")):
            html = read_html(contest / entry["file"])
            tree = lxml.html.document_fromstring(html)
            meta = {m.get("property"): m.get("content") for m in tree.iter("meta")}
            try:
                page = extract_page(html, entry["url"])
            except ExtractionError:
                totals["extracted"] += 1
                continue
            name = f"tgcontest/{entry['file']}"
            check("title", name, page.title, " ".join(meta.get("og:title", "").split()))
            check("canonical", name, page.canonical_url, meta.get("og:url"))
            want = datetime.fromisoformat(meta["article:published_time"])
            check("published", name, page.published, want)
            check("offset", name, page.published_offset_minutes, 0)
    newspaper = corpus / "newspaper4k"
    for meta_path in sorted(newspaper.glob("*.metadata.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        stem = meta_path.name.removesuffix(".metadata.json")
        page = extract_page(read_html(newspaper / f"{stem}.html"), meta["url"])
        name = f"newspaper4k/{stem}"
        check("title", name, page.title, meta.get("title"))
        check("canonical", name, page.canonical_url, meta.get("canonical_link"))
        if meta.get("publish_date"):
            want_day = meta["publish_date"][:10]
            got_day = page.published.date().isoformat() if page.published else None
            check("published day", name, got_day, want_day)
    folder = corpus / "trafilatura-eval"
    if folder.is_dir():
        spec = json.loads((folder / "expected_with_without.json").read_text(encoding="utf-8"))
        for url, entry in spec.items():
            try:
                page = extract_page(read_html(folder / entry["file"]), url)
            except ExtractionError:
                totals["extracted"] += 1
                continue
            name = f"trafilatura/{entry['file']}"
            if entry.get("title"):
                check("title", name, page.title, entry["title"].strip())
            if entry.get("author"):
                check("author", name, page.author, entry["author"])
            if entry.get("date"):
                got_day = page.published.date().isoformat() if page.published else None
                check("published day", name, got_day, entry["date"])
    print("== metadata (tgcontest: og:* tags; newspaper4k, trafilatura: their JSON)")
    for field in sorted(totals):
        print(f"   {field:10} {checks[field]}/{totals[field]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.extraction", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--corpus", type=Path, default=eval_dir() / "articles")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--only-default", action="store_true")
    parser.add_argument("--against", metavar="REV", help="also measure this commit's extractor")
    args = parser.parse_args()
    variants: list[tuple[str, Extractor]] = [("default", ours(DEFAULT_OPTIONS))]
    if args.against:
        try:
            variants.append((f"at {args.against}", at_revision(args.against)))
        except RevisionError as error:
            parser.error(str(error))
    ours(DEFAULT_OPTIONS)("<p>warm-up: trafilatura is imported on first use</p>", "http://x/")
    own = list(own_pages())
    for name, run in variants:
        evaluate_own(name, run, own, args.verbose)
    if not args.corpus.is_dir():
        print(
            f"no evaluation corpus at {args.corpus} (give --corpus, or set {EVAL_ENV} to the "
            "folder holding articles/); nothing more to measure"
        )
        return
    gold, snippets = list(gold_pages(args.corpus)), list(snippet_pages(args.corpus))
    if not args.only_default:
        variants += [
            ("trafilatura alone", ours(replace(DEFAULT_OPTIONS, check_blocks=False))),
            ("balanced", ours(replace(DEFAULT_OPTIONS, favor_precision=False))),
            (
                "favor_recall",
                ours(replace(DEFAULT_OPTIONS, favor_precision=False, favor_recall=True)),
            ),
            ("deduplicate", ours(replace(DEFAULT_OPTIONS, deduplicate=True))),
            ("keep link blocks", ours(replace(DEFAULT_OPTIONS, max_link_share=None))),
            ("drop blocks >=60% links", ours(replace(DEFAULT_OPTIONS, max_link_share=0.6))),
            ("always fast", ours(replace(DEFAULT_OPTIONS, fast_above_elements=0))),
            ("no tables", ours(replace(DEFAULT_OPTIONS, include_tables=False))),
            ("raw trafilatura txt", raw_trafilatura_txt),
        ]
    for name, run in variants:
        evaluate(name, run, gold, snippets, args.verbose)
    evaluate_metadata(args.corpus, args.verbose)


if __name__ == "__main__":
    main()
