"""Decoding bytes: order of authority, wrong declarations, sniffing, never raising."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.collect.encoding import (
    charset_from_content_type,
    decode_document,
    normalize_encoding,
    utf8_without_declared_encoding,
    xml_as_utf8,
)

RU = (
    "Президент России заявил в четверг, что переговоры с партнёрами продолжатся на "
    "следующей неделе. Эксперты ожидают подписания соглашения до конца года."
)
UK = (
    "Уряд ухвалив рішення про підвищення соціальних виплат з першого жовтня. "
    "Їх отримають пенсіонери."
)
KO = "정부는 내년도 예산안을 국회에 제출했다. 기획재정부는 민생 안정을 최우선 과제로 제시했다."
ZH = "国务院常务会议指出，要把稳就业摆在更加突出的位置，加大对重点群体的帮扶力度。"
ZH_TW = "中央氣象署表示，颱風中心持續向西北移動，各地區應嚴加戒備強風豪雨。"


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>News</title></head><body><p>{body}</p></body></html>"


def test_bom_wins_over_everything():
    data = codecs.BOM_UTF8 + '<?xml version="1.0" encoding="koi8-r"?><a>Ёж</a>'.encode()
    result = decode_document(data, "text/xml; charset=windows-1251", markup="xml")
    assert result.decided_by == "bom"
    assert result.encoding == "utf-8"
    assert result.text.endswith("<a>Ёж</a>")
    assert not result.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_with_bom(codec):
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[codec]
    text = f"<rss><title>{UK}</title></rss>"
    result = decode_document(bom + text.encode(codec), None, markup="xml")
    assert (result.text, result.encoding, result.decided_by) == (text, codec, "bom")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_bom_are_recognised(codec):
    text = f'<?xml version="1.0" encoding="utf-8"?><rss><title>{KO}</title></rss>'
    result = decode_document(text.encode(codec), "application/xml; charset=utf-8", markup="xml")
    assert (result.text, result.encoding) == (text, codec)


def test_http_charset_beats_xml_declaration():
    text = f'<?xml version="1.0" encoding="koi8-r"?><rss><title>{RU}</title></rss>'
    result = decode_document(text.encode("cp1251"), "text/xml; charset=windows-1251", markup="xml")
    assert (result.text, result.encoding, result.decided_by) == (text, "cp1251", "http")


def test_xml_declaration_used_without_http_charset():
    text = f'<?xml version="1.0" encoding="KOI8-R"?><rss><title>{RU}</title></rss>'
    result = decode_document(text.encode("koi8-r"), "application/rss+xml", markup="xml")
    assert (result.text, result.encoding, result.decided_by) == (text, "koi8-r", "xml-declaration")


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="windows-1251">',
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
        "<meta content='text/html;charset=cp1251' http-equiv='content-type'>",
    ],
)
def test_html_meta_charset_forms(head):
    html = _page(RU, head)
    result = decode_document(html.encode("cp1251"), "text/html", markup="html")
    assert (result.text, result.encoding, result.decided_by) == (html, "cp1251", "meta")


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "cp936"])
def test_gb_family_declarations_decode_as_gb18030(label):
    text = f'<?xml version="1.0" encoding="{label}"?><t>朱镕基 {ZH}</t>'
    result = decode_document(text.encode("gb18030"), None, markup="xml")
    assert result.encoding == "gb18030"
    assert "朱镕基" in result.text  # 镕 is outside GB2312


def test_euc_kr_declaration_decodes_cp949_syllables():
    text = f'<?xml version="1.0" encoding="euc-kr"?><t>똠양꿍 {KO}</t>'
    result = decode_document(text.encode("cp949"), None, markup="xml")
    assert result.encoding == "cp949"
    assert result.text == text


def test_gb2312_declaration_over_utf8_bytes_decodes_as_utf8():
    html = _page(ZH, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    result = decode_document(html.encode("utf-8"), None, markup="html")
    assert result.text == html
    assert result.encoding == "utf-8"


def test_utf8_wrapper_meta_over_gbk_bytes_falls_through_to_the_real_meta():
    html = _page(
        ZH,
        '<meta charset="utf-8"><meta http-equiv="content-type" content="text/html; charset=gbk">',
    )
    result = decode_document(html.encode("gbk"), "text/html; charset=utf-8", markup="html")
    assert result.text == html
    assert (result.encoding, result.decided_by) == ("gb18030", "meta")


def test_utf8_declaration_over_gbk_bytes_is_sniffed():
    html = _page(ZH, '<meta charset="utf-8">')
    result = decode_document(html.encode("gbk"), None, markup="html")
    assert result.text == html
    assert result.decided_by == "sniffed"


@pytest.mark.parametrize(
    ("text", "codec"), [(RU, "cp1251"), (RU, "koi8-r"), (KO, "cp949"), (ZH, "gb18030")]
)
def test_latin1_server_default_over_legacy_bytes_is_not_trusted(text, codec):
    html = _page(text)
    result = decode_document(html.encode(codec), "text/html; charset=ISO-8859-1", markup="html")
    assert result.text == html
    assert result.decided_by == "sniffed"


@pytest.mark.parametrize(
    "text",
    [
        "Le président a déclaré que la réforme sera présentée à l'Assemblée en décembre.",
        "Die Förderung für Wärmepumpen wird ausgeweitet. Überraschend große Zustimmung.",
    ],
)
def test_genuine_latin1_is_kept(text):
    html = _page(text)
    result = decode_document(html.encode("latin-1"), "text/html; charset=iso-8859-1", markup="html")
    assert (result.text, result.decided_by) == (html, "http")


def test_latin1_declaration_reads_windows_1252_punctuation():
    result = decode_document(
        b"<p>don\x92t \x93quote\x94</p>", "text/html; charset=iso-8859-1", markup="html"
    )
    assert result.text == "<p>don\u2019t \u201cquote\u201d</p>"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (RU, "cp1251"),
        (UK, "cp1251"),
        (RU, "koi8-r"),
        (KO, "euc-kr"),
        (ZH, "gb2312"),
        (ZH_TW, "big5"),
    ],
)
def test_undeclared_legacy_text_is_sniffed(text, codec):
    xml = f"<rss><channel><title>{text}</title><item><title>{text}</title></item></channel></rss>"
    result = decode_document(xml.encode(codec), None, markup="xml")
    assert result.text == xml
    assert result.decided_by == "sniffed"


def test_plain_ascii_defaults_to_utf8():
    result = decode_document(b"<rss><title>News</title></rss>", None, markup="xml")
    assert (result.encoding, result.decided_by) == ("utf-8", "default")


def test_utf8_cut_in_the_middle_of_a_character_stays_utf8():
    data = f"<p>{RU}</p>".encode()[:-6]  # ends inside a two-byte letter
    result = decode_document(data, "text/html; charset=utf-8", markup="html")
    assert result.encoding == "utf-8"
    assert result.text.startswith("<p>Президент")
    assert "\ufffd" not in result.text


def test_a_stray_byte_in_utf8_text_costs_one_character_only():
    data = f"<p>{RU}</p>".encode().replace("четверг".encode(), b"\xe7etverg")
    result = decode_document(data, "text/html; charset=utf-8", markup="html")
    assert result.encoding == "utf-8"
    assert result.text.count("\ufffd") == 1
    assert "Президент России" in result.text


@pytest.mark.parametrize("label", ["bogus", "", "utf-7x", "mbcs"])
def test_unknown_declarations_are_ignored(label):
    xml = f'<?xml version="1.0" encoding="{label}"?><t>{RU}</t>'
    result = decode_document(xml.encode("utf-8"), f"text/xml; charset={label}", markup="xml")
    assert result.text == xml


@pytest.mark.parametrize(
    ("header", "charset"),
    [
        ("text/html; charset=UTF-8", "UTF-8"),
        ("application/xml;charset='us-ascii'", "us-ascii"),
        ('text/xml; charset="windows-1251"', "windows-1251"),
        ("text/xml; charset = koi8-r ; q=1", "koi8-r"),
        ("text/xml", None),
        ("text/xml; charset:iso-8859-1", None),
        (None, None),
    ],
)
def test_charset_from_content_type(header, charset):
    assert charset_from_content_type(header) == charset


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("EUC-KR", "cp949"),
        ("ks_c_5601-1987", "cp949"),
        ("ISO-8859-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("Big5", "big5hkscs"),
        ("windows-1251", "cp1251"),
        ("koi8-u", "koi8_u"),
        ("no-such-charset", None),
    ],
)
def test_normalize_encoding(label, codec):
    assert normalize_encoding(label) == codec


def test_xml_as_utf8_removes_the_declared_encoding():
    xml = f'  <?xml version="1.0" encoding="windows-1251" standalone="yes"?><t>{RU}</t>'
    utf8, decoded = xml_as_utf8(xml.encode("cp1251"))
    assert decoded.encoding == "cp1251"
    assert utf8 == f'<?xml version="1.0" standalone="yes"?><t>{RU}</t>'.encode()


def test_utf8_without_declared_encoding_survives_lone_surrogates():
    assert utf8_without_declared_encoding("<t>\ud800x</t>") == b"<t>?x</t>"


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=600),
    st.sampled_from(
        [None, "text/html; charset=utf-8", "text/xml; charset=gb2312", "x; charset=utf-16"]
    ),
)
def test_never_raises_on_any_bytes(data, content_type):
    for markup in ("xml", "html"):
        result = decode_document(data, content_type, markup=markup)
        assert isinstance(result.text, str)
        codecs.lookup(result.encoding)
