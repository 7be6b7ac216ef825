"""A small multilingual news site for end-to-end tests: one RSS feed per language and an
article page per item, each article carrying a word found in it alone (:func:`marker`), so a
search proves that very article was indexed."""

from __future__ import annotations

# Paragraph material per language; each article takes a rotation of it plus its own marker word.
PARAGRAPHS = {
    "ru": [
        "Правительство области сообщило во вторник о начале строительства новой школы в районе.",
        "По словам губернатора, работы планируется завершить до конца следующего года.",
        "Местные жители давно просили власти решить проблему переполненных классов.",
        "Стоимость проекта оценивается в несколько миллиардов рублей из бюджета региона.",
        "Эксперты отмечают, что новые школы появятся ещё в трёх соседних городах.",
    ],
    "uk": [
        "Міська рада ухвалила у четвер рішення про ремонт мосту через річку.",
        "За словами мера, роботи розпочнуться навесні та триватимуть кілька місяців.",
        "Мешканці району давно скаржилися на поганий стан дороги та тротуарів.",
        "Вартість ремонту становитиме близько двохсот мільйонів гривень з міського бюджету.",
        "Фахівці зазначають, що міст не ремонтували понад двадцять років.",
    ],
    "ko": [
        "정부는 화요일 새로운 에너지 정책을 발표하고 재생 에너지 투자를 확대하겠다고 밝혔다.",
        "산업통상자원부 관계자는 올해 안에 구체적인 지원 방안을 마련할 계획이라고 말했다.",
        "전문가들은 이번 정책이 지역 경제에 긍정적인 영향을 줄 것으로 내다봤다.",
        "시민단체는 환경 보호를 위한 추가 대책이 필요하다고 지적했다.",
        "정부는 다음 달 공청회를 열어 각계의 의견을 수렴할 예정이다.",
    ],
    "zh": [
        "国务院新闻办公室周二举行发布会，介绍今年经济运行的总体情况。",
        "有关负责人表示，前三季度全国工业生产保持稳定增长，就业形势总体稳定。",
        "专家认为，消费市场持续恢复，新兴产业成为拉动经济增长的重要力量。",
        "发布会还介绍了支持中小企业发展的多项新措施，包括减税降费和金融支持。",
        "据介绍，相关部门将继续加强政策协调，推动经济高质量发展。",
    ],
}
TITLES = {
    "ru": "Новости региона, выпуск",
    "uk": "Новини міста, випуск",
    "ko": "지역 소식",
    "zh": "经济新闻",
}


def marker(language: str, number: int) -> str:
    """A word found in one article only, so a search proves that very article is indexed."""
    return f"zqx{language}{number:03d}marker"


def page_html(language: str, number: int, length: int = 1) -> bytes:
    """Article ``number``'s page: its rotation of the paragraphs, ``length`` times over with
    each copy's sentences numbered (every sentence distinct: none comes from the cache)."""
    rotation = PARAGRAPHS[language][number % 5 :] + PARAGRAPHS[language][: number % 5]
    paragraphs = (
        rotation
        if length == 1
        else [
            f"{paragraph[:-1]} {number}-{copy}{paragraph[-1]}"
            for copy in range(length)
            for paragraph in rotation
        ]
    )
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    title = f"{TITLES[language]} {number}"
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><header><nav><a href='/'>Home</a></nav></header>"
        f"<article><h1>{title}</h1>\n{body}\n<p>{rotation[0]} {marker(language, number)}</p>"
        f"</article><footer>© 2026</footer></body></html>"
    ).encode()


def feed_xml(language: str, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{TITLES[language]} {number}</title><link>{link}</link>"
        f"<guid>{link}</guid><pubDate>Sun, 22 Nov 2026 {number:02d}:00:00 +0000</pubDate>"
        f"<description>{PARAGRAPHS[language][number % 5]} {marker(language, number)}"
        f"</description></item>"
        for number, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test {language}</title><link>http://example.invalid/</link>"
        f"<language>{language}</language>{items}</channel></rss>"
    ).encode()
