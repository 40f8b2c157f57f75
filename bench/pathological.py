"""Print seconds per MB that extraction takes on pathological shapes of text, and on news.

    .venv/bin/python bench/pathological.py [--kb 1024] [--budget 60] [--shapes NAME ...]

Each shape (a run of one character, quotes, bullets, digits, mixed whitespace, long
lines without punctuation, many short sentences, ...) is built at the requested size
and run through `segment` and `extract_claims` on one core. A shape whose smaller
sizes already blow the budget is not run at full size: the row says so instead of
hanging. Times are CPU seconds of this process (the model runs on one thread), so
other load on the machine does not inflate them; wall-clock seconds are shown beside.
The target is the issue's: at most 5 s per MB of any input on one core.
"""

from __future__ import annotations

import argparse
import os
import random
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
MB = 1024 * KB
TARGET = 5.0  # seconds per MB on one core
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _repeat(unit: str) -> Callable[[int], str]:
    """A shape made by repeating `unit` up to n characters."""

    def build(n: int) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    return build


def _ending(unit: str, tail: str) -> Callable[[int], str]:
    """`unit` repeated, then `tail`: n characters in all."""

    def build(n: int) -> str:
        return _repeat(unit)(max(n - len(tail), 0)) + tail

    return build


def _numbered(template: str) -> Callable[[int], str]:
    """Lines or sentences that differ in a number, so no two are the same text."""

    def build(n: int) -> str:
        parts, size, i = [], 0, 0
        while size < n:
            part = template.format(i=i, tenth=i / 10)
            parts.append(part)
            size += len(part)
            i += 1
        return "".join(parts)[:n]

    return build


def _lead_in_numbers(n: int) -> str:
    """A bullet of numbers under a dated lead-in: each number is checked against the claim."""
    lead = "Last Friday, the indices fell:\n• "
    return lead + _numbered("{i}% ")(n - len(lead))


def _respectively_table(n: int) -> str:
    """A "respectively" list as long as a pasted table."""
    k = n // 16
    names = ", ".join(f"Index{i}" for i in range(k))
    values = ", ".join(f"{i}%" for i in range(k))
    return f"{names} and Last rose {values}, and 5%, respectively."[:n]


def _reshuffled_news(n: int) -> str:
    """The seeds' paragraphs again and again, each copy's words in a new order.

    News vocabulary and sentence lengths with no sentence seen twice: the costliest
    realistic input, as no cache helps and the model's budget runs out early.
    """
    lines = [line.split(" ") for line in news().splitlines()]
    out, size, copy = [], 0, 0
    while size < n:
        rng = random.Random(copy)
        for words in lines:
            line = " ".join(rng.sample(words, len(words))) + "\n"
            out.append(line)
            size += len(line)
        copy += 1
    return "".join(out)[:n]


# Each shape builds a text of exactly n characters.
SHAPES: dict[str, Callable[[int], str]] = {
    "full stops": _repeat("."),
    "exclamation marks": _repeat("!"),
    "straight quotes": _repeat('"'),
    "curly quotes": _repeat("“"),
    "hyphens": _repeat("-"),
    "bullet glyphs": _repeat("•"),
    "digits": _repeat("7"),
    "capital letters": _repeat("A"),
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
    "semicolon clauses": _repeat("word; "),
    "names, no 'and'": _ending("Alpha, ", "rose 1% and 2%."),
    "numbers under a lead-in": _lead_in_numbers,
    "'respectively' table": _respectively_table,
    "short lines": _repeat("Up 2%.\n"),
    "prose": _repeat("The index fell 2.7% on Friday, the Ministry of Finance said. "),
    # No two sentences alike: the model's budget, not the cache, bounds these.
    "numbered short lines": _numbered("Up {i}%.\n"),
    "numbered three-word lines": _numbered("Up by {i}%.\n"),
    "numbered words": _numbered("Word{i} "),
    "numbered prose": _numbered("The index fell {tenth:.1f}% on Friday, the ministry said. "),
    "news words, reshuffled": _reshuffled_news,
}


def time_once(fn: Callable[[str], object], text: str) -> tuple[float, float]:
    """Return (CPU seconds, wall seconds) of one run."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn(text)
    return time.process_time() - cpu, time.perf_counter() - wall


def measure(
    build: Callable[[int], str],
    fn: Callable[[str], object],
    kb: int,
    budget: float,
    repeat: int = 1,
) -> tuple[float, float, int, float]:
    """Return CPU and wall seconds per MB at the largest size run, that size, and the growth.

    Sizes go up 4x from 8 KB to `kb`, stopping before a size whose run the last one
    predicts (at the growth seen so far, at least linear) to take more than `budget`
    seconds. Growth is seconds per MB at the largest size over that at 8 KB: about 1
    when time is linear in the input, 4 or more per 4x step when it is quadratic (below
    1 when a fixed cost, such as loading or the model's budget, is spread wider).
    """
    size = 8
    took, wall = time_once(fn, build(size * KB))
    first_per_mb = took / (size / KB)
    while size < kb:
        nxt = min(size * 4, kb)
        per_mb = took / (size / KB)
        growth = max(per_mb / first_per_mb, 1.0) if first_per_mb else 1.0
        if per_mb * (nxt / KB) * growth > budget:
            break
        size = nxt
        took, wall = time_once(fn, build(size * KB))
    # The fastest of `repeat` runs at the largest size: this machine is shared, and other
    # load only ever adds time.
    for _ in range(repeat - 1):
        again, again_wall = time_once(fn, build(size * KB))
        if again < took:
            took, wall = again, again_wall
    per_mb = took / (size / KB)
    return per_mb, wall / (size / KB), size, per_mb / first_per_mb if first_per_mb else 1.0


def verdict(per_mb: float, size: int, kb: int) -> str:
    if size < kb:
        return "FAIL (budget)"
    return "PASS" if per_mb <= TARGET else "FAIL"


def news(size: int | None = None) -> str:
    """The seed articles, one after another, repeated to `size` characters (once: None)."""
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in SEEDS)
    if size is None:
        return text
    return _repeat(text + "\n\n")(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=1024, help="input size per shape, in KB")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds allowed per run")
    parser.add_argument("--shapes", nargs="*", help="only these shapes (default: all)")
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs at full size; the fastest counts"
    )
    args = parser.parse_args()
    extract_claims("Load the model first. It rose 5%.")
    print(f"Pathological text, up to {args.kb} KB per shape, CPU seconds per MB on one core")
    print("(growth: s/MB at the largest size over s/MB at 8 KB; ~1 is linear;")
    print(f" extraction at full size: the fastest of {args.repeat} runs)")
    header = f"{'segment':>8} {'extract':>8} {'wall':>7} {'KB':>5} {'growth':>6}"
    print(f"{'shape':<26} {header}  ≤ {TARGET:g} s/MB")
    failed = 0
    for name, build in SHAPES.items():
        if args.shapes and name not in args.shapes:
            continue
        seg_per_mb, _, _, _ = measure(build, segment, args.kb, args.budget)
        per_mb, wall_per_mb, size, growth = measure(
            build, extract_claims, args.kb, args.budget, args.repeat
        )
        result = verdict(per_mb, size, args.kb)
        failed += result != "PASS"
        print(
            f"{name:<26} {seg_per_mb:8.2f} {per_mb:8.2f} {wall_per_mb:7.2f} {size:5d} "
            f"{growth:6.2f}  {result}",
            flush=True,
        )
    # The whole extractor on news: the seeds repeated to the size asked for (most of it
    # then repeats sentences already scored), and the seeds once (every sentence new).
    # A short article pays the model's fixed cost per sentence without a budget to spread
    # it over, so its seconds per MB are shown, not judged.
    for label, text, judged in (
        (f"news, seeds to {args.kb} KB", news(args.kb * KB), True),
        ("news, seeds once", news(), False),
    ):
        took, wall = time_once(extract_claims, text)
        size = len(text.encode("utf-8"))
        result = ("PASS" if took / (size / MB) <= TARGET else "FAIL") if judged else "(shown)"
        failed += result == "FAIL"
        print(
            f"{label:<26} {'':>8} {took / (size / MB):8.2f} {wall / (size / MB):7.2f} "
            f"{size // KB:5d} {'':>6}  {result}",
            flush=True,
        )
    print(f"{failed} over {TARGET:g} s/MB" if failed else f"all within {TARGET:g} s/MB")


if __name__ == "__main__":
    main()
