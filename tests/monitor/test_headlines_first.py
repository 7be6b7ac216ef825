"""Headlines first: the translation queue ordered for the reader, with a real store, a real
index and real tiny Argos packages."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli.output import ProgressLine, format_article, translation_json
from monitor.settings import automatic_threads
from monitor.types import ArticleState, Progress, ProgressKind
from tests.support.argos_factory import build_package
from tests.support.inside import parts
from tests.support.stored_articles import Outlets, store_article
from translations.engine import Engine

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DATELINE = "МОСКВА, 1 декабря."


def _text(number: int) -> str:
    """A dateline, a lead of three sentences, and two more paragraphs."""
    return (
        f"{DATELINE}\n\n"
        f"Губернатор сообщил о пожаре номер {number}. Пожар начался утром. Жертв нет.\n\n"
        f"Спасатели работали на месте {number} часов. Причины выясняются.\n\n"
        f"Эксперты обсуждают случай {number}."
    )


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data") as opened:
        opened.install_models([build_package(tmp_path / "stick", "ru", "en")])
        yield opened


@pytest.fixture
def model_sentences(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every sentence the model itself is asked to translate (the cache's misses)."""
    seen: list[str] = []
    original = Engine._run_model

    def counted(self, package, model, batch):  # type: ignore[no-untyped-def]
        seen.extend(sentence for sentence, _ in batch)
        return original(self, package, model, batch)

    monkeypatch.setattr(Engine, "_run_model", counted)
    return seen


def _store(monitor: Monitor, count: int) -> list[int]:
    """``count`` Russian articles, the later ones published later; their ids, oldest first."""
    outlets = Outlets(monitor)
    return [
        store_article(
            monitor,
            outlets,
            "ТАСС",
            "ru",
            START + timedelta(hours=number),
            f"Пожар номер {number} в городе",
            _text(number),
        )
        for number in range(count)
    ]


def test_every_headline_comes_before_any_whole_article_newest_first(
    monitor: Monitor, model_sentences: list[str]
):
    ids = _store(monitor, 20)
    progress = list(monitor.translate_iter())
    headlines = [p.article_id for p in progress if p.kind is ProgressKind.HEADLINE]
    whole = [p.article_id for p in progress if p.kind is ProgressKind.TRANSLATED]
    assert headlines == ids[::-1]  # newest first, across the whole queue
    assert whole == ids[::-1]
    last_headline = max(i for i, p in enumerate(progress) if p.kind is ProgressKind.HEADLINE)
    first_whole = min(i for i, p in enumerate(progress) if p.kind is ProgressKind.TRANSLATED)
    assert last_headline < first_whole
    assert progress[last_headline].done == progress[last_headline].total == 20
    # The model saw each sentence once: the headline's sentences came from the cache after.
    assert len(model_sentences) == len(set(model_sentences))
    assert {a.state for a in monitor.articles()} == {ArticleState.TRANSLATED}
    translation = monitor.translation(ids[0])
    assert translation is not None and translation.complete
    assert all(s.translation for s in translation.sentences)


def test_a_headline_is_the_title_and_the_leads_first_sentences_beside_the_whole_original(
    monitor: Monitor,
):
    (article_id,) = _store(monitor, 1)
    cancel = threading.Event()
    for progress in monitor.translate_iter(cancel):
        if progress.kind is ProgressKind.HEADLINE:
            cancel.set()  # stop before the whole text is translated
    translation = monitor.translation(article_id)
    assert translation is not None and not translation.complete
    assert translation.title == "Пожар номер 0 в городе"  # a copy model: the title itself
    translated = [s.original for s in translation.sentences if s.translation]
    # The dateline comes along; "Жертв нет." is the third sentence of the lead.
    assert translated == [DATELINE, "Губернатор сообщил о пожаре номер 0.", "Пожар начался утром."]
    # Every sentence of the original is there, in order, for the reader.
    assert " ".join(s.original for s in translation.sentences).count("Эксперты") == 1
    assert monitor.article(article_id).state is ArticleState.DETECTED
    assert monitor.queue_position(article_id) == 1
    assert monitor.translated_titles([article_id]) == {article_id: "Пожар номер 0 в городе"}
    # The headline is searchable in the translation field; the rest of the text is not yet.
    list(monitor.sync_index())
    assert parts(monitor).index_stage.pending() == 0


def test_headlines_are_indexed_before_the_rest_and_watchlist_matches_come_first(
    monitor: Monitor,
):
    ids = _store(monitor, 12)
    oldest = ids[0]
    list(monitor.sync_index())
    monitor.add_watchlist("Fire zero", '"номер 0"')
    indexed_between: list[int] = []
    order: list[int] = []
    for progress in monitor.translate_iter():
        if progress.kind is ProgressKind.INDEXED:
            indexed_between.append(len(order))
        if progress.kind is ProgressKind.TRANSLATED:
            order.append(progress.article_id or 0)
    assert indexed_between and indexed_between[0] == 0  # after the headlines, before the rest
    assert order[0] == oldest  # the watchlist's match, though the oldest
    assert order[1:] == ids[:0:-1]


def test_an_article_opened_during_the_headlines_is_translated_whole_next(monitor: Monitor):
    ids = _store(monitor, 150)  # more than one batch of headlines
    oldest = ids[0]
    seen: list[Progress] = []
    for progress in monitor.translate_iter():
        seen.append(progress)
        if progress.kind is ProgressKind.HEADLINE and progress.done == 1:
            monitor.prioritize(oldest)  # the user opened it from the list
    kinds = [(p.kind, p.article_id) for p in seen]
    first_whole = next(i for i, (kind, _) in enumerate(kinds) if kind is ProgressKind.TRANSLATED)
    assert kinds[first_whole] == (ProgressKind.TRANSLATED, oldest)
    # ...before the headlines of the next batch, not after all of them.
    assert any(kind is ProgressKind.HEADLINE for kind, _ in kinds[first_whole:])


def test_a_headline_never_replaces_a_whole_translation(monitor: Monitor):
    (article_id,) = _store(monitor, 1)
    list(monitor.translate_iter())
    store = parts(monitor).translations
    whole = monitor.translation(article_id)
    assert whole is not None and whole.complete
    store.save(
        article_id,
        target="en",
        title="a headline",
        route=whole.route,
        is_pivot=False,
        at=START,
        sentences=whole.sentences[:1],
        complete=False,
    )
    assert monitor.translation(article_id) == whole


def _headline_only(monitor: Monitor) -> int:
    (article_id,) = _store(monitor, 1)
    cancel = threading.Event()
    for progress in monitor.translate_iter(cancel):
        if progress.kind is ProgressKind.HEADLINE:
            cancel.set()
    return article_id


def test_exports_say_a_headline_is_not_the_whole_translation(monitor: Monitor, tmp_path: Path):
    article_id = _headline_only(monitor)
    out = tmp_path / "out.jsonl"
    monitor.export_articles([article_id], out, "jsonl")
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record["translation_complete"] is False
    assert record["title_translated"] == "Пожар номер 0 в городе"
    assert "Эксперты" not in record["translated_text"]  # no blank paragraphs either
    assert "\n\n\n" not in record["translated_text"]
    list(monitor.translate_iter())
    monitor.export_articles([article_id], out, "jsonl")
    assert json.loads(out.read_text("utf-8"))["translation_complete"] is True


def test_a_bundle_carries_whole_translations_only_and_replaces_a_headline(
    monitor: Monitor, tmp_path: Path
):
    article_id = _headline_only(monitor)
    headline_bundle = tmp_path / "headline.mmbundle"
    monitor.export_bundle(headline_bundle)
    with open_monitor(tmp_path / "field") as field:
        field.import_bundle(headline_bundle)
        (imported,) = field.articles()
        assert field.translation(imported.id) is None  # translated there, whole
        assert imported.state is ArticleState.DETECTED
    # The other way: the field machine's whole translation replaces the headline here.
    with open_monitor(tmp_path / "field") as field:
        field.install_models([build_package(tmp_path / "stick2", "ru", "en")])
        list(field.translate_iter())
        field.export_bundle(tmp_path / "whole.mmbundle")
    monitor.import_bundle(tmp_path / "whole.mmbundle")
    translation = monitor.translation(article_id)
    assert translation is not None and translation.complete
    assert monitor.article(article_id).state is ArticleState.TRANSLATED


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_lines_progress_says_which_pass_it_counts():
    terminal = _Terminal()
    line = ProgressLine(terminal)
    line.show(Progress(ProgressKind.HEADLINE, None, 1, "Пожар", 3, 10))
    assert "headlines 3/10  Пожар" in terminal.getvalue()
    line.show(Progress(ProgressKind.TRANSLATED, None, 1, "Пожар", 4, 10))
    assert "translating 4/10" in terminal.getvalue()


def test_a_window_of_the_queue_is_translated_language_by_language(
    monitor: Monitor, tmp_path: Path, model_loads: list[tuple[str, int]]
):
    """Articles in three languages, interleaved newest first, with two models kept loaded:
    in arrival order each article would load a model; by language, a window loads each once."""
    for language in ("uk", "ko"):
        monitor.install_models([build_package(tmp_path / "more", language, "en")])
    model_loads.clear()  # installing tries each model once
    outlets = Outlets(monitor)
    texts = {"ru": "Пожар начался утром в городе.", "uk": "Пожежа почалася вранці в місті."}
    texts["ko"] = "오늘 아침 도시에서 큰 화재가 발생했다."
    for number in range(30):
        language = ("ru", "uk", "ko")[number % 3]
        moment = START + timedelta(hours=number)
        text = " ".join(f"{texts[language]} ({part})" for part in range(4))  # more than a lead
        store_article(monitor, outlets, "Wire", language, moment, texts[language], text)
    list(monitor.translate_iter())
    assert {a.state for a in monitor.articles()} == {ArticleState.TRANSLATED}
    assert len(model_loads) == 4  # three languages, and one reload


def test_show_says_a_headline_is_all_that_is_translated_so_far(monitor: Monitor):
    article_id = _headline_only(monitor)
    printed = format_article(monitor.article(article_id), monitor.translation(article_id))
    assert "the title and lead so far" in printed
    assert "  Эксперты обсуждают случай 0." in printed  # the original, all of it
    assert "→ Эксперты" not in printed and "→ \n" not in printed + "\n"
    assert translation_json(monitor.translation(article_id))["translation"]["complete"] is False


def test_an_article_grouped_by_its_headline_is_looked_at_again_once_whole(
    monitor: Monitor, tmp_path: Path
):
    article_id = _headline_only(monitor)
    list(monitor.sync_index())  # indexing groups it, by its headline

    def with_translation() -> int:
        with parts(monitor).store.transaction() as db:
            row = db.execute(
                "SELECT with_translation FROM story_articles WHERE article_id = ?", (article_id,)
            ).fetchone()
        return int(row[0])

    assert with_translation() == 0
    list(monitor.translate_iter())
    list(monitor.sync_index())
    assert with_translation() == 1


def test_automatic_threads_leave_a_core_only_while_the_windows_user_works(tmp_path: Path):
    working = [True]
    with open_monitor(tmp_path / "w", interactive=True, user_active=lambda: working[0]) as opened:
        window = parts(opened)
        assert window.translation_threads() == automatic_threads(interactive=True)
        working[0] = False
        assert window.translation_threads() == automatic_threads(interactive=False)
    with open_monitor(tmp_path / "cli") as opened:
        assert parts(opened).translation_threads() == automatic_threads(interactive=False)


def test_the_engine_reloads_its_models_when_told_to_use_other_threads(
    monitor: Monitor, model_loads: list[tuple[str, int]]
):
    engine = parts(monitor).engine()
    engine.use_threads(1)
    monitor.translate_text("Пожар начался утром.", "ru")
    engine.use_threads(1)  # the same: nothing reloads
    monitor.translate_text("Пожар начался вечером.", "ru")
    engine.use_threads(2)
    monitor.translate_text("Пожар начался ночью.", "ru")
    assert [threads for _, threads in model_loads] == [1, 2]
