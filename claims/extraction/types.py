"""Data passed in and out of the extractor: plain dataclasses, no Django."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Full Fact's claim taxonomy; the Claim model uses the same values.
KINDS = (
    "quantity",
    "prediction",
    "personal",
    "correlation_causation",
    "rules_policy",
    "attribution_quote",
    "event",
    "opinion",
    "other",
    "not_a_claim",
)


# Month abbreviations: a date in a quantity, and "Jan. 5" is not the end of a sentence.
MONTH_ABBREVIATIONS = frozenset(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
# Month names and their abbreviations, lower case: dates in quantities and lead-ins.
MONTHS = (
    frozenset(
        [
            *("january", "february", "march", "april", "may", "june", "july"),
            *("august", "september", "october", "november", "december"),
        ]
    )
    | MONTH_ABBREVIATIONS
)
WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])


@dataclass(frozen=True)
class Quantity:
    """A number found in a claim, with offsets into the article text."""

    text: str
    start: int
    end: int
    value: float | None
    unit: str = ""
    percent: bool = False
    currency: str = ""
    range_to: float | None = None
    date: str = ""
    counted: str = ""


@dataclass(frozen=True)
class CandidateClaim:
    """One candidate claim: `text` is always `article[start:end]`."""

    start: int
    end: int
    text: str
    claim: str
    score: float
    checkworthy: bool
    kind: str
    reasons: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = field(default_factory=tuple)
    # The named source the text attributes the claim to: a suggestion a reviewer confirms.
    claimant: str = ""
    # 0..1: how likely the claim is the writer's own opinion or speculation (see score.py).
    opinion: float = 0.0
    # The runs that state it, when [start, end) also holds its siblings' words: a
    # "respectively" item and its figure. Empty: the whole span is the claim's own.
    parts: tuple[tuple[int, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        data["quantities"] = [asdict(q) for q in self.quantities]
        return data
