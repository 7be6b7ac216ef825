"""The engine with genuine tiny Argos packages: alignment, batching, cache, routes, failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.argos_factory import build_package
from tests.support.cancelling import CancelAfter
from translations.align import needs_model, translate_documents
from translations.cache import MemoryCache
from translations.engine import Engine, _batches
from translations.errors import Cancelled, ModelLoadError, NoRouteError
from translations.models import cuda_devices, resolved_device
from translations.packages import PackageFolder
from translations.quality import is_degenerate
from translations.types import DocumentTranslation, SourceDocument, TranslationSettings

RUSSIAN = (
    "Ракета стартовала с космодрома в 10:15 по местному времени. Запуск прошёл штатно!\n\n"
    "По данным ведомства, спутник весит 3.5 т. Он будет следить за погодой."
)
KOREAN = "누리호가 12일 발사됐다. 위성은 정상 궤도에 진입했다.\n\n교신은 오후 3시에 이뤄졌다."


@pytest.fixture
def folder(tmp_path: Path) -> PackageFolder:
    packages = PackageFolder(tmp_path / "models")
    for source in ("ru", "ko"):
        packages.install_file(build_package(tmp_path / "built", source, "en"))
    return packages


def test_documents_come_back_aligned_sentence_by_sentence(folder: PackageFolder):
    documents = [
        SourceDocument(1, "Запуск ракеты", RUSSIAN, "ru"),
        SourceDocument(2, "누리호 발사", KOREAN, "ko"),
        SourceDocument(3, "Второй запуск", "Ещё одна ракета. И ещё одна.", "ru"),
    ]
    results = {
        r.key: r
        for r in translate_documents(Engine(folder), documents, "en")
        if isinstance(r, DocumentTranslation)
    }
    assert set(results) == {1, 2, 3}
    russian = results[1]
    assert [s.original for s in russian.sentences] == [
        "Ракета стартовала с космодрома в 10:15 по местному времени.",
        "Запуск прошёл штатно!",
        "По данным ведомства, спутник весит 3.5 т.",
        "Он будет следить за погодой.",
    ]
    assert [s.paragraph for s in russian.sentences] == [0, 0, 1, 1]
    # The copy model returns its input: sentence i of the translation is sentence i.
    assert all(s.translation == s.original for s in russian.sentences)
    assert russian.title == "Запуск ракеты"
    assert russian.route.description == "ru→en (translate-ru_en-1_0 1.0)"
    assert results[2].text == KOREAN  # sentences rejoined, paragraphs kept
    assert not any(r.degenerate for r in results.values())


def test_repeated_sentences_come_from_the_cache_without_the_model(
    folder: PackageFolder, tmp_path: Path
):
    cache = MemoryCache()
    Engine(folder, cache=cache).translate(
        Engine(folder).route("ru", "en"), ["Ракета стартовала.", "Ракета стартовала."]
    )
    assert len(cache) == 1  # wire copies share one entry
    model = next(p for p in folder.installed()[0] if p.from_code == "ru").path / "model"
    (model / "model.bin").write_bytes(b"")  # the model is gone; the cache still answers
    engine = Engine(folder, cache=cache)
    route = engine.route("ko", "en")  # ru no longer loads, ko does
    assert engine.translate(route, ["누리호"]) == [("누리호", False)]
    with pytest.raises(NoRouteError):
        engine.route("ru", "en")  # a package without a model is not offered


def test_pivot_route_through_english_is_marked(tmp_path: Path):
    packages = PackageFolder(tmp_path / "models")
    packages.install_file(build_package(tmp_path / "b", "uk", "en"))
    packages.install_file(build_package(tmp_path / "b", "en", "ru"))
    engine = Engine(packages)
    route = engine.route("uk", "ru")
    assert route.is_pivot
    assert route.description.startswith("uk→en→ru (pivot: ")
    [result] = translate_documents(
        engine, [SourceDocument(7, "Заголовок", "Ракета злетіла.", "uk")], "ru"
    )
    assert isinstance(result, DocumentTranslation)
    assert result.sentences[0].translation == "Ракета злетіла."
    assert result.route.is_pivot


def test_glossary_model_translates_words(tmp_path: Path):
    packages = PackageFolder(tmp_path / "models")
    packages.install_file(build_package(tmp_path / "b", "ru", "en", glossary={"ракета": "missile"}))
    [result] = translate_documents(
        Engine(packages), [SourceDocument(1, "", "Вчера ракета упала в море.", "ru")], "en"
    )
    assert isinstance(result, DocumentTranslation)
    assert result.sentences[0].translation == "Вчера missile упала в море."


def test_no_model_and_damaged_model_are_reported_and_others_keep_working(
    folder: PackageFolder,
):
    russian = next(p for p in folder.installed()[0] if p.from_code == "ru")
    model_file = russian.path / "model" / "model.bin"
    model_file.write_bytes(model_file.read_bytes()[:1000])  # truncated on a bad USB copy
    documents = [
        SourceDocument(1, "Т", "Ракета стартовала.", "ru"),
        SourceDocument(2, "제목", "누리호가 발사됐다.", "ko"),
        SourceDocument(3, "标题", "火箭发射成功。", "zh"),
    ]
    results = list(translate_documents(Engine(folder), documents, "en"))
    outcomes = {r.key if isinstance(r, DocumentTranslation) else r[0].key: r for r in results}
    assert isinstance(outcomes[2], DocumentTranslation)
    damaged = outcomes[1]
    assert isinstance(damaged, tuple) and isinstance(damaged[1], ModelLoadError)
    assert "translate-ru_en-1_0" in str(damaged[1]) and "install it again" in str(damaged[1])
    missing = outcomes[3]
    assert isinstance(missing, tuple) and isinstance(missing[1], NoRouteError)
    assert str(missing[1]).startswith("no zh→en model installed")


@pytest.mark.parametrize(
    ("source_tokens", "translation", "output_tokens", "expected"),
    [
        (5, "The rocket took off.", 6, False),
        (5, "", 0, True),
        (3, "the the the the the", 5, True),
        (8, "We will, we will, we will, we will, we will rock", 16, True),
        (4, "A very long answer " * 10, 40, True),
        (2, "Yes, it is, indeed.", 7, False),
    ],
)
def test_degenerate_output_is_flagged(source_tokens, translation, output_tokens, expected):
    assert is_degenerate(source_tokens, translation, output_tokens) is expected


def test_a_cancel_stops_between_the_models_batches_and_keeps_what_was_done(
    folder: PackageFolder,
):
    cache = MemoryCache()
    settings = TranslationSettings(max_batch_tokens=64)  # a few sentences a batch
    engine = Engine(folder, settings=settings, cache=cache)
    route = engine.route("ru", "en")
    sentences = [f"Ракета номер {n} стартовала с космодрома утром." for n in range(40)]
    with pytest.raises(Cancelled):
        engine.translate(route, sentences, CancelAfter(checks=2))
    assert 0 < len(cache) < len(sentences)  # two batches translated, and kept
    done = len(cache)
    assert engine.translate(route, sentences) == [(s, False) for s in sentences]
    assert len(cache) == len(sentences) > done


def test_batches_hold_at_most_the_token_budget_and_every_sentence_once(folder: PackageFolder):
    settings = TranslationSettings(max_batch_tokens=50)
    engine = Engine(folder, settings=settings)
    model = engine._model(engine.route("ru", "en").packages[0])
    sentences = [("Слово " * n).strip() + "." for n in range(1, 30)]
    batches = list(_batches(model, sentences, settings))
    assert sorted(s for batch in batches for s, _ in batch) == sorted(sentences)
    for batch in batches:
        assert len(batch) == 1 or sum(len(tokens) for _, tokens in batch) <= 50
    lengths = [len(tokens) for batch in batches for _, tokens in batch]
    assert lengths == sorted(lengths)  # by length, as CTranslate2 batches them


class CountingEngine(Engine):
    """The real engine, counting the texts it is asked to translate."""

    asked: list[str]

    def translate(self, route, texts, cancel=None):  # type: ignore[no-untyped-def]
        self.asked = [*getattr(self, "asked", []), *texts]
        return super().translate(route, texts, cancel)


def test_a_sentence_is_sent_once_and_one_with_nothing_to_translate_not_at_all(tmp_path: Path):
    packages = PackageFolder(tmp_path / "models")
    glossary = {"ракета": "missile", "news": "NEWS"}
    packages.install_file(build_package(tmp_path / "b", "ru", "en", glossary=glossary))
    engine = CountingEngine(packages)
    boilerplate = "Читать далее на сайте."
    documents = [
        SourceDocument(
            number,
            "",
            f"Вчера ракета номер {number} упала.\n\n{boilerplate}\n\nhttps://news.example/{number}\n\n"
            "12.11.2026, 14:05",
            "ru",
        )
        for number in (1, 2, 3)
    ]
    results = [
        r
        for r in translate_documents(engine, documents, "en")
        if isinstance(r, DocumentTranslation)
    ]
    # The outlet's line under every article went to the model once; the address and the
    # date not at all (the glossary would have turned "news" in the address into "NEWS").
    assert engine.asked.count(boilerplate) == 1
    assert not any("example" in text or "2026" in text for text in engine.asked)
    for result in results:
        translations = [s.translation for s in result.sentences]
        assert "missile" in translations[0]
        assert translations[1] == boilerplate
        assert translations[2] == f"https://news.example/{result.key}"
        assert translations[3] == "12.11.2026, 14:05"
    assert len(engine.asked) == 4  # three titles-free first sentences and the boilerplate


def test_the_compute_device_is_the_cpu_here_and_cuda_without_a_device_is_refused(
    tmp_path: Path,
):
    # This machine has no CUDA device: auto is the CPU, unchanged.
    assert cuda_devices() == 0
    assert resolved_device("auto") == "cpu" and resolved_device("cpu") == "cpu"
    packages = PackageFolder(tmp_path / "models")
    packages.install_file(build_package(tmp_path / "b", "ru", "en"))
    engine = Engine(packages, settings=TranslationSettings(device="cuda"))
    with pytest.raises(ModelLoadError, match="sees no CUDA device here; choose auto or cpu"):
        engine.translate(engine.route("ru", "en"), ["Ракета стартовала."])
    auto = Engine(packages, settings=TranslationSettings(device="auto"))
    [(text, _)] = auto.translate(auto.route("ru", "en"), ["Ракета стартовала."])
    assert text == "Ракета стартовала."


@pytest.mark.parametrize(
    "credit",
    [
        "Фото: ТАСС",
        "Источник: РИА Новости.",
        "Джерело: Укрінформ",
        "【责任编辑：严玉洁】",
        "（编辑：严玉洁 王辉）",
        "（记者 王小明）",
        "사진=연합뉴스",
        "[사진=MBC, SBS]",
        "홍길동 기자 hong@yna.co.kr",
        "By Jane Doe and John Roe",
    ],
)
def test_a_credit_line_is_carried_over(credit: str):
    assert not needs_model(credit)


@pytest.mark.parametrize(
    "sentence",
    [
        "记者17日从国家卫生健康委获悉，相关部门持续依托短缺药品供应保障工作。",
        "Фото: взрыв на складе боеприпасов в Белгородской области после атаки дронов",
        "By the end of the year prices had risen.",
        "그는 기자에게 말했다.",
        "Автор идеи заявил о начале работ.",
        "Пожар",
    ],
)
def test_a_sentence_that_merely_starts_like_a_credit_is_translated(sentence: str):
    assert needs_model(sentence)
