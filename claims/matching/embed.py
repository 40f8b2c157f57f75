"""Sentence embeddings: all-MiniLM-L6-v2 as int8 ONNX, and the compact storage format.

The model file and its metadata live in `model/` beside this file (`training/export_embedder.py`
writes them); the tokenizer is the check-worthiness model's, byte-identical to the one
all-MiniLM-L6-v2 ships, so it is not copied. Nothing is downloaded: a missing file is a
packaging error and says which file.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# MATCH_MODEL_DIR points at another export (bench/matching.py compares the zero-shot model).
MODEL_DIR = Path(os.environ.get("MATCH_MODEL_DIR") or Path(__file__).resolve().parent / "model")
TOKENIZER = Path(__file__).resolve().parents[1] / "extraction" / "model" / "tokenizer.json"
MODEL_FILE = "embedder.int8.onnx.gz"


class ModelMissingError(RuntimeError):
    """A shipped model file is not where the package expects it."""


def _path(path: Path) -> Path:
    if not path.is_file():
        raise ModelMissingError(
            f"claim-matching model file missing: {path}. It ships with the package; "
            "rebuild it with `python training/export_embedder.py`."
        )
    return path


_META: dict[str, Any] = json.loads(_path(MODEL_DIR / "embedder.json").read_text(encoding="utf-8"))
DIM: int = int(_META["dim"])
# Written by the export from the model file's hash, so a rebuilt file is a new version.
EMBEDDER_VERSION: str = str(_META["version"])
MAX_LEN: int = int(_META["max_len"])

# Tokenising a 1 MB text only to keep its first 128 tokens is wasted work: 128 tokens of prose
# take well under 4,096 characters, so the text is cut after the last space before that.
_CUT_AT = 4096
_LAST_SPACE = re.compile(r".*\s", re.S)

_LOCK = threading.Lock()
_MODEL: _Embedder | None = None


class _Embedder:
    def __init__(self) -> None:
        # Imported here: only processes that embed text pay for onnxruntime.
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(_path(TOKENIZER)))
        self._tok.enable_truncation(max_length=MAX_LEN)
        # The shared tokenizer file pads every input to 128 tokens; one text per run needs none.
        self._tok.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("MATCH_THREADS", "1"))
        options.inter_op_num_threads = 1
        # Shipped gzipped to fit the install budget (23.0 MB -> 17.9 MB); 0.1 s to inflate.
        model = gzip.decompress(_path(MODEL_DIR / MODEL_FILE).read_bytes())
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def vector(self, text: str) -> np.ndarray:
        if len(text) > _CUT_AT:
            cut = _LAST_SPACE.match(text, 0, _CUT_AT)
            text = text[: cut.end()] if cut else text[:_CUT_AT]
        enc = self._tok.encode(text)
        feed = {
            "input_ids": np.array([enc.ids], dtype=np.int64),
            "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
        }
        (out,) = self._session.run(["embedding"], feed)
        return np.asarray(out[0], dtype=np.float32)


def _model() -> _Embedder:
    global _MODEL
    if _MODEL is None:
        with _LOCK:
            if _MODEL is None:
                _MODEL = _Embedder()
    return _MODEL


def embed(texts: Sequence[str]) -> np.ndarray:
    """Return one L2-normalised float32 row of width DIM per text, in order.

    Texts run through the model one at a time. The int8 graph quantises its activations with
    one scale per run, so a text batched with others would get a vector that depends on its
    neighbours (cosine to itself alone down to 0.98): a claim's stored vector must not. On one
    core batching is no faster anyway (8.8 ms a claim alone, 9.5 ms in batches of 8, measured
    2026-12-01 on 512 CLEF verified claims).
    """
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts, not one string")
    model = _model()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i] = model.vector(text)
    # The graph normalises already; this keeps rows unit-length in float32 exactly.
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


# Storage: DIM int8 components and one float32 scale, 388 bytes for 384 dimensions (float32
# would take 1,536). The scale is 1 / the int8 vector's length, so a decoded vector has unit
# length and a dot product with it is a cosine. Rounding moves a cosine by about 0.0005.
_SCALE = np.dtype("<f4")


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (int8 rows, float32 scale per row) for float rows of any length."""
    v = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    peak = np.abs(v).max(axis=1, keepdims=True)
    q = np.rint(v * (127.0 / np.where(peak > 0, peak, 1.0))).astype(np.int8)
    length = np.linalg.norm(q.astype(np.float32), axis=1)
    scale = np.where(length > 0, 1.0 / np.where(length > 0, length, 1.0), 0.0)
    return q, scale.astype(np.float32)


def vector_to_bytes(v: np.ndarray) -> bytes:
    """Encode one vector (DIM,) in DIM + 4 bytes: a float32 scale, then int8 components."""
    v = np.asarray(v, dtype=np.float32)
    if v.shape != (DIM,):
        raise ValueError(f"expected a vector of shape ({DIM},), got {v.shape}")
    q, scale = quantise(v)
    return scale.astype(_SCALE).tobytes() + q.tobytes()


def vector_from_bytes(b: bytes) -> np.ndarray:
    """Decode `vector_to_bytes` output to a float32 (DIM,) unit vector (or zeros)."""
    if len(b) != DIM + _SCALE.itemsize:
        raise ValueError(
            f"stored vector has {len(b)} bytes, expected {DIM + _SCALE.itemsize}: "
            "was it written by another embedder version?"
        )
    scale = np.frombuffer(b, dtype=_SCALE, count=1)[0]
    q = np.frombuffer(b, dtype=np.int8, offset=_SCALE.itemsize)
    return q.astype(np.float32) * np.float32(scale)
