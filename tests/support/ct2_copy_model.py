"""Hand-wired CTranslate2 Transformers that copy their input: real model files for tests.

Real translation weights cannot be downloaded in the test environment, yet the translation code
must be exercised against a genuine CTranslate2 model. :func:`save_copy_model` writes an ordinary
``TransformerSpec`` model (pre-norm encoder-decoder, learned position table) whose weights are
set by hand so that greedy and beam search both return the source tokens unchanged, optionally
with some tokens swapped for others (a "glossary").

How the copy works (``d`` = d_model, residual vector split into two halves):

* Token half ``[0, d/2)`` holds a token code: a ±1 vector with as many +1 as -1. Position half
  ``[d/2, d)`` holds a position code ``p`` (cos/sin pairs at well-spread frequencies) followed by
  its negation ``-p``. Every embedded vector therefore has mean 0 and the same norm, so each
  layer norm is a fixed rescaling and never mixes the halves. All entries are near ±1, which
  keeps int8 activation quantization harmless.
* Every self-attention and feed-forward block (and cross-attention in decoder layers after the
  first) has random, distinct weights arranged so their product is exactly zero: the value (or
  hidden) units that are written are never read. The residual passes through untouched while the
  compute and memory traffic per token stay those of a real model of the same shape.
* Decoder layer 0 cross-attention queries with the decoder position and keys with the source
  position, sharply enough that step ``t`` attends only to source position ``t``; its values
  carry the source token code into the decoder's token half.
* The output projection scores every vocabulary entry against that code, so the argmax at
  step ``t`` is source token ``t``. The source gets ``</s>`` appended (``add_source_eos``), which
  the model copies too: decoding ends right after the last source token.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from ctranslate2.specs import transformer_spec

Quantization = Literal["float32", "int8", "int8_float32"]
FloatArray = npt.NDArray[np.float32]

# Smallest logit lead (in nats) of the copied token over any other token. exp(-40) keeps the
# probability mass elsewhere far below float32 resolution, so beam search sees one clear path.
_LOGIT_GAP = 40.0
# Smallest attention-score lead of the wanted source position over any other position.
_ATTENTION_GAP = 30.0
# Token-code cosine assumed when sizing logits; exhaustively measured worse values replace it.
_ASSUMED_CODE_COSINE = 0.75
# Beyond this cosine two tokens are too alike to separate reliably (happens only for tiny d).
_MAX_CODE_COSINE = 0.95
# Exhaustive code check costs vocab**2 * d/2 multiply-adds; above this budget we sample instead.
_EXHAUSTIVE_CHECK_BUDGET = 1_500_000_000
_LAYER_NORM_EPSILON = 1e-6
# CTranslate2 truncates sources to 1024 tokens by default; </s> is appended after that.
DEFAULT_MAX_POSITIONS = 1040
# Probe length for verify_copy_model, below CTranslate2's default max_decoding_length of 256.
_VERIFY_CHUNK = 200


@dataclass(frozen=True)
class CopyModelShape:
    """Size of the generated Transformer; compute per token matches a trained model this size."""

    layers: int = 1
    d_model: int = 128
    heads: int = 4
    ffn: int = 256
    max_positions: int = DEFAULT_MAX_POSITIONS

    def __post_init__(self) -> None:
        if self.layers < 1:
            raise ValueError(f"layers must be at least 1, got {self.layers}")
        if self.d_model < 16 or self.d_model % 4:
            raise ValueError(f"d_model must be a multiple of 4 and >= 16, got {self.d_model}")
        if self.heads < 1 or self.d_model % self.heads:
            raise ValueError(f"heads ({self.heads}) must divide d_model ({self.d_model})")
        if self.position_code_dims < 6:
            # Fewer than 3 cos/sin pairs cannot tell ~1000 positions apart sharply enough.
            raise ValueError(
                f"d_model/heads ({self.d_model // self.heads}) and d_model/4 "
                f"({self.d_model // 4}) must both be >= 6"
            )
        if self.ffn < 2 or self.ffn % 2:
            raise ValueError(f"ffn must be an even number >= 2, got {self.ffn}")
        if self.max_positions < 2:
            raise ValueError(f"max_positions must be >= 2, got {self.max_positions}")

    @property
    def token_dims(self) -> int:
        return self.d_model // 2

    @property
    def head_dims(self) -> int:
        return self.d_model // self.heads

    @property
    def position_code_dims(self) -> int:
        """Width of ``p``; it must fit in one head and, mirrored, in the position half."""
        width = min(self.head_dims, self.d_model // 4)
        return width - width % 2


def save_copy_model(
    model_dir: Path,
    vocabulary: Sequence[str],
    *,
    shape: CopyModelShape,
    substitutions: Mapping[int, int] | None = None,
    quantization: Quantization = "float32",
    seed: int = 0,
) -> None:
    """Write a CTranslate2 copy model into ``model_dir`` (created if missing).

    ``vocabulary`` is the shared source/target vocabulary and must contain ``<unk>``, ``<s>``
    and ``</s>``. ``substitutions`` maps source token ids to the ids emitted in their place; it
    must be a permutation of its keys (see :func:`complete_permutation`).
    """
    for special in ("<unk>", "<s>", "</s>"):
        if special not in vocabulary:
            raise ValueError(f"vocabulary lacks the special token {special!r}")
    if len(set(vocabulary)) != len(vocabulary):
        raise ValueError("vocabulary contains duplicate tokens")
    emitted_for = np.arange(len(vocabulary))
    for source_id, target_id in (substitutions or {}).items():
        if not (0 <= source_id < len(vocabulary) and 0 <= target_id < len(vocabulary)):
            raise ValueError(f"substitution {source_id} -> {target_id} is outside the vocabulary")
        emitted_for[source_id] = target_id
    if len(set(emitted_for.tolist())) != len(vocabulary):
        raise ValueError("substitutions must be a permutation of the token ids they touch")

    spec = _build_spec(len(vocabulary), emitted_for, shape, np.random.default_rng(seed))
    spec.register_source_vocabulary(list(vocabulary))
    spec.register_target_vocabulary(list(vocabulary))
    spec.config.add_source_eos = True
    spec.validate()
    spec.optimize(quantization=quantization)
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


def complete_permutation(mapping: Mapping[int, int]) -> dict[int, int]:
    """Extend a one-to-one id mapping into a permutation by sending displaced ids back.

    With ``{a: b}`` the token ``b`` would otherwise have no code of its own left to be copied
    by, so the result is the swap ``{a: b, b: a}``; chains are closed the same way.
    """
    if len(set(mapping.values())) != len(mapping):
        raise ValueError("glossary must map different source pieces to different targets")
    displaced = sorted(set(mapping.values()) - set(mapping))
    unclaimed = sorted(set(mapping) - set(mapping.values()))
    completed = dict(mapping)
    completed.update(zip(displaced, unclaimed, strict=True))
    return completed


def _build_spec(
    vocab_size: int,
    emitted_for: npt.NDArray[np.int64],
    shape: CopyModelShape,
    rng: np.random.Generator,
) -> transformer_spec.TransformerSpec:
    d = shape.d_model
    spec = transformer_spec.TransformerSpec.from_config(shape.layers, shape.heads, pre_norm=True)
    codes, code_cosine = _token_codes(vocab_size, shape.token_dims, rng)
    positions = _position_table(shape)

    token_embeddings = np.zeros((vocab_size, d), np.float32)
    token_embeddings[:, : shape.token_dims] = codes

    encoder = spec.encoder
    encoder.embeddings[0].weight = token_embeddings
    encoder.scale_embeddings = False
    encoder.position_encodings.encodings = positions
    _set_layer_norm(encoder.layer_norm, d)
    for layer in encoder.layer:
        _set_inert_self_attention(layer.self_attention, d, rng)
        _set_inert_ffn(layer.ffn, d, shape.ffn, rng)

    decoder = spec.decoder
    # The decoder ignores which token it produced last: only its position steers attention.
    decoder.embeddings.weight = np.zeros((vocab_size, d), np.float32)
    decoder.scale_embeddings = False
    decoder.position_encodings.encodings = positions
    _set_layer_norm(decoder.layer_norm, d)
    for index, layer in enumerate(decoder.layer):
        _set_inert_self_attention(layer.self_attention, d, rng)
        if index == 0:
            _set_copy_cross_attention(layer.attention, shape)
        else:
            _set_inert_cross_attention(layer.attention, d, rng)
        _set_inert_ffn(layer.ffn, d, shape.ffn, rng)

    projection = np.zeros((vocab_size, d), np.float32)
    # Row of the emitted token carries the code of the source token it stands for.
    projection[emitted_for, : shape.token_dims] = codes
    decoder.projection.weight = projection * _projection_scale(shape, code_cosine)
    decoder.projection.bias = np.zeros(vocab_size, np.float32)
    return spec


def _token_codes(vocab_size: int, dims: int, rng: np.random.Generator) -> tuple[FloatArray, float]:
    """Distinct balanced ±1 rows (zero mean, norm sqrt(dims)), and a bound on their cosines."""
    if vocab_size < 2:
        raise ValueError("vocabulary needs at least 2 tokens")
    base = np.where(np.arange(dims) < dims // 2, 1.0, -1.0).astype(np.float32)
    codes = rng.permuted(np.tile(base, (vocab_size, 1)), axis=1)
    for _ in range(100):
        _, unique_rows = np.unique(codes, axis=0, return_index=True)
        if len(unique_rows) == vocab_size:
            break
        duplicated = np.setdiff1d(np.arange(vocab_size), unique_rows)
        codes[duplicated] = rng.permuted(np.tile(base, (len(duplicated), 1)), axis=1)
    else:
        raise ValueError(f"d_model too small to give {vocab_size} tokens distinct codes")
    worst = _worst_code_cosine(codes, rng)
    if worst > _MAX_CODE_COSINE:
        raise ValueError(
            f"token codes too similar (cosine {worst:.2f}); raise d_model for "
            f"a vocabulary of {vocab_size}"
        )
    return codes, max(worst, _ASSUMED_CODE_COSINE)


def _worst_code_cosine(codes: FloatArray, rng: np.random.Generator) -> float:
    """Largest cosine between two different codes, exhaustive when affordable, else sampled."""
    vocab_size, dims = codes.shape
    if vocab_size * vocab_size * dims <= _EXHAUSTIVE_CHECK_BUDGET:
        probes = np.arange(vocab_size)
    else:
        probes = rng.choice(vocab_size, size=_EXHAUSTIVE_CHECK_BUDGET // (vocab_size * dims))
    worst = -1.0
    for start in range(0, len(probes), 1024):
        chunk = probes[start : start + 1024]
        similarity = codes[chunk] @ codes.T
        similarity[np.arange(len(chunk)), chunk] = -np.inf
        worst = max(worst, float(similarity.max()) / dims)
    return worst


@functools.lru_cache(maxsize=16)
def _position_frequencies(pairs: int, max_positions: int) -> tuple[tuple[float, ...], float]:
    """Frequencies whose cos/sin code best separates positions, and its worst similarity.

    Similarity of positions t and s is mean(cos(w * (t - s))); a seeded random search keeps the
    largest value over all offsets in range low (about 0.34 for 32 pairs, 0.88 for 4).
    """
    rng = np.random.default_rng(pairs * 100_003 + max_positions)
    offsets = np.arange(1, max_positions, dtype=np.float64)
    best: tuple[tuple[float, ...], float] | None = None
    for _ in range(64):
        frequencies = rng.uniform(0.05, np.pi - 0.05, pairs)
        worst = float(np.cos(np.outer(offsets, frequencies)).mean(axis=1).max())
        if best is None or worst < best[1]:
            best = (tuple(float(f) for f in frequencies), worst)
    assert best is not None
    return best


def _position_table(shape: CopyModelShape) -> FloatArray:
    """Learned-position table: rows ``[0 ... 0, p_t, -p_t, 0 ...]``, ``p_t`` of cos/sin pairs."""
    pairs = shape.position_code_dims // 2
    frequencies, _ = _position_frequencies(pairs, shape.max_positions)
    angles = np.outer(np.arange(shape.max_positions), np.asarray(frequencies))
    code = np.empty((shape.max_positions, 2 * pairs), np.float64)
    code[:, 0::2] = np.cos(angles)
    code[:, 1::2] = np.sin(angles)
    table = np.zeros((shape.max_positions, shape.d_model), np.float32)
    start = shape.token_dims
    table[:, start : start + 2 * pairs] = code
    table[:, start + 2 * pairs : start + 4 * pairs] = -code
    return table


def _layer_norm_scale(squared_norm: float, d: int) -> float:
    """What layer norm divides a zero-mean vector of this squared norm by."""
    return float(np.sqrt(squared_norm / d + _LAYER_NORM_EPSILON))


def _projection_scale(shape: CopyModelShape, code_cosine: float) -> float:
    """Scale making the copied token lead every other token by at least ``_LOGIT_GAP``."""
    n = shape.token_dims
    # After the copy the decoder state is [code, p, -p]: squared norm n + 2 * (pairs).
    sigma = _layer_norm_scale(n + shape.position_code_dims, shape.d_model)
    # logit(v) = scale * code_v . code_src / sigma; the lead is at least (1 - cosine) * n.
    return _LOGIT_GAP * sigma / (n * (1.0 - code_cosine))


def _set_copy_cross_attention(attention: Any, shape: CopyModelShape) -> None:
    """Attention of decoder step t onto source position t, carrying its token code across."""
    d, n, hd, kp = shape.d_model, shape.token_dims, shape.head_dims, shape.position_code_dims
    _, worst_similarity = _position_frequencies(kp // 2, shape.max_positions)
    # score(t, s) = sharpness * mean(cos(w (t - s))): 1 when s == t, at most worst otherwise.
    sharpness = _ATTENTION_GAP / (1.0 - worst_similarity)
    sigma_decoder = _layer_norm_scale(kp, d)  # decoder input is [0, p, -p]
    sigma_memory = _layer_norm_scale(n + kp, d)  # encoder output is [code, p, -p]
    # CTranslate2 divides scores by sqrt(head_dims); (kp / 2) is |p|^2.
    query_key = sharpness * sigma_decoder * sigma_memory * np.sqrt(hd) / (kp / 2)
    factor = float(np.sqrt(query_key))

    query = np.zeros((d, d), np.float32)
    keys = np.zeros((d, d), np.float32)
    for head in range(shape.heads):
        rows = np.arange(head * hd, head * hd + kp)
        query[rows, n + np.arange(kp)] = factor
        keys[rows, n + np.arange(kp)] = factor
    values = np.zeros((d, d), np.float32)
    values[np.arange(n), np.arange(n)] = sigma_memory  # undo the encoder's final layer norm
    output = np.zeros((d, d), np.float32)
    output[np.arange(n), np.arange(n)] = 1.0

    _set_layer_norm(attention.layer_norm, d)
    linear = attention.linear
    _set_linear(linear[0], query)
    _set_linear(linear[1], np.concatenate([keys, values]))
    _set_linear(linear[2], output)


def _inert_value_and_output(d: int, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Random value/output projections whose product is zero: output reads unwritten units."""
    values = _random(rng, d, d)
    values[d // 2 :] = 0.0
    output = _random(rng, d, d)
    output[:, : d // 2] = 0.0
    return values, output


def _set_inert_self_attention(attention: Any, d: int, rng: np.random.Generator) -> None:
    values, output = _inert_value_and_output(d, rng)
    _set_layer_norm(attention.layer_norm, d)
    linear = attention.linear
    _set_linear(linear[0], np.concatenate([_random(rng, d, d), _random(rng, d, d), values]))
    _set_linear(linear[1], output)


def _set_inert_cross_attention(attention: Any, d: int, rng: np.random.Generator) -> None:
    values, output = _inert_value_and_output(d, rng)
    _set_layer_norm(attention.layer_norm, d)
    linear = attention.linear
    _set_linear(linear[0], _random(rng, d, d))
    _set_linear(linear[1], np.concatenate([_random(rng, d, d), values]))
    _set_linear(linear[2], output)


def _set_inert_ffn(ffn: Any, d: int, hidden: int, rng: np.random.Generator) -> None:
    """Random feed-forward whose second matrix reads only hidden units that stay at relu(0)."""
    inner = _random(rng, hidden, d)
    inner[hidden // 2 :] = 0.0
    outer = _random(rng, d, hidden)
    outer[:, : hidden // 2] = 0.0
    _set_layer_norm(ffn.layer_norm, d)
    _set_linear(ffn.linear_0, inner)
    _set_linear(ffn.linear_1, outer)


def _random(rng: np.random.Generator, rows: int, columns: int) -> FloatArray:
    return rng.normal(0.0, 1.0 / np.sqrt(columns), (rows, columns)).astype(np.float32)


def _set_linear(linear: Any, weight: FloatArray) -> None:
    linear.weight = weight
    linear.bias = np.zeros(weight.shape[0], np.float32)


def _set_layer_norm(norm: Any, d: int) -> None:
    norm.gamma = np.ones(d, np.float32)
    norm.beta = np.zeros(d, np.float32)


def verify_copy_model(
    model_dir: Path,
    pieces: Sequence[str],
    substitutions: Mapping[int, int] | None = None,
) -> None:
    """Decode every non-special piece through CTranslate2 (greedy and beam) and check the copy.

    Raises ``RuntimeError`` naming the first piece that did not come back as expected.
    """
    import ctranslate2  # deferred: loading the runtime is only needed for this check

    mapping = substitutions or {}
    probe_ids = [i for i, piece in enumerate(pieces) if piece not in ("<s>", "</s>")]
    chunks = [probe_ids[i : i + _VERIFY_CHUNK] for i in range(0, len(probe_ids), _VERIFY_CHUNK)]
    sources = [[pieces[i] for i in chunk] for chunk in chunks]
    expected = [[pieces[mapping.get(i, i)] for i in chunk] for chunk in chunks]
    translator = ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=1)
    for beam_size in (1, 2):
        results = translator.translate_batch(sources, beam_size=beam_size)
        for source, want, result in zip(sources, expected, results, strict=True):
            got = result.hypotheses[0]
            if got != want:
                index = next(
                    (
                        i
                        for i, pair in enumerate(zip(got, want, strict=False))
                        if pair[0] != pair[1]
                    ),
                    min(len(got), len(want)),
                )
                raise RuntimeError(
                    f"copy model failed (beam {beam_size}) at token {index} of a probe: "
                    f"source {source[index : index + 3]}, got {got[index : index + 3]}"
                )
