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
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .features import SIGNALS, normalised, normalised_ngrams, tfidf_dot

MODEL_DIR = Path(__file__).resolve().parent / "model"
_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}
_T = TypeVar("_T")


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
        return self.text(normalised(sentence)), self.signal(on)

    def text(self, normalised_sentence: str) -> float:
        """Return the text logit of a sentence already passed through `normalised`."""
        return tfidf_dot(normalised_ngrams(normalised_sentence), self.table)

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


def _once(key: str, build: Callable[[], _T]) -> _T:
    """Return what `build` made for `key`, building it on first use (thread-safe, once per
    process): each shipped file is read once however many threads score at the start."""
    model = _CACHE.get(key)
    if model is None:
        with _LOCK:
            model = _CACHE.get(key)
            if model is None:
                model = _CACHE[key] = build()
    return model


def linear() -> Linear:
    """Return the linear model, loading it on first use."""
    return _once("linear", _load_linear)


def _load_linear() -> Linear:
    with gzip.open(_read("linear.json.gz"), "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    unknown = set(raw["signals"]) - set(SIGNALS)
    if unknown:
        raise ModelMissingError(f"model expects unknown signals {sorted(unknown)}")
    return Linear(
        table={k: (v[0], v[1]) for k, v in raw["table"].items()},
        signals={name: raw["signals"].get(name, 0.0) for name in SIGNALS},
        signal_scale=raw["signal_scale"],
        bias=raw["bias"],
        threshold=raw["threshold"],
    )


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
    return _once("blend", _load_blend)


def _load_blend() -> Blend:
    raw = json.loads(_read("config.json").read_text(encoding="utf-8"))
    model = Blend(weights=raw["weights"], bias=raw["bias"], threshold=raw["threshold"])
    unknown = set(model.weights) - {"linear", "minilm", "signals"}
    if unknown:
        raise ModelMissingError(f"config.json names unknown components {sorted(unknown)}")
    return model


def blend_without_minilm() -> Blend:
    """Return the blend with the linear model in MiniLM's place, for text past the budget.

    It is `training/blend.py`'s linear weight 1.0: the linear model's logit is already on
    the class-balanced scale, so MiniLM's prior shift (the blend's bias) goes with MiniLM.
    On CheckThat! 2024 `dev` it has AP 0.950 and F1 0.852 at 0.5, against 0.979 and 0.906
    for the shipped blend (the explicit signals alone: 0.784 and 0.556).
    """
    shipped = blend()
    weights = {"linear": 1.0, "signals": shipped.weights.get("signals", 0.0)}
    return Blend(weights=weights, bias=0.0, threshold=shipped.threshold)


# Tokenising a whole 1 MB "sentence" only to keep its first 64 tokens took 1.4 s. A long
# sentence is cut first, just after a space or a punctuation mark: the tokenizer
# splits words there anyway and normalises one character at a time, so the tokens before
# the cut are the whole sentence's. When the cut text still overflows the model's length,
# the tokens kept are exactly the whole sentence's; when not, the whole sentence is used.
_CUT_AT = 2048  # characters; 64 tokens of news take about 300
_LAST_BREAK = re.compile(r".*[ \t\n\r!-/:-@\[-`{-~“”‘’•…—–]", re.S)


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

    def run(self, sentences: list[str]) -> list[tuple[float, Any]]:
        """Return (logit, pooled vector) per sentence, one run each: the opinion head reads
        the same pooled vector the logit comes from, so it costs no second model."""
        return [self._run_one(self._encode(s)) for s in sentences]

    def logits(self, sentences: list[str], batch: int = 1) -> list[float]:
        # One sentence per run by default: int8 activations are quantised per run, so a
        # batch would make a sentence's score depend on its neighbours. Batching gains
        # under 10% on one core here, not worth scores that change with context
        # (measured again 2026-12: batches of 4-32 ran at 0.93-1.09x and moved logits by
        # up to 0.8).
        if batch == 1:
            return [self._run([self._encode(s)])[0] for s in sentences]
        # Sort by length so each batch pads little; put results back in order.
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        out = [0.0] * len(sentences)
        for i in range(0, len(order), batch):
            idx = order[i : i + batch]
            enc = self._tok.encode_batch([sentences[j] for j in idx])
            for j, value in zip(idx, self._run(enc), strict=True):
                out[j] = value
        return out

    def run_within(
        self, sentences: list[str], *, runs: int, tokens: int
    ) -> list[tuple[float, Any]]:
        """Run `sentences` in order, one run each, while within `runs` runs and `tokens` tokens.

        Return (logit, pooled) for the prefix that fits, the same values `run` gives them.
        """
        out: list[tuple[float, Any]] = []
        used = 0
        for sentence in sentences[:runs]:
            enc = self._encode(sentence)
            used += len(enc.ids)
            if used > tokens:
                break
            out.append(self._run_one(enc))
        return out

    def _encode(self, sentence: str) -> Any:
        # encode() for one sentence: encode_batch() hands even one item to a thread
        # pool, which costs more than the tokenising on a single core.
        if len(sentence) > _CUT_AT:
            cut = _LAST_BREAK.match(sentence, 0, _CUT_AT)
            if cut is not None:
                enc = self._tok.encode(sentence[: cut.end()])
                if enc.overflowing:
                    return enc
        return self._tok.encode(sentence)

    def _run(self, enc: list[Any]) -> list[float]:
        np = self._np
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        (logit,) = self._session.run(["logit"], {"input_ids": ids, "attention_mask": mask})
        return [float(value) for value in logit.tolist()]

    def _run_one(self, enc: Any) -> tuple[float, Any]:
        np = self._np
        ids = np.array([enc.ids], dtype=np.int64)
        mask = np.array([enc.attention_mask], dtype=np.int64)
        logit, pooled = self._session.run(
            ["logit", "pooled"], {"input_ids": ids, "attention_mask": mask}
        )
        return float(logit[0]), pooled[0]


def minilm() -> MiniLM:
    """Return the neural component, loading it on first use."""
    return _once("minilm", MiniLM)


@dataclass(frozen=True, slots=True)
class OpinionHead:
    """Logistic regression over the pooled vector and the explicit signals (opinion.json)."""

    pooled: Any  # numpy vector, one weight per pooled dimension
    signals: dict[str, float]
    bias: float
    fallback_signals: dict[str, float]
    fallback_bias: float

    def probability(self, pooled: Any | None, on: frozenset[str]) -> float:
        """0..1: how likely the sentence is the writer's own opinion. Without a pooled
        vector (past the article's model budget) the signals-only fallback answers."""
        if pooled is None:
            z = self.fallback_bias + sum(self.fallback_signals.get(n, 0.0) for n in on)
        else:
            z = self.bias + float(pooled @ self.pooled)
            z += sum(self.signals.get(n, 0.0) for n in on)
        return 1.0 / (1.0 + math.exp(-z)) if z >= -700 else 0.0


def opinion_head() -> OpinionHead:
    """Return the fact-vs-opinion head written by `training/train_opinion.py`, loaded once."""
    return _once("opinion", _load_opinion_head)


def _load_opinion_head() -> OpinionHead:
    import numpy as np

    raw = json.loads(_read("opinion.json").read_text(encoding="utf-8"))
    unknown = (set(raw["signals"]) | set(raw["fallback"]["signals"])) - set(SIGNALS)
    if unknown:
        raise ModelMissingError(f"opinion.json expects unknown signals {sorted(unknown)}")
    return OpinionHead(
        pooled=np.array(raw["pooled"], dtype=np.float32),
        signals=raw["signals"],
        bias=raw["bias"],
        fallback_signals=raw["fallback"]["signals"],
        fallback_bias=raw["fallback"]["bias"],
    )
