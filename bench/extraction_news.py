"""The candidate list on news it was never tuned on: `bench/data/extraction_heldout.json`.

    .venv/bin/python bench/extraction_news.py

Twelve texts of different kinds, every sentence labelled `claim` (a fact-checker must see
it), `not` (opinion, speculation, advice, vague, question, label, fragment, boilerplate) or
`either`, by a labeller who never saw the extractor's code or output, before the
fact-vs-opinion rules were written. Only totals are printed, never the units missed: the set
judges the rules and must not steer them. Every run is one more look at it; the README says
how many there have been.

- recall: `claim` units covered by a flagged candidate (target >= 0.95);
- precision: flagged candidates whose unit is `claim` or `either` (target >= 0.90);
- the share of the opinion column's sentences that are flagged (target: well under half);
- claimants: of the `claim` units with a named claimant, how many candidates name them.
A candidate covers a unit when they share at least half of the shorter of the two.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("FACTCHECK_MODEL_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOLD = ROOT / "bench" / "data" / "extraction_heldout.json"

TARGET_RECALL = 0.95
TARGET_PRECISION = 0.90


def _shared(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _covers(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return 2 * _shared(a, b) >= min(a[1] - a[0], b[1] - b[0]) > 0


def score(articles: list[dict]) -> dict[str, dict[str, float]]:
    """Per article kind and in total: counts for recall, precision and claimants."""
    from claims.extraction import extract_claims

    out: dict[str, dict[str, float]] = {}
    for article in articles:
        body = article["body"]
        units = []
        at = 0
        for unit in article["units"]:
            start = body.find(unit["quote"], at)
            if start < 0:
                start = body.find(unit["quote"])
            at = start + len(unit["quote"])
            units.append(((start, at), unit))
        flagged = [c for c in extract_claims(body) if c.checkworthy]
        row = dict.fromkeys(
            ("claims", "found", "flagged", "right", "units", "units_flagged", "named", "named_ok"),
            0.0,
        )
        for span, unit in units:
            hit = [c for c in flagged if _covers(span, (c.start, c.end))]
            row["units"] += 1
            row["units_flagged"] += bool(hit)
            if unit["label"] == "claim":
                row["claims"] += 1
                row["found"] += bool(hit)
                if unit.get("claimant"):
                    row["named"] += 1
                    want = unit["claimant"].lower()
                    row["named_ok"] += any(
                        c.claimant
                        and (c.claimant.lower() in want or want.split()[-1] in c.claimant.lower())
                        for c in hit
                    )
        for c in flagged:
            row["flagged"] += 1
            best = max(units, key=lambda u: _shared(u[0], (c.start, c.end)), default=None)
            if best is not None and _shared(best[0], (c.start, c.end)) > 0:
                row["right"] += best[1]["label"] in ("claim", "either")
        out[article["id"]] = row
    return out


def main() -> int:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    rows = score(gold["articles"])
    total = {k: sum(r[k] for r in rows.values()) for k in next(iter(rows.values()))}
    print("## Candidate list on the held-out news set (bench/data/extraction_heldout.json)")
    print(f"{'article':16s} {'recall':>8s} {'precision':>10s} {'flagged':>8s}")
    for key, r in rows.items():
        recall = r["found"] / r["claims"] if r["claims"] else 1.0
        precision = r["right"] / r["flagged"] if r["flagged"] else 1.0
        share = r["units_flagged"] / r["units"]
        print(f"{key:16s} {recall:8.2f} {precision:10.2f} {share:7.0%}")
    recall = total["found"] / total["claims"]
    precision = total["right"] / total["flagged"]
    opinion = next(r for key, r in rows.items() if "opinion" in key)
    opinion_share = opinion["units_flagged"] / opinion["units"]
    claimants = total["named_ok"] / total["named"] if total["named"] else 0.0
    print(
        f"all: recall {recall:.3f} ({total['found']:.0f} of {total['claims']:.0f} claims; "
        f"target >= {TARGET_RECALL}), precision {precision:.3f} ({total['right']:.0f} of "
        f"{total['flagged']:.0f} flagged; target >= {TARGET_PRECISION})"
    )
    print(f"opinion column: {opinion_share:.0%} of its sentences flagged (target well under half)")
    print(
        f"claimants: {total['named_ok']:.0f} of {total['named']:.0f} attributed claims "
        f"name their claimant ({claimants:.0%})"
    )
    ok = recall >= TARGET_RECALL and precision >= TARGET_PRECISION and opinion_share < 0.4
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
