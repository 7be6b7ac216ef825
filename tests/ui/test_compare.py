"""The compare view over a real demo collection with tiny glossary models: columns, the
time strip, not-yet-covered outlets, flipping, drops, pins, sentence matching, shared terms.

What is compared (the core's :meth:`Monitor.compare`) is tested in tests/monitor/test_compare.py;
here, what the view draws of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from monitor.types import CoverageEvent
from tests.support.compare_demo import CompareDemo, build_compare_demo
from ui.compare.strip import CoverageStrip
from ui.compare.view import (
    ARTICLE_MIME_TYPE,
    CompareView,
    article_ids_from_mime,
    article_mime_data,
)
from ui.reader.document import term_marks
from ui.tasks import TaskManager

SHOTS = Path("/tmp/ui-shots")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> CompareDemo:
    return build_compare_demo(tmp_path_factory.mktemp("compare"))


@pytest.fixture
def tasks(demo: CompareDemo) -> Iterator[TaskManager]:
    manager = TaskManager(demo.data_dir)
    yield manager
    manager.shutdown()


@pytest.fixture
def view(qtbot, tasks: TaskManager, demo: CompareDemo) -> CompareView:
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


# The view ---------------------------------------------------------------------------------


def test_view_shows_columns_in_different_languages(view: CompareView, demo: CompareDemo):
    columns = view.columns()
    assert 2 <= len(columns) <= 4
    assert columns[0].article_id == demo.nuri_ko
    assert len({c.column.language for c in columns}) == len(columns)
    assert "누리호" in columns[0].shown_text() or "satellite" in columns[0].shown_text()
    assert view.data is not None
    if view.data.not_covered:
        assert "Not covered yet by:" in view.not_covered_label.text()
    else:  # the launch is one story of all five outlets
        assert view.not_covered_label.text() == "Every followed outlet has covered this story."
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


def test_the_axis_labels_stay_inside_the_strip(view: CompareView, qtbot):
    for width in (1400, 700, 420):
        view.strip.resize(width, view.strip.height())
        labels = view.strip.tick_labels()
        assert labels, "the axis has its times"
        bounds = QRectF(view.strip.rect())
        for text, rect in labels:
            assert bounds.contains(rect), (width, text, rect)


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


def test_dropping_an_article_adds_a_pinned_column(qtbot, view: CompareView, demo: CompareDemo):
    assert demo.typhoon_zh not in [c.article_id for c in view.columns()]
    mime = article_mime_data([demo.typhoon_zh])
    assert article_ids_from_mime(mime) == [demo.typhoon_zh]
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
    assert demo.typhoon_zh in ids
    assert len(ids) <= 4
    assert view.column_widget(demo.typhoon_zh).pinned  # type: ignore[union-attr]
    # A pinned article of another story is compared, but the coverage stays the story's.
    assert view.data is not None
    assert demo.typhoon_zh not in {e.article_id for e in view.data.events if not e.compared}
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


def test_pinned_column_survives_base_change(qtbot, view: CompareView, demo: CompareDemo):
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


# The time strip ---------------------------------------------------------------------------

CLOSE_OUTLETS = [
    ("Yonhap News Agency", "ko"),
    ("TASS Russian News Agency", "ru"),
    ("Xinhua 新华社", "zh"),
    ("Ukrinform", "uk"),
    ("The Korea Herald", "en"),
    ("Interfax-Ukraine", "uk"),
]


def close_events(minutes_apart: float = 0.6) -> list[CoverageEvent]:
    """Six outlets publishing the story within three minutes."""
    start = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    return [
        CoverageEvent(
            article_id=number,
            outlet=outlet,
            language=language,
            title=f"Launch report {number}",
            published=start + timedelta(minutes=minutes_apart * number),
            compared=number < 4,
        )
        for number, (outlet, language) in enumerate(CLOSE_OUTLETS)
    ]


def overlapping_labels(strip: CoverageStrip) -> list[tuple[str, str]]:
    places = strip.placed()
    return [
        (a.text, b.text)
        for i, a in enumerate(places)
        for b in places[i + 1 :]
        if a.label.intersects(b.label)
    ]


@pytest.mark.parametrize("width", [1400, 700, 420])
def test_close_times_never_overprint_their_labels(qtbot, width: int):
    strip = CoverageStrip()
    qtbot.addWidget(strip)
    strip.set_events(close_events())
    strip.resize(width, strip.sizeHint().height())
    strip.show()
    qtbot.waitExposed(strip)
    strip.resize(width, strip.sizeHint().height())  # as its layout does when lanes change

    places = strip.placed()
    assert len(places) == 6 and overlapping_labels(strip) == []
    inside = QRectF(strip.rect())
    for place in places:
        assert inside.contains(place.label), place.text
        assert place.label.bottom() < place.centre.y() - 5  # above the axis and its dots
        assert place.label.top() >= 0
    image = strip.grab().toImage()
    assert not image.isNull() and image.height() == strip.height()
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / f"compare-strip-close-{width}.png"))


def test_labels_stay_near_their_dots_when_there_is_room(qtbot):
    strip = CoverageStrip()
    qtbot.addWidget(strip)
    events = close_events(minutes_apart=90)  # spread over a working day
    strip.set_events(events)
    strip.resize(1400, strip.sizeHint().height())
    places = strip.placed()
    assert overlapping_labels(strip) == []
    assert {place.lane for place in places} == {0}  # one lane is enough
    for place in places:
        assert place.label.left() <= place.centre.x() <= place.label.right()
