"""Plain text from HTML: paragraphs kept, scripts dropped, entities and junk cleaned."""

from __future__ import annotations

import pytest
from ftfy.badness import is_bad
from hypothesis import given
from hypothesis import strategies as st

from monitor.collect.text import html_to_text, normalize_text, single_line


def test_paragraphs_are_separated_by_one_blank_line():
    html = "<p>Перший абзац.</p>\n\n<p>Другий   абзац\nу два рядки.</p><div>Третій</div>"
    assert html_to_text(html) == "Перший абзац.\n\nДругий абзац у два рядки.\n\nТретій"


def test_br_is_a_line_break_and_two_make_a_paragraph():
    html = "정부가 예산안을 제출했다.<br>총지출은 677조원이다.<br /><br/>다음 소식입니다."
    assert (
        html_to_text(html) == "정부가 예산안을 제출했다.\n총지출은 677조원이다.\n\n다음 소식입니다."
    )


def test_scripts_styles_and_head_are_dropped():
    html = (
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<script>var x = '<p>no</p>';</script><p>新华社北京电</p><noscript>enable js</noscript>"
        "<svg><text>icon</text></svg></body></html>"
    )
    assert html_to_text(html) == "新华社北京电"


def test_entities_are_decoded():
    assert html_to_text("<p>AT&amp;T &laquo;ТАСС&raquo;&nbsp;&#8212; &#x4E2D;</p>") == (
        "AT&T «ТАСС» — 中"
    )


def test_lists_headings_and_table_cells():
    html = (
        "<h2>Итоги</h2><ul><li>один</li><li>два</li></ul>"
        "<table><tr><td>a</td><td>b</td></tr></table>"
    )
    assert html_to_text(html) == "Итоги\n\nодин\n\nдва\n\na b"


def test_inline_tags_do_not_break_words():
    assert html_to_text("<p>Пре<b>зи</b>дент <a href='/x'>заявил</a></p>") == "Президент заявил"


def test_windows_1252_control_characters_become_punctuation():
    assert html_to_text("<p>don\x92t \x93say\x94 \x85</p>") == "don\u2019t \u201csay\u201d \u2026"


def test_invisible_characters_are_removed():
    assert html_to_text("<p>\u200bНо\u00advi\ufeffны\x07</p>") == "Но\u00adviны"


def test_plain_text_is_tidied_but_keeps_paragraphs():
    text = "  Строка один\r\nпродолжение  \r\n\r\n\r\n  Второй абзац\t\tи всё.  "
    assert normalize_text(text) == "Строка один продолжение\n\nВторой абзац и всё."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  <b>Анжела</b>:\n  понимаю  ", "Анжела: понимаю"),
        ("a < b and c > d", "a < b and c > d"),
        ("Ukraine &amp; Korea", "Ukraine & Korea"),
        ("<p>Раз</p><p>Два</p>", "Раз Два"),
        ("", ""),
    ],
)
def test_single_line(text, expected):
    assert single_line(text) == expected


@pytest.mark.parametrize("html", ["", "   ", "<p></p>", "<br><br>", "<script>x</script>"])
def test_empty_results(html):
    assert html_to_text(html) == ""


@given(st.text(max_size=300))
def test_never_raises_and_never_leaves_placeholders(text):
    for result in (html_to_text(text), normalize_text(text), single_line(text)):
        assert "\ue000" not in result
        assert "\ue001" not in result
        assert "\n\n\n" not in result
        # Mojibake keeps U+00A0 and U+0085 at its ends: they are bytes of letters ("Ð\xa0" is
        # "Р") that the repair needs; any other text is stripped.
        assert result == (result.strip(" \t\n\r") if is_bad(result) else result.strip())
