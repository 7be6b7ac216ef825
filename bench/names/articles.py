"""Short articles generated from templates: each mentions one name of :mod:`bench.names.names_set`
in a natural declined or particle-attached form, or no name at all (the unrelated ones).

Seeded, so a run's articles are always the same. The templates hold no proper names, so an
article is about exactly the name put in it; a near-miss's articles are the distractors of
the names it resembles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.names.names_set import NAMES, NATIVE, Name

SEED = 20261207

# Templates by (language, kind); {0}, {1}, {2} are the name's forms (see names_set).
TEMPLATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("ru", "person"): (
        "{0} выступает сегодня с заявлением о ситуации в регионе. По словам {1}, переговоры продолжатся на следующей неделе.",  # noqa: E501
        "Заявление {1} прозвучало на пресс-конференции. {0} отвечает на вопросы журналистов о бюджете.",  # noqa: E501
    ),
    ("uk", "person"): (
        "{0} виступає сьогодні із заявою щодо ситуації в регіоні. За словами {1}, переговори триватимуть наступного тижня.",  # noqa: E501
        "Заява {1} пролунала на пресконференції. {0} відповідає на запитання журналістів про бюджет.",  # noqa: E501
    ),
    ("ko", "person"): (
        "{0} 이날 기자회견에서 새로운 입장을 밝혔다. 이번 발언은 협상을 앞두고 나왔다.",
        "{1} 발언이 주목을 받고 있다. 관계자들은 후속 조치를 검토하고 있다고 전했다.",
    ),
    ("zh", "person"): (
        "{0}当天在记者会上阐述了新的立场。有关谈判将于下周继续举行。",
        "{0}的讲话引起广泛关注。相关部门表示正在研究后续措施。",
    ),
    ("ru", "place"): (
        "{2} прошло совещание по вопросам энергоснабжения. Власти {1} сообщают о восстановлении подачи тепла.",  # noqa: E501
        "{0} готовится к зимнему сезону. Жители {1} жалуются на перебои с транспортом.",
    ),
    ("uk", "place"): (
        "{2} відбулася нарада щодо енергопостачання. Влада {1} повідомляє про відновлення подачі тепла.",  # noqa: E501
        "{0} готується до зимового сезону. Мешканці {1} скаржаться на перебої з транспортом.",
    ),
    ("ko", "place"): (
        "{1} 에너지 공급 대책 회의가 열렸다. 당국은 난방 공급이 재개됐다고 밝혔다.",
        "{0} 겨울철 대비에 나섰다. 주민들은 교통 불편을 호소하고 있다.",
    ),
    ("zh", "place"): (
        "{0}当天举行能源供应会议。当地政府表示供暖已经恢复。",
        "{0}正在为冬季做准备。居民反映交通出现中断。",
    ),
    ("ru", "organisation"): (
        "{0} сообщает о росте выручки за квартал. Представитель {1} заявил, что планы на год сохраняются.",  # noqa: E501
        "Акции {1} подешевели на торгах. Аналитики ожидают, что {0} пересмотрит прогноз.",
    ),
    ("uk", "organisation"): (
        "{0} повідомляє про зростання виручки за квартал. Представник {1} заявив, що плани на рік зберігаються.",  # noqa: E501
        "Акції {1} подешевшали на торгах. Аналітики очікують, що {0} перегляне прогноз.",
    ),
    ("ko", "organisation"): (
        "{0} 분기 실적이 개선됐다고 발표했다. 올해 계획에는 변함이 없다고 덧붙였다.",
        "{1} 주가가 하락했다. 분석가들은 전망이 수정될 것으로 보고 있다.",
    ),
    ("zh", "organisation"): (
        "{0}宣布季度收入增长。该公司表示全年计划保持不变。",
        "{0}股价在交易中下跌。分析人士预计其将调整预测。",
    ),
}

# Sentences with no name, for padding articles and for the unrelated ones.
FILLERS: dict[str, tuple[str, ...]] = {
    "ru": (
        "Синоптики обещают похолодание к выходным.",
        "Цены на продукты за месяц выросли на два процента.",
        "В школах начались каникулы.",
        "Футбольный матч перенесли из-за дождя.",
        "Эксперты обсуждают новые правила для перевозчиков.",
        "Число туристов за лето заметно увеличилось.",
    ),
    "uk": (
        "Синоптики обіцяють похолодання до вихідних.",
        "Ціни на продукти за місяць зросли на два відсотки.",
        "У школах почалися канікули.",
        "Футбольний матч перенесли через дощ.",
        "Експерти обговорюють нові правила для перевізників.",
        "Кількість туристів за літо помітно збільшилася.",
    ),
    "ko": (
        "기상청은 주말부터 기온이 떨어질 것이라고 예보했다.",
        "식료품 가격이 한 달 새 2퍼센트 올랐다.",
        "학교들이 방학에 들어갔다.",
        "축구 경기가 비 때문에 연기됐다.",
        "전문가들은 운송업체에 대한 새 규정을 논의하고 있다.",
        "여름 동안 관광객 수가 크게 늘었다.",
    ),
    "zh": (
        "气象部门预计周末将出现降温。",
        "食品价格一个月内上涨了百分之二。",
        "各学校开始放假。",
        "足球比赛因下雨推迟。",
        "专家正在讨论针对运输企业的新规定。",
        "夏季游客人数明显增加。",
    ),
}

TITLES: dict[str, tuple[str, ...]] = {
    "ru": ("Главное за день", "Новости региона", "Коротко о событиях"),
    "uk": ("Головне за день", "Новини регіону", "Коротко про події"),
    "ko": ("오늘의 주요 뉴스", "지역 소식", "간추린 뉴스"),
    "zh": ("今日要闻", "地方新闻", "新闻简报"),
}


@dataclass(frozen=True)
class Article:
    """A generated article: about ``name`` (its slug), or about nothing (``None``)."""

    name: str | None
    language: str
    title: str
    text: str


def name_articles(name: Name, per_language: int, chosen: random.Random) -> list[Article]:
    """``per_language`` articles (at most 2) in each native language ``name`` has forms in."""
    articles = []
    for language in NATIVE:
        forms = name.forms.get(language)
        if not forms:
            continue
        templates = TEMPLATES[(language, name.kind)]
        for template in templates[:per_language]:
            body = template.format(*forms)
            body = body[0].upper() + body[1:]
            filler = chosen.choice(FILLERS[language])
            separator = "" if language == "zh" else " "
            text = f"{body}{separator}{filler}"
            articles.append(Article(name.slug, language, chosen.choice(TITLES[language]), text))
    return articles


def unrelated_articles(count: int, chosen: random.Random) -> list[Article]:
    """``count`` articles with no name, spread over the native languages."""
    articles = []
    for number in range(count):
        language = NATIVE[number % len(NATIVE)]
        sentences = chosen.sample(FILLERS[language], 3)
        separator = "" if language == "zh" else " "
        text = separator.join(sentences)
        articles.append(Article(None, language, chosen.choice(TITLES[language]), text))
    return articles


def generate(
    names: tuple[Name, ...] = NAMES, *, per_language: int = 2, unrelated: int = 32
) -> list[Article]:
    """Every name's articles, then the unrelated ones (always the same for the same sizes)."""
    chosen = random.Random(SEED)
    articles = [a for name in names for a in name_articles(name, per_language, chosen)]
    return articles + unrelated_articles(unrelated, chosen)
