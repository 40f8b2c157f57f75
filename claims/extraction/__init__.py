"""Pure-Python claim extraction: segment an article, score each sentence.

No Django here: the app layer stores CandidateClaim rows produced by
`extract_claims`. Bump EXTRACTOR_VERSION whenever output can change, so stored
claims can be re-extracted.
"""

from __future__ import annotations

import re

from .score import CHECKWORTHY_THRESHOLD, assess
from .segment import CLAIM_KINDS, Segment, segment
from .types import KINDS, CandidateClaim, Quantity

EXTRACTOR_VERSION = "sentence-1"

__all__ = [
    "CHECKWORTHY_THRESHOLD",
    "EXTRACTOR_VERSION",
    "KINDS",
    "CandidateClaim",
    "Quantity",
    "Segment",
    "extract_claims",
    "guess_title",
    "segment",
]

_SPACES = re.compile(r"\s+")
_TITLE_MAX = 200
_TITLE_SENTENCE_MAX = 120


def extract_claims(text: str) -> list[CandidateClaim]:
    """Return candidate claims (prose sentences and bullet items) in article order."""
    claims: list[CandidateClaim] = []
    for seg in segment(text):
        if seg.kind not in CLAIM_KINDS:
            continue
        span = text[seg.start : seg.end]
        verdict = assess(span, seg.start)
        claims.append(
            CandidateClaim(
                start=seg.start,
                end=seg.end,
                text=span,
                claim=_SPACES.sub(" ", span),
                score=verdict.score,
                checkworthy=verdict.checkworthy,
                kind=verdict.kind,
                reasons=verdict.reasons,
                quantities=verdict.quantities,
            )
        )
    return claims


def guess_title(text: str) -> str:
    """Return a short title: the first line if short, else the first sentence, clipped."""
    for line in text.splitlines():
        line = _SPACES.sub(" ", line).strip()
        if line:
            break
    else:
        return ""
    if len(line) <= _TITLE_MAX:
        return line
    first = next((s for s in segment(text) if s.kind in CLAIM_KINDS or s.kind == "heading"), None)
    sentence = _SPACES.sub(" ", text[first.start : first.end]) if first else line
    if len(sentence) <= _TITLE_SENTENCE_MAX:
        return sentence
    clipped = sentence[: _TITLE_SENTENCE_MAX + 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return clipped + "…"
