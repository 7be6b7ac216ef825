"""Translating whole documents while keeping original and translation aligned by sentence.

Each document is split into paragraphs and sentences (:mod:`translations.segment`); every
sentence of every document in one call goes to the engine together, so CTranslate2 batches
across articles; the answers are put back in place as (paragraph, sentence, original,
translation) pairs, plus the title's translation. A sentence is sent once however many
documents hold it (an outlet's "Читать далее…" under every article), and one with nothing to
translate (an address, a date, a figure) is carried over as it is.

A headline (``lead=N``) is the title and the first N sentences of the text with some substance
(a dateline before them comes along). Every sentence is still in its place, the others with an empty
translation, so the reader shows the whole original beside what is translated so far; the
sentences are the ones the whole text's translation will ask for, so it finds them cached.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence

from translations.engine import Engine
from translations.errors import TranslationError
from translations.segment import segment
from translations.types import DocumentTranslation, Route, SentencePair, SourceDocument


def translate_documents(
    engine: Engine,
    documents: Sequence[SourceDocument],
    to_code: str,
    cancel: threading.Event | None = None,
    *,
    lead: int | None = None,
) -> Iterator[DocumentTranslation | tuple[SourceDocument, TranslationError]]:
    """Translate each document into ``to_code``, grouped by language; failures are yielded too.

    A document whose language has no route (or whose model is damaged) comes back as
    ``(document, error)`` and the others go on. With ``cancel`` set, :class:`Cancelled` is
    raised between the model's batches. With ``lead``, only each title and its lead's first
    ``lead`` sentences are translated (an incomplete :class:`DocumentTranslation`).
    """
    by_language: dict[str, list[SourceDocument]] = defaultdict(list)
    for document in documents:
        by_language[document.language].append(document)
    for language, group in by_language.items():
        try:
            route = engine.route(language, to_code)
            yield from _translate_group(engine, route, group, cancel, lead)
        except TranslationError as error:
            for document in group:
                yield document, error


def _translate_group(
    engine: Engine,
    route: Route,
    documents: list[SourceDocument],
    cancel: threading.Event | None,
    lead: int | None,
) -> Iterator[DocumentTranslation]:
    layouts = []
    wanted: dict[str, int] = {}  # each text the model must see, once, and its place
    for document in documents:
        title = document.title.strip()
        pairs = [
            (paragraph.index, sentence.text)
            for paragraph in segment(document.text, document.language)
            for sentence in paragraph.sentences
        ]
        asked = len(pairs) if lead is None else _lead_end(pairs, lead)
        layouts.append((title, pairs, asked))
        for text in (title, *(text for _, text in pairs[:asked])):
            if needs_model(text):
                wanted.setdefault(text, len(wanted))
    answers = list(engine.translate(route, list(wanted), cancel)) if wanted else []

    def translated(text: str) -> tuple[str, bool]:
        return answers[wanted[text]] if text in wanted else (text, False)

    for document, (title, pairs, asked) in zip(documents, layouts, strict=True):
        sentences = tuple(
            SentencePair(paragraph, original, *translated(original))
            if position < asked
            else SentencePair(paragraph, original, "")
            for position, (paragraph, original) in enumerate(pairs)
        )
        yield DocumentTranslation(
            document.key, translated(title)[0], sentences, route, complete=asked == len(pairs)
        )


def _lead_end(pairs: Sequence[tuple[int, str]], sentences: int) -> int:
    """Where a headline's sentences end: after the text's first ``sentences`` sentences of
    substance. A dateline ("МОСКВА, 1 декабря."), a credit or an address before them comes
    along without counting; a text of fragments stops at three times as many."""
    counted = 0
    for position, (_, text) in enumerate(pairs):
        if counted >= sentences or position >= 3 * sentences:
            return position
        counted += sum(char.isalpha() for char in text) >= _SUBSTANCE
    return len(pairs)


# Letters that make a sentence rather than a dateline: "Пожар начался утром." has 17,
# "МОСКВА, 1 декабря." 13, "(서울=연합뉴스) 홍길동 기자 =" 11, "新华社北京12月1日电" 9.
_SUBSTANCE = 15


# What a model has nothing to do with: no letters at all (numbers, dates, punctuation), a web
# or mail address alone, or a credit line (a byline, a photo credit, the editor's name). Such
# a sentence is its own translation: names and sources read the same in any language.
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_BRACKETS = "[]【】()（）〔〕<>《》「」"
_CREDIT_MARKERS = (
    "фото|фото и видео|автор|авторы|источник|текст|редактор|джерело|автори|редакторка|"
    "photo|photos|source|editor|reporter|"
    "责任编辑|编辑|记者|来源|摄影|摄|图|"
    "사진|글|출처|편집|그래픽"
)
_CREDITS = (
    # "Фото: ТАСС", "Джерело: Укрінформ", "责任编辑：严玉洁", "사진=연합뉴스": a marker, then
    # at most five words (a caption with content is longer).
    re.compile(rf"(?:{_CREDIT_MARKERS})\s*[:：=]\s*(?:\S+\s*){{1,5}}", re.IGNORECASE),
    # "홍길동 기자 hong@yna.co.kr", "김철수 특파원": a Korean reporter's sign-off.
    re.compile(r"[가-힣]{2,4}\s(?:기자|특파원|논설위원|선임기자)(?:\s\S+@\S+)?"),
    # "记者 张三 李四", "（记者 王小明）" — not "记者17日从…获悉" (a sentence about a reporter).
    re.compile(r"记者[\s:：]*[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4}){0,3}"),
    # "By Jane Doe", "By JANE DOE and John Roe".
    re.compile(r"By\s+[A-Z][\w.'-]+(?:\s+(?:and\s+)?[A-Z][\w.'-]+){0,4}"),
)


def needs_model(text: str) -> bool:
    """Whether ``text`` has words to translate: not empty, not only digits and signs, not
    only web or mail addresses, not a credit line."""
    rest = _ADDRESS.sub(" ", text)
    if not any(char.isalpha() for char in rest):
        return False
    bare = text.strip().strip(_BRACKETS).strip().rstrip(".")
    return not any(credit.fullmatch(bare) for credit in _CREDITS)
