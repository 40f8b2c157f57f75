"""The trained check-worthiness model: load the shipped weights once, score text.

The weights live in `model/` beside this file and are produced by
`training/train_checkworthy.py` (and `training/finetune_minilm.py` for the
optional neural component) from ClaimBuster data (CC BY 4.0). Nothing is
downloaded: a missing file is a packaging error and says which file.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .features import SIGNALS, ngrams, tfidf_dot

MODEL_DIR = Path(__file__).resolve().parent / "model"
_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


class ModelMissingError(RuntimeError):
    """A shipped model file is not where the package expects it."""


@dataclass(frozen=True, slots=True)
class Linear:
    """TF-IDF n-gram weights plus one weight per explicit signal."""

    table: dict[str, tuple[float, float]]
    signals: dict[str, float]
    signal_scale: float
    bias: float
    threshold: float

    def parts(self, sentence: str, on: frozenset[str]) -> tuple[float, float]:
        """Return (text logit, signal logit) for a sentence whose signals are `on`."""
        return tfidf_dot(ngrams(sentence), self.table), self.signal(on)

    def signal(self, on: frozenset[str]) -> float:
        """Return the signal logit alone (cheap: no n-grams)."""
        return sum(self.signals[name] for name in on) * self.signal_scale


def _read(name: str) -> Path:
    path = MODEL_DIR / name
    if not path.is_file():
        raise ModelMissingError(
            f"check-worthiness model file missing: {path}. It ships with the package; "
            "rebuild it with `python training/train_checkworthy.py`."
        )
    return path


def linear() -> Linear:
    """Return the linear model, loading it on first use (thread-safe, once per process)."""
    model = _CACHE.get("linear")
    if model is None:
        with _LOCK:
            model = _CACHE.get("linear")
            if model is None:
                with gzip.open(_read("linear.json.gz"), "rt", encoding="utf-8") as fh:
                    raw = json.load(fh)
                unknown = set(raw["signals"]) - set(SIGNALS)
                if unknown:
                    raise ModelMissingError(f"model expects unknown signals {sorted(unknown)}")
                model = Linear(
                    table={k: (v[0], v[1]) for k, v in raw["table"].items()},
                    signals={name: raw["signals"].get(name, 0.0) for name in SIGNALS},
                    signal_scale=raw["signal_scale"],
                    bias=raw["bias"],
                    threshold=raw["threshold"],
                )
                _CACHE["linear"] = model
    return model


def logit_to_score(logit: float, threshold: float) -> float:
    """Map a logit to 0..1 so that the tuned decision threshold lands on 0.5."""
    shift = math.log(threshold / (1.0 - threshold))
    z = logit - shift
    return 1.0 / (1.0 + math.exp(-z)) if z >= -700 else 0.0


@dataclass(frozen=True, slots=True)
class Blend:
    """How the shipped components combine: logit = bias + sum(weight * component logit)."""

    weights: dict[str, float]
    bias: float
    threshold: float


def blend() -> Blend:
    """Return the combination written by training (config.json), loaded once."""
    model = _CACHE.get("blend")
    if model is None:
        with _LOCK:
            raw = json.loads(_read("config.json").read_text(encoding="utf-8"))
            model = Blend(weights=raw["weights"], bias=raw["bias"], threshold=raw["threshold"])
            unknown = set(model.weights) - {"linear", "minilm", "signals"}
            if unknown:
                raise ModelMissingError(f"config.json names unknown components {sorted(unknown)}")
            _CACHE["blend"] = model
    return model


class MiniLM:
    """Fine-tuned all-MiniLM-L6-v2 (int8 ONNX) returning one logit per sentence."""

    def __init__(self) -> None:
        # Imported here: only processes that score text pay for onnxruntime.
        import numpy as np
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads(_read("minilm.json").read_text(encoding="utf-8"))
        self._np = np
        self._tok = Tokenizer.from_file(str(_read("tokenizer.json")))
        self._tok.enable_truncation(max_length=meta["max_len"])
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token
        options = ort.SessionOptions()
        threads = int(os.environ.get("FACTCHECK_MODEL_THREADS", "1"))
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(_read("minilm.int8.onnx")), options, providers=["CPUExecutionProvider"]
        )

    def logits(self, sentences: list[str], batch: int = 1) -> list[float]:
        # One sentence per run by default: int8 activations are quantised per run, so a
        # batch would make a sentence's score depend on its neighbours. Batching gains
        # under 10% on one core here, not worth scores that change with context.
        np = self._np
        # Sort by length so each batch pads little; put results back in order.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        out = [0.0] * len(sentences)
        for i in range(0, len(order), batch):
            idx = order[i : i + batch]
            # encode() for one sentence: encode_batch() hands even one item to a thread
            # pool, which costs more than the tokenising on a single core.
            texts = [sentences[j] for j in idx]
            enc = [self._tok.encode(texts[0])] if batch == 1 else self._tok.encode_batch(texts)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            (logit,) = self._session.run(["logit"], {"input_ids": ids, "attention_mask": mask})
            for j, value in zip(idx, logit.tolist(), strict=True):
                out[j] = float(value)
        return out


def minilm() -> MiniLM:
    """Return the neural component, loading it on first use."""
    model = _CACHE.get("minilm")
    if model is None:
        with _LOCK:
            model = _CACHE.get("minilm")
            if model is None:
                model = MiniLM()
                _CACHE["minilm"] = model
    return model
