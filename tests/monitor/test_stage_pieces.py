"""The pipeline one piece at a time, as stage workers run it: collecting named sources without
the later stages, translating named articles whole, and how waiting articles are cut into
translation jobs (:mod:`monitor.stages_door`, :func:`monitor.workers.tasks.job_plan`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.store.translations import WaitingArticle
from monitor.types import ArticleState, ProgressKind
from monitor.workers.tasks import (
    HEADLINE_JOB_ARTICLES,
    JOB_ARTICLES,
    job_plan,
    stage_of,
    translation_queue,
)
from tests.support.argos_factory import build_package
from tests.support.inside import parts
from tests.support.postgres import PostgresServer


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data") as opened:
        yield opened


def collected(monitor: Monitor) -> list[int]:
    source_ids = [source.id for source in monitor.add_demo_sources()]
    list(monitor.collect_iter(source_ids))
    return source_ids


def test_collecting_named_sources_leaves_translation_and_indexing_to_others(monitor: Monitor):
    collected(monitor)
    articles = monitor.articles()
    assert articles and {a.state for a in articles} == {ArticleState.DETECTED}
    assert all(monitor.translation(a.id) is None for a in articles)
    assert parts(monitor).index.document_count() == 0
    assert monitor.due_sources() == []  # just read: none due until its interval passes


def test_translating_named_articles_does_those_once_and_leaves_the_rest(
    monitor: Monitor, tmp_path: Path
):
    collected(monitor)
    monitor.install_models([build_package(tmp_path / "stick", "ru", "en")])
    waiting = monitor.untranslated()
    russian = [article.id for article in waiting if article.language == "ru"]
    assert len(russian) >= 3
    chosen = russian[:2]
    done = [
        p.article_id
        for p in monitor.translate_articles(chosen)
        if p.kind is ProgressKind.TRANSLATED
    ]
    assert sorted(done) == sorted(chosen)
    assert {monitor.article(i).state for i in chosen} == {ArticleState.TRANSLATED}
    assert monitor.article(russian[2]).state == ArticleState.DETECTED
    # A job given again (its worker died after storing them) finds nothing left to do.
    assert list(monitor.translate_articles(chosen)) == []
    assert not set(chosen) & {article.id for article in monitor.untranslated()}


def test_articles_without_a_model_leave_the_workers_queue_until_tried_again(
    monitor: Monitor,
):
    collected(monitor)
    korean = [a.id for a in monitor.untranslated() if a.language == "ko"]
    assert korean
    left = [p for p in monitor.translate_articles(korean) if p.kind is ProgressKind.UNTRANSLATED]
    assert left and "no ko→en model" in left[0].message
    assert not {a.id for a in monitor.untranslated() if a.language == "ko"}
    assert monitor.retry_untranslatable() >= len(korean)
    assert {a.id for a in monitor.untranslated() if a.language == "ko"} == set(korean)


def test_a_job_holds_one_language_in_the_queues_order():
    waiting = [WaitingArticle(n, "ru" if n % 3 else "ko", headline=True) for n in range(1, 200)]
    jobs = [job.article_ids for job in job_plan(waiting)]
    assert sorted(i for job in jobs for i in job) == list(range(1, 200))
    for job in jobs:
        assert len({n % 3 == 0 for n in job}) == 1  # one language
        assert len(job) <= JOB_ARTICLES
    firsts = [job[0] for job in jobs]
    assert firsts == sorted(firsts)  # the newest (first waiting) go first


def test_a_few_waiting_articles_are_shared_by_several_jobs():
    def sizes(language: str, count: int, *, headline_in: bool = True) -> list[int]:
        waiting = [WaitingArticle(n, language, headline=headline_in) for n in range(count)]
        return [len(job.article_ids) for job in job_plan(waiting)]

    assert sizes("zh", 32) == [8, 8, 8, 8]
    assert sizes("zh", 5) == [5]
    assert max(sizes("uk", 1000)) == JOB_ARTICLES
    assert max(sizes("uk", 1000, headline_in=False)) == HEADLINE_JOB_ARTICLES  # headline jobs


def test_opened_articles_go_first_then_every_headline_then_whole_articles():
    waiting = [
        WaitingArticle(1, "ru", headline=True),  # the newest: its headline is in
        WaitingArticle(2, "ru"),
        WaitingArticle(3, "ko", headline=True, opened=True),
        WaitingArticle(4, "ko"),
    ]
    jobs = job_plan(waiting)
    assert [(job.article_ids, job.headline, job.opened) for job in jobs] == [
        ([3], False, True),
        ([2], True, False),
        ([4], True, False),
        ([1], False, False),
    ]
    assert [job.priority for job in jobs] == sorted((job.priority for job in jobs), reverse=True)


def test_a_headline_job_translates_title_and_lead_of_the_untouched_only(
    monitor: Monitor, tmp_path: Path
):
    collected(monitor)
    monitor.install_models([build_package(tmp_path / "stick", "ru", "en")])
    russian = [a.id for a in monitor.untranslated() if a.language == "ru"]
    kinds = [p.kind for p in monitor.translate_articles(russian, headline=True)]
    assert kinds.count(ProgressKind.HEADLINE) == len(russian)
    waiting = {a.id: a for a in monitor.untranslated()}
    for article_id in russian:
        translation = monitor.translation(article_id)
        assert translation is not None and translation.title
        if not translation.complete:  # a short article's lead is the whole of it
            assert waiting[article_id].headline
    # Given again (its worker died), the job finds every headline done: nothing is stored.
    assert list(monitor.translate_articles(russian, headline=True)) == []


def test_a_language_has_a_queue_of_its_own_and_text_needing_no_model_the_common_one():
    assert translation_queue("ko", "en") == "translate-ko"
    assert translation_queue("en", "en") == translation_queue(None, "en") == "translate"
    assert {stage_of(q) for q in ("translate", "translate-ko", "collect")} == {
        "translate",
        "collect",
    }


def test_the_languages_a_machine_translates_are_those_its_models_reach(
    monitor: Monitor, tmp_path: Path
):
    assert monitor.translatable_languages() == []
    monitor.install_models(
        [build_package(tmp_path / "stick", code, "en") for code in ("uk", "ru")]
        + [build_package(tmp_path / "stick", "ko", "ja")]  # no way on from Japanese
    )
    assert monitor.translatable_languages() == ["ru", "uk"]
    monitor.install_models([build_package(tmp_path / "stick", "ja", "en")])
    assert monitor.translatable_languages() == ["ja", "ko", "ru", "uk"]  # ko through ja


@pytest.mark.sqlite_file
def test_a_worker_on_a_data_folders_own_file_says_it_needs_a_shared_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    status = main(["--data-dir", str(tmp_path / "data"), "worker", "--stage", "translate"])
    assert status == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert "workers need a team's shared store" in error
    with open_monitor(tmp_path / "data") as monitor:
        assert monitor.shared_store is None


@pytest.mark.sqlite_file
def test_the_queue_is_a_shared_stores(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["--data-dir", str(tmp_path / "data"), "queue"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "shared store" in error


def test_the_queue_before_any_worker_ran(
    tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
):
    store = postgres_server.fresh_database()
    assert main(["--data-dir", str(tmp_path / "data"), "--store", store, "queue"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Workers running: none",
        "No worker has run on this store yet.",
    ]
    assert main(["--data-dir", str(tmp_path / "data"), "--store", store, "queue", "--json"]) == 0
    assert '"running_stages": []' in capsys.readouterr().out


def test_worker_options_are_checked_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    status = main(["--data-dir", str(tmp_path), "worker", "--stage", "index"])
    assert status != 0
    assert "invalid choice" in capsys.readouterr().err


def test_a_translation_worker_keeps_every_model_loaded_from_job_to_job(
    monitor: Monitor, tmp_path: Path, model_loads: list[tuple[str, int]]
):
    """Jobs of one language each, three languages in turn: the app's engine keeps two models
    and would load one for each job; a worker keeps all three."""
    from datetime import UTC, datetime, timedelta

    from tests.support.stored_articles import Outlets, store_article

    for language in ("ru", "uk", "ko"):
        monitor.install_models([build_package(tmp_path / "stick", language, "en")])
    texts = {
        "ru": "Пожар начался утром.",
        "uk": "Пожежа почалася вранці.",
        "ko": "큰 화재가 발생했다.",
    }
    outlets = Outlets(monitor)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    ids = {
        language: [
            store_article(
                monitor, outlets, "Wire", language, start + timedelta(hours=n), text, text
            )
            for n in range(4)
        ]
        for language, text in texts.items()
    }
    monitor.keep_every_model_loaded()
    model_loads.clear()  # installing tries each model once
    for round_ in range(2):
        for language in texts:
            job = ids[language][round_ * 2 : round_ * 2 + 2]
            assert (
                sum(p.kind is ProgressKind.TRANSLATED for p in monitor.translate_articles(job)) == 2
            )
    assert sorted(language for language, _ in model_loads) == ["ko", "ru", "uk"]


def test_a_failed_job_is_one_line_of_the_workers_output_and_still_fails():
    from monitor.errors import StoreError
    from monitor.workers.tasks import _said_if_failed

    said: list[str] = []
    with pytest.raises(StoreError), _said_if_failed(said.append, "translating 8 articles"):
        raise StoreError("the store is busy\nsecond line")
    assert said == ["translating 8 articles failed: the store is busy (see the error log)"]
