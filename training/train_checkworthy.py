"""Train the shipped check-worthiness model from CheckThat! 2024 (ClaimBuster) train/dev.

    .venv/bin/pip install -r training/requirements.txt
    .venv/bin/python training/train_checkworthy.py

Fits sublinear TF-IDF (word 1-2-grams + in-word char 2-5-grams) plus the
explicit signals of `claims.extraction.features` with logistic regression on
`train`, picks C and the decision threshold on `dev`, and writes plain weights
to claims/extraction/model/linear.json.gz (no scikit-learn at run time).
The `test` split is never read here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims.extraction.features import SIGNALS, detect, ngrams  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks" / "checkthat2024-en.jsonl"
OUT = ROOT / "claims" / "extraction" / "model" / "linear.json.gz"
# Signal features are 0/1 columns beside the L2-normalised TF-IDF row; this
# scale lets a modest C give them weights of a useful size.
SIGNAL_SCALE = 0.5


def load(path: Path, split: str) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == split]
    return [r["text"] for r in rows], np.array([r["label"] for r in rows])


def signal_matrix(texts: list[str]) -> csr_matrix:
    index = {name: i for i, name in enumerate(SIGNALS)}
    rows, cols = [], []
    for r, t in enumerate(texts):
        for name in detect(t).on:
            rows.append(r)
            cols.append(index[name])
    data = np.full(len(rows), SIGNAL_SCALE)
    return csr_matrix((data, (rows, cols)), shape=(len(texts), len(SIGNALS)))


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    best = (0.5, 0.0)
    for t in np.arange(0.2, 0.81, 0.01):
        f = f1_score(y, p >= t)
        if f > best[1]:
            best = (float(t), float(f))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--min-df", type=int, default=3)
    args = parser.parse_args()

    t0 = time.time()
    x_train, y_train = load(args.data, "train")
    x_dev, y_dev = load(args.data, "dev")
    vec = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True, min_df=args.min_df, dtype=np.float64)
    tr = hstack([vec.fit_transform(x_train), signal_matrix(x_train)]).tocsr()
    dv = hstack([vec.transform(x_dev), signal_matrix(x_dev)]).tocsr()
    print(f"{len(x_train)} train, {len(x_dev)} dev, {tr.shape[1]} features", flush=True)

    best = None
    for c in (1.0, 2.0, 4.0, 8.0, 16.0):
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        model.fit(tr, y_train)
        p = model.predict_proba(dv)[:, 1]
        t, f = best_threshold(y_dev, p)
        print(f"C={c}: dev F1 {f:.4f} at threshold {t:.2f}", flush=True)
        if best is None or f > best[0]:
            best = (f, c, t, model)
    assert best is not None
    f, c, t, model = best
    print(f"chose C={c}, threshold {t:.2f}, dev F1 {f:.4f}")

    coef = model.coef_[0]
    n_text = len(vec.vocabulary_)
    table = {
        term: [round(float(vec.idf_[i]), 5), round(float(coef[i]), 5)]
        for term, i in vec.vocabulary_.items()
    }
    signals = {name: float(coef[n_text + i]) for i, name in enumerate(SIGNALS)}
    payload: dict[str, Any] = {
        "kind": "tfidf-logreg",
        "trained_on": "CheckThat! 2024 Task 1 English train (ClaimBuster, CC BY 4.0)",
        "C": c,
        "dev_f1": round(f, 4),
        "threshold": round(t, 4),
        "bias": float(model.intercept_[0]),
        "signal_scale": SIGNAL_SCALE,
        "signals": signals,
        "table": table,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and sorted keys: the same weights always give the same bytes.
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with args.out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(blob)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f} s")
    for name, w in sorted(signals.items(), key=lambda kv: kv[1]):
        print(f"  signal {name:16s} {w:+.3f}")


if __name__ == "__main__":
    main()
