"""Heuristic check-worthiness score and claim kind for one sentence.

Every signal that moves the score adds a human-readable reason, so an editor
can see why a sentence was (or was not) flagged. Weights are hand-set for a
first version; they are meant to be replaced by a trained model later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quantities import find_quantities
from .types import Quantity

CHECKWORTHY_THRESHOLD = 0.5
_BASE = 0.25

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b"
    rf"|\b(?:in|since|by|of|from|until|during|before|after)\s+(?:early\s+|late\s+|mid-)?"
    rf"(?:{_MONTH}\s+)?(?:19|20)\d\d\b"
    r"|\b(?:19|20)\d\d-\d\d-\d\d\b"
    r"|\b(?:on|last|this|next)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?:yesterday|last (?:week|month|year)|this (?:week|month|year))\b",
    re.I,
)
_ATTRIB_ACCORDING = re.compile(
    r"\b[Aa]ccording to\s+(?:(?:previous |recent |a |an |the )?(?:reports?|data|figures|"
    r"estimates|statements?) (?:from|by)\s+)?(?:the\s+)?"
    r"(?P<src>[A-Z][\w&.’'-]*(?:\s+(?:of\s+)?[A-Z][\w&.’'-]*){0,4})"
)
_ATTRIB_VERB = (
    r"(?:said|says|told|reported|reports|stated|claimed|added|warned|wrote|insisted|noted"
    r"|revealed|announced|confirmed|argued)"
)
_ATTRIB_BEFORE = re.compile(
    rf"(?P<src>(?:[A-Z][\w&.’'-]*\s+(?:of\s+(?:the\s+)?)?){{0,4}}[A-Z][\w&.’'-]*)\s+(?:has\s+|had\s+)?{_ATTRIB_VERB}\b"
)
_ATTRIB_ANY = re.compile(rf"\b{_ATTRIB_VERB}\b|\baccording to\b|\bin an? [A-Z]\w* interview\b")
_PRONOUNS = frozenset(["I", "We", "He", "She", "They", "It", "You", "This", "That"])
_QUOTED = re.compile(r"[“\"](?:[^”\"\s]+\s+){2,}[^”\"]*[”\"]")
_ACTION = re.compile(
    r"\b(?:signed|announced|imposed|raised|lowered|cut|suspended|exempted|issued|approved|"
    r"passed|banned|withdrew|postponed|enacted|launched|introduced|threatened|ordered|"
    r"vetoed|levied|slapped|lifted|agreed|committed|sent|denied|met|visited|"
    r"abolished|tightened|targeted|sanctioned)\b"
)
_POLICY = re.compile(
    r"\b(?:tariffs?|laws?|regulations?|Act|bills?|sanctions?|bans?|rules?|polic(?:y|ies)|"
    r"executive order|export controls?|restrictions?|duties|taxes|legislation|treat(?:y|ies))\b"
)
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|faster|slower|"
    r"cheaper|worse|better)\s+than\b"
    r"|\b(?:highest|lowest|largest|smallest|biggest|fastest|record|doubled|tripled|halved|"
    r"exceed(?:ed|s|ing)?|surpass\w*|outperform\w*|compared (?:to|with)|versus|"
    r"most|least)\b"
)
_OPINION = re.compile(
    r"\b(?:I|we) (?:think|believe|feel|guess|suspect)\b|\bin my (?:view|opinion)\b"
    r"|\b(?:obvious(?:ly)?|clearly|should|must|certainly|undoubtedly|of course|arguably|"
    r"seems?|appears? to|misguided|extraordinarily|absolutely|unfortunately|wonder|"
    r"it is clear)\b",
    re.I,
)
_PREDICTION = re.compile(
    r"\b(?:will|would|won[’']t|expected to|could|may|might|likely|forecast\w*|predict\w*|"
    r"projected|going to|set to|poised to)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I[’']\w+|me|my|we|our|us)\b")
_CAUSATION = re.compile(
    r"\b(?:because|due to|led to|leads? to|leading to|caused?|causing|result(?:ed|s)? in|"
    r"as a result|driven by|thanks to|linked to|contribut\w+ to|triggered|stems from)\b",
    re.I,
)
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b(?:[A-Z][a-z]+|[A-Z]{2,}|(?:[A-Z]\.){2,})")


@dataclass(frozen=True, slots=True)
class Assessment:
    """The scorer's verdict on one sentence."""

    score: float
    checkworthy: bool
    kind: str
    reasons: tuple[str, ...]
    quantities: tuple[Quantity, ...]


def assess(sentence: str, offset: int = 0) -> Assessment:
    """Score `sentence`, pick its kind and list the reasons."""
    reasons: list[str] = []
    score = _BASE
    quantities = find_quantities(sentence, offset)
    unquoted = _QUOTED.sub(" ", sentence)

    if quantities:
        score += 0.3
        if any(q.currency for q in quantities):
            reasons.append("a money amount")
        if any(q.percent for q in quantities):
            reasons.append("a percentage")
        if any(q.unit for q in quantities):
            reasons.append("a number with a unit")
        if not reasons:
            reasons.append("a number")
        if len(quantities) > 1:
            score += 0.1
    has_date = _DATE.search(sentence) is not None
    if has_date:
        score += 0.15
        reasons.append("a date")

    source = _attribution(sentence)
    if source is not None:
        score += 0.15
        reasons.append(f"attributed to {source}" if source else "attributed to a source")

    action = _ACTION.search(sentence) is not None
    if action:
        score += 0.25 if has_date else 0.2
        reasons.append("a dated official action" if has_date else "an official action")
    if _COMPARISON.search(sentence):
        score += 0.1
        reasons.append("a comparison")
    if _NAME.search(sentence):
        score += 0.05
        reasons.append("names a person, place or organisation")

    # Opinion and prediction only count outside quotations: quoted speech is
    # still a checkable claim about what someone said.
    opinion = _OPINION.search(unquoted) is not None
    if opinion:
        score -= 0.3
        reasons.append("opinion wording")
    prediction = _PREDICTION.search(unquoted) is not None
    if prediction:
        score -= 0.1
        reasons.append("prediction")
    core = sentence.rstrip("\"'”’) ")
    question = core.endswith("?")
    if question:
        score -= 0.3
        reasons.append("question")
    n_words = sentence.count(" ") + 1
    if n_words < 4 or (n_words < 6 and not quantities):
        score -= 0.2
        reasons.append("too short")

    score = round(min(1.0, max(0.0, score)), 3)
    kind = _kind(
        sentence,
        unquoted,
        quantities=bool(quantities),
        quoted=source is not None or _QUOTED.search(sentence) is not None,
        opinion=opinion,
        prediction=prediction,
        action=action,
        has_date=has_date,
        question=question,
    )
    return Assessment(
        score=score,
        checkworthy=score >= CHECKWORTHY_THRESHOLD,
        kind=kind,
        reasons=tuple(reasons),
        quantities=quantities,
    )


def _attribution(sentence: str) -> str | None:
    """Return the named source ("" if unnamed), or None when not attributed."""
    m = _ATTRIB_ACCORDING.search(sentence)
    if m is not None:
        return m.group("src").rstrip(".,")
    m = _ATTRIB_BEFORE.search(sentence)
    if m is not None and m.group("src") not in _PRONOUNS:
        return m.group("src")
    if _ATTRIB_ANY.search(sentence):
        return ""
    return None


def _kind(
    sentence: str,
    unquoted: str,
    *,
    quantities: bool,
    quoted: bool,
    opinion: bool,
    prediction: bool,
    action: bool,
    has_date: bool,
    question: bool,
) -> str:
    """Pick a Full Fact kind; the order encodes which signal wins."""
    if question and not quantities:
        return "not_a_claim"
    if quantities:
        return "quantity"
    if quoted:
        return "attribution_quote"
    if opinion:
        return "opinion"
    if prediction:
        return "prediction"
    if _CAUSATION.search(sentence):
        return "correlation_causation"
    if action and _POLICY.search(sentence):
        return "rules_policy"
    if action or has_date:
        return "event"
    if _FIRST_PERSON.search(unquoted):
        return "personal"
    return "other"
