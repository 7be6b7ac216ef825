"""Repairing mojibake: text that was decoded with the wrong codec, once or more.

Feeds and pages reach us already damaged when a site, a CMS or an aggregator decoded text
the wrong way and saved the result: the bytes are fine, the characters they spell are not.
The shapes seen in the wild, and who undoes them:

* UTF-8 read as Windows-1252 or Latin-1 ("Ð¡Ð¾Ð±Ñ‹Ñ‚Ð¸Ðµ", with C1 controls when read
  as Latin-1) or as Windows-1251 ("РЎРѕР±С‹С‚РёРµ", very common in Russian), also twice
  over: ftfy, the library made for exactly this.
* Legacy Cyrillic bytes read as another legacy codec: Windows-1251 read as Windows-1252
  ("Ñîáûòèå"), KOI8-R read as Windows-1251 ("уПВЩФЙЕ") or the other way round, CP866
  against Windows-1251. These are not UTF-8 mojibake and ftfy leaves them alone.
* CJK bytes read as Latin-1 or Windows-1251 (EUC-KR "Á¤ºÎ´Â", GBK "¹úÎñÔº"), or one CJK
  codec read as another.

The legacy shapes are tried by re-encoding with the codec the text was wrongly read with
and decoding with the one it really is in, and a candidate is kept only when the judge of
:mod:`monitor.language.plausibility` finds it plausible and much better than before. Text
that reads as real is never touched: the judge (or ftfy's own detector) must call it
mojibake first. Each line is repaired on its own, so one damaged paragraph in a good text
is mended and the rest left as it was.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import ftfy
import ftfy.bad_codecs  # registers sloppy-windows-125x, which keep C1 controls and holes
from ftfy.badness import is_bad

from monitor.collect.text import windows_1252_controls
from monitor.language.cyrillic import spelling_log_prob_per_letter
from monitor.language.plausibility import Plausibility, judge_plausibility
from monitor.types import ExtractedPage

__all__ = ["RepairedText", "repair_mojibake", "repair_page"]

# (codec the text was wrongly read with, codec its bytes really are in). The "sloppy"
# codecs are Windows-125x that also map their five undefined bytes to C1 controls, as
# Windows and browsers do, so that text read as Latin-1 is covered as well.
_LEGACY_SHAPES: Final = (
    ("sloppy-windows-1252", "cp1251"),
    ("cp1251", "koi8_r"),
    ("cp1251", "koi8_u"),
    ("koi8_r", "cp1251"),
    ("sloppy-windows-1252", "koi8_r"),
    ("sloppy-windows-1252", "koi8_u"),
    ("cp1251", "cp866"),
    ("cp866", "cp1251"),
    ("sloppy-windows-1252", "cp949"),
    ("sloppy-windows-1252", "gb18030"),
    ("sloppy-windows-1252", "big5hkscs"),
    ("sloppy-windows-1251", "gb18030"),
    ("sloppy-windows-1251", "cp949"),
    ("cp949", "gb18030"),
    ("gb18030", "cp949"),
    ("gb18030", "big5hkscs"),
    ("big5hkscs", "gb18030"),
)
_SLOPPY_1252: Final = "sloppy-windows-1252"
# Second bytes of Cyrillic UTF-8 that a strict Windows-1252 decoder drops (0x81, 0x8D, 0x8F,
# 0x90, 0x9D: undefined there) or later steps lose (0xA0, the no-break space, and 0xAD, the
# soft hyphen: "Р" and "Э"), by first byte, likeliest first.
_LOST_SECOND_BYTES: Final = {
    0xD0: (0x90, 0x9D, 0xA0, 0xAD, 0x81, 0x8D, 0x8F),  # А Н Р Э Ё Ѝ Џ
    0xD1: (0x81, 0x8F, 0x8D, 0x90, 0x9D),  # с я э ѐ ѝ
}
# A lost letter standing alone as a word: "с" and "я" are words, the others are not.
_SINGLE_LETTER_WORDS: Final = {"с": 0.0, "я": -0.5, "А": -1.0}
# Text that no wrong decoding produces: ASCII, Russian and Ukrainian letters, common
# punctuation, with no capital inside a word. Every Cyrillic mojibake shape brings letters
# of other alphabets (Ў ѕ Ђ Љ), symbols, or capitals in odd places (KOI8-R read as
# Windows-1251 is mostly capitals); such text goes to the judge.
_CLEAN_CYRILLIC: Final = re.compile("[\x00-\x7fА-ЯЁа-яёІЇЄҐіїєґ\xa0«»„“”‘’ʼ—–…№°]*")
_CAPITAL_INSIDE: Final = re.compile("[а-яёіїєґ][А-ЯЁІЇЄҐ]")
_CAPITAL: Final = re.compile("[А-ЯЁІЇЄҐ]")
_SMALL: Final = re.compile("[а-яёіїєґ]")
# Text damaged more than this many times over is beyond help.
_MAX_ROUNDS: Final = 3
# How much a legacy candidate must beat the damaged text by (mean score per character):
# mojibake scores about -2, its repair about +1.
_MIN_GAIN: Final = 1.0
_ENCODING_FIXES = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
)


@dataclass(frozen=True, slots=True)
class RepairedText:
    """Text after repair, and what was undone ("utf-8 read as windows-1252", ...)."""

    text: str
    shapes: tuple[str, ...] = ()

    @property
    def repaired(self) -> bool:
        return bool(self.shapes)


def repair_mojibake(text: str) -> RepairedText:
    """``text`` with its mojibake undone, line by line; unchanged if it reads as real.

    C1 control characters left over (kept by :mod:`monitor.collect.text` for this repair)
    become the Windows-1252 punctuation they stand for, as everywhere else.
    """
    if text.isascii():
        return RepairedText(text)
    shapes: list[str] = []
    # Not splitlines(): U+0085 is a line break to it, and a byte of a letter in mojibake.
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.isascii():
            continue
        fixed, line_shapes = _repair_line(line)
        if line_shapes:
            lines[index] = fixed
            shapes.extend(shape for shape in line_shapes if shape not in shapes)
    if not shapes:
        return RepairedText(windows_1252_controls(text))
    return RepairedText(windows_1252_controls("\n".join(lines)), tuple(shapes))


def repair_page(page: ExtractedPage) -> ExtractedPage:
    """An extracted page with mojibake repaired in its text, title and author; ``repaired``
    says whether any was. The same page back when nothing changed."""
    text = repair_mojibake(page.text)
    title = repair_mojibake(page.title) if page.title is not None else None
    author = repair_mojibake(page.author) if page.author is not None else None
    fixed = dataclasses.replace(
        page,
        text=text.text,
        title=title.text if title else None,
        author=author.text if author else None,
        repaired=page.repaired or any(part and part.repaired for part in (text, title, author)),
    )
    return page if fixed == page else fixed


def _repair_line(line: str) -> tuple[str, list[str]]:
    shapes: list[str] = []
    for _ in range(_MAX_ROUNDS):
        step = _repair_once(line)
        if step is None:
            break
        line, shape = step
        shapes.append(shape)
    return line, shapes


def _repair_once(text: str) -> tuple[str, str] | None:
    """One layer of mojibake undone, or None if the text reads as real or cannot be helped."""
    if _is_clean_cyrillic(text):
        return None  # plain Russian or Ukrainian: no mojibake looks like this (and it is fast)
    utf8_mojibake = is_bad(text)
    before = judge_plausibility(text)
    if not utf8_mojibake and not before.improbable:
        return None  # the rule that keeps correct text safe
    best: tuple[str, str, Plausibility] | None = None
    if utf8_mojibake:
        fixed = ftfy.fix_encoding_and_explain(text, _ENCODING_FIXES)
        after = judge_plausibility(fixed.text)
        # ftfy decides by its own detector; ours checks that it made things better. Its
        # result may still hold U+FFFD where bytes were lost, which the next candidate fills.
        better = after.score >= before.score + (0.0 if not is_bad(fixed.text) else _MIN_GAIN)
        steps = fixed.explanation or []
        # C1 controls alone ("\x93quote\x94") are punctuation, cleaned below, not mojibake.
        transcoded = any(action in ("encode", "decode") for action, _ in steps)
        if fixed.text != text and better and transcoded:
            best = (fixed.text, _describe(steps), after)
    candidates = [
        (_transcode(text, wrong, real), f"{_label(real)} read as {_label(wrong)}")
        for wrong, real in _LEGACY_SHAPES
    ]
    if "Ð" in text or "Ñ" in text:
        candidates.append((_fill_lost_cyrillic(text), "utf-8 read as windows-1252, bytes lost"))
    for candidate, shape in candidates:
        if candidate is None or candidate == text:
            continue
        after = judge_plausibility(candidate)
        if not after.plausible or after.judged == 0 or after.score < before.score + _MIN_GAIN:
            continue
        if best is None or after.score > best[2].score:
            best = (candidate, shape, after)
    return None if best is None else (best[0], best[1])


def _is_clean_cyrillic(text: str) -> bool:
    if not _CLEAN_CYRILLIC.fullmatch(text) or _CAPITAL_INSIDE.search(text):
        return False
    # KOI8-R read as Windows-1251 swaps the cases: most letters become capitals.
    return len(_CAPITAL.findall(text)) <= len(_SMALL.findall(text))


def _fill_lost_cyrillic(text: str) -> str | None:
    """Cyrillic UTF-8 read as Windows-1252 by a strict decoder, which dropped (or replaced
    with U+FFFD) the bytes Windows-1252 does not define, or whose no-break spaces and soft
    hyphens were cleaned away later: see :data:`_LOST_SECOND_BYTES`. Each hole gets the
    letter that spells its word best. None if the text is not of this shape."""
    data = bytearray()
    holes: list[int] = []  # offsets in data of the guessed second bytes
    index = 0
    while index < len(text):
        char = text[index]
        try:
            data += char.encode(_SLOPPY_1252)
        except UnicodeEncodeError:
            return None
        index += 1
        if char not in "ÐÑ":
            continue
        following = text[index : index + 1]
        if following == "\ufffd":
            index += 1
        elif following == " " and char == "Ð" and _is_mojibake_letter(text[index + 1 : index + 3]):
            # "Р" is Ð and a no-break space, which whitespace cleaning made a space.
            data.append(0xA0)
            index += 1
            continue
        elif following and _is_continuation(following):
            continue
        holes.append(len(data))
        data.append(_LOST_SECOND_BYTES[char.encode(_SLOPPY_1252)[0]][0])
    if not holes:
        return None
    try:
        decoded = list(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    # Each hole and its lead byte are one character; find where each one landed.
    positions: list[int] = []
    start = 0
    for hole in holes:
        chars_before = len(data[start : hole - 1].decode("utf-8"))
        previous = positions[-1] + 1 if positions else 0
        positions.append(previous + chars_before)
        start = hole + 1
    for position, hole in zip(positions, holes, strict=True):
        lead = data[hole - 1]
        decoded[position] = max(
            (bytes((lead, second)).decode("utf-8") for second in _LOST_SECOND_BYTES[lead]),
            key=lambda letter: _spelling_with(decoded, position, letter),
        )
    return "".join(decoded)


def _is_mojibake_letter(pair: str) -> bool:
    """Whether two characters are a Cyrillic letter as UTF-8 read as Windows-1252."""
    return len(pair) == 2 and pair[0] in "ÐÑ" and _is_continuation(pair[1])


def _is_continuation(char: str) -> bool:
    try:
        byte = char.encode(_SLOPPY_1252)
    except UnicodeEncodeError:
        return False
    return len(byte) == 1 and 0x80 <= byte[0] <= 0xBF


def _spelling_with(chars: list[str], position: int, letter: str) -> float:
    """How well the word around ``position`` is spelled with ``letter`` there."""
    start = position
    while start > 0 and chars[start - 1].isalpha():
        start -= 1
    end = position + 1
    while end < len(chars) and chars[end].isalpha():
        end += 1
    word = "".join(chars[start:position]) + letter + "".join(chars[position + 1 : end])
    if len(word) == 1:
        return _SINGLE_LETTER_WORDS.get(letter, -10.0)
    return spelling_log_prob_per_letter(word.lower())


def _transcode(text: str, wrong: str, real: str) -> str | None:
    """``text`` re-encoded with ``wrong`` and decoded with ``real``; characters ``wrong``
    cannot encode (a correct word beside the damaged ones) are kept as they are. None if
    the bytes are not valid in ``real``."""
    parts: list[str] = []
    run: list[str] = []
    try:
        for char in text:
            try:
                char.encode(wrong)
            except UnicodeEncodeError:
                if run:
                    parts.append("".join(run).encode(wrong).decode(real))
                    run.clear()
                parts.append(char)
            else:
                run.append(char)
        if run:
            parts.append("".join(run).encode(wrong).decode(real))
    except UnicodeDecodeError:
        return None
    return "".join(parts)


def _describe(explanation: Sequence[tuple[str, str]]) -> str:
    encoded = [_label(step) for action, step in explanation if action == "encode"]
    decoded = [_label(step) for action, step in explanation if action == "decode"]
    if encoded and decoded:
        return f"{decoded[-1]} read as {encoded[0]}"
    return "mojibake"


def _label(codec: str) -> str:
    """A codec as people name it: "windows-1251", "koi8-r", "utf-8"."""
    name = codec.removeprefix("sloppy-").removesuffix("-variants").replace("_", "-")
    return f"windows-{name[2:]}" if name.startswith("cp125") else name
