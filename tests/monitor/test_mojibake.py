"""Mojibake repair: every shape seen in the wild undone, and correct text never touched."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (sloppy-windows-125x: what Windows and browsers decode)
import pytest

from monitor.collect.feeds import parse_feed
from monitor.collect.mojibake import RepairedText, repair_mojibake, repair_page
from monitor.collect.text import html_to_text, single_line
from monitor.types import ExtractedPage

RU = (
    "Президент России заявил в четверг, что переговоры с партнёрами продолжатся на следующей "
    "неделе. Эксперты ожидают подписания соглашения до конца года."
)
UK = "Уряд ухвалив рішення про підвищення соціальних виплат. Їх отримають пенсіонери."
KO = "정부는 내년도 예산안을 국회에 제출했다. 기획재정부는 민생 안정을 최우선 과제로 제시했다."
ZH = "国务院常务会议指出，要把稳就业摆在更加突出的位置，加大对重点群体的帮扶力度。"
LABELLED = Path(__file__).parent / "data" / "langid" / "labelled.tsv"
HELD_OUT_LANGID = (
    Path(
        os.environ.get("MEDIA_MONITOR_EVAL_DIR")
        or Path(__file__).resolve().parents[3] / "shared" / "eval"
    )
    / "langid"
    / "labelled_lingua_ko_ru_uk_zh_en_be_bg.tsv"
)


def damaged(text: str, real: str, wrong: str, times: int = 1) -> str:
    """``text`` as a site damages it: encoded with ``real``, decoded with ``wrong``."""
    for _ in range(times):
        text = text.encode(real).decode(wrong)
    return text


@pytest.mark.parametrize(
    ("text", "real", "wrong", "shape"),
    [
        (RU, "utf-8", "sloppy-windows-1252", "utf-8 read as windows-1252"),
        (RU, "utf-8", "latin-1", "utf-8 read as latin-1"),  # with C1 controls
        (RU, "utf-8", "sloppy-windows-1251", "utf-8 read as windows-1251"),
        (UK, "utf-8", "sloppy-windows-1251", "utf-8 read as windows-1251"),
        (KO, "utf-8", "sloppy-windows-1252", "utf-8 read as windows-1252"),
        (ZH, "utf-8", "sloppy-windows-1252", "utf-8 read as windows-1252"),
        (RU, "cp1251", "cp1252", "windows-1251 read as windows-1252"),
        (UK, "cp1251", "latin-1", "windows-1251 read as windows-1252"),
        (RU, "koi8-r", "cp1251", "koi8-r read as windows-1251"),
        (UK, "koi8-u", "cp1251", "koi8-u read as windows-1251"),
        (RU, "cp1251", "koi8-r", "windows-1251 read as koi8-r"),
        (RU, "koi8-r", "cp1252", "koi8-r read as windows-1252"),
        (RU, "cp866", "cp1251", "cp866 read as windows-1251"),
        (KO, "euc-kr", "latin-1", "cp949 read as windows-1252"),
        (ZH, "gbk", "latin-1", "gb18030 read as windows-1252"),
        (ZH, "gbk", "cp1251", "gb18030 read as windows-1251"),
        (KO, "cp949", "gb18030", "cp949 read as gb18030"),
    ],
)
def test_each_shape_is_undone_exactly(text, real, wrong, shape):
    result = repair_mojibake(damaged(text, real, wrong))
    assert result.text == text
    assert result.shapes == (shape,)
    assert result.repaired


@pytest.mark.parametrize("text", [RU, UK, KO, ZH])
def test_double_encoding_is_undone(text):
    result = repair_mojibake(damaged(text, "utf-8", "sloppy-windows-1252", times=2))
    assert result.text == text
    assert result.repaired


@pytest.mark.parametrize("errors", ["ignore", "replace"])
def test_bytes_a_strict_decoder_lost_are_restored_by_spelling(errors):
    # Windows-1252 has no 0x81, 0x8D, 0x8F, 0x90, 0x9D: the second bytes of с, я, э, А, Н.
    text = "Сообщение агентства: Россия и Эстония подписали соглашение. Я с ними согласен."
    result = repair_mojibake(text.encode().decode("cp1252", errors))
    assert result.text == text
    assert result.shapes == ("utf-8 read as windows-1252, bytes lost",)


def test_the_issues_title_is_repaired_into_cyrillic():
    result = repair_mojibake("Ð¡Ð¾Ð±ÑÐ½Ð¸Ðµ")
    assert result.repaired
    assert result.text.startswith("Соб")


@pytest.mark.parametrize("text", [RU, KO, ZH, "Я с ними"])
def test_html_to_text_keeps_the_c1_bytes_the_repair_needs(text):
    # Read as Latin-1, "с" is "Ñ\x81" and "的" "ç\x9a\x84": turning C1 controls into
    # Windows-1252 punctuation (which has none for 0x81 or 0x9D) drops bytes before the
    # repair can use them.
    html = f"<p>{damaged(text, 'utf-8', 'latin-1')}</p>"
    assert repair_mojibake(html_to_text(html)).text == text
    assert repair_mojibake(single_line(damaged(text, "utf-8", "latin-1"))).text == text


def test_html_to_text_still_turns_c1_controls_into_punctuation():
    assert html_to_text("<p>don\x92t \x93quote\x94</p>") == "don\u2019t \u201cquote\u201d"
    assert repair_mojibake("\x93郑重道歉\x94") == RepairedText("“郑重道歉”")  # not "repaired"


def test_no_break_space_turned_into_a_space_is_still_er_letter():
    # "Р" is Ð and a no-break space; whitespace cleaning makes that a plain space.
    mangled = damaged(RU, "utf-8", "sloppy-windows-1252").replace("\xa0", " ")
    assert repair_mojibake(mangled).text == RU


def test_only_damaged_lines_change():
    text = f"{RU}\n\n{damaged(UK, 'utf-8', 'sloppy-windows-1252')}\n\n{ZH}"
    result = repair_mojibake(text)
    assert result.text == f"{RU}\n\n{UK}\n\n{ZH}"


@pytest.mark.parametrize(
    "text",
    [
        RU,
        UK,
        KO,
        ZH,
        "中央氣象署表示，颱風中心持續向西北移動，各地區應嚴加戒備強風豪雨。",
        "Le président a déclaré que la réforme sera présentée à l'Assemblée.",
        "Die Förderung für Wärmepumpen wird ausgeweitet. Überraschend große Zustimmung.",
        "ВЗРЫВ В ЦЕНТРЕ МОСКВЫ: ПОГИБШИХ НЕТ",
        "Мощность 5 кВт, энергия 3 МэВ, «кавычки» — тире… №5 °C",
        "東京で国際会議が開かれました。",
        "Гэта быў цяжкі дзень для ўсіх жыхароў горада",
        "Η κυβέρνηση ενέκρινε τον προϋπολογισμό",
        "Ñandú and São Paulo, Ærøskøbing, Œuvre",
    ],
)
def test_correct_text_is_left_alone(text):
    result = repair_mojibake(text)
    assert (result.text, result.repaired) == (text, False)


@functools.cache
def _rows(path: Path) -> list[str]:
    return [line.split("\t")[-1] for line in path.read_text(encoding="utf-8").splitlines()[1:]]


def test_no_line_of_the_labelled_set_is_changed():
    changed = [text for text in _rows(LABELLED) if repair_mojibake(text).text != text]
    assert changed == []


@pytest.mark.skipif(not HELD_OUT_LANGID.exists(), reason="held-out langid set not present")
def test_no_line_of_the_held_out_langid_set_is_changed():
    # 20,385 real lines in en, ko, ru, uk, zh, be, bg: the repair must never damage one.
    changed = [text for text in _rows(HELD_OUT_LANGID) if repair_mojibake(text).text != text]
    assert changed == []


def test_page_text_title_and_author_are_repaired():
    page = ExtractedPage(
        text=damaged(RU, "utf-8", "sloppy-windows-1252"),
        title=damaged("Новости дня", "utf-8", "sloppy-windows-1251"),
        author=damaged("Иван Петров", "cp1251", "cp1252"),
        published=None,
        published_offset_minutes=None,
        canonical_url=None,
        language_hint=None,
    )
    repaired = repair_page(page)
    assert (repaired.text, repaired.title, repaired.author) == (RU, "Новости дня", "Иван Петров")
    assert repaired.repaired
    assert repair_page(repaired) is repaired  # nothing left to do: the same page back


def _rss(title: str, summary: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Лента</title>'
        f"<item><title>{title}</title><description>{summary}</description></item>"
        "</channel></rss>"
    ).encode()


def test_feed_items_are_repaired_and_say_so():
    title = "Синоптики пообещали москвичам тёплую погоду"
    feed = parse_feed(
        _rss(damaged(title, "utf-8", "latin-1"), damaged(RU, "utf-8", "sloppy-windows-1252")),
        url="https://example.com/rss",
    )
    item = feed.items[0]
    assert (item.title, item.summary, item.repaired) == (title, RU, True)


def test_clean_feed_items_are_not_marked_repaired():
    feed = parse_feed(_rss("Синоптики обещают тепло", RU), url="https://example.com/rss")
    assert feed.items[0].repaired is False
    assert feed.items[0].summary == RU
