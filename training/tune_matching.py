"""Fit the claim-matching weights on CLEF 2020 CheckThat! Task 2 `train`, check them on `dev`.

    .venv/bin/python training/tune_matching.py [--threads 2]

Prints, for the shipped embedder (`claims/matching/model/`):
1. MAP@5 of each candidate source alone and of the fused sum over a grid of weights
   (`search.W_TITLE`, `search.W_BM25`), chosen on `train`;
2. the logistic weights of `pair_score` (`rerank._W_*`), fitted on `train` pairs: each query
   with its relevant verified claim and the wrong claims fusion ranks in its top 30;
3. MAP@5 of the final blend over a grid of `search.W_PAIR`, chosen on `train`;
4. the dev pairs' precision and recall at candidate thresholds (`SUGGEST_THRESHOLD`,
   `CONFIRM_THRESHOLD`).
The constants are copied into the modules by hand. `test` is never read here: the queries are
filtered to `train` and `dev` before anything else.
Vectors are cached in training/work/ under the embedder's version.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT.parent / "shared" / "benchmarks"
WORK = ROOT / "training" / "work"


def average_precision_at(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    """CLEF 2020's AP@k: precision at each relevant hit in the top k, over all relevant."""
    hits = 0
    total = 0.0
    for rank, cid in enumerate(ranked[:k], start=1):
        if cid in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    return next((1.0 / r for r, cid in enumerate(ranked, start=1) if cid in relevant), 0.0)


def load() -> tuple[list[dict], list[dict]]:
    corpus = [json.loads(line) for line in (BENCH / "clef2020-t2-vclaims.jsonl").open()]
    queries = [json.loads(line) for line in (BENCH / "clef2020-t2-queries.jsonl").open()]
    return corpus, [q for q in queries if q["split"] in ("train", "dev")]


def vectors(corpus: list[dict], queries: list[dict]) -> dict[str, np.ndarray]:
    from claims.matching import EMBEDDER_VERSION, embed
    from claims.matching.search import clean

    path = WORK / f"clef-vectors-{EMBEDDER_VERSION}.npz"
    if path.exists():
        return dict(np.load(path))
    texts = [clean(c["text"]) for c in corpus]
    out = {
        "query": embed([clean(q["query"]) for q in queries]),
        "text": embed(texts),
        "title": embed(
            [clean(c.get("title") or "") or t for c, t in zip(corpus, texts, strict=True)]
        ),
    }
    WORK.mkdir(parents=True, exist_ok=True)
    np.savez(path, query=out["query"], text=out["text"], title=out["title"])
    return out


def precision_recall(scores: np.ndarray, labels: np.ndarray, cut: float) -> tuple[float, float]:
    chosen = scores >= cut
    hits = float((chosen & labels).sum())
    return hits / max(float(chosen.sum()), 1.0), hits / max(float(labels.sum()), 1.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.environ["MATCH_THREADS"] = str(args.threads)

    from sklearn.linear_model import LogisticRegression

    from claims.matching import rerank
    from claims.matching.search import BM25, CharTfidf, clean, duplicate_key, terms

    corpus, queries = load()
    vec = vectors(corpus, queries)
    ids = [c["id"] for c in corpus]
    texts = [clean(c["text"]) for c in corpus]
    titles = [clean(c.get("title") or "") or t for c, t in zip(corpus, texts, strict=True)]
    both = [f"{h} {t}" if h != t else t for h, t in zip(titles, texts, strict=True)]
    first: dict[str, int] = {}
    group = np.array([first.setdefault(duplicate_key(t), i) for i, t in enumerate(texts)])
    splits = {s: [i for i, q in enumerate(queries) if q["split"] == s] for s in ("train", "dev")}
    relevant = [set(q["relevant_ids"]) for q in queries]
    qtexts = [clean(q["query"]) for q in queries]

    def by_best(m: np.ndarray) -> np.ndarray:
        return m / np.maximum(m.max(axis=1, keepdims=True), 1e-9)

    bm25, chars = BM25([terms(t) for t in both]), CharTfidf(both)
    parts = {
        "text": vec["query"] @ vec["text"].T,
        "title": vec["query"] @ vec["title"].T,
        "bm25": by_best(np.stack([bm25.query(q) for q in qtexts])),
        "chars": by_best(np.stack([chars.query(q) for q in qtexts])),
    }

    def merge(scores: np.ndarray) -> np.ndarray:
        out = np.full_like(scores, -np.inf)
        np.maximum.at(out.T, group, scores.T)
        return out

    def ranked(scores: np.ndarray, i: int, k: int = 10) -> np.ndarray:
        top = np.argpartition(-scores[i], k)[:k]
        return top[np.argsort(-scores[i][top], kind="stable")]

    def evaluate(scores: np.ndarray, rows: list[int]) -> tuple[float, float]:
        ap, rr = [], []
        for i in rows:
            hits = [ids[j] for j in ranked(scores, i)]
            ap.append(average_precision_at(hits, relevant[i]))
            rr.append(reciprocal_rank(hits, relevant[i]))
        return float(np.mean(ap)), float(np.mean(rr))

    def report(name: str, scores: np.ndarray) -> None:
        cells = []
        for split, rows in splits.items():
            m, r = evaluate(scores, rows)
            cells.append(f"{split} MAP@5 {m:.4f} MRR@10 {r:.4f}")
        print(f"{name:44s} " + "  ".join(cells), flush=True)

    print("## each source alone (copies merged)")
    for name, scores in parts.items():
        report(name, merge(scores))

    def fuse(w_title: float, w_bm25: float, w_chars: float) -> np.ndarray:
        total = 1.0 + w_title + w_bm25 + w_chars
        return (
            parts["text"]
            + w_title * parts["title"]
            + w_bm25 * parts["bm25"]
            + w_chars * parts["chars"]
        ) / total

    print("## fusion weights (W_TEXT = 1), chosen on train")
    grid = [0.0, 0.1, 0.2, 0.3, 0.5, 0.75]
    best = max(
        (
            (evaluate(merge(fuse(a, b, c)), splits["train"])[0], a, b, c)
            for a in grid
            for b in grid
            for c in grid
        ),
    )
    _, w_title, w_bm25, w_chars = best
    fused = fuse(w_title, w_bm25, w_chars)
    report(f"W_TITLE={w_title} W_BM25={w_bm25} W_CHARS={w_chars}", merge(fused))
    report("  the same, copies not merged", fused)
    fused = merge(fused)

    print("## pair_score: logistic weights fitted on train pairs (top 30 of each query)")
    names = ["cosine", "lexical", "entities", "same", "different"]

    def pairs(rows: list[int]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        x, y, numbers = [], [], []
        for i in rows:
            for j in ranked(fused, i, 30):
                p = rerank.pair_score(qtexts[i], texts[j], float(parts["text"][i, j]))
                mentioned = len(
                    rerank.entities(qtexts[i], texts[j]) | rerank.entities(texts[j], qtexts[i])
                )
                x.append(
                    [
                        p.cosine,
                        p.lexical,
                        len(p.entities) / mentioned if mentioned else 0.0,
                        p.numbers == "same",
                        p.numbers == "different",
                    ]
                )
                y.append(ids[j] in relevant[i])
                numbers.append(p.numbers)
        return np.array(x, dtype=np.float64), np.array(y), numbers

    x_train, y_train, _ = pairs(splits["train"])
    model = LogisticRegression(C=1.0, max_iter=5000).fit(x_train, y_train)
    print(f"_BIAS = {model.intercept_[0]:.2f}")
    for name, w in zip(names, model.coef_[0], strict=True):
        print(f"  {name:10s} {w:.2f}")

    print("## thresholds on dev pairs (score computed by the shipped pair_score)")
    x_dev, y_dev, numbers = pairs(splits["dev"])
    shipped = np.array(
        [
            rerank.pair_score(qtexts[i], texts[j], float(parts["text"][i, j])).score
            for i in splits["dev"]
            for j in ranked(fused, i, 30)
        ]
    )
    print(
        f"{len(y_dev)} pairs, {int(y_dev.sum())} matches; numbers: "
        + ", ".join(f"{n} {numbers.count(n)}" for n in ("same", "different", "none"))
    )
    for cut in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        p, r = precision_recall(shipped, y_dev, cut)
        chosen = shipped >= cut
        same = chosen & (np.array(numbers) == "same")
        p_same, _ = precision_recall(shipped[same], y_dev[same], cut)
        print(
            f"  score >= {cut:.2f}: {int(chosen.sum()):5d} pairs, precision {p:.3f} "
            f"recall {r:.3f}; of them numbers 'same': {int(same.sum()):4d}, precision {p_same:.3f}"
        )


if __name__ == "__main__":
    main()
