"""One loaded package: its CTranslate2 translator and its tokenizer.

argostranslate's public ``translate()`` is not used: with real packages it asks stanza to
download resources on the first call of every process, and offline it fails. We load
``model/`` with CTranslate2 and the package's own tokenizer, which never touch the network.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from translations.errors import ModelLoadError
from translations.types import PackageInfo, TranslationSettings


class Tokenizer(Protocol):
    def encode(self, sentence: str) -> list[str]: ...

    def decode(self, tokens: list[str]) -> str: ...


class _SentencePiece:
    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_file)

    def encode(self, sentence: str) -> list[str]:
        return list(self._processor.encode(sentence, out_type=str))

    def decode(self, tokens: list[str]) -> str:
        return str(self._processor.decode_pieces(tokens)).replace("▁", " ")


@dataclass
class LoadedModel:
    package: PackageInfo
    translator: Any  # ctranslate2.Translator (untyped)
    tokenizer: Tokenizer
    target_prefix: str
    lock: threading.Lock  # one translate_batch at a time per model: it already uses every thread


DEVICES = ("auto", "cpu", "cuda")


def cuda_devices() -> int:
    """How many CUDA devices CTranslate2 sees (0 on a machine without one, or a CPU build)."""
    import ctranslate2

    try:
        return int(ctranslate2.get_cuda_device_count())
    except (RuntimeError, OSError):  # a CUDA library present but unusable
        return 0


def resolved_device(device: str) -> str:
    """The device a model runs on: ``auto`` is CUDA when there is one, else the CPU. Raises
    :class:`ModelLoadError` for ``cuda`` on a machine without a CUDA device."""
    if device == "cpu":
        return "cpu"
    if device == "cuda":
        if not cuda_devices():
            raise ModelLoadError(
                "the compute device is set to cuda, but CTranslate2 sees no CUDA device here;"
                " choose auto or cpu in the settings"
            )
        return "cuda"
    return "cuda" if cuda_devices() else "cpu"


def load_model(package: PackageInfo, settings: TranslationSettings) -> LoadedModel:
    """Load ``package`` or raise :class:`ModelLoadError` saying which package is damaged."""
    import ctranslate2

    try:
        metadata = json.loads((package.path / "metadata.json").read_text("utf-8-sig"))
        sentencepiece_file = package.path / "sentencepiece.model"
        tokenizer: Tokenizer
        if sentencepiece_file.is_file():
            tokenizer = _SentencePiece(str(sentencepiece_file))
        else:  # OPUS-MT derived packages ship Moses + BPE instead
            from argostranslate.tokenizer import BPETokenizer

            tokenizer = BPETokenizer(package.path / "bpe.model", package.from_code, package.to_code)
        translator = ctranslate2.Translator(
            str(package.path / "model"),
            device=resolved_device(settings.device),
            compute_type=settings.compute_type,
            inter_threads=1,
            intra_threads=settings.threads,
        )
    except (OSError, RuntimeError, ValueError) as error:
        raise ModelLoadError(
            f"the {package.pair} model {package.name} cannot be loaded ({error}); "
            "it may be damaged: remove it and install it again"
        ) from error
    return LoadedModel(
        package, translator, tokenizer, str(metadata.get("target_prefix", "")), threading.Lock()
    )
