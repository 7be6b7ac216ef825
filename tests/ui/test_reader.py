"""The side-by-side reader: alignment, highlighting, banners, flags, layouts and safe rendering."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtTest import QTest

from monitor import open_monitor
from monitor.types import SentencePair
from tests.support.argos_factory import build_package
from tests.support.stored_articles import Outlets, store_article
from ui.languages import language_name
from ui.queries import reader_content
from ui.reader import ReaderLayout, ReaderView
from ui.reader.document import published_text, term_marks
from ui.reader.pane import SentencePane
from ui.viewdata import ReaderContent, TextSourceKind

SHOTS = Path("/tmp/ui-shots")

KOREAN = (
    (
        0,
        "한국은행은 12일 기준금리를 연 2.25%로 내렸다.",
        "The Bank of Korea cut the base rate to 2.25% on the 12th.",
    ),
    (0, "올해 두 번째 인하다.", "It is the second cut this year."),
    (
        1,
        "이창용 총재는 내수 회복이 더디다고 말했다.",
        "Governor Rhee Chang-yong said the recovery in domestic demand was slow, that inflation "
        "was settling near the target and that the board would watch the housing market and "
        "household debt closely before deciding on any further cut in the months ahead.",
    ),
    (2, "원·달러 환율은 1,392.5원에 마감했다.", "The won closed at 1,392.5 to the dollar."),
)


def make_content(
    pairs: tuple[tuple[int, str, str], ...] = KOREAN,
    *,
    language: str = "ko",
    degenerate: tuple[int, ...] = (),
    **changes: object,
) -> ReaderContent:
    sentences = tuple(
        SentencePair(paragraph, original, translation, index in degenerate)
        for index, (paragraph, original, translation) in enumerate(pairs)
    )
    content = ReaderContent(
        article_id=7,
        title="한은, 기준금리 연 2.25%로 인하",
        title_translated="Bank of Korea cuts base rate to 2.25%",
        outlet="Seoul Daily Wire",
        author="Kim Min-ji",
        published=datetime(2025, 11, 12, 5, 30, tzinfo=UTC),
        published_offset_minutes=540,
        url="https://news.seoul-wire.test/article/123",
        language=language,
        target_language="en",
        text_origin=TextSourceKind.PAGE,
        model=f"{language}→en (translate-{language}_en-1_9 1.9)",
        degenerate=bool(degenerate),
        sentences=sentences,
        original_text="\n\n".join(s.original for s in sentences),
        untranslated_note=None,
        queue_position=None,
    )
    return replace(content, **changes)  # type: ignore[arg-type]


def untranslated(**changes: object) -> ReaderContent:
    base = make_content(title_translated=None, model=None, sentences=())
    return replace(base, **changes)  # type: ignore[arg-type]


def long_paragraph() -> tuple[tuple[int, str, str], ...]:
    """One paragraph whose translation runs far longer than its original."""
    return tuple(
        (
            0,
            f"문장 {n}.",
            f"Sentence {n} of the translation, made long enough to wrap over lines. " * 3,
        )
        for n in range(14)
    )


@pytest.fixture
def view(qtbot) -> ReaderView:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(1000, 640)
    reader.show()
    qtbot.waitExposed(reader)
    return reader


def aligned(view: ReaderView) -> bool:
    """Paragraph i starts at the same height, and runs as far, in both panes."""
    rows = [view.original_pane.row_geometry(), view.translation_pane.row_geometry()]
    return len(rows[0]) == len(rows[1]) > 0 and all(
        abs(a[0] - b[0]) < 1.0 and abs(a[1] - b[1]) < 1.0 for a, b in zip(*rows, strict=True)
    )


def span_text(pane: SentencePane, sentence: int) -> str:
    assert pane.text is not None
    start, end = pane.text.spans[sentence]
    cursor = QTextCursor(pane.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def point_of(pane: SentencePane, position: int) -> QPoint:
    cursor = QTextCursor(pane.document())
    cursor.setPosition(position)
    return pane.cursorRect(cursor).center() + QPoint(3, 0)


def highlighted_spans(pane: SentencePane) -> list[tuple[int, int]]:
    return [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in pane.extraSelections()]


def save_shot(view: ReaderView, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / name))


def test_sentences_appear_in_order_and_paragraphs_line_up(qtbot, view: ReaderView):
    content = make_content()
    view.show_content(content)
    qtbot.waitUntil(lambda: aligned(view))
    for pane, side in ((view.original_pane, 0), (view.translation_pane, 1)):
        assert pane.text is not None
        assert sorted(pane.text.spans) == list(range(len(KOREAN)))
        starts = [pane.text.spans[i][0] for i in range(len(KOREAN))]
        assert starts == sorted(starts)
        for index, sentence in enumerate(content.sentences):
            expected = sentence.original if side == 0 else sentence.translation
            assert span_text(pane, index) == expected
        assert pane.document().blockCount() == 3
    # The long translated paragraph forces padding under the short Korean one.
    assert view.original_pane.pads[1] > 20
    save_shot(view, "reader-korean-side-by-side.png")


def test_alignment_holds_after_a_resize(qtbot, view: ReaderView):
    view.show_content(make_content())
    qtbot.waitUntil(lambda: aligned(view))
    view.resize(620, 640)
    qtbot.waitUntil(lambda: aligned(view))
    assert view.original_pane.row_tops()[2] == pytest.approx(view.translation_pane.row_tops()[2])


def test_hovering_a_sentence_highlights_and_reveals_its_counterpart(qtbot, view: ReaderView):
    view.resize(1000, 420)
    view.set_layout(ReaderLayout.STACKED)
    view.show_content(make_content(long_paragraph()))
    last = 13
    translation = view.translation_pane
    assert not translation.sentence_visible(last)
    original = view.original_pane
    assert original.text is not None
    start, end = original.text.spans[last]
    QTest.mouseMove(original.viewport(), point_of(original, start + 1))
    qtbot.waitUntil(lambda: view.highlighted_sentence == last)
    assert translation.sentence_visible(last)
    assert translation.text is not None
    assert highlighted_spans(translation) == [translation.text.spans[last]]
    assert highlighted_spans(original) == [(start, end)]


def test_clicking_a_sentence_keeps_it_highlighted(qtbot, view: ReaderView):
    view.resize(1000, 420)
    view.set_layout(ReaderLayout.STACKED)
    view.show_content(make_content(long_paragraph()))
    original = view.original_pane
    assert original.text is not None
    target = 12
    where = point_of(original, original.text.spans[target][0] + 1)
    QTest.mouseClick(original.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: view.highlighted_sentence == target)
    assert view.translation_pane.sentence_visible(target)
    original.sentence_hovered.emit(-1)  # the mouse leaves: the clicked sentence stays marked
    assert view.highlighted_sentence == target
    assert view.translation_pane.text is not None
    assert highlighted_spans(view.translation_pane) == [view.translation_pane.text.spans[target]]


def test_clicking_in_the_translation_highlights_the_original(qtbot, view: ReaderView):
    view.show_content(make_content())
    view.translation_pane.sentence_clicked.emit(2)
    assert view.highlighted_sentence == 2
    assert view.original_pane.text is not None
    assert highlighted_spans(view.original_pane) == [view.original_pane.text.spans[2]]


def test_scrolling_one_pane_scrolls_the_other_to_the_same_paragraph(qtbot, view: ReaderView):
    pairs = tuple(
        (
            p,
            f"{p}번째 문단의 문장입니다.",
            f"Paragraph {p} in English, a little longer. " * (1 + p % 3),
        )
        for p in range(30)
    )
    view.show_content(make_content(pairs))
    qtbot.waitUntil(lambda: aligned(view))
    translation, original = view.translation_pane, view.original_pane
    row_top = round(translation.row_tops()[17])
    translation.verticalScrollBar().setValue(row_top)
    assert original.verticalScrollBar().value() == pytest.approx(row_top, abs=1)
    view.set_layout(ReaderLayout.STACKED)
    qtbot.waitUntil(lambda: aligned(view))
    original.verticalScrollBar().setValue(round(original.row_tops()[9]))
    assert translation.verticalScrollBar().value() == pytest.approx(
        translation.row_tops()[9], abs=1
    )


def test_page_down_and_space_scroll_a_screen(qtbot, view: ReaderView):
    view.show_content(make_content(long_paragraph() * 3))
    qtbot.waitUntil(lambda: aligned(view))
    bar = view.translation_pane.verticalScrollBar()
    assert bar.maximum() > bar.pageStep()
    view.page_down()
    first = bar.value()
    assert 0 < first < bar.pageStep()
    assert view.original_pane.verticalScrollBar().value() > 0
    QTest.keyClick(view.original_pane, Qt.Key.Key_Space)
    assert bar.value() > first
    QTest.keyClick(view.original_pane, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() == first


def test_search_terms_are_marked_on_both_sides_ignoring_case(qtbot, view: ReaderView):
    pairs = (
        (
            0,
            "强台风“风吟”登陆海南。台风将继续向西北方向移动。",
            "Typhoon Fengyin hit Hainan. The TYPHOON moves north-west.",
        ),
        (1, "Банк Кореи снизил ставку. БАНК ждёт.", "The bank cut its rate."),
    )
    content = make_content(pairs, language="zh", highlight_terms=("台风", "typhoon", "банк", " "))
    view.show_content(content)
    assert term_marks(view.original_pane.document()) == ["台风", "台风", "Банк", "БАНК"]
    assert term_marks(view.translation_pane.document()) == ["Typhoon", "TYPHOON"]
    view.show_content(replace(content, highlight_terms=()))
    assert term_marks(view.original_pane.document()) == []


def test_title_terms_are_marked_in_the_header(view: ReaderView):
    view.show_content(make_content(highlight_terms=("BASE RATE",)))
    assert "background-color" in view.header.title_translated.text()
    assert "background-color" not in view.header.title.text()


def test_no_model_banner_offers_install(qtbot, view: ReaderView):
    view.show_content(untranslated(untranslated_note="untranslated: no ko→en model"))
    assert view.banner.isVisible()
    assert "No Korean→English model installed" in view.banner.message.text()
    assert view.visible_panes() == [view.original_pane]
    assert view.original_pane.document().toPlainText().startswith("한국은행은 12일")
    with qtbot.waitSignal(view.install_models_requested, timeout=1000):
        QTest.mouseClick(view.banner.install_button, Qt.MouseButton.LeftButton)
    save_shot(view, "reader-untranslated-banner.png")


def test_queued_banner_shows_the_place_in_the_queue(view: ReaderView):
    view.show_content(untranslated(queue_position=3))
    assert view.banner.message.text() == "Translating… (number 3 in the queue)"
    assert view.banner.install_button.isHidden()


def test_article_in_the_target_language_has_no_banner(view: ReaderView):
    view.show_content(untranslated(language="en", original_text="Markets rallied."))
    assert view.banner.isHidden()
    assert view.original_caption.text() == "English · original"


def test_feed_text_and_degenerate_sentences_are_flagged(view: ReaderView):
    view.show_content(make_content(degenerate=(1,), text_origin=TextSourceKind.FEED))
    flags = view.header.flags_text.text()
    assert view.header.flags.isVisible()
    assert "from the feed, not the article page" in flags
    assert "1 translated sentence looks unreliable" in flags
    pane = view.translation_pane
    assert pane.text is not None
    cursor = QTextCursor(pane.document())
    for sentence, wavy in ((1, True), (0, False)):
        cursor.setPosition(pane.text.spans[sentence][0] + 1)
        style = cursor.charFormat().underlineStyle()
        assert (style == QTextCharFormat.UnderlineStyle.WaveUnderline) is wavy
    view.show_content(make_content())
    assert view.header.flags.isHidden()


def test_header_shows_languages_model_and_both_times(monkeypatch, view: ReaderView):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        view.show_content(make_content())
        facts = view.header.facts.text()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "Seoul Daily Wire" in facts and "Kim Min-ji" in facts
    assert "12 Nov 2025, 14:30 (UTC+09:00, source) · 06:30 your time" in facts
    assert "Korean → English" in facts
    assert "translate-ko_en-1_9 1.9" in facts
    assert "news.seoul-wire.test" in facts
    assert view.header.title_translated.text() == "Bank of Korea cuts base rate to 2.25%"


def test_header_says_when_the_zone_of_the_time_was_assumed(view: ReaderView):
    view.show_content(make_content())
    assert "zone assumed" not in view.header.facts.text()
    assumed = "Asia/Seoul (the outlet's language, ko)"
    view.show_content(make_content(published_zone=assumed))
    facts = view.header.facts.text()
    assert f"zone assumed: {assumed.replace(chr(39), '&#x27;')}" in facts
    assert view.header.facts.grab().width() > 0


def test_language_names_and_times_without_an_offset():
    assert [language_name(c) for c in ("ko", "ru", "zh", "uk", "en", "xx", None)] == [
        "Korean",
        "Russian",
        "Chinese",
        "Ukrainian",
        "English",
        "XX",  # codes without a name are shown upper-cased
        "Unknown language",
    ]
    assert published_text(None, 60) == "Date unknown"
    assert published_text(datetime(2025, 1, 2, 3, 4, tzinfo=UTC), None).endswith("(your time)")


def test_layouts_switch_the_visible_panes(qtbot, view: ReaderView):
    view.show_content(make_content())
    seen: list[object] = []
    view.layout_changed.connect(seen.append)
    cases = {
        ReaderLayout.ORIGINAL_ONLY: [view.original_pane],
        ReaderLayout.TRANSLATION_ONLY: [view.translation_pane],
        ReaderLayout.STACKED: [view.original_pane, view.translation_pane],
        ReaderLayout.SIDE_BY_SIDE: [view.original_pane, view.translation_pane],
    }
    for mode, panes in cases.items():
        view.set_layout(mode)
        assert view.visible_panes() == panes
        assert all(pane.isVisible() for pane in panes)
    assert view.splitter.orientation() == Qt.Orientation.Horizontal
    view.set_layout(ReaderLayout.SIDE_BY_SIDE)  # no change, no signal
    assert seen == list(cases)
    view.set_layout(ReaderLayout.STACKED)
    assert view.splitter.orientation() == Qt.Orientation.Vertical
    qtbot.waitUntil(lambda: aligned(view))
    save_shot(view, "reader-korean-stacked.png")
    view.show_content(untranslated(untranslated_note="untranslated: no ko→en model"))
    assert view.visible_panes() == [view.original_pane]
    assert view.layout_mode == ReaderLayout.STACKED  # the choice is kept for the next article


def test_markup_in_the_text_stays_text_and_nothing_is_fetched(qtbot, view: ReaderView, server):
    image = server.url("/x.png")
    hostile = f'Look <img src="{image}"> here <script>alert(1)</script> <b>bold</b>'
    view.show_content(
        make_content(((0, hostile, hostile),), title=f'<img src="{image}">', title_translated=None)
    )
    save_shot(view, "reader-markup-as-text.png")
    for pane in (view.original_pane, view.translation_pane):
        document = pane.document()
        assert hostile in document.toPlainText()
        block = document.begin()
        iterator = block.begin()
        while not iterator.atEnd():
            assert not iterator.fragment().charFormat().isImageFormat()
            iterator += 1
    assert "&lt;img" in view.header.title.text()
    resource = QTextDocument.ResourceType.ImageResource.value
    assert view.original_pane.loadResource(resource, QUrl("http://example.com/x.png")) is None
    assert view.original_pane.loadResource(resource, QUrl(image)) is None
    assert server.requests == []


def test_links_in_the_text_and_header_are_reported_not_opened(qtbot, view: ReaderView):
    url = "https://www.bok.or.kr/eng/main.do"
    view.show_content(make_content(((0, f"자세한 내용은 {url}에서.", f"Details at {url}."),)))
    pane = view.translation_pane
    offset = pane.document().toPlainText().index(url)
    with qtbot.waitSignal(view.link_activated, timeout=1000) as clicked:
        QTest.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=point_of(pane, offset + 4))
    assert clicked.args == [url]
    assert pane.document().toPlainText() == f"Details at {url}."
    with qtbot.waitSignal(view.open_original_requested, timeout=1000) as opened:
        view.header.facts.linkActivated.emit("https://news.seoul-wire.test/article/123")
    assert opened.args == ["https://news.seoul-wire.test/article/123"]
    with qtbot.assertNotEmitted(view.open_original_requested):
        view.header.facts.linkActivated.emit("file:///etc/passwd")


def test_no_article_shows_the_empty_page(view: ReaderView):
    view.show_content(make_content())
    view.show_content(None)
    assert view.content is None
    assert view.original_pane.document().isEmpty()


def test_reader_content_from_a_demo_store(qtbot, view: ReaderView, tmp_path: Path):
    with open_monitor(tmp_path / "data") as monitor:
        monitor.update([s.id for s in monitor.add_demo_sources()])
        package = build_package(tmp_path / "packages", "ko", "en")
        monitor.install_models([package])
        for _ in monitor.translate_iter():
            pass
        articles = monitor.articles()
        korean = next(a for a in articles if a.language == "ko")
        chinese = next(a for a in articles if a.language == "zh")
        translated = reader_content(monitor, korean.id, ("기준금리",))
        waiting = reader_content(monitor, chinese.id)
    assert translated.sentences
    view.show_content(translated)
    qtbot.waitUntil(lambda: aligned(view))
    for pane, side in ((view.original_pane, "original"), (view.translation_pane, "translation")):
        assert pane.text is not None
        assert len(pane.text.spans) == len(translated.sentences)
        texts = [span_text(pane, i) for i in range(len(translated.sentences))]
        assert texts == [getattr(s, side).strip() for s in translated.sentences]
    assert "translate-ko_en-1_0" in view.header.facts.text()
    assert view.banner.isHidden()
    save_shot(view, "reader-demo-korean.png")
    view.show_content(waiting)
    assert "No Chinese→English model installed" in view.banner.message.text()
    assert view.visible_panes() == [view.original_pane]


def test_a_headline_shows_the_whole_original_beside_the_translated_lead(
    qtbot, view: ReaderView, tmp_path: Path
):
    glossary = {"Пожар": "Fire", "Губернатор": "Governor", "Спасатели": "Rescuers"}
    with open_monitor(tmp_path / "data") as monitor:
        monitor.install_models([build_package(tmp_path / "stick", "ru", "en", glossary=glossary)])
        outlets = Outlets(monitor)
        text = (
            "Губернатор сообщил о большом пожаре на складе. Пожар начался утром.\n\n"
            "Спасатели работали на месте шесть часов без перерыва."
        )
        article_id = store_article(
            monitor, outlets, "ТАСС", "ru", datetime(2026, 12, 1, tzinfo=UTC), "Пожар", text
        )
        cancel = threading.Event()
        for _ in monitor.translate_iter(cancel):
            cancel.set()  # the first headline is in: stop before the whole text
        content = reader_content(monitor, article_id)
    view.show_content(content)
    qtbot.waitUntil(lambda: aligned(view))
    original = view.original_pane.document().toPlainText()
    translation = view.translation_pane.document().toPlainText()
    assert "Спасатели работали" in original  # the whole original is there to read
    assert "Governor" in translation and "Rescuers" not in translation
    assert view.banner.message.text() == (
        "Headline and lead translated; the rest is on its way (number 1 in the queue)."
    )
    assert view.header.title_translated.text() == "Fire"
    save_shot(view, "reader-headline.png")
