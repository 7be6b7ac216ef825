"""Comparisons over a real demo collection with tiny glossary models: which articles are
compared, who published when, who has not covered the story, shared terms, sentence matching;
and ``media-monitor compare`` on the same collection, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor import open_monitor
from monitor.cli import main
from monitor.compare import closest_sentences, closest_to_base, words_pattern
from monitor.compare.text import shared_terms, tokens
from monitor.types import CompareRole
from tests.support.compare_demo import CompareDemo, build_compare_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> CompareDemo:
    return build_compare_demo(tmp_path_factory.mktemp("compare"))


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


# The comparison ---------------------------------------------------------------------------


def test_compare_fills_articles_from_other_outlets_and_languages(demo: CompareDemo):
    with open_monitor(demo.data_dir) as monitor:
        comparison = monitor.compare(demo.nuri_ko)
    assert comparison.articles[0].article_id == demo.nuri_ko
    assert comparison.articles[0].role is CompareRole.BASE
    assert 2 <= len(comparison.articles) <= 4
    languages = [a.language for a in comparison.articles]
    outlets = [a.outlet for a in comparison.articles]
    assert len(set(languages)) == len(languages) >= 2
    assert len(set(outlets)) == len(outlets)
    # Every article is translated, or is English already (the English outlet's story).
    assert all(a.translated or a.language == "en" for a in comparison.articles)
    assert all(a.role is CompareRole.RELATED for a in comparison.articles[1:])


def test_events_run_in_time_order_and_uncovered_outlets_are_the_rest(demo: CompareDemo):
    with open_monitor(demo.data_dir) as monitor:
        comparison = monitor.compare(demo.nuri_ko)
    times = [e.published for e in comparison.events]
    assert all(t is not None for t in times)
    assert times == sorted(times)  # type: ignore[type-var]
    assert comparison.first is comparison.events[0]
    covered = {e.outlet for e in comparison.events}
    assert {a.outlet for a in comparison.articles} <= covered
    assert set(comparison.not_covered) == set(demo.sources) - covered
    # The launch is one story told by all five outlets, the English one too: a comparison
    # found by more-like-this over translations missed it ("Not covered yet by: Harbour
    # Ledger") and put a typhoon on the strip; the story's own articles are its coverage.
    assert not comparison.not_covered
    assert demo.english_nuri in {e.article_id for e in comparison.events}
    assert demo.typhoon_zh not in {e.article_id for e in comparison.events}


def test_shared_terms_come_from_translations_of_several_articles(demo: CompareDemo):
    with open_monitor(demo.data_dir) as monitor:
        comparison = monitor.compare(demo.nuri_ko)
    words = {t.word: t for t in comparison.shared_terms}
    assert "satellite" in words
    assert words["satellite"].articles == len(comparison.articles)
    assert all("satellite" in a.marked_words for a in comparison.articles)


def test_shared_terms_skip_stop_words_short_words_and_addresses():
    terms = shared_terms(
        [
            ["The rocket and the satellite reached orbit; mail me@news.example.invalid"],
            ["A satellite of the rocket is in orbit, see https://news.example.invalid/x"],
            ["Typhoon hits the coast"],
        ],
        ["en", "en", "en"],
    )
    words = [t.word for t in terms]
    assert set(words) == {"rocket", "satellite", "orbit"}
    assert all(t.articles == 2 for t in terms)


def test_tokens_split_where_the_script_changes():
    found = [(t.text, t.script) for t in tokens("해양관측satellite이다 12기 спутник")]
    assert found == [
        ("해양관측", "hangul"),
        ("satellite", "latin"),
        ("이다", "hangul"),
        ("12", "digit"),
        ("기", "hangul"),
        ("спутник", "cyrillic"),
    ]


def test_closest_sentence_shares_numbers_and_terms(demo: CompareDemo):
    with open_monitor(demo.data_dir) as monitor:
        comparison = monitor.compare(demo.nuri_ko)
    base = comparison.articles[0]
    # "해누리 1호는 무게 520㎏의 해양관측satellite이다." — the weight is in every report.
    index = next(i for i, s in enumerate(base.sentences) if "520" in s.original)
    matches = closest_sentences(comparison, base.article_id, index)
    assert matches
    for article_id, found in matches.items():
        best = comparison.article(article_id).sentences[found[0].sentence]  # type: ignore[union-attr]
        assert "520" in best.translation or "satellite" in best.translation
    assert closest_sentences(comparison, base.article_id, 999) == {}
    by_article = closest_to_base(comparison)
    assert (index, found[0]) in by_article[article_id]
    assert base.article_id not in by_article


def test_pinned_articles_come_after_the_base_and_gone_ones_are_left_out(demo: CompareDemo):
    with open_monitor(demo.data_dir) as monitor:
        comparison = monitor.compare(demo.nuri_ko, pinned_ids=[demo.english_nuri, 999_999])
        excluded = comparison.articles[2].article_id
        without = monitor.compare(
            demo.nuri_ko, pinned_ids=[demo.english_nuri], excluded_ids=[excluded]
        )
    assert [a.role for a in comparison.articles[:2]] == [CompareRole.BASE, CompareRole.PINNED]
    assert comparison.articles[1].article_id == demo.english_nuri
    assert 999_999 not in [a.article_id for a in comparison.articles]
    assert comparison.not_covered == ()
    assert excluded not in [a.article_id for a in without.articles]


def test_words_pattern_matches_whole_words_even_inside_other_scripts():
    pattern = words_pattern(["satellite", "ракета"])
    assert pattern is not None
    assert pattern.findall("해양관측satellite이다, satellites, Ракета-носитель") == [
        "satellite",
        "Ракета",
    ]
    assert words_pattern([]) is None


# media-monitor compare ------------------------------------------------------------------


def test_compare_command_shows_articles_terms_sentences_and_coverage(demo: CompareDemo, capsys):
    with open_monitor(demo.data_dir) as monitor:
        comparison = monitor.compare(demo.nuri_ko)
    code, out, err = run(capsys, demo.data_dir, "compare", str(demo.nuri_ko))
    assert code == 0 and err == ""
    base = comparison.articles[0]
    assert out.startswith(f"Coverage of “{base.title_translated}”\n")
    for compared in comparison.articles:
        assert f"{compared.role.value:8} {compared.article_id:>5}  {compared.language}" in out
        assert compared.outlet in out and compared.title in out
    assert "→ 누리호, 해양관측satellite" in out  # the translated title under the original
    assert "Shared terms (in how many articles): satellite 4" in out
    sentences = out.split("Sentences closest to the base's")[1].split("Coverage, earliest")[0]
    assert "base #" in sentences and "520" in sentences
    scores = [float(line.split()[0]) for line in sentences.splitlines() if line[4:5].isdigit()]
    assert scores and all(0 < score <= 1 for score in scores)
    timeline = out.split("Coverage, earliest first (UTC):\n")[1].splitlines()
    outlets = [event.outlet for event in comparison.events]
    assert [next(o for o in outlets if o in line) for line in timeline[: len(outlets)]] == outlets
    assert timeline[0].startswith("  2026-11-12 13:05  Seoul Daily Wire (demo) (ko)")
    said = "Not covered yet by: " + ", ".join(comparison.not_covered)
    if not comparison.not_covered:
        said = "Every followed outlet has covered this story."
    assert timeline[len(outlets)] == said


def test_compare_command_with_a_chosen_article_as_json(demo: CompareDemo, capsys):
    code, out, _ = run(
        capsys, demo.data_dir, "compare", str(demo.nuri_ko), "--with", str(demo.english_nuri)
    )
    assert code == 0 and "Every followed outlet has covered this story." in out
    assert "  pinned " in out and "(related, not compared)" in out

    code, out, _ = run(
        capsys,
        demo.data_dir,
        "compare",
        str(demo.nuri_ko),
        "--with",
        str(demo.english_nuri),
        "--json",
    )
    shown = json.loads(out)
    assert set(shown) == {
        "base_id",
        "target_lang",
        "articles",
        "shared_terms",
        "coverage",
        "not_covered",
        "notes",
    }
    assert shown["base_id"] == demo.nuri_ko and shown["target_lang"] == "en"
    base, pinned, *_ = shown["articles"]
    assert (base["id"], base["role"], base["lang"]) == (demo.nuri_ko, "base", "ko")
    assert base["translated"] and base["model"].startswith("ko→en")
    assert base["published"] == "2026-11-12T13:05:00+00:00"
    assert base["closest_to_base"] == []
    assert (pinned["id"], pinned["role"], pinned["lang"]) == (demo.english_nuri, "pinned", "en")
    close = pinned["closest_to_base"]
    assert close and all(0 < c["similarity"] <= 1 for c in close)
    assert any("520" in c["base_text"] and "520" in c["text"] for c in close)
    satellite = shown["shared_terms"][0]
    assert (satellite["word"], satellite["articles"]) == ("satellite", 4)
    assert satellite["occurrences"] > 4
    times = [event["published"] for event in shown["coverage"]]
    assert times == sorted(times)
    assert {e["id"] for e in shown["coverage"] if e["compared"]} == {
        a["id"] for a in shown["articles"]
    }
    assert shown["not_covered"] == [] and shown["notes"] == []


def test_compare_command_mistakes_are_one_line_errors(demo: CompareDemo, capsys):
    code, out, err = run(capsys, demo.data_dir, "compare", "999999")
    assert (code, out, err) == (1, "", "media-monitor: error: no article with id 999999\n")
    code, out, err = run(capsys, demo.data_dir, "compare", str(demo.nuri_ko), "--with", "424242")
    assert (code, out, err) == (1, "", "media-monitor: error: no article with id 424242\n")
    others = [arg for i in range(1, 5) for arg in ("--with", str(i))]
    code, out, err = run(capsys, demo.data_dir, "compare", str(demo.nuri_ko), *others)
    assert code == 1 and out == "" and err.count("\n") == 1 and "at most 3" in err


def test_compare_command_says_when_there_is_no_translation_model(tmp_path: Path, capsys):
    code, _, _ = run(capsys, tmp_path, "demo")
    assert code == 0
    code, out, _ = run(capsys, tmp_path, "articles", "list", "--lang", "ko", "--json")
    nuri = next(a["id"] for a in json.loads(out) if a["title"].startswith("누리호"))
    code, out, _ = run(capsys, tmp_path, "compare", str(nuri))
    assert code == 0
    notes = out.split("Notes:\n")[1]
    assert (
        f"  Seoul Daily Wire (demo) (article {nuri}): "
        "Not translated (untranslated: no ko→en model): showing the original."
    ) in notes.splitlines()
