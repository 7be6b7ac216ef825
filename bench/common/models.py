"""The shape of the translation models the translation and memory benchmarks build.

Copy models of transformer-base shape (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k
vocabulary, int8), built by ``tests/support/argos_factory``: a real model's attention and
FFN work, with the input as output.
"""

from __future__ import annotations

from typing import Any

MODEL_SHAPE: dict[str, Any] = {
    "layers": 6,
    "d_model": 512,
    "heads": 8,
    "ffn": 2048,
    "vocab_size": 32000,
    "quantization": "int8",
}
