"""The compare view over a real demo collection with tiny glossary models: columns, the
time strip, not-yet-covered outlets, flipping, drops, pins, sentence matching, shared terms."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from monitor import open_monitor
from tests.support.argos_factory import build_package
from ui.compare.column import words_pattern
from ui.compare.data import ColumnRole, build, closest_sentences
from ui.compare.text import shared_terms, tokens
from ui.compare.view import (
    ARTICLE_MIME_TYPE,
    CompareView,
    article_ids_from_mime,
    article_mime_data,
)
from ui.reader.document import term_marks
from ui.tasks import TaskManager

SHOTS = Path("/tmp/ui-shots")
GLOSSARIES = {
    "ko": {"위성": "satellite"},
    "ru": {"спутник": "satellite"},
    "zh": {"卫星": "satellite"},
    "uk": {"супутник": "satellite"},
}


@dataclass(frozen=True)
class Demo:
    data_dir: Path
    nuri_ko: int  # the Korean launch story
    typhoon_zh: int  # an unrelated story, to change the base to
    english_nuri: int  # the English launch story (not among the Korean story's related)
    sources: tuple[str, ...]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("compare")
    for language, glossary in GLOSSARIES.items():
        build_package(root / "models", language, "en", glossary=glossary)
    with open_monitor(root / "data") as monitor:
        monitor.install_models([root / "models"])
        monitor.update([s.id for s in monitor.add_demo_sources()])
        articles = monitor.articles()
        nuri = next(a for a in articles if a.language == "ko" and a.title.startswith("누리호"))
        typhoon = next(a for a in articles if a.language == "zh" and "台风" in a.title)
        english = next(a for a in articles if a.language == "en" and "Nuri" in a.title)
        names = tuple(s.name for s in monitor.sources())
    return Demo(root / "data", nuri.id, typhoon.id, english.id, names)


@pytest.fixture
def tasks(demo: Demo) -> Iterator[TaskManager]:
    manager = TaskManager(demo.data_dir)
    yield manager
    manager.shutdown()


@pytest.fixture
def view(qtbot, tasks: TaskManager, demo: Demo) -> CompareView:
    compare = CompareView(tasks, demo.nuri_ko)
    qtbot.addWidget(compare)
    compare.resize(1400, 860)
    with qtbot.waitSignal(compare.loaded, timeout=10_000):
        compare.show()
    qtbot.waitExposed(compare)
    return compare


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"compare-{name}.png"))


# Data (reader thread, no Qt) ---------------------------------------------------------------


def test_build_fills_columns_from_other_outlets_and_languages(demo: Demo):
    with open_monitor(demo.data_dir) as monitor:
        data = build(monitor, demo.nuri_ko)
    assert data.columns[0].article_id == demo.nuri_ko
    assert data.columns[0].role is ColumnRole.BASE
    assert 2 <= len(data.columns) <= 4
    languages = [c.language for c in data.columns]
    outlets = [c.outlet for c in data.columns]
    assert len(set(languages)) == len(languages) >= 2
    assert len(set(outlets)) == len(outlets)
    assert all(c.translated for c in data.columns)
    assert all(c.role is ColumnRole.RELATED for c in data.columns[1:])


def test_events_run_in_time_order_and_uncovered_outlets_are_the_rest(demo: Demo):
    with open_monitor(demo.data_dir) as monitor:
        data = build(monitor, demo.nuri_ko)
    times = [e.published for e in data.events]
    assert all(t is not None for t in times)
    assert times == sorted(times)  # type: ignore[type-var]
    assert data.first is data.events[0]
    covered = {e.outlet for e in data.events}
    assert {c.outlet for c in data.columns} <= covered
    assert set(data.not_covered) == set(demo.sources) - covered
    assert data.not_covered  # the English outlet's story is not among the related ones


def test_shared_terms_come_from_translations_of_several_columns(demo: Demo):
    with open_monitor(demo.data_dir) as monitor:
        data = build(monitor, demo.nuri_ko)
    words = {t.word: t for t in data.shared_terms}
    assert "satellite" in words
    assert words["satellite"].columns == len(data.columns)
    assert all("satellite" in c.marked_words for c in data.columns)


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
    assert all(t.columns == 2 for t in terms)


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


def test_closest_sentence_shares_numbers_and_terms(demo: Demo):
    with open_monitor(demo.data_dir) as monitor:
        data = build(monitor, demo.nuri_ko)
    base = data.columns[0]
    # "해누리 1호는 무게 520㎏의 해양관측satellite이다." — the weight is in every report.
    index = next(i for i, s in enumerate(base.sentences) if "520" in s.original)
    matches = closest_sentences(data, base.article_id, index)
    assert matches
    for article_id, found in matches.items():
        best = data.column(article_id).sentences[found[0].sentence]  # type: ignore[union-attr]
        assert "520" in best.translation or "satellite" in best.translation
    assert closest_sentences(data, base.article_id, 999) == {}


def test_words_pattern_matches_whole_words_even_inside_other_scripts():
    pattern = words_pattern(["satellite", "ракета"])
    assert pattern is not None
    assert pattern.findall("해양관측satellite이다, satellites, Ракета-носитель") == [
        "satellite",
        "Ракета",
    ]
    assert words_pattern([]) is None


# The view ---------------------------------------------------------------------------------


def test_view_shows_columns_in_different_languages(view: CompareView, demo: Demo):
    columns = view.columns()
    assert 2 <= len(columns) <= 4
    assert columns[0].article_id == demo.nuri_ko
    assert len({c.column.language for c in columns}) == len(columns)
    assert "누리호" in columns[0].shown_text() or "satellite" in columns[0].shown_text()
    assert "Not covered yet by:" in view.not_covered_label.text()
    assert view.data is not None
    for outlet in view.data.not_covered:
        assert outlet in view.not_covered_label.text()
    assert "satellite" in view.shared_label.text()
    shot(view, "columns")


def test_strip_places_earlier_articles_further_left(view: CompareView):
    assert view.data is not None
    positions = view.strip.dot_positions()
    xs = [positions[e.article_id].x() for e in view.data.events]
    assert xs == sorted(xs)
    assert len(set(xs)) == len(xs)


def test_flip_toggles_between_translation_and_original(view: CompareView):
    column = view.columns()[1]
    translated = column.shown_text()
    assert column.column.translated and not column.showing_original
    column.flip_button.click()
    assert column.showing_original
    original = column.shown_text()
    assert original != translated
    assert original.split()[0] == column.column.sentences[0].original.split()[0]
    assert column.shown_title() == column.column.title
    column.flip_button.click()
    assert column.shown_text() == translated
    assert column.shown_title() == column.column.title_translated


def test_shared_terms_are_marked_in_every_column(view: CompareView):
    for column in view.columns():
        marks = [m.lower() for m in term_marks(column.pane.document())]
        assert "satellite" in marks


def test_dropping_an_article_adds_a_pinned_column(qtbot, view: CompareView, demo: Demo):
    assert demo.english_nuri not in [c.article_id for c in view.columns()]
    mime = article_mime_data([demo.english_nuri])
    assert article_ids_from_mime(mime) == [demo.english_nuri]
    target = QPointF(view.splitter.geometry().center())
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(target.toPoint(), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    enter.ignore()
    view.dragEnterEvent(enter)  # offscreen Qt delivers no drops without a real drag
    assert enter.isAccepted()
    drop = QDropEvent(target, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    drop.ignore()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.dropEvent(drop)
    assert drop.isAccepted()
    ids = [c.article_id for c in view.columns()]
    assert demo.english_nuri in ids
    assert len(ids) <= 4
    assert view.column_widget(demo.english_nuri).pinned  # type: ignore[union-attr]
    assert "Harbour Ledger" not in view.not_covered_label.text()
    shot(view, "dropped")


def test_drop_of_other_data_is_refused(view: CompareView):
    mime = QMimeData()
    mime.setText("42")
    assert article_ids_from_mime(mime) == []
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dragEnterEvent(enter)
    assert not enter.isAccepted()
    mime.setData(ARTICLE_MIME_TYPE, b"not-a-number")
    assert article_ids_from_mime(mime) == []


def test_pinned_column_survives_base_change(qtbot, view: CompareView, demo: Demo):
    related = view.columns()[1]
    kept = related.article_id
    related.pin_button.click()
    assert view.pinned == [kept]
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_article(demo.typhoon_zh)
    ids = [c.article_id for c in view.columns()]
    assert ids[0] == demo.typhoon_zh
    assert kept in ids
    assert view.column_widget(kept).pinned  # type: ignore[union-attr]
    assert demo.nuri_ko not in ids  # the old base was not pinned
    shot(view, "new-base")


def test_removed_column_stays_out(qtbot, view: CompareView):
    removed = view.columns()[-1].article_id
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.columns()[-1].remove_button.click()
    assert removed not in [c.article_id for c in view.columns()]
    assert removed in view.excluded


def test_move_buttons_swap_columns(view: CompareView):
    first, second = (c.article_id for c in view.columns()[:2])
    assert not view.columns()[0].left_button.isEnabled()
    view.columns()[0].right_button.click()
    assert [c.article_id for c in view.columns()[:2]] == [second, first]
    assert view.columns()[0].left_button.isEnabled() is False


def test_clicking_a_sentence_marks_the_closest_in_other_columns(qtbot, view: CompareView):
    base = view.columns()[0]
    index = next(i for i, s in enumerate(base.column.sentences) if "520" in s.original)
    start, end = base.pane.text.spans[index]  # type: ignore[union-attr]
    base.pane.reveal(index, centre=True)
    cursor = base.pane.textCursor()
    cursor.setPosition((start + end) // 2)
    point: QPoint = base.pane.cursorRect(cursor).center()
    qtbot.mouseClick(base.pane.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert base.active == index
    highlighted = view.highlighted()
    assert highlighted
    assert base.article_id not in highlighted
    for column in view.columns()[1:]:
        for sentence in highlighted.get(column.article_id, []):
            assert column.pane.sentence_visible(sentence)
    shot(view, "sentence")


def test_unknown_article_reports_failure(qtbot, tasks: TaskManager):
    compare = CompareView(tasks, 999_999)
    qtbot.addWidget(compare)
    with qtbot.waitSignal(compare.load_failed, timeout=10_000) as signal:
        compare.show()
    assert "999999" in signal.args[0]
    assert compare.columns() == []
