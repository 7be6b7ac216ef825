"""End to end: `media-monitor update` killed with SIGKILL at random moments, again and again.

The feeds and pages are served by real local servers in this test process; the update runs in a
child process (the CLI) with factory translation packages installed, so collection, translation
and indexing are all interrupted somewhere. After every kill the store must be whole, keep every
article committed before, and hold no article half-stored; a final uninterrupted update must then
bring every article to the end of the pipeline and into the search index.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor.app import open_monitor
from monitor.paths import store_path
from monitor.types import ArticleState, SourceKind
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

SEED = 20261122
KILLS = 12
PAGE_HOSTS = 8  # one host per server (host and port): the fetcher spaces requests per host
ARTICLES_PER_FEED = 12

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


def page_html(language: str, number: int) -> bytes:
    rotation = PARAGRAPHS[language][number % 5 :] + PARAGRAPHS[language][: number % 5]
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in rotation)
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


@pytest.fixture
def servers() -> Iterator[list[LocalServer]]:
    with ExitStack() as stack:
        yield [stack.enter_context(LocalServer()) for _ in range(PAGE_HOSTS + len(PARAGRAPHS))]


def serve_collection(servers: list[LocalServer]) -> list[str]:
    """Serve one feed per language (each on its own host) with pages spread over the rest."""
    page_servers, feed_servers = servers[:PAGE_HOSTS], servers[PAGE_HOSTS:]
    feed_urls = []
    for index, (language, feed_server) in enumerate(zip(PARAGRAPHS, feed_servers, strict=True)):
        links = []
        for number in range(ARTICLES_PER_FEED):
            host = page_servers[(index * ARTICLES_PER_FEED + number) % PAGE_HOSTS]
            links.append(
                host.add(
                    f"/{language}/{number}.html",
                    Route(page_html(language, number), headers={"Content-Type": "text/html"}),
                )
            )
        feed_urls.append(
            feed_server.add(
                "/rss.xml",
                Route(feed_xml(language, links), headers={"Content-Type": "application/rss+xml"}),
            )
        )
    return feed_urls


def start_update(data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), "update"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )


def check_store(path: Path, known: dict[tuple[int, str], int]) -> dict[tuple[int, str], int]:
    """Assert the store is whole and nothing in it half-done; returns (source, guid) -> state."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = db.execute(
            "SELECT a.id, a.source_id, a.guid, a.state, a.text, a.language,"
            " (SELECT COUNT(*) FROM translations t WHERE t.article_id = a.id),"
            " (SELECT COUNT(*) FROM translation_sentences s WHERE s.article_id = a.id)"
            " FROM articles a"
        ).fetchall()
    finally:
        db.close()
    states: dict[tuple[int, str], int] = {}
    for article_id, source_id, guid, state, text, language, translations, sentences in rows:
        key = (source_id, guid)
        assert key not in states, f"article {guid} stored twice"
        states[key] = state
        if state >= ArticleState.DETECTED:
            assert text.strip() and language, f"article {article_id} half-stored: {state}"
        if state >= ArticleState.TRANSLATED:
            assert translations == 1 and sentences > 0, f"article {article_id} lost its translation"
    # Nothing committed before is lost, and nothing goes back in the pipeline.
    for key, state in known.items():
        assert key in states, f"committed article {key} lost"
        assert states[key] >= state, f"article {key} went back from {state} to {states[key]}"
    return states


def test_update_killed_at_random_moments_loses_nothing_and_finishes_later(
    tmp_path: Path, servers: list[LocalServer]
) -> None:
    data_dir = tmp_path / "data"
    feed_urls = serve_collection(servers)
    with open_monitor(data_dir) as monitor:
        for language, url in zip(PARAGRAPHS, feed_urls, strict=True):
            parts(monitor).store.add_source(
                url, kind=SourceKind.FEED, name=f"Test {language}", language_hint=language
            )
        report = monitor.install_models(
            [build_package(tmp_path / "stick", language, "en") for language in PARAGRAPHS]
        )
        assert len(report.installed) == len(PARAGRAPHS)

    rng = random.Random(SEED)
    known: dict[tuple[int, str], int] = {}
    progress_seen = []
    for attempt in range(KILLS):
        process = start_update(data_dir)
        # Python and the libraries take about two seconds to start. Later runs live longer,
        # so that kills also land in translation and indexing, not only in collection.
        time.sleep(1.8 + attempt * 0.2 + rng.uniform(0.0, 1.2))
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=30)
        assert b"Traceback" not in stderr, stderr.decode()
        known = check_store(store_path(data_dir), known)
        progress_seen.append(sum(known.values()))
        if finished:
            break
    # The kills landed while work was going on, not all before anything was stored.
    assert len(set(progress_seen)) > 2, progress_seen

    final = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), "update"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert final.returncode == 0, final.stderr
    states = check_store(store_path(data_dir), known)
    assert len(states) == len(PARAGRAPHS) * ARTICLES_PER_FEED
    assert set(states.values()) == {int(ArticleState.TRANSLATED)}, states

    with open_monitor(data_dir) as monitor:
        assert parts(monitor).index.document_count() == parts(monitor).store.count_articles()
        for article in monitor.articles():
            assert article.language is not None
            number = int(article.title.rsplit(" ", 1)[1])
            found = monitor.search(SearchRequest(marker(article.language, number)))
            assert [hit.article.id for hit in found.hits] == [article.id], article.title
