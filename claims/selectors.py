"""Reads that need more than a queryset method."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from claims.models import Claim


@dataclass(frozen=True)
class TextPiece:
    text: str
    claim: Claim | None = None


def article_text_pieces(body: str, claims: Iterable[Claim]) -> list[TextPiece]:
    """Cut the article body into plain runs and claim highlights, in order.

    A claim overlapping one already placed is left out of the text (it is still listed beside it).
    """
    pieces: list[TextPiece] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: (c.start, -c.end)):
        if claim.start < cursor or claim.end > len(body):
            continue
        if claim.start > cursor:
            pieces.append(TextPiece(body[cursor : claim.start]))
        pieces.append(TextPiece(body[claim.start : claim.end], claim))
        cursor = claim.end
    if cursor < len(body):
        pieces.append(TextPiece(body[cursor:]))
    return pieces
