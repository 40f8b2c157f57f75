"""Print seconds per MB that extraction takes on pathological shapes of text.

    .venv/bin/python bench/pathological.py [--kb 1024] [--budget 60]

Each shape (a run of one character, quotes, bullets, digits, mixed whitespace, long
lines without punctuation, ...) is built at the requested size and run through
`segment` and `extract_claims` on one core. A shape whose smaller sizes already
blow the budget is not run at full size: the row says so instead of hanging.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

# One core for everything that could use more (onnxruntime, BLAS).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("FACTCHECK_MODEL_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claims.extraction import extract_claims, segment  # noqa: E402

KB = 1024


def _repeat(unit: str) -> Callable[[int], str]:
    """A shape made by repeating `unit` up to n characters."""

    def build(n: int) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    return build


# Each shape builds a text of exactly n characters.
SHAPES: dict[str, Callable[[int], str]] = {
    "full stops": _repeat("."),
    "exclamation marks": _repeat("!"),
    "straight quotes": _repeat('"'),
    "curly quotes": _repeat("“"),
    "hyphens": _repeat("-"),
    "bullet glyphs": _repeat("•"),
    "digits": _repeat("7"),
    "spaces": _repeat(" "),
    "mixed whitespace": _repeat(" \t \xa0 \n\r\n \u2028 "),
    "bullet lines": _repeat("• Prices rose 3% in May.\n"),
    "hyphen bullets": _repeat("- - - "),
    "quoted sentences": _repeat('"It rose 5%." '),
    "alternating curly quotes": _repeat("“x” "),
    "dotted digits": _repeat("1."),
    "spaced full stops": _repeat(". "),
    "initials": _repeat("A.B. "),
    "words, no punctuation": _repeat("word "),
    "numbers and commas": _repeat("1,000, "),
    "short lines": _repeat("Up 2%.\n"),
    "prose": _repeat("The index fell 2.7% on Friday, the Ministry of Finance said. "),
}


def time_once(fn: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    fn(text)
    return time.perf_counter() - started


def measure(
    build: Callable[[int], str], fn: Callable[[str], object], kb: int, budget: float
) -> tuple[float, int, float]:
    """Return seconds per MB at the largest size run, that size in KB, and the growth.

    Sizes go up 4x from 8 KB to `kb`, stopping before a size whose run the last one
    predicts (at the growth seen so far, at least linear) to take more than `budget`
    seconds. Growth is seconds per MB at the largest size over that at 8 KB: about 1
    when time is linear in the input, 4 or more per 4x step when it is quadratic.
    """
    size, took = 8, time_once(fn, build(8 * KB))
    first_per_mb = took / (size / KB)
    while size < kb:
        nxt = min(size * 4, kb)
        per_mb = took / (size / KB)
        growth = max(per_mb / first_per_mb, 1.0) if first_per_mb else 1.0
        if per_mb * (nxt / KB) * growth > budget:
            break
        size, took = nxt, time_once(fn, build(nxt * KB))
    per_mb = took / (size / KB)
    return per_mb, size, per_mb / first_per_mb if first_per_mb else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=1024, help="input size per shape, in KB")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds allowed per run")
    args = parser.parse_args()
    extract_claims("Load the model first. It rose 5%.")
    print(f"Pathological text, up to {args.kb} KB per shape, seconds per MB on one core")
    print("(growth: s/MB at the largest size over s/MB at 8 KB; ~1 is linear)")
    columns = "  ".join(f"{fn:>9} {'KB':>5} {'growth':>6}" for fn in ("segment", "extract"))
    print(f"{'shape':<26} {columns}")
    for name, build in SHAPES.items():
        cells = []
        for fn in (segment, extract_claims):
            per_mb, size, growth = measure(build, fn, args.kb, args.budget)
            cells.append(f"{per_mb:9.2f} {size:5d} {growth:6.2f}")
        print(f"{name:<26} {'  '.join(cells)}", flush=True)


if __name__ == "__main__":
    main()
