"""Translation throughput: the app's path against raw CTranslate2 and naive argostranslate.

    .venv/bin/python -m bench.translation [--quick] [--per-language N]

Models are transformer-base shaped copy models (6+6 layers, d_model 512, 8 heads, FFN 2048,
32k vocabulary, int8) built by ``tests/support/argos_factory``, one per ko/ru/zh/uk→en, so
the attention and FFN work is a real model's while the output is the input. Three ways of
translating the same articles (:mod:`bench.translation.workload`) are timed, interleaved, each
at least three times:

(a) the app: ``translate_documents(Engine(...), documents, "en")`` with a fresh cache;
(b) raw CTranslate2 ``translate_batch`` on the pre-tokenized sentences, with the engine's
    arguments (the ceiling for (a));
(c) naive argostranslate: ``argostranslate.translate.translate()`` per title and per article
    body, in a child process (:mod:`bench.translation.argos_child`) whose argostranslate
    folders point into a temporary folder, with the app's beam, threads and batch size;
(d) the same, with argostranslate's own defaults (as a user calling it gets).

Then variants of (a) (batch tokens, beam, int8/float32, threads) to choose the defaults.
:func:`run` returns the Markdown section; run alone, the benchmark prints it (and a full
run also writes it to ``bench/results-translation.md``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common.children import start_module
from bench.common.models import MODEL_SHAPE
from bench.common.paths import ROOT
from bench.common.settings import Settings
from bench.translation.workload import LANGUAGES, Workload, build_workload, tokenizer_text
from translations.align import translate_documents
from translations.cache import MemoryCache
from translations.engine import Engine
from translations.packages import PackageFolder
from translations.types import TranslationSettings

REPEATS = 3
TOKENIZER_LINES = 2000  # paragraphs of generated news text per language
RESULTS_FILE = ROOT / "bench" / "results-translation.md"


class Bench:
    """Packages, engines and the argostranslate child for one benchmark run."""

    def __init__(self, workdir: Path, workload: Workload) -> None:
        from tests.support.argos_factory import build_package

        self.workload = workload
        self.folder = PackageFolder(workdir / "packages")
        self.archives: list[Path] = []
        for language in LANGUAGES:
            archive = build_package(
                workdir / "archives",
                language,
                "en",
                tokenizer_text=tokenizer_text(language, TOKENIZER_LINES),
                **MODEL_SHAPE,
            )
            self.archives.append(archive)
            self.folder.install_file(archive)
        self.engines: dict[TranslationSettings, Engine] = {}
        self._raw: dict[str, tuple[Any, list[list[str]]]] = {}
        self._children: dict[bool, subprocess.Popen[str]] = {}  # by "at its own defaults"
        self._workdir = workdir

    def count_tokens(self, workload: Workload) -> dict[str, int]:
        """Source tokens per language the app gives the models (packages' tokenizers)."""
        engine = self.engine(TranslationSettings())
        counts: dict[str, int] = {}
        for package in engine.packages():
            model = engine._model(package)
            counts[package.from_code] = sum(
                min(len(model.tokenizer.encode(sentence)), 250)
                for sentence in _sentences_of(workload, package.from_code)
            )
        return counts

    def engine(self, settings: TranslationSettings) -> Engine:
        """The app's engine for ``settings``, warmed once.

        The engine keeps the app's default of two loaded models, so with four languages the
        timed runs include reloading two of them, as the app does.
        """
        if settings not in self.engines:
            engine = Engine(self.folder, settings)
            for document in self.workload.documents[:: max(1, len(self.workload.documents) // 4)]:
                warm = dataclasses.replace(document, text=document.title)
                list(translate_documents(engine, [warm], "en"))
            self.engines[settings] = engine
        return self.engines[settings]

    def time_app(
        self,
        settings: TranslationSettings,
        workload: Workload | None = None,
        *,
        cached: bool = False,
    ) -> float:
        workload = workload or self.workload
        engine = self.engine(settings)
        if not cached:
            engine.cache = MemoryCache()
        start = time.perf_counter()
        results = list(translate_documents(engine, workload.documents, "en"))
        elapsed = time.perf_counter() - start
        failures = [r for r in results if isinstance(r, tuple)]
        if failures or len(results) != len(workload.documents):
            raise RuntimeError(f"the app failed to translate: {failures[:1]}")
        return elapsed

    def time_raw(self, settings: TranslationSettings) -> float:
        """CTranslate2 alone, with the arguments the engine passes (tokenization not timed)."""
        import ctranslate2

        if not self._raw:
            engine = self.engine(settings)
            for package in engine.packages():
                model = engine._model(package)
                tokenized = [
                    model.tokenizer.encode(s)[: settings.max_input_tokens]
                    for s in _sentences_of(self.workload, package.from_code)
                ]
                translator = ctranslate2.Translator(
                    str(package.path / "model"),
                    device="cpu",
                    compute_type=settings.compute_type,
                    inter_threads=1,
                    intra_threads=settings.threads,
                )
                translator.translate_batch(tokenized[:2], beam_size=settings.beam_size)
                self._raw[package.from_code] = (translator, tokenized)
        start = time.perf_counter()
        for translator, tokenized in self._raw.values():
            longest = max(len(tokens) for tokens in tokenized)
            translator.translate_batch(
                tokenized,
                beam_size=settings.beam_size,
                max_batch_size=settings.max_batch_tokens,
                batch_type="tokens",
                replace_unknowns=True,
                length_penalty=0.2,
                max_decoding_length=min(512, 3 * longest + 16),
            )
        return time.perf_counter() - start

    def time_argos(self, settings: TranslationSettings, *, own_defaults: bool = False) -> float:
        """argostranslate in its child: with the app's ``settings``, or with its own defaults
        (what a user calling it gets)."""
        child = self._children.get(own_defaults)
        if child is None:
            home = self._workdir / ("argos-defaults" if own_defaults else "argos")
            child = _start_child(home, self.archives, None if own_defaults else settings)
            self._children[own_defaults] = child
        assert child.stdin is not None and child.stdout is not None
        documents = [dataclasses.asdict(d) for d in self.workload.documents]
        child.stdin.write(json.dumps(documents, ensure_ascii=False) + "\n")
        child.stdin.flush()
        answer = json.loads(child.stdout.readline())
        return float(answer["seconds"])

    def close(self) -> None:
        for child in self._children.values():
            child.stdin.close()  # type: ignore[union-attr]
            child.wait(timeout=60)


def _sentences_of(workload: Workload, language: str) -> list[str]:
    documents = [d for d in workload.documents if d.language == language]
    return Workload(tuple(documents), workload.source).sentences()


def _start_child(
    home: Path, archives: Sequence[Path], settings: TranslationSettings | None
) -> subprocess.Popen[str]:
    """A process running argostranslate with its folders in ``home``, and the app's
    ``settings`` (None: argostranslate's own defaults)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARGOS_")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        ARGOS_PACKAGES_DIR=str(home / "packages"),
        ARGOS_DEVICE_TYPE="cpu",
    )
    if settings is not None:
        env.update(
            ARGOS_BEAM_SIZE=str(settings.beam_size),
            ARGOS_INTER_THREADS="1",
            ARGOS_INTRA_THREADS=str(settings.threads),
            ARGOS_COMPUTE_TYPE=settings.compute_type,
            ARGOS_BATCH_SIZE=str(settings.max_batch_tokens),
        )
    return start_module(
        "bench.translation.argos_child",
        *(str(a) for a in archives),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )


def _interleaved(
    runs: dict[str, Callable[[], float]], repeats: int, log: Callable[[str], None]
) -> dict[str, list[float]]:
    """Each run ``repeats`` times, the order rotated each round so no run always goes first."""
    names = list(runs)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeats):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            seconds[name].append(runs[name]())
            log(f"  round {round_ + 1} {name}: {seconds[name][-1]:.2f} s")
    return seconds


def _rate(count: int, seconds: Sequence[float]) -> str:
    rates = sorted(count / s for s in seconds)
    return f"{statistics.median(rates):,.1f} ({rates[0]:,.1f}–{rates[-1]:,.1f})"


def _ratio(numerator: Sequence[float], denominator: Sequence[float]) -> str:
    """Median and range of round-by-round ratios of throughput (inverse of seconds)."""
    ratios = sorted(d / n for n, d in zip(numerator, denominator, strict=True))
    return f"{statistics.median(ratios):.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f})"


def run(settings: Settings, *, per_language: int | None = None) -> str:
    """Measure and return the benchmark's Markdown section.

    Its models and child are in a temporary folder of their own; ``settings.use_eval`` is not
    consulted (the workload takes the evaluation corpus's sentences when it is there).
    """
    quick, say = settings.quick, settings.log
    # Sized to the time budget (quick ≈ 1 min, full ≈ 6 min on a shared 2-core machine): these
    # models run at about 5–8 sentences/s there, so the 2,000 sentences of the issue would
    # take 5 min per path and round, an hour in all. Use --per-language 500 for that.
    workload = build_workload(per_language or (8 if quick else 40))
    small = build_workload(4)
    defaults = TranslationSettings()
    with tempfile.TemporaryDirectory(prefix="translation-bench-") as tmp:
        say(f"building 4 packages; {len(workload.documents)} articles")
        bench = Bench(Path(tmp), workload)
        try:
            say("(a) app vs (b) raw CTranslate2 vs (c) naive argostranslate")
            main = _interleaved(
                {
                    "app": lambda: bench.time_app(defaults),
                    "raw": lambda: bench.time_raw(defaults),
                    "argos": lambda: bench.time_argos(defaults),
                    "argos_own": lambda: bench.time_argos(defaults, own_defaults=True),
                    "cached": lambda: bench.time_app(defaults, cached=True),
                },
                REPEATS,
                say,
            )
            variants: dict[str, list[float]] = {}
            if not quick:
                say("variants of (a)")
                variants = _interleaved(
                    {
                        name: functools.partial(bench.time_app, s, small)
                        for name, s in _variants(defaults).items()
                    },
                    REPEATS,
                    say,
                )
            sizes = {
                "main": (len(workload.sentences()), bench.count_tokens(workload)),
                "small": (len(small.sentences()), bench.count_tokens(small)),
            }
        finally:
            bench.close()
    return _report(quick, workload, sizes, defaults, main, variants)


def _variants(defaults: TranslationSettings) -> dict[str, TranslationSettings]:
    replace = dataclasses.replace
    choices = {"defaults": defaults}
    for tokens in (512, 1024, 4096):
        choices[f"max_batch_tokens {tokens}"] = replace(defaults, max_batch_tokens=tokens)
    for beam in (1, 4):
        choices[f"beam {beam}"] = replace(defaults, beam_size=beam)
    choices["float32"] = replace(defaults, compute_type="float32")
    other_threads = 2 if defaults.threads == 1 else 1
    choices[f"threads {other_threads}"] = replace(defaults, threads=other_threads)
    return choices


def _report(
    quick: bool,
    workload: Workload,
    sizes: dict[str, tuple[int, dict[str, int]]],
    defaults: TranslationSettings,
    main: dict[str, list[float]],
    variants: dict[str, list[float]],
) -> str:
    sentences, per_language = sizes["main"]
    tokens = sum(per_language.values())
    lines = [
        f"Workload: {len(workload.documents)} articles, {sentences} distinct sentences "
        f"({tokens:,} source tokens, {tokens / sentences:.0f} per sentence) in "
        f"{', '.join(LANGUAGES)}, sentences from the {workload.source}"
        f"{' (quick run)' if quick else ''}. Models: transformer-base copy models (6+6 layers, "
        "d_model 512, 8 heads, FFN 2048, 32k vocabulary, int8; SentencePiece tokenizers trained "
        f"on {TOKENIZER_LINES:,} paragraphs of generated news text per language, not on these "
        "sentences). Settings: the app's defaults "
        f"(threads {defaults.threads}, beam {defaults.beam_size}, {defaults.compute_type}, "
        f"max_batch_tokens {defaults.max_batch_tokens}). {REPEATS} interleaved rounds; "
        "median (min–max).",
        "",
        "| Path | sentences/s | tokens/s |",
        "|---|---:|---:|",
    ]
    names = {
        "app": "(a) app: `translate_documents`, fresh cache",
        "raw": "(b) raw CTranslate2 `translate_batch`",
        "argos": "(c) naive `argostranslate.translate` per article",
        "argos_own": "(d) naive `argostranslate.translate`, its own defaults",
        "cached": "(a) app, every sentence cached",
    }
    for key, label in names.items():
        lines.append(f"| {label} | {_rate(sentences, main[key])} | {_rate(tokens, main[key])} |")
    lines += [
        "",
        f"(a) / (b): {_ratio(main['app'], main['raw'])} (target ≥ 0.95×); "
        f"(a) / (c): {_ratio(main['app'], main['argos'])} (target ≥ 3×); "
        f"(a) / (d): {_ratio(main['app'], main['argos_own'])} (argostranslate as a user calls "
        "it: its own beam, threads and batch size).",
    ]
    if variants:
        sentences, per_language = sizes["small"]
        tokens = sum(per_language.values())
        lines += [
            "",
            f"Variants of (a) on a smaller set: {sentences} sentences, 4 per language "
            f"({tokens:,} tokens), interleaved, {REPEATS} rounds; throughput relative to the "
            "defaults, round by round. Each language is one `translate_batch` call of at most "
            f"{max(per_language.values()):,} tokens, so every max_batch_tokens above that makes "
            "a single batch and their differences are noise; batch size only matters for "
            "larger backlogs than this time budget allows.",
            "",
            "| Settings | sentences/s | tokens/s | vs defaults |",
            "|---|---:|---:|---:|",
        ]
        for name, seconds in variants.items():
            lines.append(
                f"| {name} | {_rate(sentences, seconds)} | {_rate(tokens, seconds)} | "
                f"{_ratio(seconds, variants['defaults'])} |"
            )
    return "\n".join(lines) + "\n"
