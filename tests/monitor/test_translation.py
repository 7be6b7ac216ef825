"""Translation inside the app: the demo collection, real tiny Argos packages, a real store."""

from __future__ import annotations

import io
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.types import ArticleState, ProgressKind
from tests.support.argos_factory import build_package
from tests.support.inside import parts
from tests.support.no_network import network_blocked

LANGUAGES = ("ko", "ru", "zh", "uk")


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def package_folder(tmp_path: Path) -> Path:
    """A "USB stick" with a package per language, each shipping a stanza/ folder."""
    stick = tmp_path / "stick"
    for language in LANGUAGES:
        build_package(stick, language, "en", with_stanza_folder=True)
    return stick


def test_update_translates_the_demo_offline_with_aligned_sentences(
    monitor: Monitor, package_folder: Path
):
    report = monitor.install_models([package_folder])
    assert sorted(p.from_code for p in report.installed) == sorted(LANGUAGES)
    modules_before = set(sys.modules)
    with network_blocked() as attempts:
        monitor.update([s.id for s in monitor.add_demo_sources()])
    assert attempts == []
    # The offline trap: argostranslate.translate (and through it stanza) is never used.
    assert not {
        m
        for m in set(sys.modules) - modules_before
        if m.startswith(("stanza", "argostranslate.translate", "spacy"))
    }

    articles = monitor.articles()
    assert {a.state for a in articles} == {ArticleState.TRANSLATED}
    assert parts(monitor).index_stage.pending() == 0  # and indexed
    for article in articles:
        translation = monitor.translation(article.id)
        assert translation is not None
        assert translation.sentences, article.title
        # Copy models: sentence i of the translation is sentence i of the original.
        assert all(s.translation == s.original for s in translation.sentences)
        joined = "\n\n".join(
            " ".join(s.original for s in translation.sentences if s.paragraph == p)
            for p in sorted({s.paragraph for s in translation.sentences})
        )
        # Nothing lost, nothing invented (Chinese has no spaces between sentences).
        assert "".join(joined.split()) == "".join(article.text.split())
        if article.language == "en":
            assert translation.route == "original language"
        else:
            assert translation.route.startswith(f"{article.language}→en (translate-")


def test_without_a_model_articles_wait_with_a_note_then_translate_after_install(
    monitor: Monitor, package_folder: Path
):
    monitor.update([s.id for s in monitor.add_demo_sources()])
    korean = monitor.articles(language="ko")
    assert {a.state for a in korean} == {ArticleState.DETECTED}
    assert {a.translation_note for a in korean} == {"untranslated: no ko→en model"}
    assert parts(monitor).translations.waiting_by_language()["ko"] == len(korean)

    monitor.install_models([package_folder / "translate-ko_en-1_0.argosmodel"])
    progress = list(monitor.translate_iter())
    assert sum(p.kind is ProgressKind.TRANSLATED for p in progress) == len(korean)
    assert {a.state for a in monitor.articles(language="ko")} == {ArticleState.TRANSLATED}
    assert {a.translation_note for a in monitor.articles(language="ko")} == {None}
    assert monitor.articles(language="ru")[0].translation_note == "untranslated: no ru→en model"


def test_an_opened_article_jumps_the_queue_and_cancel_keeps_what_was_done(
    monitor: Monitor, package_folder: Path
):
    sources = monitor.add_demo_sources()
    for _ in parts(monitor).collector.update_iter([s.id for s in sources]):
        pass
    parts(monitor).collector.stages.clear()  # collection only, translation below
    monitor.install_models([package_folder])
    last = max(monitor.articles(language="zh"), key=lambda a: a.id)
    monitor.prioritize(last.id)
    cancel = threading.Event()
    translated = []
    for progress in monitor.translate_iter(cancel):
        if progress.kind is ProgressKind.TRANSLATED:
            translated.append(progress.article_id)
            cancel.set()
    assert translated[0] == last.id
    waiting = parts(monitor).translations.waiting()
    assert 0 < waiting < len(monitor.articles())
    list(monitor.translate_iter())
    assert parts(monitor).translations.waiting() == 0


def test_wire_copies_are_translated_once(monitor: Monitor, tmp_path: Path):
    monitor.install_models([build_package(tmp_path / "b", "ru", "en")])
    store = parts(monitor).store
    source = monitor.add_source("https://example.test/feed", check=False).source
    from monitor.store import ArticleDraft

    for number in (1, 2):
        article_id = store.insert_article(
            ArticleDraft(
                source.id,
                str(number),
                None,
                "Ставка",
                None,
                None,
                None,
                "Банк сохранил ставку. Решение ожидалось.",
                "",
                "ru",
            )
        )
        store.set_state(article_id, ArticleState.DETECTED)
        store._db.execute("UPDATE articles SET language = 'ru' WHERE id = ?", (article_id,))
    list(monitor.translate_iter())
    rows = store._db.execute("SELECT COUNT(*) FROM translation_cache").fetchone()[0]
    assert rows == 3  # two body sentences and the title, once each for both articles


def test_cli_models_and_translate(tmp_path: Path, package_folder: Path, capsys, monkeypatch):
    data = str(tmp_path / "cli")
    assert main(["--data-dir", data, "models", "install", str(package_folder)]) == 0
    assert capsys.readouterr().out.count("Installed translate-") == len(LANGUAGES)
    assert main(["--data-dir", data, "models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(p["pair"] for p in listed["installed"]) == sorted(f"{x}-en" for x in LANGUAGES)
    assert listed["compute_device"] == "cpu (auto: no CUDA device)"  # no GPU on this machine
    assert main(["--data-dir", data, "models", "list"]) == 0
    assert capsys.readouterr().out.startswith("Compute device: cpu (auto: no CUDA device)\n")

    monkeypatch.setattr(
        sys, "stdin", io.StringIO("Ракета стартовала. Всё штатно.\n\nВторой абзац.")
    )
    assert main(["--data-dir", data, "translate", "--from", "ru"]) == 0
    assert capsys.readouterr().out == "Ракета стартовала. Всё штатно.\n\nВторой абзац.\n"

    monkeypatch.setattr(sys, "stdin", io.StringIO("Hola"))
    assert main(["--data-dir", data, "translate", "--from", "es"]) == 1
    assert "no es→en model installed" in capsys.readouterr().err

    bad = tmp_path / "broken.argosmodel"
    bad.write_bytes(b"not a zip at all")
    assert main(["--data-dir", data, "models", "install", str(bad)]) == 1
    assert "not a valid .argosmodel" in capsys.readouterr().err

    assert main(["--data-dir", data, "models", "remove", "ko-en"]) == 0
    assert "Removed translate-ko_en-1_0" in capsys.readouterr().out
