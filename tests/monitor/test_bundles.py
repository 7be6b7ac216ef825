"""Air-gap bundles: export from one data folder, import into another, merge, refuse bad ones."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor import Monitor, open_monitor
from monitor.bundles import FORMAT_VERSION, Tally, read_manifest
from monitor.errors import BundleError, NotFoundError
from monitor.store import ArticleDraft
from monitor.types import ArticleState, SourceKind
from monitor.watchlists import (
    WatchFilters,
)
from tests.support.argos_factory import build_package
from tests.support.inside import parts
from tests.support.no_network import network_blocked

TABLES = (
    "sources",
    "articles",
    "raw_pages",
    "translations",
    "translation_sentences",
    "changes",
    "watchlists",
    "watchlist_matches",
)


@dataclass(frozen=True)
class Collection:
    """The demo collected in folder ``a``, and bundles made from it."""

    data_dir: Path
    before_translation: Path  # exported before the ko→en model was installed
    full: Path  # everything, translated Korean, some articles read or starred
    with_models: Path
    korean: Path  # only the Korean articles
    korean_ids: tuple[int, ...]


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    root = tmp_path_factory.mktemp("collection")
    with open_monitor(root / "a") as monitor:
        monitor.update([s.id for s in monitor.add_demo_sources()])
        monitor.export_bundle(root / "before.mmbundle")
        monitor.install_models([build_package(root / "packages", "ko", "en")])
        list(monitor.translate_iter())
        list(monitor.sync_index())
        articles = monitor.articles()
        for article in articles[::3]:
            parts(monitor).store.set_flags(article.id, read=True)
        for article in articles[1::4]:
            parts(monitor).store.set_flags(article.id, starred=True)
        monitor.add_watchlist("Kimchi cabbage", "배추", WatchFilters(languages=("ko",)))
        monitor.mute_watchlist("Kimchi cabbage")
        # Not seen here: the import must still not show these matches as new.
        monitor.add_watchlist(
            "Interest rates",
            "rate",
            WatchFilters(outlets=tuple(s.name for s in monitor.sources()), since=date(2020, 1, 1)),
            existing_seen=False,
        )
        monitor.export_bundle(root / "full.mmbundle")
        monitor.export_bundle(root / "models.mmbundle", with_models=True)
        korean_ids = tuple(a.id for a in monitor.articles(language="ko"))
        monitor.export_bundle(root / "korean.mmbundle", article_ids=korean_ids)
    return Collection(
        root / "a",
        root / "before.mmbundle",
        root / "full.mmbundle",
        root / "models.mmbundle",
        root / "korean.mmbundle",
        korean_ids,
    )


@pytest.fixture
def origin(collection: Collection) -> Iterator[Monitor]:
    with open_monitor(collection.data_dir) as monitor:
        yield monitor


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "b") as monitor:
        yield monitor


def counts(monitor: Monitor) -> dict[str, int]:
    db = parts(monitor).store._db
    return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}


def by_url(monitor: Monitor) -> dict[str | None, object]:
    return {article.url: article for article in monitor.articles()}


def comparable(monitor: Monitor, article_id: int) -> tuple[object, ...]:
    """What must survive the trip: text, state, flags, raw page and aligned sentences."""
    article = monitor.article(article_id)
    translation = monitor.translation(article_id)
    raw = parts(monitor).store.raw_page(article.raw_sha256) if article.raw_sha256 else None
    return (
        article.source_name,
        article.guid,
        article.title,
        article.text,
        article.language,
        article.published,
        article.state,
        article.is_read,
        article.is_starred,
        raw,
        None if translation is None else (translation.route, translation.sentences),
    )


def hit_urls(monitor: Monitor, query: str) -> set[str | None]:
    result = monitor.search(SearchRequest(query, page_size=100))
    return {hit.article.url for hit in result.hits}


# Round trip ----------------------------------------------------------------------------


def test_round_trip_carries_texts_translations_states_and_raw_pages(
    origin: Monitor, target: Monitor, collection: Collection
) -> None:
    with network_blocked() as attempts:
        report = target.import_bundle(collection.full)
        imported = {a.url: a.state for a in target.articles()}
        list(target.sync_index())
    assert attempts == []

    assert counts(target)["articles"] == counts(origin)["articles"]
    assert counts(target)["raw_pages"] == counts(origin)["raw_pages"]
    assert counts(target)["translation_sentences"] == counts(origin)["translation_sentences"]
    assert report.articles.added == len(origin.articles())
    assert report.translations.added == counts(origin)["translations"] > 0
    assert report.sources.added == len(origin.sources())
    assert [(s.url, s.name, s.language_hint) for s in target.sources()] == [
        (s.url, s.name, s.language_hint) for s in origin.sources()
    ]
    # Translated articles arrive translated; the local index takes them from the change log.
    origin_articles = by_url(origin)
    assert ArticleState.TRANSLATED in imported.values()
    assert max(imported.values()) == ArticleState.TRANSLATED
    assert set(imported) == set(origin_articles)
    for article in target.articles():
        source_article = parts(origin).store.find_article(
            parts(origin)
            .store.find_source_by_url(parts(target).store.source(article.source_id).url)
            .id,  # type: ignore[union-attr]
            article.guid,
            [article.url],
        )
        assert source_article is not None
        assert comparable(target, article.id) == comparable(origin, source_article)
    assert any(a.is_read for a in target.articles())
    assert any(a.is_starred for a in target.articles())
    for query in ("rate", "배추", "ставку", "台风"):
        assert hit_urls(target, query) == hit_urls(origin, query) != set()


def saved(monitor: Monitor) -> list[tuple[object, ...]]:
    """What a watchlist is, apart from its local ids and check times."""
    return [
        (w.name, w.query, w.filters, w.muted, w.created_at)
        for w in (status.watchlist for status in monitor.watchlists())
    ]


def matched_urls(monitor: Monitor, name: str) -> set[str | None]:
    db = parts(monitor).store._db
    rows = db.execute(
        "SELECT a.url FROM watchlist_matches m JOIN watchlists w ON w.id = m.watchlist_id"
        " JOIN articles a ON a.id = m.article_id WHERE w.name = ? AND m.matching = 1",
        (name,),
    )
    return {row[0] for row in rows}


def test_watchlists_travel_with_the_collection_and_their_matches_arrive_seen(
    origin: Monitor, target: Monitor, collection: Collection
) -> None:
    assert any(status.new_matches for status in origin.watchlists())
    report = target.import_bundle(collection.full)
    assert report.watchlists == Tally(added=len(origin.watchlists())) != Tally()
    assert any("watchlists: 2 added" in line for line in report.lines())
    assert saved(target) == saved(origin)
    for mine, theirs in zip(target.watchlists(), origin.watchlists(), strict=True):
        assert mine.total_matches == theirs.total_matches > 0
        assert mine.new_matches == 0
        assert matched_urls(target, mine.name) == matched_urls(origin, mine.name)
    # Searched here, the same articles match: none of them is new, nothing to notify.
    for status in target.check_watchlists():
        assert status.error is None
        assert (status.new_matches, status.fresh_matches) == (0, 0)
        assert status.total_matches == len(matched_urls(origin, status.name))


def test_chosen_articles_carry_watchlists_only_when_asked(
    origin: Monitor, target: Monitor, collection: Collection, tmp_path: Path
) -> None:
    with zipfile.ZipFile(collection.korean) as archive:
        assert "watchlists.jsonl" not in archive.namelist()
    assert target.import_bundle(collection.korean).watchlists == Tally()
    assert target.watchlists() == []

    bundle = tmp_path / "korean-with-watchlists.mmbundle"
    written = origin.export_bundle(bundle, article_ids=collection.korean_ids, with_watchlists=True)
    assert written.watchlists.added == read_manifest(bundle).counts["watchlists"] == 2
    report = target.import_bundle(bundle)
    assert report.watchlists == Tally(added=2)
    korean_urls = {a.url for a in target.articles()}
    cabbage = matched_urls(origin, "Kimchi cabbage")
    assert matched_urls(target, "Kimchi cabbage") == cabbage & korean_urls != set()
    assert matched_urls(target, "Interest rates") == matched_urls(origin, "Interest rates") & (
        korean_urls
    )


def test_a_subset_carries_only_its_articles_sources_and_pages(
    origin: Monitor, target: Monitor, collection: Collection
) -> None:
    report = target.import_bundle(collection.korean)
    wanted = parts(origin).store.articles_by_ids(collection.korean_ids)
    assert report.articles.added == len(wanted) == len(target.articles())
    assert {a.url for a in target.articles()} == {a.url for a in wanted}
    assert {s.url for s in target.sources()} == {
        parts(origin).store.source(a.source_id).url for a in wanted
    }
    assert counts(target)["raw_pages"] == len({a.raw_sha256 for a in wanted if a.raw_sha256})
    assert {a.language for a in target.articles()} == {"ko"}


def test_progress_counts_up_to_the_total_and_the_manifest_tells_what_is_inside(
    origin: Monitor, target: Monitor, tmp_path: Path
) -> None:
    ids = [a.id for a in origin.articles(language="ru")]
    exported: list[tuple[int, int]] = []
    bundle = tmp_path / "ru.mmbundle"
    report = origin.export_bundle(
        bundle, article_ids=ids, progress=lambda *step: exported.append(step)
    )
    manifest = read_manifest(bundle)
    assert manifest.counts["articles"] == report.articles.added == len(ids)
    assert manifest.counts["raw_pages"] == report.raw_pages.added
    imported: list[tuple[int, int]] = []
    target.import_bundle(bundle, progress=lambda *step: imported.append(step))
    total = len(ids) + report.sources.added + report.raw_pages.added
    for steps in (exported, imported):
        assert [done for done, _ in steps] == list(range(1, total + 1))
        assert {all_ for _, all_ in steps} == {total}


def test_unknown_article_ids_are_refused(origin: Monitor, tmp_path: Path) -> None:
    missing = max(a.id for a in origin.articles()) + 1
    with pytest.raises(NotFoundError, match=f"no article with id {missing}"):
        origin.export_bundle(tmp_path / "x.mmbundle", article_ids=[1, missing])
    assert list(tmp_path.iterdir()) == []  # no bundle, not even a .part


# Merging -------------------------------------------------------------------------------


def test_overlapping_imports_add_no_duplicates_and_keep_local_edits(
    origin: Monitor, target: Monitor, collection: Collection
) -> None:
    target.import_bundle(collection.korean)
    mine = parts(target).store.add_source(
        "https://local.example/feed", kind=SourceKind.FEED, name="Mine"
    )
    local_only = parts(target).store.insert_article(
        ArticleDraft(
            mine.id, "g1", "https://local.example/1", "Local", None, None, None, "", "x", "en"
        )
    )
    shared = target.articles()[-1]
    flipped = (not shared.is_read, not shared.is_starred)
    parts(target).store.set_flags(shared.id, read=flipped[0], starred=flipped[1])
    renamed = parts(target).store.source(shared.source_id)
    parts(target).store.update_source(renamed.id, name="My name for it", update_interval_minutes=7)
    before = {a.id: comparable(target, a.id) for a in target.articles()}

    report = target.import_bundle(collection.full)
    assert report.articles.added == len(origin.articles()) - len(collection.korean_ids)
    assert report.articles.skipped == len(collection.korean_ids)
    assert report.sources.skipped == len({a.source_id for a in target.articles(language="ko")})
    again = target.import_bundle(collection.full)
    assert (again.articles.added, again.articles.merged) == (0, 0)
    assert (again.raw_pages.added, again.translations.added, again.sources.added) == (
        0,
        0,
        0,
    )

    assert len(target.articles()) == len(origin.articles()) + 1
    urls = [a.url for a in target.articles()]
    assert len(urls) == len(set(urls))
    for article_id, kept in before.items():
        assert comparable(target, article_id) == kept
    assert (target.article(shared.id).is_read, target.article(shared.id).is_starred) == flipped
    assert parts(target).store.source(renamed.id).name == "My name for it"
    assert parts(target).store.source(renamed.id).update_interval_minutes == 7
    assert target.article(local_only).title == "Local"


def test_a_local_watchlist_of_the_same_name_is_kept_as_it_is(
    origin: Monitor, target: Monitor, collection: Collection
) -> None:
    mine = target.add_watchlist("interest RATES", "ставку", WatchFilters(languages=("ru",)))
    report = target.import_bundle(collection.full)
    assert report.watchlists == Tally(added=1, skipped=1)
    kept = {status.name: status.watchlist for status in target.watchlists()}
    assert set(kept) == {"interest RATES", "Kimchi cabbage"}
    assert kept["interest RATES"] == mine.watchlist
    assert matched_urls(target, "interest RATES") == set()  # its matches were not taken over
    cabbage = [w for w in saved(origin) if w[0] == "Kimchi cabbage"]
    assert [w for w in saved(target) if w[0] == "Kimchi cabbage"] == cabbage != []
    assert target.import_bundle(collection.full).watchlists == Tally(skipped=2)
    assert len(target.watchlists()) == 2


def test_a_translation_made_elsewhere_is_taken_when_the_local_article_has_none(
    target: Monitor, collection: Collection
) -> None:
    target.import_bundle(collection.before_translation)
    korean = target.articles(language="ko")
    assert {a.state for a in korean} == {ArticleState.DETECTED}
    parts(target).store.set_flags(korean[0].id, starred=True)

    report = target.import_bundle(collection.full)
    assert report.articles.merged == report.translations.added == len(korean)
    assert report.articles.added == 0
    for article in target.articles(language="ko"):
        assert article.state is ArticleState.TRANSLATED
        translation = target.translation(article.id)
        assert translation is not None
        assert translation.route.startswith("ko→en")
    assert target.article(korean[0].id).is_starred
    list(target.sync_index())
    assert {a.state for a in target.articles(language="ko")} == {ArticleState.TRANSLATED}
    assert hit_urls(target, "배추") != set()  # and indexed


def rebuild(
    bundle: Path,
    out: Path,
    *,
    edit: Callable[[dict[str, bytes]], None] | None = None,
    manifest: Callable[[dict[str, object]], None] | None = None,
    rehash: bool = True,
) -> Path:
    """Copy a bundle, editing members; ``rehash`` rewrites the manifest's hashes to match."""
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(members.pop("manifest.json"))
    if edit:
        edit(members)
    if rehash:
        document["members"] = {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in members.items()
        }
    if manifest:
        manifest(document)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
        archive.writestr("manifest.json", json.dumps(document))
    return out


def edit_articles(
    change: Callable[[dict[str, object]], None],
) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        rows = [json.loads(line) for line in members["articles.jsonl"].splitlines()]
        for row in rows:
            change(row)
        members["articles.jsonl"] = "".join(json.dumps(r) + "\n" for r in rows).encode()

    return edit


def test_a_newer_translation_of_the_same_text_replaces_the_local_one(
    target: Monitor, collection: Collection, tmp_path: Path
) -> None:
    target.import_bundle(collection.full)

    def retranslate(row: dict[str, object]) -> None:
        translation = row["translation"]
        if isinstance(translation, dict) and row["language"] == "ko":
            translation["translated_at"] = "2099-01-01T00:00:00+00:00"
            for sentence in translation["sentences"]:
                sentence["translation"] = "retranslated"
            if row["title"].startswith("김장철"):  # type: ignore[attr-defined]
                row["text"] += " (edited elsewhere)"  # type: ignore[operator]

    newer = rebuild(collection.full, tmp_path / "newer.mmbundle", edit=edit_articles(retranslate))
    report = target.import_bundle(newer)
    korean = target.articles(language="ko")
    assert report.translations.merged == len(korean) - 1
    for article in korean:
        translation = target.translation(article.id)
        assert translation is not None
        replaced = {s.translation for s in translation.sentences} == {"retranslated"}
        # A translation of a different text would not fit the local one: the local is kept.
        assert replaced is (not article.title.startswith("김장철"))
        assert "(edited elsewhere)" not in article.text


# Models --------------------------------------------------------------------------------


def test_models_travel_in_the_bundle_and_are_installed(
    target: Monitor, collection: Collection
) -> None:
    assert target.models()[0] == []
    report = target.import_bundle(collection.with_models)
    assert report.models_installed == ("translate-ko_en-1_0",)
    [package] = target.models()[0]
    assert package.pair == "ko→en"
    assert target.translate_text("배추 한 포기", "ko") == "배추 한 포기"  # the copy model
    again = target.import_bundle(collection.with_models)
    assert (again.models_installed, again.models_skipped) == ((), ("translate-ko_en-1_0",))
    with zipfile.ZipFile(collection.full) as archive:
        assert not [n for n in archive.namelist() if n.startswith("models/")]


# Refusals ------------------------------------------------------------------------------


def truncated(bundle: Path, out: Path) -> Path:
    out.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    return out


def tampered(bundle: Path, out: Path) -> Path:
    def forge(members: dict[str, bytes]) -> None:
        original = members["articles.jsonl"]
        members["articles.jsonl"] = original.replace(b"Bank of Korea", b"Bank of Kerea", 1)
        assert members["articles.jsonl"] != original

    return rebuild(bundle, out, edit=forge, rehash=False)


def grown(bundle: Path, out: Path) -> Path:
    change = edit_articles(lambda row: row.update(title="A longer forged title"))
    return rebuild(bundle, out, edit=change, rehash=False)


def newer_format(bundle: Path, out: Path) -> Path:
    return rebuild(bundle, out, manifest=lambda m: m.update(format_version=FORMAT_VERSION + 1))


def traversal(bundle: Path, out: Path) -> Path:
    return rebuild(bundle, out, edit=lambda members: members.update({"../evil.txt": b"x"}))


def unlisted(bundle: Path, out: Path) -> Path:
    def forget(document: dict[str, object]) -> None:
        listed = document["members"]
        assert isinstance(listed, dict)
        listed.pop(next(name for name in listed if name.startswith("raw/")))

    return rebuild(bundle, out, manifest=forget)


def bad_last_row(bundle: Path, out: Path) -> Path:
    """Spoil the last article: sources and pages before it are merged by the time it is read."""

    def spoil(members: dict[str, bytes]) -> None:
        rows = members["articles.jsonl"].decode().splitlines()
        last = json.loads(rows[-1])
        last["state"] = "finished"
        rows[-1] = json.dumps(last, ensure_ascii=False)
        members["articles.jsonl"] = f"{chr(10).join(rows)}{chr(10)}".encode()

    return rebuild(bundle, out, edit=spoil)


def edit_watchlists(
    change: Callable[[list[dict[str, object]]], None],
) -> Callable[[Path, Path], Path]:
    """A bundle maker whose watchlist rows are edited (and rehashed: only the rows are bad)."""

    def make(bundle: Path, out: Path) -> Path:
        def edit(members: dict[str, bytes]) -> None:
            rows = [json.loads(line) for line in members["watchlists.jsonl"].splitlines()]
            change(rows)
            members["watchlists.jsonl"] = "".join(json.dumps(r) + "\n" for r in rows).encode()

        return rebuild(bundle, out, edit=edit)

    return make


def _set_last(name: str, value: object) -> Callable[[list[dict[str, object]]], None]:
    return lambda rows: rows[-1].update({name: value})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (edit_watchlists(_set_last("muted", "yes")), r"field 'muted' should be true or false"),
        (
            edit_watchlists(_set_last("filters", {"since": "last week"})),
            r"'since' should be a date",
        ),
        (edit_watchlists(_set_last("matches", [10**9])), r"article 1000000000, not in the bundle"),
        (edit_watchlists(_set_last("name", "   ")), "a watchlist needs a name"),
        (edit_watchlists(lambda rows: rows.append(dict(rows[0]))), "appears twice"),
    ],
)
def test_a_bad_watchlist_row_refuses_the_whole_bundle(
    target: Monitor,
    collection: Collection,
    tmp_path: Path,
    make: Callable[[Path, Path], Path],
    message: str,
) -> None:
    target.add_watchlist("Mine", "rate")
    before = (counts(target), saved(target))
    bad = make(collection.full, tmp_path / "bad.mmbundle")
    with pytest.raises(BundleError, match=rf"watchlists\.jsonl line \d+: .*{message}"):
        target.import_bundle(bad)
    assert (counts(target), saved(target)) == before
    assert counts(target)["articles"] == 0  # the articles before the bad row were rolled back


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (truncated, "damaged or cut short"),
        (tampered, "articles.jsonl does not match its SHA-256"),
        (grown, "articles.jsonl does not have the size its manifest says"),
        (newer_format, f"newer Media Monitor \\(bundle format {FORMAT_VERSION + 1}"),
        (traversal, "unsafe file name '../evil.txt'"),
        (unlisted, "is not listed in the manifest"),
        (bad_last_row, r"articles.jsonl line \d+: field 'state' should be a whole number"),
    ],
)
def test_a_bad_bundle_is_refused_and_changes_nothing(
    target: Monitor,
    collection: Collection,
    tmp_path: Path,
    make: Callable[[Path, Path], Path],
    message: str,
) -> None:
    target.import_bundle(collection.korean)
    before = counts(target)
    bad = make(collection.full, tmp_path / "bad.mmbundle")
    with pytest.raises(BundleError, match=message):
        target.import_bundle(bad)
    assert counts(target) == before
    assert not (tmp_path / "evil.txt").exists()
    assert [p.name for p in parts(target).data_dir.iterdir() if p.name.startswith(".bundle-")] == []


def test_a_file_that_is_not_a_bundle_is_refused(target: Monitor, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot read"):
        target.import_bundle(tmp_path / "absent.mmbundle")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(BundleError, match=r"no manifest\.json"):
        target.import_bundle(other)
    assert counts(target)["articles"] == 0


def test_a_bundle_no_import_would_take_is_not_written(
    origin: Monitor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "big.mmbundle"
    pages = origin.export_bundle(tmp_path / "fits.mmbundle").raw_pages.added
    assert pages > 1
    # The reader's cap, lowered to one file short of this collection's: its pages, the four
    # row files and the manifest.
    monkeypatch.setattr("monitor.bundles.write.MAX_MEMBERS", pages + 4)
    with pytest.raises(BundleError, match=f"keep {pages} pages, more than one bundle may carry"):
        origin.export_bundle(out)
    assert not out.exists() and not out.with_name(out.name + ".part").exists()
