"""The index on disk: documents in, hits out, with facets, snippets, sync state and repair."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from indexes.errors import QuerySyntaxError
from indexes.index import SearchIndex
from indexes.related import related
from indexes.search import DisplayText, search
from indexes.types import IndexDocument, MatchedIn, SearchRequest, SortOrder

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

DOCUMENTS = [
    IndexDocument(
        1,
        10,
        "Neva Courier",
        "ru",
        DAY,
        "Ракета стартовала",
        "Ракета «Нури» вывела на орбиту спутник. Запуск прошёл штатно.",
        "Rocket lifted off",
        "The Nuri rocket put a satellite into orbit. The launch went as planned.",
        translated=True,
    ),
    IndexDocument(
        2,
        20,
        "Seoul Daily Wire",
        "ko",
        DAY + timedelta(hours=1),
        "누리호 발사 성공",
        "누리호가 위성을 궤도에 올렸다.",
        "Nuri launch succeeds",
        "The Nuri rocket put the satellite into orbit.",
        translated=True,
    ),
    IndexDocument(
        3,
        30,
        "East River Bulletin",
        "zh",
        DAY + timedelta(days=1),
        "央行降息",
        "韩国央行宣布降息25个基点。",
        "Central bank cuts rates",
        "The Bank of Korea cut its base rate by 25 basis points.",
        translated=True,
    ),
    IndexDocument(
        4,
        40,
        "Dnipro Morning",
        "uk",
        DAY - timedelta(days=30),
        "Банк знизив ставку",
        "Національний банк знизив облікову ставку. Рішення банків очікували.",
        "Bank cuts rate",
        "The national bank cut its key rate.",
        translated=True,
    ),
    IndexDocument(
        5,
        10,
        "Neva Courier",
        "ru",
        DAY + timedelta(days=2),
        "Второй запуск ракеты",
        "Ещё одна ракета взлетела с космодрома.",
        "",
        "",
        translated=False,
    ),
]


def texts_of(ids):
    by_id = {d.article_id: d for d in DOCUMENTS}
    return {
        i: DisplayText(
            by_id[i].language,
            f"{by_id[i].title}\n{by_id[i].text}",
            f"{by_id[i].title_translated}\n{by_id[i].text_translated}"
            if by_id[i].translated
            else "",
        )
        for i in ids
    }


@pytest.fixture
def index(tmp_path: Path):
    opened = SearchIndex(tmp_path / "index")
    assert opened.needs_rebuild  # a new index starts by asking for a rebuild
    opened.rebuild(DOCUMENTS, synced=5)
    yield opened
    opened.close()


def find(index: SearchIndex, text: str, **options) -> list[int]:
    result = search(index, SearchRequest(text, **options), texts_of)
    return [hit.article_id for hit in result.hits]


def test_words_find_originals_in_their_language_and_through_translations(index):
    assert sorted(find(index, "ракеты")) == [1, 5]  # word forms
    assert find(index, "누리호") == [2]
    assert find(index, "降息") == [3]
    assert find(index, "банків") == [4]  # Ukrainian lemma
    assert sorted(find(index, "rocket")) == [1, 2]  # English finds foreign originals


def test_hits_say_where_they_matched_with_snippets_of_both_sides(index):
    result = search(index, SearchRequest("orbit"), texts_of)
    hit = next(h for h in result.hits if h.article_id == 1)
    assert hit.matched_in is MatchedIn.TRANSLATION
    assert "<b>orbit</b>" in hit.snippet_translation
    assert "Ракета" in hit.snippet_original  # the original side is shown too
    both = search(index, SearchRequest("ракета OR rocket"), texts_of)
    assert {h.article_id: h.matched_in for h in both.hits}[1] is MatchedIn.BOTH
    korean = search(index, SearchRequest("누리호"), texts_of).hits[0]
    assert "<b>누리호</b>" in korean.snippet_original  # overlapping bigrams merged


def test_filters_facets_paging_and_date_order(index):
    assert find(index, "ракета", languages=("uk",)) == []
    assert find(index, "rocket", outlets=("seoul daily wire",)) == [2]
    assert find(index, "rate", since=date(2026, 11, 1)) == [3]
    assert find(index, "rocket", sort=SortOrder.DATE) == [2, 1]
    result = search(index, SearchRequest("rocket OR ракета OR rate", page_size=2), texts_of)
    assert result.total == 5 and result.pages == 3 and len(result.hits) == 2
    assert result.by_language == {"ru": 2, "ko": 1, "zh": 1, "uk": 1}
    assert result.by_outlet["Neva Courier"] == 2
    assert result.by_day == {"2026-10-21": 1, "2026-11-20": 2, "2026-11-21": 1, "2026-11-22": 1}
    last = search(index, SearchRequest("rocket OR ракета OR rate", page=3, page_size=2), texts_of)
    assert len(last.hits) == 1


def test_bad_syntax_is_a_clear_error(index):
    with pytest.raises(QuerySyntaxError):
        search(index, SearchRequest('"unclosed phrase'), texts_of)


def test_apply_replaces_and_deletes_and_records_position(index):
    changed = IndexDocument(3, 30, "East River Bulletin", "zh", DAY, "台风登陆", "强台风登陆海南。")
    index.apply([changed], removed=[4], synced=9)
    assert index.synced == 9
    assert find(index, "降息") == []
    assert find(index, "台风") == [3]
    assert find(index, "банк") == []
    index.apply([changed], removed=[], synced=9)  # replaying a change is harmless
    assert index.document_count() == 4


def test_damaged_index_is_set_aside_for_a_rebuild(tmp_path: Path):
    first = SearchIndex(tmp_path / "index")
    first.rebuild(DOCUMENTS, synced=5)
    first.close()
    for segment in (tmp_path / "index").glob("*.seg"):
        segment.write_bytes(b"\0" * 64)
    for toc in (tmp_path / "index").glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    again = SearchIndex(tmp_path / "index")
    try:
        assert again.needs_rebuild
        assert again.synced == 0
        again.rebuild(DOCUMENTS, synced=5)
        assert find(again, "降息") == [3]
    finally:
        again.close()


def test_second_writer_waits_for_the_first(tmp_path: Path):
    gui = SearchIndex(tmp_path / "index")
    gui.rebuild(DOCUMENTS[:1], synced=1)
    cli = SearchIndex(tmp_path / "index")
    try:
        writer = gui._index.writer()
        release = threading.Timer(0.5, writer.commit)
        release.start()
        cli.apply(DOCUMENTS[1:2], removed=[], synced=2)  # waits for the lock, then writes
        release.join()
        assert cli.document_count() == 2
    finally:
        gui.close()
        cli.close()


def test_related_coverage_comes_from_other_outlets_near_in_time(index):
    found = related(index, 1, "The Nuri rocket put a satellite into orbit. The launch")
    assert [article_id for article_id, _ in found][:1] == [2]
    assert 5 not in [a for a, _ in found]  # same outlet
    assert 4 not in [a for a, _ in found]  # a month earlier


def test_threads_opening_a_missing_index_at_once_share_one(tmp_path: Path):
    ready = threading.Barrier(4)
    opened: list[SearchIndex] = []
    errors: list[BaseException] = []

    def open_index() -> None:
        ready.wait()
        try:
            opened.append(SearchIndex(tmp_path / "index"))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_index) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len(opened) == 4
    finally:
        for index in opened:
            index.close()


def _segment_sizes(index: SearchIndex) -> list[int]:
    return sorted(segment.doc_count() for segment in index._index._segments())


def _numbered(first: int, count: int) -> list[IndexDocument]:
    return [
        IndexDocument(n, 10, "Neva Courier", "ru", DAY, f"Заголовок {n}", f"Текст номер {n}.")
        for n in range(first, first + count)
    ]


def test_small_segments_are_merged_and_large_ones_left_alone(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("indexes.index.SMALL_SEGMENT", 4)
    monkeypatch.setattr("indexes.index.MERGED_AT", 3)
    index = SearchIndex(tmp_path / "index")
    try:
        index.apply(_numbered(100, 6), removed=[], synced=1)  # a large update's batch
        index.apply(_numbered(200, 2), removed=[], synced=2)
        index.apply(_numbered(300, 2), removed=[], synced=3)
        assert _segment_sizes(index) == [2, 2, 6]
        index.apply(_numbered(400, 1), removed=[], synced=4)
        assert _segment_sizes(index) == [1, 2, 2, 6]
        # The next commit finds three small segments: they are merged into the one it writes.
        index.apply(_numbered(500, 1), removed=[], synced=5)
        assert _segment_sizes(index) == [6, 6]
        assert index.document_count() == 12
        stored = sorted(fields["id"] for fields in index.searcher().all_stored_fields())
        assert stored == [*range(100, 106), 200, 201, 300, 301, 400, 500]
    finally:
        index.close()


def test_a_segment_whose_documents_were_all_replaced_is_dropped(tmp_path: Path):
    index = SearchIndex(tmp_path / "index")
    try:
        index.apply(_numbered(1, 3), removed=[], synced=1)
        index.apply(_numbered(1, 3), removed=[], synced=2)  # indexed again (a translation)
        assert _segment_sizes(index) == [3]
        index.apply([], removed=[1, 2, 3], synced=3)
        assert _segment_sizes(index) == []
        assert index.document_count() == 0
    finally:
        index.close()
