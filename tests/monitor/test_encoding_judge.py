"""The plausibility judge of decodings: an improbable decoding loses to a plausible one."""

from __future__ import annotations

import pytest

from monitor.collect.encoding import decode_document

ZH = (
    "国家统计局今天发布数据显示，今年前三季度国内生产总值同比增长，经济运行总体平稳。"
    "专家表示，消费对经济增长的贡献进一步提高，就业形势保持稳定。"
)
RU = (
    "Президент России заявил в четверг, что переговоры с партнёрами продолжатся на следующей "
    "неделе. Эксперты ожидают подписания соглашения до конца года."
)
KO = "정부는 내년도 예산안을 국회에 제출했다. 기획재정부는 민생 안정을 최우선 과제로 제시했다."


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>News</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize("stray", [b"\xff", b"\x80", "© 2024 — “新闻”".encode()])
def test_gbk_page_with_a_stray_byte_is_not_read_as_broken_utf8(stray):
    # One byte GBK does not have makes the sniffer drop GBK; UTF-8 with replacement
    # characters everywhere was the result.
    data = _page(ZH).encode("gbk").replace(b"</p>", stray + b"</p>")
    result = decode_document(data, None, markup="html")
    assert ZH in result.text
    assert result.encoding == "gb18030"


def test_gbk_page_cut_mid_character_is_still_gbk():
    data = _page(ZH * 4).encode("gbk")
    cut = data[: data.index("就业".encode("gbk")) + 1]  # half of 就
    result = decode_document(cut, "text/html", markup="html")
    assert result.encoding == "gb18030"
    assert ZH[:20] in result.text


def test_http_charset_contradicting_the_meta_loses_when_it_reads_as_nothing():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    data = _page(ZH, head).encode("gbk")
    result = decode_document(data, "text/html; charset=windows-1251", markup="html")
    assert result.text == _page(ZH, head)
    assert result.encoding == "gb18030"


def test_koi8_header_over_a_windows_1251_page_loses_to_the_meta():
    # KOI8-R and Windows-1251 both decode any byte: only reading the text tells.
    head = '<meta charset="windows-1251">'
    data = _page(RU, head).encode("cp1251")
    result = decode_document(data, "text/html; charset=koi8-r", markup="html")
    assert result.text == _page(RU, head)
    assert result.encoding == "cp1251"


@pytest.mark.parametrize(
    "wrapper",
    [
        '<root encoding="gbk"><t>{}</t></root>',
        '<?xml-stylesheet type="text/xsl" href="a.xsl" encoding="gbk"?><doc>{}</doc>',
        '<html><body><div>{}</div><meta charset="gbk"></body></html>',
    ],
)
def test_an_encoding_named_on_a_wrapper_is_weighed(wrapper):
    # Few common characters: a short sentence like this never reads as plainly real, so
    # without the hint the CP949 reading (Hangul and hanja in random order) stayed.
    text = "＊免费自助咖啡、绿茶无限畅饮。"
    data = wrapper.format(text).encode("gbk")
    result = decode_document(data, None, markup="html")
    assert text in result.text
    assert result.encoding == "gb18030"


@pytest.mark.parametrize(
    ("text", "codec"),
    [(ZH, "gbk"), (KO, "euc-kr"), (RU, "cp1251"), (RU, "koi8-r")],
)
def test_right_decodings_are_kept(text, codec):
    html = _page(text)
    assert decode_document(html.encode(codec), None, markup="html").text == html


def test_a_real_french_latin1_page_is_kept():
    html = _page("Le président a déclaré que la réforme sera présentée à l'Assemblée nationale.")
    result = decode_document(html.encode("latin-1"), "text/html; charset=iso-8859-1", markup="html")
    assert (result.text, result.decided_by) == (html, "http")


def test_double_encoded_utf8_is_left_to_the_repair():
    # Valid UTF-8 that reads badly is mojibake in the text, not a wrong decoding.
    html = _page(RU.encode().decode("cp1252", "replace"))
    result = decode_document(html.encode(), None, markup="html")
    assert (result.text, result.encoding) == (html, "utf-8")
