"""The plausibility judge, and language detection giving no language to mojibake."""

from __future__ import annotations

from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (sloppy-windows-125x)
import pytest

from monitor.collect.mojibake import repair_mojibake
from monitor.language.detect import detect_language
from monitor.language.plausibility import judge_plausibility, looks_like_mojibake

LABELLED = Path(__file__).parent / "data" / "langid" / "labelled.tsv"
RU = "Событие года: Президент России заявил в четверг, что переговоры продолжатся."
UK = "Уряд ухвалив рішення про підвищення соціальних виплат з першого жовтня."
KO = "정부는 내년도 예산안을 국회에 제출했다. 기획재정부는 민생 안정을 최우선 과제로 제시했다."
ZH = "国务院常务会议指出，要把稳就业摆在更加突出的位置，加大对重点群体的帮扶力度。"


def _labelled_texts() -> list[str]:
    lines = LABELLED.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[-1] for line in lines]


# Wrong decodings of real text, as sites produce them.
MOJIBAKE = [
    RU.encode().decode("cp1252", "replace"),  # "Ð¡Ð¾Ð±Ñ‹Ñ‚Ð¸Ðµ"
    RU.encode().decode("sloppy-windows-1251"),  # "РЎРѕР±С‹С‚РёРµ"
    RU.encode("cp1251").decode("cp1252"),  # "Ñîáûòèå"
    RU.encode("koi8-r").decode("cp1251"),  # "уПВЩФЙЕ"
    UK.encode("cp1251").decode("koi8-r"),
    KO.encode("euc-kr").decode("latin-1"),  # "Á¤ºÎ´Â"
    # Han in random order: as long as a paragraph, since short technical Chinese can score
    # as low (detection needs 40 Han characters of evidence).
    f"{KO} {KO}".encode("cp949").decode("gb18030"),
    ZH.encode("gbk").decode("cp1251"),  # Cyrillic in random order
    ZH.encode("gbk").decode("cp949", "replace"),
    ZH.encode("gbk").decode("latin-1"),
]


@pytest.mark.parametrize("text", [RU, UK, KO, ZH])
def test_real_text_is_plausible(text):
    verdict = judge_plausibility(text)
    assert verdict.plausible and not verdict.improbable


@pytest.mark.parametrize("text", MOJIBAKE)
def test_wrong_decodings_are_improbable(text):
    verdict = judge_plausibility(text)
    assert verdict.improbable and not verdict.plausible
    assert looks_like_mojibake(text)


def test_no_labelled_text_is_called_improbable_or_mojibake():
    flagged = [t for t in _labelled_texts() if judge_plausibility(t).improbable]
    assert flagged == []
    assert [t for t in _labelled_texts() if looks_like_mojibake(t)] == []


def test_ascii_and_markup_are_not_judged():
    assert judge_plausibility("<p class='x'>Hello, world</p>").judged == 0
    assert judge_plausibility("").plausible


def test_short_chinese_of_uncommon_characters_is_not_improbable():
    # Four characters off the list of the commonest hundred: a headline, not noise.
    assert not judge_plausibility("新闻标题").improbable


@pytest.mark.parametrize("text", MOJIBAKE)
def test_mojibake_gets_no_language(text):
    assert detect_language(text) is None


def test_the_issues_title_is_not_portuguese():
    assert detect_language("Ð¡Ð¾Ð±ÑÐ½Ð¸Ðµ") is None
    assert detect_language(RU.encode().decode("cp1252", "ignore")) is None


@pytest.mark.parametrize("text", MOJIBAKE)
def test_repaired_text_gets_its_language(text):
    original = {"С": RU, "У": UK, "정": KO, "国": ZH}
    repaired = repair_mojibake(text)
    assert repaired.repaired
    assert detect_language(repaired.text) == detect_language(original[repaired.text[0]])
