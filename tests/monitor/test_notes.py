"""Highlights and notes on sentences: stored, found again after a new translation, searched
through the real index, carried in bundles, printed in the dossier, and on the command line."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.errors import BundleError, MonitorError, NotFoundError
from monitor.types import NoteColour, NoteSide, SearchRequest
from tests.support.extraction import page_outcome
from tests.support.inside import parts
from tests.support.noted import ENGLISH, KOREAN, Clock, add_article, translate


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def monitor(tmp_path: Path, clock: Clock) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", clock=clock) as opened:
        yield opened


def synced_search(monitor: Monitor, query: str) -> list[tuple[int, str]]:
    for _ in monitor.sync_index():
        pass
    return [(hit.article.id, hit.matched_in) for hit in monitor.search(SearchRequest(query)).hits]


# The store, through the door -----------------------------------------------------------


def test_a_highlight_becomes_a_note_and_keeps_its_sentence_on_both_sides(
    monitor: Monitor, clock: Clock
):
    article = add_article(monitor)
    highlight = monitor.mark_sentence(article, 1)
    assert (highlight.sentence, highlight.side, highlight.colour, highlight.text) == (
        1,
        NoteSide.ORIGINAL,
        NoteColour.YELLOW,
        "",
    )
    assert highlight.sentence_text == KOREAN[1][1]
    assert highlight.counterpart_text == KOREAN[1][2]
    assert highlight.created_at == highlight.updated_at == clock.now

    clock.tick()
    noted = monitor.mark_sentence(article, 1, text="  Second cut: check the minutes.  ")
    assert noted.id == highlight.id  # one mark per sentence and side
    assert (noted.text, noted.colour) == ("Second cut: check the minutes.", NoteColour.YELLOW)
    assert noted.updated_at > noted.created_at
    other_side = monitor.mark_sentence(
        article, 1, NoteSide.TRANSLATION, colour=NoteColour.GREEN, text="“second” is right"
    )
    assert other_side.id != noted.id
    assert other_side.sentence_text == KOREAN[1][2]
    first = monitor.mark_sentence(article, 0, colour=NoteColour.PINK)
    assert [(n.sentence, n.side) for n in monitor.notes(article)] == [
        (0, NoteSide.ORIGINAL),
        (1, NoteSide.ORIGINAL),
        (1, NoteSide.TRANSLATION),
    ]

    edited = monitor.edit_note(first.id, colour=NoteColour.BLUE, text="Lead with this")
    assert (edited.colour, edited.text, edited.sentence) == (NoteColour.BLUE, "Lead with this", 0)
    assert monitor.edit_note(first.id, text="").text == ""  # back to a plain highlight
    removed = monitor.remove_note(other_side.id)
    assert removed.text == "“second” is right"
    assert [n.id for n in monitor.notes(article)] == [first.id, noted.id]
    assert {n.id for n in monitor.notes()} == {first.id, noted.id}


def test_what_cannot_be_marked_is_refused_with_the_reason(monitor: Monitor):
    article = add_article(monitor)
    with pytest.raises(NotFoundError, match="no sentence 9: its sentences are numbered 0 to 3"):
        monitor.mark_sentence(article, 9)
    with pytest.raises(NotFoundError, match="no article with id 404"):
        monitor.mark_sentence(404, 0)
    with pytest.raises(NotFoundError, match="no article with id 404"):
        monitor.notes(404)
    with pytest.raises(MonitorError, match="at most 20,000 characters"):
        monitor.mark_sentence(article, 0, text="x" * 20_001)
    with pytest.raises(NotFoundError, match="no note with id 77"):
        monitor.remove_note(77)
    waiting = add_article(monitor, guid="g2")
    parts(monitor).store.save_extraction(
        page_outcome(monitor.article(waiting), "새 본문입니다.", language="ko")
    )
    with pytest.raises(NotFoundError, match="has no sentences to mark yet"):
        monitor.mark_sentence(waiting, 0)
    assert monitor.notes(article) == []


def test_notes_find_their_sentences_again_in_a_new_translation(monitor: Monitor):
    article = add_article(monitor)
    on_original = monitor.mark_sentence(article, 1, text="second cut")
    on_translation = monitor.mark_sentence(article, 2, NoteSide.TRANSLATION, text="slow demand")
    retyped = monitor.mark_sentence(article, 3, text="the close")
    dropped = monitor.mark_sentence(article, 0, NoteSide.TRANSLATION, text="the cut")

    # A new model: a sentence more at the start, every translation worded anew, a typo in
    # the last original fixed, and the first sentence's translation is unlike the old one.
    lead = (0, "속보입니다.", "Breaking news.")
    renewed = (
        lead,
        (0, KOREAN[0][1], "The central bank lowered its key rate."),
        (0, KOREAN[1][1], "This is the year's second reduction."),
        (1, KOREAN[2][1], "Governor Rhee said domestic demand recovers slowly."),
        (2, "원·달러 환율은 1,392.5원에 마감했다!", "The won ended at 1,392.5 per dollar."),
    )
    translate(monitor, article, renewed)
    found = {note.id: note for note in monitor.notes(article)}
    assert found[on_original.id].sentence == 2  # the same original text, moved down one
    assert found[on_translation.id].sentence == 3  # its translation changed; its original not
    assert found[retyped.id].sentence == 4  # nearly the same original
    assert found[dropped.id].sentence == 1  # found by its counterpart, the unchanged original
    assert found[on_original.id].sentence_text == KOREAN[1][1]  # kept as it was marked

    # A text extracted anew drops its translation: every note waits, detached, with its text.
    store = parts(monitor).store
    store.save_extraction(page_outcome(monitor.article(article), "다른 기사.", language="ko"))
    waiting = monitor.notes(article)
    assert [note.sentence for note in waiting] == [None] * 4
    assert not any(note.anchored for note in waiting)
    assert {note.text for note in waiting} == {"second cut", "slow demand", "the close", "the cut"}

    # Translated again with only some of the old sentences: those come back, the rest stay
    # detached and are listed last.
    translate(monitor, article, (KOREAN[1], (0, "다른 문장.", "Another sentence.")))
    back = monitor.notes(article)
    assert [(note.text, note.sentence) for note in back][:1] == [("second cut", 0)]
    assert {note.text for note in back if note.sentence is None} == {
        "slow demand",
        "the close",
        "the cut",
    }


def test_an_original_in_the_target_language_is_marked_on_its_own_sentences(monitor: Monitor):
    article = add_article(monitor, ENGLISH, language="en", guid="en1", title="Launch confirmed")
    note = monitor.mark_sentence(article, 1, text="no date: ask again")
    assert note.sentence_text == note.counterpart_text == ENGLISH[1][1]


# Search ---------------------------------------------------------------------------------


def test_articles_are_found_by_their_notes_through_the_index(monitor: Monitor):
    article = add_article(monitor)
    other = add_article(monitor, guid="g2", title="다른 기사")
    assert synced_search(monitor, "spokesman") == []
    note = monitor.mark_sentence(article, 2, text="Call the ministry spokesman, Kim Jae-won")
    assert parts(monitor).index_stage.pending() > 0  # the note's change is in the log

    assert synced_search(monitor, "spokesman") == [(article, "notes")]
    assert synced_search(monitor, "note:spokesman") == [(article, "notes")]
    assert synced_search(monitor, 'notes:"ministry spokesman"') == [(article, "notes")]
    assert synced_search(monitor, "note:dollar") == []  # in the translation, not the notes
    assert {hit for hit, _ in synced_search(monitor, "dollar")} == {article, other}
    assert synced_search(monitor, "dollar spokesman") == [(article, "translation")]

    monitor.edit_note(note.id, text="Ask the central bank's press office")
    assert synced_search(monitor, "spokesman") == []
    assert synced_search(monitor, "note:press") == [(article, "notes")]
    monitor.remove_note(note.id)
    assert synced_search(monitor, "note:press") == []

    monitor.mark_sentence(other, 0, text="환율 급등 확인")  # notes in any script
    assert synced_search(monitor, "note:환율") == [(other, "notes")]
    rebuilt = list(monitor.reindex())  # a rebuild reads the notes from the store too
    assert rebuilt and synced_search(monitor, "note:환율") == [(other, "notes")]


# Bundles --------------------------------------------------------------------------------


def note_keys(monitor: Monitor) -> set[tuple[object, ...]]:
    return {
        (monitor.article(n.article_id).url, n.sentence, n.side, n.sentence_text, n.colour, n.text)
        for n in monitor.notes()
    }


def test_notes_travel_in_bundles_and_merge_without_duplicates(
    monitor: Monitor, tmp_path: Path, clock: Clock
):
    article = add_article(monitor)
    add_article(monitor, guid="g2")
    monitor.mark_sentence(article, 1, text="second cut")
    kept = monitor.mark_sentence(article, 3, NoteSide.TRANSLATION, colour=NoteColour.GREEN)
    bundle = tmp_path / "notes.mmbundle"
    report = monitor.export_bundle(bundle)
    assert report.notes.added == 2
    assert "notes: 2 added" in "\n".join(report.lines())

    with open_monitor(tmp_path / "elsewhere", clock=clock) as target:
        imported = target.import_bundle(bundle)
        assert (imported.notes.added, imported.notes.skipped) == (2, 0)
        assert note_keys(target) == note_keys(monitor)
        for _ in target.sync_index():
            pass
        assert [h.matched_in for h in target.search(SearchRequest("note:second")).hits] == ["notes"]

        again = target.import_bundle(bundle)
        assert (again.notes.added, again.notes.merged, again.notes.skipped) == (0, 0, 2)
        assert len(target.notes()) == 2

        # Edited later at the origin: the newer note is taken; one edited here is kept.
        clock.tick()
        monitor.edit_note(kept.id, text="check the rate")
        [local] = [n for n in target.notes() if n.text == "second cut"]
        clock.tick()
        target.edit_note(local.id, text="mine, edited last")
        monitor.export_bundle(bundle)
        merged = target.import_bundle(bundle)
        assert (merged.notes.merged, merged.notes.skipped) == (1, 1)
        assert {n.text for n in target.notes()} == {"check the rate", "mine, edited last"}


def test_a_note_comes_to_its_sentence_in_another_translation_of_the_article(
    monitor: Monitor, tmp_path: Path, clock: Clock
):
    article = add_article(monitor)
    monitor.mark_sentence(article, 2, text="slow demand")
    bundle = tmp_path / "one.mmbundle"
    monitor.export_bundle(bundle)
    with open_monitor(tmp_path / "elsewhere", clock=clock) as target:
        here = add_article(target, (KOREAN[2], KOREAN[3]))  # the same article, other sentences
        target.import_bundle(bundle)
        [note] = target.notes(here)
        assert (note.sentence, note.text) == (0, "slow demand")


def test_bundles_without_notes_and_bad_note_rows(monitor: Monitor, tmp_path: Path):
    article = add_article(monitor)
    monitor.mark_sentence(article, 0, text="lead")
    plain = tmp_path / "plain.mmbundle"
    assert monitor.export_bundle(plain, with_notes=False).notes.added == 0
    with zipfile.ZipFile(plain) as archive:
        assert "notes.jsonl" not in archive.namelist()
    full = tmp_path / "full.mmbundle"
    monitor.export_bundle(full)
    with zipfile.ZipFile(full) as archive:
        [row] = [json.loads(line) for line in archive.read("notes.jsonl").splitlines()]
    assert (row["article"], row["sentence_index"], row["text"]) == (article, 0, "lead")
    assert row["sentence"] == KOREAN[0][1]

    for change, message in (
        ({"article": 999}, "article 999, not in the bundle"),
        ({"colour": "ultraviolet"}, "colour 'ultraviolet' is not one this version knows"),
        ({"side": "margin"}, "side 'margin'"),
        ({"sentence": ""}, "needs the text of its sentence"),
    ):
        spoiled = _with_note_row(full, tmp_path / "bad.mmbundle", {**row, **change})
        with open_monitor(tmp_path / "refusing") as target:
            with pytest.raises(BundleError, match=re.escape(message)):
                target.import_bundle(spoiled)
            assert target.articles() == [] and target.notes() == []


def _with_note_row(bundle: Path, out: Path, row: dict[str, object]) -> Path:
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    members["notes.jsonl"] = (json.dumps(row, ensure_ascii=False) + "\n").encode()
    manifest["members"] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in members.items()
    }
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest))
    return out


# The dossier ----------------------------------------------------------------------------


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)


def test_the_dossier_prints_each_note_beside_its_sentence(monitor: Monitor, tmp_path: Path):
    article = add_article(monitor)
    plain = add_article(monitor, guid="g2")
    english = add_article(monitor, ENGLISH, language="en", guid="en1", title="Launch")
    monitor.mark_sentence(article, 1, text="<b>second</b> cut\nsee the minutes")
    monitor.mark_sentence(article, 3, NoteSide.TRANSLATION, colour=NoteColour.GREEN)
    monitor.mark_sentence(english, 1, text="no date given")
    out = tmp_path / "dossier.html"
    monitor.export_articles([article, plain, english], out, "html")
    html = out.read_text("utf-8")
    sections = html.split('<div class="article"')[1:]
    noted, untouched, own = sections

    rows = rows_of(noted)
    assert "<th>Notes</th>" in noted or ">Notes</th>" in noted
    second = next(r for r in rows if KOREAN[1][1] in r)
    assert "&lt;b&gt;second&lt;/b&gt; cut<br>see the minutes" in second  # beside its sentence
    assert second.count("background-color: #ffe97a") == 1  # the original, strongly
    assert second.count("background-color: #fff8d6") == 1  # its translation, lightly
    last = next(r for r in rows if KOREAN[3][2] in r)
    assert "background-color: #b9eab0" in last and "<i>highlighted</i>" in last
    assert "see the minutes" not in "".join(r for r in rows if r is not second)
    assert "Notes</th>" not in untouched and "background-color" not in untouched
    own_row = next(r for r in rows_of(own) if ENGLISH[1][1] in r)
    assert "no date given" in own_row

    # A note whose sentence went away is printed after the table, with its sentence.
    parts(monitor).store.save_extraction(
        page_outcome(monitor.article(article), "다른 기사.", language="ko")
    )
    monitor.export_articles([article], out, "html")
    again = out.read_text("utf-8")
    assert "Notes whose sentence is no longer in the text" in again
    assert f"“{KOREAN[1][1]}” — &lt;b&gt;second&lt;/b&gt; cut" in again


# The command line -----------------------------------------------------------------------


def cli(capsys, data: Path, *args: str, status: int = 0) -> str:
    code = main(["--data-dir", str(data), *args])
    captured = capsys.readouterr()
    assert code == status, captured.err
    return captured.out if status == 0 else captured.err


def test_notes_on_the_command_line(tmp_path: Path, capsys):
    data = tmp_path / "data"
    with open_monitor(data) as monitor:
        article = add_article(monitor)
    listed = cli(capsys, data, "notes", "sentences", str(article))
    assert f"   1   {KOREAN[1][1]}" in listed and f"→ {KOREAN[1][2]}" in listed

    added = cli(capsys, data, "notes", "add", str(article), "1", "-2%", "is", "wrong")
    assert "Note 1 · article 1 · sentence 1 · original · yellow" in added
    assert "-2% is wrong" in added
    cli(
        capsys, data, "notes", "add", str(article), "3", "--side", "translation", "--colour", "blue"
    )
    assert "   1 * " in cli(capsys, data, "notes", "sentences", str(article))

    text = cli(capsys, data, "notes", "list", str(article))
    assert text.index("sentence 1 · original") < text.index("sentence 3 · translation · blue")
    assert "(highlighted)" in text
    notes = json.loads(cli(capsys, data, "notes", "list", "--json"))
    assert {(n["sentence"], n["side"], n["text"]) for n in notes} == {
        (1, "original", "-2% is wrong"),
        (3, "translation", ""),
    }
    hits = json.loads(cli(capsys, data, "search", "note:wrong", "--json"))
    assert [(h["id"], h["matched_in"]) for h in hits] == [(article, "notes")]

    assert "Removed note 1 from article 1" in cli(capsys, data, "notes", "remove", "1")
    assert "no note with id 1" in cli(capsys, data, "notes", "remove", "1", status=1)
    assert "sentences are numbered 0 to 3" in cli(
        capsys, data, "notes", "add", str(article), "8", "x", status=1
    )
    assert "sentence number must be a whole number" in cli(
        capsys, data, "notes", "add", str(article), "-1", status=1
    )
    assert "No notes on article 9 yet" not in cli(capsys, data, "notes", "list", "9", status=1)
