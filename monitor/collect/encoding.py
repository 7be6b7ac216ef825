"""Turning fetched bytes into text without mojibake.

News sites in Korean, Russian, Chinese and Ukrainian still serve legacy encodings, and
their declarations are often wrong (a server default of ISO-8859-1, a ``gb2312`` meta on a
page that was re-saved as UTF-8, a UTF-8 wrapper around GBK bytes). The order of
authority is BOM, HTTP ``charset``, the document's own declaration, then sniffing; but
every declaration is checked against the bytes and dropped when it plainly does not fit.

Last, the result is judged (:mod:`monitor.language.plausibility`): a decoding that reads as
no language we know (Cyrillic letters in random order, Han characters no text uses) loses
to one that reads as plausible Chinese, Korean, Russian or Ukrainian. The candidates are
the declarations, hints a parser never reads (an ``encoding`` attribute on a wrapper
element such as ``<root encoding="gbk">`` or ``<?xml-stylesheet?>``, a ``<meta charset>``
deep in the body), charset-normalizer's guesses and the encodings our outlets use.

:func:`decode_document` never raises; ``errors="replace"`` is used only as a last resort.
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

import charset_normalizer

from monitor.language.plausibility import Plausibility, judge_plausibility
from monitor.types import DecodedText

Markup = Literal["xml", "html"]

# Labels mapped to the codec we actually use: supersets where the declared charset is a
# subset in practice (GB2312 pages contain GBK characters, EUC-KR pages contain CP949 ones,
# "ISO-8859-1" pages contain Windows-1252 quotes), as browsers do.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "euc_cn": "gb18030",
    "hz": "gb18030",
    "euc_kr": "cp949",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "iso2022_kr": "cp949",
}

# Declarations that servers and tools emit by default, so they carry little evidence.
_WEAK_DECLARATIONS = {"cp1252"}

# The encodings our users' outlets really use, preferred when sniffing is unsure.
_PREFERRED_SNIFFED = {"utf_8", "cp1251", "koi8_r", "koi8_u", "cp949", "gb18030", "big5hkscs"}

_UTF16_32 = {"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_XML_DECLARATION = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?\bencoding\s*=\s*["']?\s*([A-Za-z0-9._:()-]{1,40})""",
    re.IGNORECASE,
)
_XML_DECLARATION_TEXT = re.compile(r"^(\ufeff?\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*(['\"])[^'\"]*\2")
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,500}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:()-]{1,40})""",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"<[^>]*>")
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^"'\s;,]+)""", re.IGNORECASE)

_PRESCAN_BYTES = 16_384  # declarations live in the head; pages sometimes push them far down
_SNIFF_BYTES = 262_144  # enough for a confident guess, bounded for multi-megabyte bodies
_HINT_BYTES = 1_048_576  # how far into a document hints are looked for
_JUDGED_CHARS = 200_000  # the judge stops after a few thousand non-ASCII characters anyway

# Hints a parser never reads: an encoding or charset attribute on any element or processing
# instruction (a wrapper's <root encoding="gbk">, <?xml-stylesheet ... encoding="gbk"?>,
# <script charset="gbk">, a <meta charset> far down the body).
_ENCODING_HINT = re.compile(
    rb"""<[?!]?[A-Za-z][\w:.-]*\s[^<>]{0,500}?\b(?:encoding|charset)\s*=\s*["']?\s*"""
    rb"""([A-Za-z0-9._:()-]{1,40})""",
    re.IGNORECASE,
)
# The encodings our users' outlets use: every improbable decoding is checked against them.
_USUAL_CODECS = ("utf_8", "gb18030", "cp949", "cp1251", "koi8_r", "big5hkscs")
# A hinted encoding wins over an unhinted one that reads only this much better, and is
# taken when it reads this much better than the improbable decoding it replaces.
_HINT_BONUS = 0.25
_HINT_MARGIN = 0.3
_CLEAR_MARGIN = 1.0  # the same for an encoding the document does not name


def decode_document(data: bytes, content_type: str | None, *, markup: Markup) -> DecodedText:
    """Decode a fetched document, deciding the encoding by BOM, HTTP, declaration, sniffing."""
    if not data:
        return DecodedText("", "utf-8", "default")

    for bom, codec in _BOMS:
        if data.startswith(bom):
            return DecodedText(data[len(bom) :].decode(codec, "replace"), codec, "bom")

    wide = _sniff_utf16_32(data)
    if wide is not None:
        # 8-bit declarations cannot even be read in such a document; the byte pattern decides.
        return DecodedText(data.decode(wide, "replace"), wide, "sniffed")

    candidates: list[tuple[str, str]] = []
    http_charset = charset_from_content_type(content_type)
    if http_charset:
        candidates.append((http_charset, "http"))
    candidates.extend(_declarations(data, markup))

    decoded = _decode_as_declared(data, candidates) or _sniff(data)
    return _second_opinion(data, decoded, [label for label, _ in candidates], markup)


def _decode_as_declared(data: bytes, candidates: list[tuple[str, str]]) -> DecodedText | None:
    for label, decided_by in candidates:
        declared = normalize_encoding(label)
        if declared is None or declared in _UTF16_32:
            continue  # unknown label, or a UTF-16/32 claim on bytes that have no such pattern
        decoded = _decode_if_plausible(data, declared)
        if decoded is not None:
            text, used = decoded
            # Valid UTF-8 overruling a legacy declaration was found by looking at the bytes.
            return DecodedText(
                text, used, decided_by if used != "utf-8" or declared == "utf_8" else "sniffed"
            )
    return None


def _second_opinion(
    data: bytes, decoded: DecodedText, declared: list[str], markup: Markup
) -> DecodedText:
    """``decoded``, or a plausible decoding in its place if it reads as no language we know.

    The hints and declarations come first and win ties (and close calls, by
    :data:`_HINT_BONUS`), then charset-normalizer's guesses, then the usual encodings.
    """
    if not _has_high_bytes(data) or (decoded.encoding == "utf-8" and "\ufffd" not in decoded.text):
        # Legacy bytes are valid UTF-8 only by chance, and only in a few characters; a
        # valid UTF-8 text that reads badly is mojibake to repair, not a wrong decoding.
        return decoded
    chosen = judge_plausibility(decoded.text[:_JUDGED_CHARS])
    if not chosen.improbable:
        return decoded
    sample = _sample(data)
    hinted = [*_hints(data, markup), *declared]
    best: tuple[float, str, Plausibility] | None = None
    for codec, is_hinted in _alternatives(sample, hinted, decoded.encoding):
        verdict = judge_plausibility(sample.decode(codec, "replace"))
        # Short or technical Chinese is often not plainly "plausible" (too few of the
        # commonest characters), so a reading that is no wrong decoding also wins when it
        # is far better; by less when the document names it.
        margin = _HINT_MARGIN if is_hinted else _CLEAR_MARGIN
        clearly_better = verdict.score >= chosen.score + margin
        if not verdict.judged or verdict.improbable or not (verdict.plausible or clearly_better):
            continue
        score = verdict.score + (_HINT_BONUS if is_hinted else 0.0)
        if best is None or score > best[0]:
            best = (score, codec, verdict)
    if best is None:
        return decoded  # nothing reads better: keep what the usual rules chose
    codec = best[1]
    text = _decode_utf8_leniently(data) if codec == "utf_8" else None
    if text is None:
        text = data.decode(codec, "replace")
    return DecodedText(text, codecs.lookup(codec).name, "sniffed")


def _alternatives(sample: bytes, hinted: list[str], rejected: str) -> list[tuple[str, bool]]:
    """Codecs to try instead of ``rejected``, each once, with whether a hint named it."""
    seen = {normalize_encoding(rejected)}
    found: list[tuple[str, bool]] = []
    guessed = _charset_normalizer_codecs(sample)
    for labels, is_hinted in ((hinted, True), (guessed, False), (_USUAL_CODECS, False)):
        for label in labels:
            codec = normalize_encoding(label)
            if codec is None or codec in seen or codec in _UTF16_32:
                continue
            seen.add(codec)
            found.append((codec, is_hinted))
    return found


def _hints(data: bytes, markup: Markup) -> list[str]:
    """Encoding labels the document names outside the declarations a parser reads."""
    head = data[:_HINT_BYTES]
    declared = {label for label, _ in _declarations(data, markup)}
    labels = [match.group(1).decode("ascii") for match in _ENCODING_HINT.finditer(head)]
    return [label for label in dict.fromkeys(labels) if label not in declared]


def _sample(data: bytes) -> bytes:
    """The first :data:`_SNIFF_BYTES` bytes, cut at a line end so no character is split."""
    if len(data) <= _SNIFF_BYTES:
        return data
    sample = data[:_SNIFF_BYTES]
    return sample[: sample.rfind(b"\n") + 1 or None]


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _CONTENT_TYPE_CHARSET.search(content_type)
    return match.group(1).strip("'\"") if match else None


def normalize_encoding(label: str) -> str | None:
    """The Python codec to use for a declared charset label, or ``None`` if unknown."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    name = name.replace("-", "_")
    if name == "mbcs":  # Windows-only alias that means "the local code page"
        return None
    return _SUPERSETS.get(name, name)


def xml_as_utf8(data: bytes, content_type: str | None = None) -> tuple[bytes, DecodedText]:
    """An XML document decoded by :func:`decode_document` and re-encoded as clean UTF-8."""
    decoded = decode_document(data, content_type, markup="xml")
    return utf8_without_declared_encoding(decoded.text), decoded


def utf8_without_declared_encoding(text: str) -> bytes:
    """Decoded XML as UTF-8 bytes, its declaration's ``encoding`` removed.

    An XML parser reading the result then cannot decode it a second time with the
    original (possibly wrong) charset.
    """
    # Whitespace before the declaration (common from PHP templates) is a fatal XML error.
    text = _XML_DECLARATION_TEXT.sub(r"\1", text.lstrip("\ufeff \t\r\n"), count=1)
    # Lone surrogates (from broken UTF-16) cannot be encoded; they become U+FFFD.
    return text.encode("utf-8", "replace")


def _declarations(data: bytes, markup: Markup) -> list[tuple[str, str]]:
    head = data[:_PRESCAN_BYTES]
    found: list[tuple[str, str]] = []
    xml = _XML_DECLARATION.match(head)
    if xml:
        found.append((xml.group(1).decode("ascii"), "xml-declaration"))
    if markup == "html":
        # Every meta is a candidate: a wrapper template's utf-8 meta may precede the real one.
        found = [(m.group(1).decode("ascii"), "meta") for m in _META_CHARSET.finditer(head)] + found
    return found


def _decode_if_plausible(data: bytes, codec: str) -> tuple[str, str] | None:
    """``data`` decoded as declared (text, codec name), or ``None`` if the bytes contradict it."""
    name = codecs.lookup(codec).name
    if codec == "utf_8":
        utf8 = _decode_utf8_leniently(data)
        return None if utf8 is None else (utf8, name)
    if not _has_high_bytes(data):
        return data.decode(codec, "replace"), name
    utf8 = _decode_utf8_strictly(data)
    if utf8 is not None:
        # Text in any legacy multi-byte or 8-bit charset is almost never valid UTF-8 by chance,
        # so valid UTF-8 with real multi-byte characters means the declaration is stale.
        return utf8, "utf-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        text = data.decode(codec, "replace")
        if text.count("\ufffd") > max(2, len(text) // 1000):
            return None
    if codec in _WEAK_DECLARATIONS and _looks_like_misread_8bit(text):
        return None  # a server default of Latin-1 over Cyrillic or CJK bytes
    return text, name


def _decode_utf8_strictly(data: bytes) -> str | None:
    try:
        return _trim_partial_utf8(data).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode_utf8_leniently(data: bytes) -> str | None:
    """UTF-8 text, tolerating a few stray bytes among many good characters."""
    trimmed = _trim_partial_utf8(data)
    try:
        return trimmed.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = trimmed.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    # GBK or Windows-1251 bytes read as UTF-8 are mostly errors; a stray Latin-1 byte is not.
    if bad * 50 <= good or (bad <= 2 and good >= 2 * bad):
        return text
    return None


def _trim_partial_utf8(data: bytes) -> bytes:
    """Drop a multi-byte character cut in half at the end (bodies are capped by size)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data[:-back] if needed > back else data
    return data


def _has_high_bytes(data: bytes) -> bool:
    return not data.isascii()


def _looks_like_misread_8bit(text: str) -> bool:
    """Whether Windows-1252 text is really Cyrillic or CJK bytes read the wrong way."""
    words = _MARKUP.sub(" ", text[:200_000])
    high = sum(1 for ch in words if ord(ch) > 0x7F)
    ascii_letters = sum(1 for ch in words if ch.isascii() and ch.isalpha())
    # French or German prose has a few accented letters per hundred; Cyrillic or Korean
    # read as Windows-1252 is almost nothing but "accented" letters and symbols.
    return high >= 8 and high * 10 >= (high + ascii_letters) * 3


def _sniff_utf16_32(data: bytes) -> str | None:
    """UTF-16/32 without a BOM, recognised by where the zero bytes fall."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    head = sample[:4]
    if head == b"\x00\x00\x00<":
        return "utf-32-be"
    if head == b"<\x00\x00\x00":
        return "utf-32-le"
    if head[0] == 0 and head[1] != 0 and head[2] == 0 and head[3] != 0:
        return "utf-16-be"
    if head[0] != 0 and head[1] == 0 and head[2] != 0 and head[3] == 0:
        return "utf-16-le"
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > half * 0.4 and even_zeros < half * 0.05:
        return "utf-16-le"
    if even_zeros > half * 0.4 and odd_zeros < half * 0.05:
        return "utf-16-be"
    return None


def _sniff(data: bytes) -> DecodedText:
    if not _has_high_bytes(data):
        return DecodedText(data.decode("ascii"), "utf-8", "default")
    utf8 = _decode_utf8_leniently(data)
    if utf8 is not None:
        return DecodedText(utf8, "utf-8", "sniffed")
    guess = _guess_with_charset_normalizer(_sample(data))
    if guess is not None:
        try:
            return DecodedText(data.decode(guess), codecs.lookup(guess).name, "sniffed")
        except UnicodeDecodeError:
            # The sample decoded cleanly but a later part did not: keep the guess anyway.
            return DecodedText(data.decode(guess, "replace"), codecs.lookup(guess).name, "sniffed")
    return DecodedText(data.decode("utf-8", "replace"), "utf-8", "default")


def _charset_normalizer_codecs(sample: bytes) -> list[str]:
    """charset-normalizer's guesses for ``sample``, best first."""
    try:
        matches = list(charset_normalizer.from_bytes(sample))
    except Exception:  # a sniffer bug must not cost us the document
        return []
    return [match.encoding for match in matches]


def _guess_with_charset_normalizer(sample: bytes) -> str | None:
    try:
        matches = list(charset_normalizer.from_bytes(sample))
    except Exception:  # a sniffer bug must not cost us the document
        return None
    if not matches:
        return None
    best = matches[0]
    best_codec = normalize_encoding(best.encoding)
    if best_codec in _PREFERRED_SNIFFED:
        return best_codec
    # Prefer an encoding our users' outlets actually use when it reads almost as well.
    for match in matches[1:]:
        codec = normalize_encoding(match.encoding)
        if codec in _PREFERRED_SNIFFED and match.chaos <= best.chaos + 0.02:
            return codec
    return best_codec
