"""The translation engine: routes between languages, and batched sentence translation.

Sentences from many articles go to CTranslate2's ``translate_batch`` together (the engine's
fast path), each tokenized with its package's tokenizer. One Translator per package stays
loaded (the most recently used few), repeated sentences come from the cache, and a
damaged package is reported while the others keep translating.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from translations.cache import MemoryCache, SentenceCache
from translations.errors import Cancelled, ModelLoadError, NoRouteError, TranslationError
from translations.models import LoadedModel, load_model
from translations.packages import PackageFolder
from translations.quality import is_degenerate
from translations.types import PackageInfo, Route, TranslationSettings

PIVOT_PREFERENCE = ("en",)  # try English first as the middle language; then any other


class Engine:
    """Translate with the packages installed in one folder."""

    def __init__(
        self,
        folder: PackageFolder,
        settings: TranslationSettings | None = None,
        *,
        cache: SentenceCache | None = None,
        max_loaded: int = 2,
    ) -> None:
        self.folder = folder
        self.settings = settings or TranslationSettings()
        self.cache: SentenceCache = cache if cache is not None else MemoryCache()
        self._max_loaded = max_loaded
        self._loaded: OrderedDict[str, LoadedModel] = OrderedDict()
        self._broken: dict[str, ModelLoadError] = {}
        self._lock = threading.Lock()

    def packages(self) -> list[PackageInfo]:
        """Installed packages that can be used (damaged ones found so far are left out)."""
        installed, _ = self.folder.installed()
        return [p for p in installed if str(p.path) not in self._broken]

    def use_threads(self, threads: int) -> None:
        """Translate with ``threads`` CPU threads from now on. A model is given its threads as
        it loads, so the models loaded with another number are unloaded (loading one again
        takes about a second)."""
        if threads != self.settings.threads:
            with self._lock:
                self.settings = replace(self.settings, threads=threads)
                self._loaded.clear()

    def forget(self) -> None:
        """Unload everything; call after installing or removing packages."""
        with self._lock:
            self._loaded.clear()
            self._broken.clear()

    def route(self, from_code: str, to_code: str) -> Route:
        """A direct package if installed, else two packages through a pivot language."""
        packages = self.packages()
        for package in packages:
            if (package.from_code, package.to_code) == (from_code, to_code):
                return Route(from_code, to_code, (package,))
        firsts = [p for p in packages if p.from_code == from_code]
        firsts.sort(key=lambda p: (p.to_code not in PIVOT_PREFERENCE, p.to_code))
        for first in firsts:
            for second in packages:
                if (second.from_code, second.to_code) == (first.to_code, to_code):
                    return Route(from_code, to_code, (first, second))
        raise NoRouteError(from_code, to_code)

    def translate(
        self,
        route: Route,
        sentences: Sequence[str],
        cancel: threading.Event | None = None,
    ) -> list[tuple[str, bool]]:
        """Translate ``sentences`` along ``route``: (translation, degenerate) for each.

        With ``cancel`` set, raises :class:`Cancelled` before the next batch of the model's;
        what was translated so far is in the cache, so asking again resumes there.
        """
        results = [(sentence, False) for sentence in sentences]
        for package in route.packages:
            step = self._translate_with(package, [text for text, _ in results], cancel)
            results = [
                (text, flagged or was)
                for (text, flagged), (_, was) in zip(step, results, strict=True)
            ]
        return results

    def _translate_with(
        self, package: PackageInfo, sentences: Sequence[str], cancel: threading.Event | None
    ) -> list[tuple[str, bool]]:
        unique = list(dict.fromkeys(s for s in sentences if s.strip()))
        cached = self.cache.get_many(package.provenance, unique)
        missing = [s for s in unique if s not in cached]
        flagged: set[str] = set()
        if missing:
            model = self._model(package)
            for batch in _batches(model, missing, self.settings):
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                fresh, degenerate = self._run_model(package, model, batch)
                # Degenerate output is not cached: its flag would be lost; a later model may
                # do better.
                self.cache.put_many(
                    package.provenance, {s: t for s, t in fresh.items() if s not in degenerate}
                )
                cached |= fresh
                flagged |= degenerate
        return [(cached.get(s, ""), s in flagged) for s in sentences]

    def _run_model(
        self, package: PackageInfo, model: LoadedModel, batch: list[tuple[str, list[str]]]
    ) -> tuple[dict[str, str], set[str]]:
        sentences = [sentence for sentence, _ in batch]
        tokenized = [tokens for _, tokens in batch]
        prefix = [[model.target_prefix] for _ in tokenized] if model.target_prefix else None
        longest = max(len(tokens) for tokens in tokenized)
        with model.lock, _engine_errors(package):
            outputs = model.translator.translate_batch(
                tokenized,
                target_prefix=prefix,
                beam_size=self.settings.beam_size,
                max_batch_size=self.settings.max_batch_tokens,
                batch_type="tokens",
                replace_unknowns=True,
                length_penalty=0.2,
                max_decoding_length=min(512, 3 * longest + 16),
            )
        translations: dict[str, str] = {}
        flagged: set[str] = set()
        for sentence, tokens, output in zip(sentences, tokenized, outputs, strict=True):
            hypothesis = list(output.hypotheses[0])
            text = model.tokenizer.decode(hypothesis).strip()
            if model.target_prefix and text.startswith(model.target_prefix):
                text = text[len(model.target_prefix) :].strip()
            translations[sentence] = text
            if is_degenerate(len(tokens), text, len(hypothesis)):
                flagged.add(sentence)
        return translations, flagged

    def _model(self, package: PackageInfo) -> LoadedModel:
        key = str(package.path)
        with self._lock:
            if key in self._broken:
                raise self._broken[key]
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
        try:
            model = load_model(package, self.settings)
        except ModelLoadError as error:
            with self._lock:
                self._broken[key] = error
            raise
        with self._lock:
            self._loaded[key] = model
            while len(self._loaded) > self._max_loaded:
                self._loaded.popitem(last=False)
        return model


@contextmanager
def _engine_errors(package: PackageInfo) -> Iterator[None]:
    """CTranslate2 reports trouble as RuntimeError; say which model failed."""
    try:
        yield
    except (RuntimeError, ValueError) as error:
        raise TranslationError(
            f"the {package.pair} model {package.name} failed: {error}"
        ) from error


def _batches(
    model: LoadedModel, sentences: list[str], settings: TranslationSettings
) -> Iterator[list[tuple[str, list[str]]]]:
    """``sentences`` with their tokens, in the batches CTranslate2 would make of them.

    With ``batch_type="tokens"`` CTranslate2 sorts a call's examples by length and cuts them
    into batches of ``max_batch_tokens``; cutting them so here, one call per batch, costs
    nothing and leaves a moment between batches to notice a cancel (one call for a whole
    update's sentences ran for minutes).
    """
    limit = settings.max_input_tokens
    tokenized = [(sentence, model.tokenizer.encode(sentence)[:limit]) for sentence in sentences]
    tokenized.sort(key=lambda pair: len(pair[1]))
    batch: list[tuple[str, list[str]]] = []
    size = 0
    for pair in tokenized:
        if batch and size + len(pair[1]) > settings.max_batch_tokens:
            yield batch
            batch, size = [], 0
        batch.append(pair)
        size += len(pair[1])
    if batch:
        yield batch
