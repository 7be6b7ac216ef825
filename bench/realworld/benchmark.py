"""How the app reads what the wild produces (issue 15), scored against expected results.

* **OPML exports**: the corpus of exports in the shapes of thirteen readers
  (``tests/monitor/data/opml``, each file beside its expected JSON): feeds imported of those
  expected, feeds imported that should not be, files refused.
* **Dates without a zone**: dates as Chinese, Korean, Russian and Ukrainian feeds write them,
  placed by the pipeline's own rule (:mod:`monitor.collect.zones`); right to the minute.
* **Double-encoded and legacy-encoded feeds**: the encoding corpus
  (``tests/monitor/data/encoding``): item titles read right, repairs recorded.

Quality, not speed: every figure is a count of right answers.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bench.common.paths import ROOT
from bench.common.settings import Settings
from monitor.collect.feeds import parse_feed, parse_feed_date
from monitor.collect.zones import choose_zone, place
from monitor.errors import MonitorError
from monitor.sources.opml import read_opml

DATA = ROOT / "tests" / "monitor" / "data"

# (as written, the feed's language, the feed's other offsets, the right UTC time).
DATES: tuple[tuple[str, str, tuple[int, ...], datetime], ...] = (
    ("2018-09-18 14:38:10", "zh-cn", (), datetime(2018, 9, 18, 6, 38, 10, tzinfo=UTC)),
    ("2018/09/18 14:38", "zh", (), datetime(2018, 9, 18, 6, 38, tzinfo=UTC)),
    ("2018年09月18日 14:38", "zh", (), datetime(2018, 9, 18, 6, 38, tzinfo=UTC)),
    ("Tue, 18 Sep 2018 14:38:10 CST", "zh", (), datetime(2018, 9, 18, 6, 38, 10, tzinfo=UTC)),
    ("Tue, 18 Sep 2018 14:38:10 +0800", "zh", (), datetime(2018, 9, 18, 6, 38, 10, tzinfo=UTC)),
    ("2024.05.02 09:15", "ko", (), datetime(2024, 5, 2, 0, 15, tzinfo=UTC)),
    ("2024-05-02 09:15:00", "ko", (), datetime(2024, 5, 2, 0, 15, tzinfo=UTC)),
    ("Thu, 02 May 2024 09:15:00 KST", "ko", (), datetime(2024, 5, 2, 0, 15, tzinfo=UTC)),
    ("2024-05-02T09:15:00", "ru", (), datetime(2024, 5, 2, 6, 15, tzinfo=UTC)),
    ("Thu, 02 May 2024 09:15:00", "ru", (), datetime(2024, 5, 2, 6, 15, tzinfo=UTC)),
    ("Thu, 02 May 2024 09:15:00 MSK", "ru", (), datetime(2024, 5, 2, 6, 15, tzinfo=UTC)),
    ("2024-05-02 09:15", "uk", (), datetime(2024, 5, 2, 6, 15, tzinfo=UTC)),  # EEST
    ("2024-01-15 09:15", "uk", (), datetime(2024, 1, 15, 7, 15, tzinfo=UTC)),  # EET
    ("2024-01-15 09:15", "ru", (180,), datetime(2024, 1, 15, 6, 15, tzinfo=UTC)),
    ("Mon, 15 Jan 2024 09:15:00 GMT", "uk", (), datetime(2024, 1, 15, 9, 15, tzinfo=UTC)),
    ("2024-01-15T09:15:00Z", "zh", (), datetime(2024, 1, 15, 9, 15, tzinfo=UTC)),
)


def opml_scores() -> tuple[int, int, int, int, int]:
    """(feeds imported right, feeds expected, feeds imported wrongly, readable files refused,
    hostile files refused as they should be)."""
    right = expected_total = wrong = refused = hostile = 0
    folder = DATA / "opml"
    for path in sorted(p for p in folder.iterdir() if not p.name.endswith(".expected.json")):
        expected = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
        wanted = {item["url"] for item in expected.get("imported", [])}
        expected_total += len(wanted)
        try:
            found = {feed.outline.url for feed in read_opml(path.read_bytes()).feeds}
        except MonitorError:
            hostile += "error" in expected
            refused += "error" not in expected
            continue
        right += len(found & wanted)
        wrong += len(found - wanted)
    return right, expected_total, wrong, refused, hostile


def date_scores() -> tuple[int, int, list[str]]:
    """(dates right to the minute, dates, the wrong ones)."""
    wrong: list[str] = []
    for raw, language, offsets, right in DATES:
        parsed = parse_feed_date(raw)
        found = None
        if parsed is not None:
            found = parsed.utc
            if parsed.zoneless:
                zone = choose_zone(
                    source_zone=None, feed_offsets=offsets, country=None, language=language
                )
                placed = place(parsed.utc, zone)
                found = placed[0] if placed else None
        if found != right:
            wrong.append(f"{raw} ({language}): {found} instead of {right}")
    return len(DATES) - len(wrong), len(DATES), wrong


def encoding_scores() -> tuple[int, int, int, int]:
    """(titles right, titles, repairs recorded, repairs expected) over the corpus's feeds."""
    right = total = recorded = expected_repairs = 0
    for path in sorted((DATA / "encoding").glob("*_feed.xml")):
        expected = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
        feed = parse_feed(
            path.read_bytes(), url="https://feeds.test/rss", content_type=expected["content_type"]
        )
        for item, wanted in zip(feed.items, expected["items"], strict=False):
            total += 1
            right += item.title == wanted["title"]
            expected_repairs += bool(wanted.get("repaired"))
            recorded += bool(wanted.get("repaired")) and item.repaired
    return right, total, recorded, expected_repairs


def run(settings: Settings) -> str:
    settings.log("reading the OPML corpus")
    opml_right, opml_expected, opml_wrong, opml_refused, hostile = opml_scores()
    settings.log("placing dates")
    dates_right, dates_total, dates_wrong = date_scores()
    settings.log("reading the encoding corpus's feeds")
    titles_right, titles, recorded, repairs = encoding_scores()
    lines = [
        "| Shape | Right | Of | Notes |",
        "|---|---:|---:|---|",
        f"| OPML exports: feeds imported | {opml_right} | {opml_expected} |"
        f" {opml_wrong} imported that should not be; {opml_refused} readable files refused;"
        f" {hostile} hostile files (entity bombs, XXE, not OPML) refused as they should be |",
        f"| Dates as feeds write them (zoneless placed by the outlet's zone) | {dates_right} |"
        f" {dates_total} | {'; '.join(dates_wrong) or 'all right to the minute'} |",
        f"| Double- and legacy-encoded feeds: titles read right | {titles_right} | {titles} | |",
        f"| … mojibake repairs recorded on the item | {recorded} | {repairs} | |",
    ]
    return "\n".join(lines) + "\n"
