"""The built-in catalog of real news outlets a user can follow with one click.

Each entry names the outlet's own RSS endpoint as published on its site. Feed addresses do
move: when one stops answering, the fix is to update the entry here (the user can always add
any feed URL by hand). The catalog is written from knowledge of the outlets' sites, not
checked online at build time, so it is a starting point rather than a guarantee.

Grouped by language; within a group, wire services and state media first, then newspapers,
then foreign broadcasters' services in that language.
"""

from __future__ import annotations

from monitor.types import Outlet

_KOREAN = (
    Outlet(
        key="yonhap-ko",
        name="Yonhap News Agency (연합뉴스)",
        language="ko",
        country="KR",
        homepage="https://www.yna.co.kr/",
        feed_url="https://www.yna.co.kr/rss/news.xml",
    ),
    Outlet(
        key="kbs-world-ko",
        name="KBS World Radio (KBS 월드라디오)",
        language="ko",
        country="KR",
        homepage="https://world.kbs.co.kr/service/index.htm?lang=k",
        feed_url="https://world.kbs.co.kr/rss/rss_news.htm?lang=k",
    ),
    Outlet(
        key="hankyoreh-ko",
        name="The Hankyoreh (한겨레)",
        language="ko",
        country="KR",
        homepage="https://www.hani.co.kr/",
        feed_url="https://www.hani.co.kr/rss/",
    ),
    Outlet(
        key="kyunghyang-ko",
        name="Kyunghyang Shinmun (경향신문)",
        language="ko",
        country="KR",
        homepage="https://www.khan.co.kr/",
        feed_url="https://www.khan.co.kr/rss/rssdata/total_news.xml",
    ),
    Outlet(
        key="donga-ko",
        name="Dong-A Ilbo (동아일보)",
        language="ko",
        country="KR",
        homepage="https://www.donga.com/",
        feed_url="https://rss.donga.com/total.xml",
    ),
    Outlet(
        key="bbc-korean",
        name="BBC News 코리아",
        language="ko",
        country="GB",
        homepage="https://www.bbc.com/korean",
        feed_url="https://feeds.bbci.co.uk/korean/rss.xml",
    ),
)

_RUSSIAN = (
    Outlet(
        key="tass-ru",
        name="TASS (ТАСС)",
        language="ru",
        country="RU",
        homepage="https://tass.ru/",
        feed_url="https://tass.ru/rss/v2.xml",
    ),
    Outlet(
        key="ria-ru",
        name="RIA Novosti (РИА Новости)",
        language="ru",
        country="RU",
        homepage="https://ria.ru/",
        feed_url="https://ria.ru/export/rss2/archive/index.xml",
    ),
    Outlet(
        key="interfax-ru",
        name="Interfax (Интерфакс)",
        language="ru",
        country="RU",
        homepage="https://www.interfax.ru/",
        feed_url="https://www.interfax.ru/rss.asp",
    ),
    Outlet(
        key="kommersant-ru",
        name="Kommersant (Коммерсантъ)",
        language="ru",
        country="RU",
        homepage="https://www.kommersant.ru/",
        feed_url="https://www.kommersant.ru/RSS/news.xml",
    ),
    Outlet(
        key="lenta-ru",
        name="Lenta.ru",
        language="ru",
        country="RU",
        homepage="https://lenta.ru/",
        feed_url="https://lenta.ru/rss/news",
    ),
    Outlet(
        key="meduza-ru",
        name="Meduza (Медуза)",
        language="ru",
        country="LV",
        homepage="https://meduza.io/",
        feed_url="https://meduza.io/rss/all",
    ),
    Outlet(
        key="bbc-russian",
        name="BBC News Русская служба",
        language="ru",
        country="GB",
        homepage="https://www.bbc.com/russian",
        feed_url="https://feeds.bbci.co.uk/russian/rss.xml",
    ),
)

_CHINESE = (
    Outlet(
        key="xinhua-zh",
        name="Xinhua News Agency (新华网)",
        language="zh",
        country="CN",
        homepage="https://www.xinhuanet.com/",
        feed_url="https://www.xinhuanet.com/politics/news_politics.xml",
    ),
    Outlet(
        key="peoples-daily-zh",
        name="People's Daily Online (人民网)",
        language="zh",
        country="CN",
        homepage="https://www.people.com.cn/",
        feed_url="https://www.people.com.cn/rss/politics.xml",
    ),
    Outlet(
        key="chinanews-zh",
        name="China News Service (中国新闻网)",
        language="zh",
        country="CN",
        homepage="https://www.chinanews.com.cn/",
        feed_url="https://www.chinanews.com.cn/rss/scroll-news.xml",
    ),
    Outlet(
        key="bbc-chinese",
        name="BBC News 中文",
        language="zh",
        country="GB",
        homepage="https://www.bbc.com/zhongwen/simp",
        feed_url="https://feeds.bbci.co.uk/zhongwen/simp/rss.xml",
    ),
    Outlet(
        key="dw-chinese",
        name="Deutsche Welle 中文",
        language="zh",
        country="DE",
        homepage="https://www.dw.com/zh/",
        feed_url="https://rss.dw.com/rdf/rss-chi-all",
    ),
)

_UKRAINIAN = (
    Outlet(
        key="ukrinform-uk",
        name="Ukrinform (Укрінформ)",
        language="uk",
        country="UA",
        homepage="https://www.ukrinform.ua/",
        feed_url="https://www.ukrinform.ua/rss/block-lastnews",
    ),
    Outlet(
        key="unian-uk",
        name="UNIAN (УНІАН)",
        language="uk",
        country="UA",
        homepage="https://www.unian.ua/",
        feed_url="https://rss.unian.net/site/news_ukr.rss",
    ),
    Outlet(
        key="pravda-uk",
        name="Ukrainska Pravda (Українська правда)",
        language="uk",
        country="UA",
        homepage="https://www.pravda.com.ua/",
        feed_url="https://www.pravda.com.ua/rss/",
    ),
    Outlet(
        key="defense-express-uk",
        name="Defense Express",
        language="uk",
        country="UA",
        homepage="https://defence-ua.com/",
        feed_url="https://defence-ua.com/rss/feed.xml",
    ),
    Outlet(
        key="suspilne-uk",
        name="Suspilne (Суспільне)",
        language="uk",
        country="UA",
        homepage="https://suspilne.media/",
        feed_url="https://suspilne.media/rss/all.rss",
    ),
    Outlet(
        key="bbc-ukrainian",
        name="BBC News Україна",
        language="uk",
        country="GB",
        homepage="https://www.bbc.com/ukrainian",
        feed_url="https://feeds.bbci.co.uk/ukrainian/rss.xml",
    ),
)

# English editions of the same outlets, for comparing them with their home-language service.
_ENGLISH = (
    Outlet(
        key="yonhap-en",
        name="Yonhap News Agency (English)",
        language="en",
        country="KR",
        homepage="https://en.yna.co.kr/",
        feed_url="https://en.yna.co.kr/RSS/news.xml",
    ),
    Outlet(
        key="tass-en",
        name="TASS (English)",
        language="en",
        country="RU",
        homepage="https://tass.com/",
        feed_url="https://tass.com/rss/v2.xml",
    ),
    Outlet(
        # The Chinese-language edition (huanqiu.com) has no feed we could name with confidence.
        key="global-times-en",
        name="Global Times (English)",
        language="en",
        country="CN",
        homepage="https://www.globaltimes.cn/",
        feed_url="https://www.globaltimes.cn/rss/outbrain.xml",
    ),
    Outlet(
        key="ukrinform-en",
        name="Ukrinform (English)",
        language="en",
        country="UA",
        homepage="https://www.ukrinform.net/",
        feed_url="https://www.ukrinform.net/rss/block-lastnews",
    ),
)

CATALOG: tuple[Outlet, ...] = _KOREAN + _RUSSIAN + _CHINESE + _UKRAINIAN + _ENGLISH


def outlets_for_language(code: str) -> tuple[Outlet, ...]:
    """The catalog's outlets writing in ``code`` (ISO 639-1; ``"zh-CN"`` counts as ``"zh"``)."""
    language = code.strip().lower().replace("_", "-").split("-")[0]
    return tuple(outlet for outlet in CATALOG if outlet.language == language)


def find_outlet(key: str) -> Outlet | None:
    """The catalog entry with ``key``, or None when there is none."""
    return next((outlet for outlet in CATALOG if outlet.key == key), None)
