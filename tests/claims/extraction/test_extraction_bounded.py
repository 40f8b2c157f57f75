"""Bounded extraction: hostile text gives valid spans in time linear in its length.

Runs of one character once made the segmenter rescan the run from every position
(32 KB of "!" took 29 s) and the quotation check backtrack over every opening mark.
Time is checked as a ratio (64 KB against 8 KB), not in absolute seconds, so a
loaded machine slows both sides alike; the floor on the small side keeps timer
noise on millisecond runs from deciding the test.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.extraction import extract_claims, segment

KB = 1024
# 8x the input may take at most 16x the time: linear with a wide margin, far below
# the 64x of a quadratic scan.
MAX_RATIO = 16
# Runs shorter than this are timer noise: the ratio is taken against at least it.
FLOOR_SECONDS = 0.05

# What hostile pastes are made of: marks that open or end sentences and quotations,
# list glyphs, digits and every kind of space or line break.
MARKS = list(".!?…\"“”‘’'()[]:;,-–—•·*#@/%&_")
SPACES = [" ", "\t", "\xa0", "\n", "\r\n", "\u2028", "\u2029", "\u3000"]
UNITS = [
    "• Prices rose 3% in May.\n",
    '"It rose 5%." ',
    "“x” ",
    "A.B. ",
    "1.",
    ". ",
    "- - ",
    "1,000, ",
    "word ",
    "Up 2%.\n",
    "U.S. ",
    "[Image] ",
]

# Shapes that give few candidates, so extract_claims (which runs the model on every
# candidate) is timed on the parsing, not on the scoring.
FEW_CANDIDATES = {
    "full stops": ".",
    "exclamation marks": "!",
    "question marks": "?",
    "ellipses": "…",
    "straight quotes": '"',
    "curly quotes": "“",
    "closing quotes": "”",
    "hyphens": "-",
    "bullets": "•",
    "digits": "7",
    "colons": ":",
    "mixed whitespace": " \t\xa0 \n\r\n\u2028 ",
    "long line, no punctuation": "word ",
    "dots and quotes": '."',
    "quotes and full stops": "“.",
}
# Shapes for the segmenter alone (cheap, so every shape can be timed).
SEGMENT_SHAPES = {**FEW_CANDIDATES, **{unit.strip() or repr(unit): unit for unit in UNITS}}


def build(unit: str, n: int) -> str:
    """Repeat `unit` to exactly n characters."""
    return (unit * (n // len(unit) + 1))[:n]


def best_of(fn: Callable[[str], object], text: str, runs: int = 3) -> float:
    """Return the fastest of a few runs: the least disturbed by other load."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - started)
    return min(times)


def assert_linear(fn: Callable[[str], object], unit: str) -> None:
    small = best_of(fn, build(unit, 8 * KB))
    large = best_of(fn, build(unit, 64 * KB), runs=2)
    assert large < MAX_RATIO * max(small, FLOOR_SECONDS), (
        f"{fn.__name__} on {unit!r}: {small:.3f} s at 8 KB, {large:.3f} s at 64 KB"
    )


def assert_valid_spans(text: str) -> None:
    for seg in segment(text):
        assert 0 <= seg.start < seg.end <= len(text), seg
    for claim in extract_claims(text):
        assert 0 <= claim.start < claim.end <= len(text), claim
        assert claim.text == text[claim.start : claim.end]


@pytest.mark.parametrize("unit", SEGMENT_SHAPES.values(), ids=SEGMENT_SHAPES.keys())
def test_segment_time_grows_linearly_on_pathological_shapes(unit: str) -> None:
    assert_linear(segment, unit)


@pytest.mark.parametrize("unit", FEW_CANDIDATES.values(), ids=FEW_CANDIDATES.keys())
def test_extract_claims_time_grows_linearly_on_pathological_shapes(unit: str) -> None:
    extract_claims("Warm the model up. It rose 5%.")
    assert_linear(extract_claims, unit)


def _run() -> st.SearchStrategy[str]:
    """One piece of hostile text: a run of one mark, space or digit, or a repeated unit."""
    char = st.sampled_from(MARKS + SPACES + list("7aA"))
    runs = st.builds(lambda c, n: c * n, char, st.integers(1, 400))
    units = st.builds(lambda u, n: u * n, st.sampled_from(UNITS), st.integers(1, 20))
    mixed = st.lists(st.sampled_from(SPACES), min_size=1, max_size=40).map("".join)
    return st.one_of(runs, units, mixed, st.text(max_size=40))


hostile_text = st.lists(_run(), min_size=1, max_size=8).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
def test_spans_stay_valid_on_hostile_text(text: str) -> None:
    assert_valid_spans(text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_run(), min_size=1, max_size=4).map("".join).filter(lambda t: t.strip()))
def test_segment_time_per_character_is_bounded_on_hostile_mixtures(piece: str) -> None:
    assert_linear(segment, piece)
