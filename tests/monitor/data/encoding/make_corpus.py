"""Writes the encoding corpus: documents in the shapes the wild produces, each beside its
expected JSON. Run it again after changing a text or adding a shape:

    .venv/bin/python tests/monitor/data/encoding/make_corpus.py

The texts were written for this project. The bytes are made the way sites damage them:
legacy codecs without a declaration, wrong declarations, a header contradicting the page,
stray bytes, bodies cut mid-character, text decoded the wrong way and saved again.
"""

from __future__ import annotations

import json
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-125x, as Windows decodes)

HERE = Path(__file__).parent

ZH = (
    "新华社北京电 国家统计局今天发布数据显示，今年前三季度国内生产总值同比增长，经济运行总体平稳。"
    "专家表示，消费对经济增长的贡献进一步提高，就业形势保持稳定，城镇调查失业率有所下降。"
    "下一步，有关部门将继续加大政策支持力度，推动高质量发展，努力完成全年主要目标任务。"
)
ZH_SHORT = "国务院常务会议部署稳就业工作"
ZH_TW = (
    "中央社記者台北報導 行政院今天通過明年度總預算案，將送立法院審議。"
    "主計總處表示，這次預算以照顧民生與強化國防為重點，各部會應撙節開支，提高執行效率。"
)
KO = (
    "정부는 내년도 예산안을 국회에 제출했다고 밝혔다. 기획재정부는 민생 안정과 경제 활력 회복을 "
    "최우선 과제로 제시했으며, 일자리 창출과 취약계층 지원 예산을 크게 늘렸다. 국회는 다음 달부터 "
    "본격적인 심사에 들어갈 예정이다."
)
KO_CP949 = "똠얌꿍 축제가 열린 서울 시내에서 시민들이 음식을 맛보고 있다"  # 똠 is CP949 only
RU = (
    "Президент России заявил в четверг, что переговоры с партнёрами продолжатся на следующей "
    "неделе. По его словам, стороны уже согласовали большую часть документа, а оставшиеся "
    "вопросы касаются сроков поставок и цен. Эксперты ожидают подписания соглашения до конца года."
)
RU_TITLE = "Синоптики пообещали москвичам тёплую погоду на выходных"
RU_TITLE_2 = "Сообщение агентства о переговорах в столице"
UK = (
    "Уряд ухвалив рішення про підвищення соціальних виплат з першого жовтня. Їх отримають "
    "пенсіонери та люди з інвалідністю, повідомили в міністерстві соціальної політики."
)
UK_TITLE = "У Києві відкрили новий міст через Дніпро"


def page(body: str, head: str = "", title: str = "Новини") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


def rss(items: list[tuple[str, str]], declaration: str = "") -> str:
    body = "".join(
        f"<item><title>{title}</title><link>https://example.com/{index}</link>"
        f"<description>{summary}</description></item>"
        for index, (title, summary) in enumerate(items)
    )
    prolog = f'<?xml version="1.0"{declaration}?>' if declaration is not None else ""
    return f'{prolog}<rss version="2.0"><channel><title>Лента</title>{body}</channel></rss>'


def mojibake(text: str, real: str, wrong: str, times: int = 1) -> str:
    for _ in range(times):
        text = text.encode(real).decode(wrong)
    return text


def lossy(text: str) -> str:
    """UTF-8 read by a strict Windows-1252 decoder that drops the bytes it does not know."""
    return text.encode("utf-8").decode("cp1252", "ignore")


SCRIPTS = {"ru": "cyrillic", "uk": "cyrillic", "ko": "hangul", "zh": "han"}


def add(name: str, data: bytes, expected: dict[str, object]) -> None:
    suffix = "html" if expected["markup"] == "html" else "xml"
    (HERE / f"{name}.{suffix}").write_bytes(data)
    (HERE / f"{name}.expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def main() -> None:
    # Undeclared legacy pages and feeds.
    add(
        "zh_gbk_undeclared_page",
        page(ZH, title="经济运行总体平稳").encode("gbk"),
        {"markup": "html", "content_type": "text/html", "script": "han", "contains": [ZH]},
    )
    add(
        "zh_big5_undeclared_page",
        page(ZH_TW, title="總預算案").encode("big5"),
        {"markup": "html", "content_type": "text/html", "script": "han", "contains": [ZH_TW]},
    )
    add(
        "ko_euckr_undeclared_page",
        page(KO, title="예산안 제출").encode("euc-kr"),
        {"markup": "html", "content_type": "text/html", "script": "hangul", "contains": [KO]},
    )
    add(
        "ko_cp949_undeclared_feed",
        rss([(KO_CP949, KO)], declaration="").encode("cp949"),
        {
            "markup": "xml",
            "content_type": None,
            "script": "hangul",
            "contains": [KO_CP949, KO],
            "items": [{"title": KO_CP949, "summary": KO, "language": "ko"}],
        },
    )
    add(
        "ru_cp1251_undeclared_page",
        page(RU, title=RU_TITLE).encode("cp1251"),
        {"markup": "html", "content_type": "text/html", "script": "cyrillic", "contains": [RU]},
    )
    add(
        "ru_koi8r_undeclared_feed",
        rss([(RU_TITLE, RU)], declaration="").encode("koi8-r"),
        {
            "markup": "xml",
            "content_type": "application/rss+xml",
            "script": "cyrillic",
            "contains": [RU_TITLE, RU],
            "items": [{"title": RU_TITLE, "language": "ru"}],
        },
    )
    # A GBK page cut mid-character by a size cap, and one with a stray byte: strict GBK
    # decoding fails, and a sniffer that drops GBK for it falls back to a wrong codec.
    add(
        "zh_gbk_truncated_page",
        page(ZH * 3, title="经济").encode("gbk")[:-1],
        {"markup": "html", "content_type": "text/html", "script": "han", "contains": [ZH]},
    )
    add(
        "zh_gb2312_stray_byte_page",
        page(ZH, title="经济").encode("gb2312").replace(b"</p>", b"\xff</p>"),
        {"markup": "html", "content_type": None, "script": "han", "contains": [ZH]},
    )
    # The page: GBK whose only hint is an encoding attribute on a non-HTML wrapper.
    wrapped = f'<root encoding="gbk"><title>{ZH_SHORT}</title><content>{ZH}</content></root>'
    add(
        "zh_gbk_wrapper_hint",
        wrapped.encode("gbk").replace(b"</content>", b"\x80</content>"),
        {
            "markup": "html",
            "content_type": "text/html",
            "script": "han",
            "contains": [ZH],
            "encoding": "gb18030",
        },
    )
    styled = (
        f'<?xml-stylesheet type="text/xsl" href="news.xsl" encoding="gb2312"?>'
        f"<news><title>{ZH_SHORT}</title><body>{ZH}</body></news>"
    )
    add(
        "zh_gb2312_stylesheet_hint",
        styled.encode("gb2312")[:-7],
        {
            "markup": "xml",
            "content_type": "text/xml",
            "script": "han",
            "contains": [ZH],
            "encoding": "gb18030",
        },
    )
    deep = page(ZH, title="经济").replace(
        "<article>", "<script>var x = 1;</script>" + " " * 20_000 + '<meta charset="gbk"><article>'
    )
    add(
        "zh_gbk_deep_meta_page",
        deep.encode("gbk").replace(b"</p>", b"\xff</p>"),
        {
            "markup": "html",
            "content_type": "text/html",
            "script": "han",
            "contains": [ZH],
            "encoding": "gb18030",
        },
    )
    # Wrong declarations.
    add(
        "ru_declares_utf8_is_cp1251_page",
        page(RU, head='<meta charset="utf-8">', title=RU_TITLE).encode("cp1251"),
        {
            "markup": "html",
            "content_type": "text/html; charset=utf-8",
            "script": "cyrillic",
            "contains": [RU],
            "encoding": "cp1251",
        },
    )
    add(
        "zh_header_cp1251_meta_gbk_page",
        page(
            ZH,
            head='<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
            title="经济",
        ).encode("gbk"),
        {
            "markup": "html",
            "content_type": "text/html; charset=windows-1251",
            "script": "han",
            "contains": [ZH],
            "encoding": "gb18030",
        },
    )
    add(
        "ru_header_koi8r_meta_cp1251_page",
        page(RU, head='<meta charset="windows-1251">', title=RU_TITLE).encode("cp1251"),
        {
            "markup": "html",
            "content_type": "text/html; charset=koi8-r",
            "script": "cyrillic",
            "contains": [RU],
            "encoding": "cp1251",
        },
    )
    # Text decoded the wrong way and saved again: the bytes are fine, the text is not.
    shapes = {
        "ru_utf8_read_as_cp1252_feed": (RU_TITLE, RU, "utf-8", "sloppy-windows-1252", 1),
        "ru_utf8_read_as_cp1251_feed": (RU_TITLE, RU, "utf-8", "sloppy-windows-1251", 1),
        "ru_cp1251_read_as_cp1252_feed": (RU_TITLE, RU, "cp1251", "cp1252", 1),
        "ru_koi8r_read_as_cp1251_feed": (RU_TITLE, RU, "koi8-r", "cp1251", 1),
        "uk_utf8_read_as_cp1252_twice_feed": (UK_TITLE, UK, "utf-8", "sloppy-windows-1252", 2),
        "ko_euckr_read_as_latin1_feed": ("예산안 국회 제출", KO, "euc-kr", "latin-1", 1),
        "zh_gbk_read_as_latin1_feed": (ZH_SHORT, ZH, "gbk", "latin-1", 1),
    }
    languages = {"ru": "ru", "uk": "uk", "ko": "ko", "zh": "zh"}
    for name, (title, summary, real, wrong, times) in shapes.items():
        damaged = [(mojibake(title, real, wrong, times), mojibake(summary, real, wrong, times))]
        add(
            name,
            rss(damaged, declaration=' encoding="utf-8"').encode("utf-8"),
            {
                "markup": "xml",
                "content_type": "application/rss+xml",
                "script": SCRIPTS[name[:2]],
                "items": [
                    {
                        "title": title,
                        "summary": summary,
                        "repaired": True,
                        "language": languages[name[:2]],
                    }
                ],
            },
        )
    add(
        "ru_utf8_read_as_cp1252_lossy_feed",
        rss([(lossy(RU_TITLE_2), lossy(RU)), (RU_TITLE, RU)], declaration="").encode("utf-8"),
        {
            "markup": "xml",
            "content_type": "application/rss+xml",
            "script": "cyrillic",
            "items": [
                {"title": RU_TITLE_2, "summary": RU, "repaired": True, "language": "ru"},
                {"title": RU_TITLE, "summary": RU, "repaired": False, "language": "ru"},
            ],
        },
    )
    # A page whose article was saved double-encoded: decoding is right, the text is not.
    add(
        "ru_double_encoded_page",
        page(
            mojibake(RU, "utf-8", "sloppy-windows-1252")
            + " "
            + mojibake(RU, "utf-8", "sloppy-windows-1252"),
            head='<meta charset="utf-8">',
            title=mojibake(RU_TITLE, "utf-8", "sloppy-windows-1252"),
        ).encode("utf-8"),
        {
            "markup": "html",
            "content_type": "text/html; charset=utf-8",
            "script": "cyrillic",
            "page": {"title": RU_TITLE, "contains": [RU], "repaired": True, "language": "ru"},
        },
    )


if __name__ == "__main__":
    main()
