"""What a line of page text is, judged from its words alone: prose, a notice, a stub.

Shared by both readers of a page (trafilatura's tree and our own text blocks): word counts
that treat Chinese fairly, sentence-like lines, and the boilerplate of news sites in Korean,
Russian, Chinese, Ukrainian and English (copyright and reprint notices, cookie and privacy
banners, registration lines of the imprint, paywalls and error pages). Patterns are only
trusted on short lines: an article may well *mention* cookies or copyright.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+|\d+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DIGIT = re.compile(r"\d")
# A sentence ends in . ! ? … (or their full-width forms), perhaps inside closing quotes.
_SENTENCE_END = re.compile(r"[.!?。！？…](?:[\"'»”’）)\]」』]+)?\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_SPACE = re.compile(r"\s+")
_NOT_WORDLIKE = re.compile(r"[\W_]+")
_MIN_WORDLIKE_SHARE = 0.8
_LEAD_IN = re.compile(r"[:：]\s*$")  # "Together with:", "各有关单位：" introduce what follows

# The patterns below are written in lower case and matched against lowered text (much
# faster than case-insensitive matching).
# Copyright, reprint and legal notices of the imprint, cookie and privacy banners.
_NOTICE = re.compile(
    r"©|ⓒ|\(c\)|copyright|all rights reserved|저작권|무단 ?전재|재배포|版权|未经(授权|许可)"
    r"|不得转载|禁止转载|转载请注明|все права защищены|всі права захищен|перепечатка|передрук"
    r"|при (полном или частичном )?(использовании|цитуванні|використанні) материал"
    r"|використання матеріалів|cookie|куки|쿠키|privacy policy|terms of (use|service)"
    r"|политик[аи] конфиденциальности|пользовательское соглашение|політик[аи] конфіденційності"
    r"|개인정보\s?처리\s?방침|이용약관|隐私政策|用户协议|免责声明|法律声明|^声明[:：]"
    r"|不代表本?(网|站|报)|观点或立场|мнение редакции|думка редакції|does not (necessarily )?"
    r"reflect|언론사의 (입장|견해)"
    # disclaimers and affiliate disclosures
    r"|disclosure|affiliate|not a substitute for|informational purposes|may not be reproduced"
    r"|without (prior )?written permission|не является (публичной )?офертой"
    r"|носит информационный характер|без письменного разрешения|не є (публічною )?офертою"
    r"|без письмового дозволу|має інформаційний характер|사전 (동의|허가) 없이|무단 복제"
    r"|仅供参考|不构成.{0,6}建议|书面(授权|许可)|依法追究"
)
# Registration and contact lines of a site's imprint (press licences, ICP numbers, phones).
_IMPRINT = re.compile(
    r"icp[备证]|公网安备|网站标识码|许可证编号|主办单位|承办单位|新闻热线"
    r"|등록번호|사업자\s?등록|대표전화|청소년보호책임자|발행인|편집인"
    r"|свидетельство о регистрации|свідоцтво про реєстрацію|роскомнадзор|фс\s?77"
    r"|реєстраційн|телефон:|тел\.:|e-?mail:|адрес(а)?:"
)
# A page that shows this instead of an article: login walls, paywalls, error pages.
_STUB = re.compile(
    r"\b404\b|not found|page (does not|doesn't) exist|log ?in to|sign ?in to|subscribe to read"
    r"|subscribers only|не найден|не существует|войдите|авторизуйтесь|только для подписчиков"
    r"|не знайден|не існує|увійдіть|лише для передплатників|찾을 수 없|존재하지 않|로그인 후"
    r"|유료 ?회원|구독 ?(신청|후|하고)|页面不存在|找不到|登录后|会员专享|付费阅读|订阅后"
)
# Datelines, bylines and labelled facts around an article ("Source: ...", "입력 2024.03.15").
_DATE_OR_TIME = re.compile(
    r"\d{4}\s?[-./年]\s?\d{1,2}|\b\d{1,2}:\d{2}\b|\d{1,2}\.\d{1,2}\.\d{2,4}"
    r"|\b\d{1,2}\s(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября"
    r"|декабря|січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня"
    r"|листопада|грудня|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s\d{1,2}\b"
)
_LABEL = re.compile(
    r"(来源|作者|发布时间|发布日期|时间|浏览次数|点击数|责任编辑|编辑|记者|通讯员|источник|автор"
    r"|опубликовано|обновлено|просмотров|джерело|опубліковано|оновлено|переглядів|source"
    r"|author|published|updated|posted|기사입력|입력|최종수정|수정|승인|송고|조회수?|фото|photo"
    r"|사진|图片?|摄影|credit)\s*[:：=]"
    r"|^(by|от|від)\s|(기자|특파원|記者|记者|reporter|correspondent)(\s+\S+@\S+)?$"
)
_MAX_METADATA_WORDS = 20
_MAX_PATTERN_WORDS = 30  # longer lines are text, whatever words they contain...
_MIN_LEGAL_MATCHES = 2  # ...unless they are legal boilerplate through and through


def word_count(lines: Iterable[str]) -> float:
    """Words of ``lines``; Han characters count half a word each (Chinese has no spaces)."""
    text = "\n".join(lines)
    han = len(_HAN.findall(text))
    return len(_WORD.findall(_HAN.sub(" ", text))) + han / 2


def ends_a_sentence(line: str) -> bool:
    return _SENTENCE_END.search(line) is not None


def leads_in(line: str) -> bool:
    """A line ending in a colon: it introduces the text that follows it."""
    return _LEAD_IN.search(line) is not None


def has_digits(line: str) -> bool:
    return _DIGIT.search(line) is not None


def is_notice(line: str) -> bool:
    """A copyright, reprint, cookie, privacy or imprint line (judged on short lines only)."""
    lowered = line.lower()
    if _NOTICE.search(lowered) is None and _IMPRINT.search(lowered) is None:
        return False
    if word_count([line]) <= _MAX_PATTERN_WORDS:
        return True
    matches = {match.group() for match in _NOTICE.finditer(lowered)}
    matches.update(match.group() for match in _IMPRINT.finditer(lowered))
    return len(matches) >= _MIN_LEGAL_MATCHES


def is_stub(line: str) -> bool:
    """A login wall's, paywall's or error page's message."""
    return word_count([line]) <= _MAX_PATTERN_WORDS and _STUB.search(line.lower()) is not None


def is_metadata(line: str) -> bool:
    """A dateline, byline or labelled fact ("Source: ...", "입력 2024.03.15 10:42")."""
    if word_count([line]) > _MAX_METADATA_WORDS or ends_a_sentence(line):
        return False
    lowered = line.lower()
    return _DATE_OR_TIME.search(lowered) is not None or _LABEL.search(lowered) is not None


def is_prose(line: str, words: float | None = None) -> bool:
    """A line that reads as running text: a sentence, or long enough to be one.

    ``words``: the line's :func:`word_count`, when the caller has it already.
    """
    if words is None:
        words = word_count([line])
    if not (words >= 15 or (words >= 4 and ends_a_sentence(line))):
        return False
    return _reads_as_text(line)


def _reads_as_text(line: str) -> bool:
    """Mostly letters and digits, no control characters: not bytes decoded as text."""
    if _CONTROL.search(line):
        return False
    visible = _SPACE.sub("", line)
    wordlike = len(_NOT_WORDLIKE.sub("", visible))
    return wordlike >= _MIN_WORDLIKE_SHARE * len(visible)
