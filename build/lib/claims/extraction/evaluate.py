"""Measure `extract_claims` against a gold fixture of must-see claims (tests and bench)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .types import CandidateClaim


@dataclass
class GoldReport:
    """What a seed's gold list found: misses, leaks and the counts behind recall."""

    must_see: int = 0
    seen: int = 0
    missed: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)  # "never" lines offered as candidates
    wrongly_flagged: list[str] = field(default_factory=list)
    flagged: int = 0  # checkworthy candidates
    flagged_on_gold: int = 0  # checkworthy candidates that hold a must-see quote

    @property
    def recall(self) -> float:
        return self.seen / self.must_see if self.must_see else 1.0

    @property
    def precision_floor(self) -> float:
        """Share of flagged candidates that hold a gold quote (a floor: gold is not exhaustive)."""
        return self.flagged_on_gold / self.flagged if self.flagged else 1.0


def against_gold(text: str, claims: list[CandidateClaim], gold: dict[str, Any]) -> GoldReport:
    """Compare candidates with one seed's gold fixture."""
    report = GoldReport(must_see=len(gold["must_see"]))
    flagged = [c for c in claims if c.checkworthy]
    report.flagged = len(flagged)
    holding = set()
    for quote in gold["must_see"]:
        if quote not in text:
            raise ValueError(f"gold quote not in the seed: {quote!r}")
        hits = [i for i, c in enumerate(flagged) if quote in c.text]
        if hits:
            report.seen += 1
            holding.update(hits)
        else:
            report.missed.append(quote)
    report.flagged_on_gold = len(holding)
    texts = {c.text.strip() for c in claims}
    report.leaked = [line for line in gold["never"] if line in texts]
    report.wrongly_flagged = [
        s for s in gold.get("not_checkworthy", []) if any(c.text == s for c in flagged)
    ]
    return report
