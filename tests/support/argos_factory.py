"""Build tiny but genuine Argos Translate packages (``.argosmodel``) for the test suite.

Real model weights cannot be downloaded here, so tests get packages with the exact layout
argostranslate 1.11 reads: one top folder holding ``metadata.json``, ``README.md``, a
CTranslate2 model in ``model/``, a ``sentencepiece.model`` and, on request, a ``stanza/`` folder.

* The SentencePiece model is trained in-process on a few hundred generated lines in the source
  language and English, with byte fallback and no normalisation, so any text (Hangul, Han,
  Cyrillic, emoji, doubled spaces) encodes and decodes back unchanged.
* The CTranslate2 model is a hand-wired copy model (see :mod:`tests.support.ct2_copy_model`):
  its "translation" is the source text itself, exact with greedy and beam search.
* ``glossary`` turns whole words into single pieces (SentencePiece ``user_defined_symbols``)
  and has the model emit the target word's piece in place of the source word's. Pieces match
  anywhere, case-sensitively: with ``{"ракета": "missile"}``, "ракетами" becomes "missileми".
  The substitution is a permutation, so the target word, if present in the source, comes out
  as the source word.
* ``tokenizer_text`` adds lines to the tokenizer's training text. A real package's tokenizer
  was trained on millions of sentences, so a news sentence is 20–50 pieces; trained on the
  factory's lines alone, most words of real text fall back to bytes (Hangul and Han take
  three pieces a character). Benchmarks pass text like what they translate (not the same
  sentences) so that sentence lengths, and so the work per sentence, are realistic.
* ``vocab_size`` sets the CTranslate2 vocabulary size. SentencePiece cannot learn 32k pieces
  from a few hundred lines, so the vocabulary is padded with ``<unused_N>`` tokens that never
  appear in input or output but cost the same in the output projection as real ones.
* The ``stanza/`` folder mirrors real packages (``resources.json`` and a tokenizer model
  file), but the model file is a placeholder: loading it would fail, and Stanza would try to
  reach the network if its resources were missing. Tests use it to prove neither happens.

Builds are cached per process (one test session) by their parameters; each call still gets
its own copy in ``dest_dir``. A default package takes well under a second to build.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import random
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import sentencepiece as spm

from tests.support.ct2_copy_model import (
    CopyModelShape,
    Quantization,
    complete_permutation,
    save_copy_model,
    verify_copy_model,
)

_ARGOS_VERSION = "1.9"
_SPECIALS = ("<unk>", "<s>", "</s>")
# Pieces SentencePiece aims for when no vocabulary size is given, and the most it is asked for.
_DEFAULT_PIECES = 1000
_MAX_TRAINED_PIECES = 4000
_TRAINING_LINES_PER_LANGUAGE = 200
# Checking every piece through CTranslate2 is cheap below these sizes and skipped above.
_VERIFY_MAX_VOCAB = 4096
_VERIFY_MAX_D_MODEL = 256

_LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ko": "Korean",
    "zh": "Chinese",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "ja": "Japanese",
}

# Words for the tokenizer's training text, written for this factory (news vocabulary).
_WORDS = {
    "en": "the minister said on Monday that government officials will discuss new economic "
    "measures with regional leaders after talks in the capital city about energy prices "
    "trade security and support for farmers during winter",
    "ru": "министр заявил в понедельник что правительство обсудит новые экономические меры "
    "с руководителями регионов после переговоров в столице о ценах на энергию торговле "
    "безопасности и поддержке фермеров зимой",
    "uk": "міністр заявив у понеділок що уряд обговорить нові економічні заходи з керівниками "
    "областей після переговорів у столиці щодо цін на енергію торгівлі безпеки та "
    "підтримки фермерів взимку",
    "ko": "장관은 월요일 정부가 수도에서 열린 회담 이후 지역 지도자들과 새로운 경제 대책을 "
    "논의할 것이라고 밝혔다 에너지 가격 무역 안보 그리고 겨울 동안 농민 지원",
    "zh": "部长 星期一 表示 政府 将 在 首都 会谈 之后 与 地区 领导人 讨论 新的 经济 措施 "
    "能源 价格 贸易 安全 以及 冬季 农民 支持",
}
# Languages written without spaces between words.
_UNSPACED = {"zh", "ja"}
_PUNCTUATION = (".", ".", "!", "?", ",", ":", ";", " —", "…", "»")

_STANZA_LANGUAGES = {"zh": "zh-hans"}
_STANZA_TOKENIZERS = {"ru": "syntagrus", "uk": "iu", "ko": "gsd", "zh-hans": "gsdsimp"}


@dataclass(frozen=True)
class PackageRecipe:
    """Everything that determines a package's content; also the key of the build cache."""

    from_code: str
    to_code: str
    glossary: tuple[tuple[str, str], ...]
    version: str
    with_stanza_folder: bool
    shape: CopyModelShape
    vocab_size: int | None
    quantization: Quantization
    tokenizer_text: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for code in (self.from_code, self.to_code):
            if not code or not code.replace("-", "").isalnum():
                raise ValueError(f"language code {code!r} must be letters, digits or '-'")
        if not self.version or not self.version.replace(".", "").isdigit():
            raise ValueError(f"version {self.version!r} must look like 1.0")

    @property
    def folder_name(self) -> str:
        """Top folder (and file stem) name, in the style of the Argos package index."""
        version = self.version.replace(".", "_")
        return f"translate-{self.from_code}_{self.to_code}-{version}"


_cache_root: Path | None = None
_built: dict[PackageRecipe, Path] = {}


def build_package(
    dest_dir: Path,
    from_code: str,
    to_code: str,
    *,
    glossary: Mapping[str, str] | None = None,
    version: str = "1.0",
    with_stanza_folder: bool = False,
    layers: int = 1,
    d_model: int = 128,
    heads: int = 4,
    ffn: int = 256,
    vocab_size: int | None = None,
    quantization: Quantization = "float32",
    tokenizer_text: tuple[str, ...] = (),
) -> Path:
    """Write ``translate-<from>_<to>-<version>.argosmodel`` into ``dest_dir``; return its path.

    The zip holds one top folder, exactly as the packages on the Argos index do.
    """
    recipe = PackageRecipe(
        from_code,
        to_code,
        tuple(sorted((glossary or {}).items())),
        version,
        with_stanza_folder,
        CopyModelShape(layers=layers, d_model=d_model, heads=heads, ffn=ffn),
        vocab_size,
        quantization,
        tokenizer_text,
    )
    folder = _cached_package_dir(recipe)
    archive = folder.parent / f"{folder.name}.argosmodel"
    if not archive.exists():
        _zip_folder(folder, archive)
    dest_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(archive, dest_dir / archive.name))


def build_package_dir(
    dest_dir: Path,
    from_code: str,
    to_code: str,
    *,
    glossary: Mapping[str, str] | None = None,
    version: str = "1.0",
    with_stanza_folder: bool = False,
    layers: int = 1,
    d_model: int = 128,
    heads: int = 4,
    ffn: int = 256,
    vocab_size: int | None = None,
    quantization: Quantization = "float32",
    tokenizer_text: tuple[str, ...] = (),
) -> Path:
    """Like :func:`build_package` but return the unzipped package folder inside ``dest_dir``."""
    recipe = PackageRecipe(
        from_code,
        to_code,
        tuple(sorted((glossary or {}).items())),
        version,
        with_stanza_folder,
        CopyModelShape(layers=layers, d_model=d_model, heads=heads, ffn=ffn),
        vocab_size,
        quantization,
        tokenizer_text,
    )
    folder = _cached_package_dir(recipe)
    dest_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copytree(folder, dest_dir / folder.name))


def training_lines(from_code: str, to_code: str) -> list[str]:
    """Deterministic news-like lines in both languages (English stands in for unknown ones)."""
    rng = random.Random(zlib.crc32(f"{from_code}>{to_code}".encode()))
    languages = dict.fromkeys(
        code if code in _WORDS else "en" for code in (from_code, to_code, "en")
    )
    lines = []
    for language in languages:
        words = _WORDS[language].split()
        joiner = "" if language in _UNSPACED else " "
        for _ in range(_TRAINING_LINES_PER_LANGUAGE):
            sentence = joiner.join(rng.choice(words) for _ in range(rng.randint(3, 14)))
            number = rng.choice(["", f" {rng.randint(0, 2030)}", f" {rng.uniform(0, 100):.2f}"])
            lines.append(sentence + number + rng.choice(_PUNCTUATION))
    return lines


def _cached_package_dir(recipe: PackageRecipe) -> Path:
    """The package folder for ``recipe``, built on first request in a per-process cache."""
    if recipe in _built:
        return _built[recipe]
    global _cache_root
    if _cache_root is None:
        _cache_root = Path(tempfile.mkdtemp(prefix="argos-factory-"))
        atexit.register(shutil.rmtree, _cache_root, ignore_errors=True)
    build_dir = Path(tempfile.mkdtemp(prefix="build-", dir=_cache_root))
    folder = build_dir / recipe.folder_name
    folder.mkdir()
    try:
        _write_package(folder, recipe)
        if recipe.with_stanza_folder:
            _write_stanza_folder(folder / "stanza", recipe.from_code)
    except BaseException:
        shutil.rmtree(build_dir)
        raise
    _built[recipe] = folder
    return folder


def _write_package(folder: Path, recipe: PackageRecipe) -> None:
    glossary = dict(recipe.glossary)
    model_proto = _train_sentencepiece(
        [*training_lines(recipe.from_code, recipe.to_code), *recipe.tokenizer_text],
        recipe.vocab_size or _DEFAULT_PIECES,
        _glossary_symbols(glossary),
    )
    (folder / "sentencepiece.model").write_bytes(model_proto)
    processor = spm.SentencePieceProcessor(model_proto=model_proto)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    if pieces[:3] != list(_SPECIALS):
        raise RuntimeError(f"unexpected SentencePiece special pieces {pieces[:3]}")
    size = len(pieces) if recipe.vocab_size is None else recipe.vocab_size
    vocabulary = pieces + [f"<unused_{i}>" for i in range(size - len(pieces))]

    substitutions = complete_permutation(
        {processor.piece_to_id(src): processor.piece_to_id(dst) for src, dst in glossary.items()}
    )
    save_copy_model(
        folder / "model",
        vocabulary,
        shape=recipe.shape,
        substitutions=substitutions,
        quantization=recipe.quantization,
    )
    if len(vocabulary) <= _VERIFY_MAX_VOCAB and recipe.shape.d_model <= _VERIFY_MAX_D_MODEL:
        # Every learned piece must come back (substituted) through real CTranslate2 decoding.
        verify_copy_model(folder / "model", pieces, substitutions)

    from_name = _LANGUAGE_NAMES.get(recipe.from_code, recipe.from_code)
    to_name = _LANGUAGE_NAMES.get(recipe.to_code, recipe.to_code)
    metadata = {
        "package_version": recipe.version,
        "argos_version": _ARGOS_VERSION,
        "from_code": recipe.from_code,
        "from_name": from_name,
        "to_code": recipe.to_code,
        "to_name": to_name,
        "type": "translate",
    }
    (folder / "metadata.json").write_text(
        json.dumps(metadata, ensure_ascii=False, indent=4) + "\n", encoding="utf-8"
    )
    substituted = " with glossary words substituted" if glossary else ""
    (folder / "README.md").write_text(
        f"# Test package {from_name} → {to_name}\n\nSynthetic copy model built by "
        f"tests/support/argos_factory.py: it returns the source text{substituted}. "
        "Not a real translation model.\n",
        encoding="utf-8",
    )


def _glossary_symbols(glossary: Mapping[str, str]) -> list[str]:
    for word in (*glossary, *glossary.values()):
        if not word or any(ch.isspace() for ch in word) or "▁" in word:
            raise ValueError(f"glossary entry {word!r} must be a single word without spaces")
        if word in _SPECIALS:
            raise ValueError(f"glossary entry {word!r} is a reserved token")
    return sorted({*glossary, *glossary.values()})


def _train_sentencepiece(lines: list[str], pieces: int, symbols: list[str]) -> bytes:
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(lines),
            model_writer=model,
            vocab_size=min(pieces, _MAX_TRAINED_PIECES),
            hard_vocab_limit=False,  # a few hundred lines yield fewer pieces than asked
            model_type="unigram",
            byte_fallback=True,
            character_coverage=1.0,
            # No NFKC and no whitespace squeezing: decode(encode(text)) == text for any text.
            normalization_rule_name="identity",
            remove_extra_whitespaces=False,
            user_defined_symbols=symbols,
            num_threads=1,
            minloglevel=2,
        )
    except RuntimeError as error:
        if "Vocabulary size is smaller than required" in str(error):
            raise ValueError(
                f"vocab_size {pieces} is too small for the tokenizer's characters and 256 "
                "byte pieces; use at least 600"
            ) from error
        raise
    return model.getvalue()


def _write_stanza_folder(stanza_dir: Path, from_code: str) -> None:
    language = _STANZA_LANGUAGES.get(from_code, from_code)
    tokenizer = _STANZA_TOKENIZERS.get(language, "default")
    model_file = stanza_dir / language / "tokenize" / f"{tokenizer}.pt"
    model_file.parent.mkdir(parents=True)
    placeholder = b"placeholder written by tests/support/argos_factory.py, not a Stanza model\n"
    model_file.write_bytes(placeholder)
    resources: dict[str, object] = {
        language: {
            "tokenize": {tokenizer: {"md5": hashlib.md5(placeholder).hexdigest()}},
            "default_processors": {"tokenize": tokenizer},
            "lang_name": _LANGUAGE_NAMES.get(from_code, from_code),
        }
    }
    if language != from_code:
        resources[from_code] = {"alias": language}
    (stanza_dir / "resources.json").write_text(json.dumps(resources, indent=2), encoding="utf-8")


def _zip_folder(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zip_file:
        for path in sorted(_walk(folder)):
            zip_file.write(path, path.relative_to(folder.parent).as_posix())


def _walk(folder: Path) -> Iterator[Path]:
    yield folder
    yield from folder.rglob("*")
