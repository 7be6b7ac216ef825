"""Public value types of the translation engine: plain frozen dataclasses."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PackageInfo:
    """An installed (or about to be installed) Argos translation package."""

    name: str  # the package's folder name, e.g. "translate-ru_en-1_9"
    from_code: str
    to_code: str
    version: str
    path: Path
    size_bytes: int
    from_name: str = ""
    to_name: str = ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    @property
    def provenance(self) -> str:
        """What made a translation, as stored with it: "translate-ru_en-1_9 1.9"."""
        return f"{self.name} {self.version}"


@dataclass(frozen=True, slots=True)
class PackageProblem:
    """A package that was refused or cannot be used, and why (said plainly)."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class InstallReport:
    installed: tuple[PackageInfo, ...] = ()
    refused: tuple[PackageProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class Route:
    """How to get from one language to another: one package, or two through a pivot."""

    from_code: str
    to_code: str
    packages: tuple[PackageInfo, ...]

    @property
    def is_pivot(self) -> bool:
        return len(self.packages) > 1

    @property
    def description(self) -> str:
        """ "ko→en (translate-ko_en 1.1)" or "uk→ru→en (pivot: … + …)"."""
        codes = "→".join([self.packages[0].from_code, *(p.to_code for p in self.packages)])
        names = " + ".join(p.provenance for p in self.packages)
        return f"{codes} ({'pivot: ' if self.is_pivot else ''}{names})"


def _default_threads() -> int:
    # Leave a core for the UI and the network on a 2-4 core laptop.
    return max(1, min(4, (os.cpu_count() or 2) - 1))


@dataclass(frozen=True, slots=True)
class TranslationSettings:
    """How hard the engine works. Defaults suit a 2-4 core laptop without a GPU."""

    threads: int = field(default_factory=_default_threads)  # CTranslate2 intra_threads
    beam_size: int = 2
    compute_type: str = "int8"  # "int8", "float32", or "auto"
    device: str = "auto"  # "auto" (a CUDA GPU when CTranslate2 sees one), "cpu" or "cuda"
    max_batch_tokens: int = 2048  # tokens per translate_batch call (batch_type="tokens")
    max_input_tokens: int = 250  # longer sentences are cut (models are trained on shorter)


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One text to translate: an article's title and body, in one language."""

    key: int  # the caller's identifier, returned with the translation
    title: str
    text: str  # paragraphs separated by blank lines
    language: str


@dataclass(frozen=True, slots=True)
class SentencePair:
    """One aligned sentence: the original and its translation.

    The one sentence type from the engine to the screen: the engine makes it, the store keeps
    it, the reader, the exports and the index read it. A translation holds its sentences in
    the text's order, so a sentence's position is its place in that tuple.
    """

    paragraph: int  # which paragraph of the text it belongs to, from 0
    original: str
    translation: str
    degenerate: bool = False  # empty, looping, or far longer than the source


@dataclass(frozen=True, slots=True)
class DocumentTranslation:
    key: int
    title: str
    sentences: tuple[SentencePair, ...]
    route: Route
    # False for a headline: the title and the lead are translated, the other sentences are
    # there with an empty translation until the whole text is (see translate_documents).
    complete: bool = True

    @property
    def degenerate(self) -> bool:
        return any(s.degenerate for s in self.sentences)

    @property
    def text(self) -> str:
        """The translation with the original's paragraphs."""
        return join_paragraphs((s.paragraph, s.translation) for s in self.sentences)


def join_paragraphs(sentences: Iterable[tuple[int, str]]) -> str:
    """(paragraph, sentence) pairs back into text: sentences joined, paragraphs apart; empty
    sentences (not translated yet) are left out."""
    paragraphs: dict[int, list[str]] = {}
    for paragraph, sentence in sentences:
        if sentence:
            paragraphs.setdefault(paragraph, []).append(sentence)
    return "\n\n".join(" ".join(p) for _, p in sorted(paragraphs.items()))


@dataclass(frozen=True, slots=True)
class AvailablePackage:
    """A package the Argos online index offers (see :mod:`translations.online`)."""

    from_code: str
    to_code: str
    version: str
    from_name: str
    to_name: str
    links: tuple[str, ...]
    sha256: str | None

    @property
    def file_name(self) -> str:
        stem = f"translate-{self.from_code}_{self.to_code}-{self.version.replace('.', '_')}"
        return re.sub(r"[^0-9A-Za-z_+-]", "_", stem) + ".argosmodel"
