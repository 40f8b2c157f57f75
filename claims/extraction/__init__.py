"""Pure-Python claim extraction: segment, split into atomic claims, score, type.

No Django here: the app layer stores CandidateClaim rows produced by
`extract_claims`. Bump EXTRACTOR_VERSION whenever output can change, so stored
claims can be re-extracted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from .features import DATE, FRAGMENT_WORDS, PRONOUN, SPEECH_BY_PRONOUN, heading_asserts
from .quantities import find_quantities
from .score import (
    ARTICLE_BUDGET,
    CHECKWORTHY_THRESHOLD,
    HELD_BACK,
    OPINION_THRESHOLD,
    Assessment,
    assess,
    assess_many,
)
from .segment import BULLET, CLAIM_KINDS, HEADING, SENTENCE, Segment, article_starts, segment
from .split import Atom, split_claims
from .types import KINDS, MONTHS, CandidateClaim, Quantity

EXTRACTOR_VERSION = "atomic-7"

__all__ = [
    "CHECKWORTHY_THRESHOLD",
    "EXTRACTOR_VERSION",
    "KINDS",
    "Assessment",
    "CandidateClaim",
    "Quantity",
    "Segment",
    "article_starts",
    "extract_claims",
    "guess_title",
    "score_sentence",
    "segment",
]

_SPACES = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# A line that hands over to a list or quote: ends in ":" (a dash is trimmed by the splitter).
_LEAD_IN = re.compile(r":\s*$")
_QUOTE_SPAN = 600
_FRAME_WORDS = 6
_ADVICE = re.compile(
    r"\b(?:should|must|ought to|needs? to|has to|have to|would do well to|recommend\w*)\b",
    re.I,
)
# A straight double quote that is a quotation mark, not an inch sign after a number (6.1").
# After a full stop it closes a quotation ('… on Russia."').
_STRAIGHT_QUOTE = re.compile(r'(?<!\d)"')
# A sentence or bullet of one or two words ("They did.", "Up 2%.") says nothing a
# fact-checker could look up without the sentence before it: it is not offered.
_MIN_WORDS = 3
_TITLE_MAX = 200
_TITLE_SENTENCE_MAX = 120


def extract_claims(text: str) -> list[CandidateClaim]:
    """Return atomic candidate claims (from prose sentences and bullets) in article order.

    A sentence holding several separately checkable claims yields one candidate
    each, with its own span inside the sentence; spans are unique per article.
    """
    atoms: list[Atom] = []
    advised: set[int] = set()  # atoms that are bullets of a recommendation list
    headlines: set[int] = set()  # atoms that are headings stating something
    seen: set[tuple[int, int]] = set()
    frame = ""  # the time frame a lead-in gives the bullets under it
    advice = False  # the lead-in asks for action: "the U.S. would do well to:"
    for start, end, kind in _quoted_spans(text, segment(text)):
        if kind in (SENTENCE, HEADING):  # a lead-in may stand on its own line
            lead = text[start:end]
            frame = _frame(lead)
            advice = _LEAD_IN.search(lead) is not None and _ADVICE.search(lead) is not None
        if kind == HEADING and heading_asserts(text[start:end]):
            pass  # "Council Approves 4% Tax Rise" is a claim; "Key Takeaways" is not
        elif kind not in CLAIM_KINDS:
            continue  # placeholders and boilerplate between a lead-in and its list change nothing
        if len(text[start:end].split(None, _MIN_WORDS - 1)) < _MIN_WORDS:
            continue
        split = split_claims(text, start, end)
        # "Last Friday, the Dow fell 1%, while the Nasdaq dropped 2%.": the opening date
        # frames every clause, not only the first.
        opening = _opening_date(split[0].claim) if len(split) > 1 else ""
        for n, atom in enumerate(split):
            if (atom.start, atom.end) in seen:
                continue
            seen.add((atom.start, atom.end))
            if kind == BULLET and frame:
                atom = replace(atom, claim=_framed(frame, atom.claim))
            elif n and opening:
                atom = replace(atom, claim=_framed(opening, atom.claim))
            if kind == BULLET and advice:
                advised.add(len(atoms))
            if kind == HEADING:
                headlines.add(len(atoms))
            atoms.append(atom)
    # Score the standalone wording, all at once; quantities keep article offsets.
    verdicts = assess_many([atom.claim for atom in atoms], budget=ARTICLE_BUDGET)
    claims = []
    # The last named speaker: '"…," he said' after them is theirs, within their paragraph
    # or the one that follows it (a quote that runs on).
    speaker, speaker_paragraph, previous_paragraph = "", -2, -2
    # Paragraph numbers by offset, found once: an rfind per claim was quadratic on a long
    # text without blank lines.
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    for i, (atom, verdict) in enumerate(zip(atoms, verdicts, strict=True)):
        span = text[atom.start : atom.end]
        score, reasons, kind = verdict.score, verdict.reasons, verdict.kind
        claimant = verdict.claimant
        claim_text = atom.claim
        paragraph = bisect_right(breaks, atom.start)
        if claimant:
            speaker, speaker_paragraph = claimant, paragraph
        elif (
            speaker
            and speaker_paragraph in (paragraph, previous_paragraph)
            and (SPEECH_BY_PRONOUN.search(span) or span.startswith(("“", '"')))
        ):
            # '"…," he said', or a quotation running on into the next sentence or paragraph.
            claimant, speaker_paragraph = speaker, paragraph
        previous_paragraph = paragraph
        if _LEAD_IN.search(span):
            # "As of the midday close:" introduces the claims that follow; it is not one.
            score = min(score, HELD_BACK)
            reasons = (*reasons, "introduces what follows")
        elif i in headlines:
            reasons = (*reasons, "a headline")
            if verdict.opinion >= OPINION_THRESHOLD:
                # A headline in the writer's voice ("CHINA HAS EATEN ENOUGH DOLLARS") is held
                # back: what it asserts, the body states as claims of its own.
                score = min(score, HELD_BACK)
        elif (
            not claimant
            and kind != "not_a_claim"
            and not verdict.quantities
            and len(atom.claim.split()) <= FRAGMENT_WORDS
            and PRONOUN.search(atom.claim)
        ):
            # "And Trump shut it down." Held back, and its claim carries the sentence before
            # it (in its paragraph) so a reviewer who takes it sees what "it" is.
            score = min(score, HELD_BACK)
            reasons = (*reasons, "needs the sentence before it")
            if i and bisect_right(breaks, atoms[i - 1].start) == paragraph:
                claim_text = f"{atoms[i - 1].claim} {atom.claim}"
        elif i in advised and not verdict.quantities:
            # "• Boost domestic manufacturing" under "the U.S. should:" is advice, not a fact.
            score = min(score, HELD_BACK)
            reasons, kind = (*reasons, "a recommendation"), "opinion"
        elif claimant and kind == "attribution_quote" and score < CHECKWORTHY_THRESHOLD:
            # What a named person or body said is checkable whatever its wording: the claim
            # is that they said it ("Bessent added: “How do we get China to rebalance? …”").
            score = CHECKWORTHY_THRESHOLD
            reasons = (*reasons, f"a statement by {claimant}")
        claims.append(
            CandidateClaim(
                start=atom.start,
                end=atom.end,
                text=span,
                claim=claim_text,
                score=score,
                checkworthy=score >= CHECKWORTHY_THRESHOLD,
                kind=kind,
                reasons=reasons,
                quantities=_own_quantities(span, atom, verdict),
                claimant=claimant,
                opinion=verdict.opinion,
                parts=atom.parts,
            )
        )
    return claims


def _frame(lead_in: str) -> str:
    """The when of a lead-in to a list: "Last Friday, the indices plunged—" gives "Last Friday".

    "As of the midday close:" is a frame on its own. A bullet under it ("Shanghai
    Composite Index fell 0.97%") is only checkable with that frame attached. Only a
    date that opens the lead-in frames the list: one further in ("In a statement on
    Tuesday, the ministry listed the measures it has taken since 2018:") dates
    something else.
    """
    core = lead_in.strip()
    if not core.endswith((":", "—", "–")):
        return ""
    core = core.rstrip(":—– ")
    phrase = _framing_date(core)
    if phrase:
        if phrase[:1].isdigit() or phrase.split()[0].rstrip(".").lower() in MONTHS:
            phrase = f"On {phrase}"  # "May 5, ..." reads "On May 5, ..."
        return phrase[:1].upper() + phrase[1:]
    if len(core.split()) <= _FRAME_WORDS and core.startswith("As of "):
        return core
    return ""


def _opening_date(sentence: str) -> str:
    """The date a sentence opens with, before a comma: "Last Friday", "In March 2025"."""
    m = DATE.match(sentence)
    if m is None or sentence[m.end() : m.end() + 1] != ",":
        return ""
    return m.group()


def _framing_date(core: str) -> str:
    """A date that opens the lead-in ("Last Friday, ...", "On May 5, ...") or closes it."""
    for at in (0, 3) if core.startswith("On ") else (0,):
        m = DATE.match(core, at)
        if m is not None and core[m.end() : m.end() + 1] in (",", ""):
            return m.group()
    closing = [m for m in DATE.finditer(core) if m.end() == len(core)]
    return closing[-1].group() if closing else ""


def _framed(frame: str, claim: str) -> str:
    if claim.lower().startswith(frame.lower()) or DATE.search(claim):
        return claim  # a bullet with its own date keeps it
    first, _, rest = claim.partition(" ")
    if first in ("The", "A", "An"):
        claim = f"{first.lower()} {rest}"
    return f"{frame}, {claim}"


def _quoted_spans(text: str, segments: list[Segment]) -> list[tuple[int, int, str]]:
    """Join sentences that sit inside one quotation into one candidate span.

    `Bessent added: “How do we get China to rebalance? That is the big win here.”` is
    two sentences but one claim about what Bessent said; the second alone would be an
    orphan ("That is the big win here."). Sentences are joined only up to the mark that
    closes the quotation, found on the same line within _QUOTE_SPAN characters; an
    unbalanced mark or an inch sign (6.1") joins nothing.
    """
    spans: list[tuple[int, int, str]] = []
    close_at = -1  # where the quotation the last span opened is closed
    for seg in segments:
        if seg.kind not in CLAIM_KINDS:
            spans.append((seg.start, seg.end, seg.kind))
            close_at = -1
            continue
        if close_at > seg.start:
            spans[-1] = (spans[-1][0], seg.end, spans[-1][2])
        else:
            spans.append((seg.start, seg.end, seg.kind))
        close_at = _quote_close(text, spans[-1][0], spans[-1][1])
    return spans


def _quote_close(text: str, start: int, end: int) -> int:
    """Where a quotation left open by text[start:end] closes, or -1 (same line, bounded)."""
    span = text[start:end]
    curly = span.count("“") > span.count("”")
    straight = len(_STRAIGHT_QUOTE.findall(span)) % 2 == 1
    if not (curly or straight):
        return -1
    limit = text.find("\n", end)
    limit = min(len(text) if limit < 0 else limit, start + _QUOTE_SPAN)
    if curly:
        at = text.find("”", end, limit)
        return at if at >= 0 else -1
    m = _STRAIGHT_QUOTE.search(text, end, limit)
    return m.start() if m else -1


def _own_quantities(span: str, atom: Atom, verdict: Assessment) -> tuple[Quantity, ...]:
    """The span's quantities, less a sibling's ("S&P 500 ... 0.99%, 1.36%, and 0.95%")."""
    if span == atom.claim:
        # The scorer parsed this very text (at offset 0): move its quantities into place.
        if not atom.start:
            return verdict.quantities
        # Field by field: dataclasses.replace() was a tenth of the time on lists of numbers.
        return tuple(
            Quantity(
                q.text,
                q.start + atom.start,
                q.end + atom.start,
                q.value,
                q.unit,
                q.percent,
                q.currency,
                q.range_to,
                q.date,
                q.counted,
            )
            for q in verdict.quantities
        )
    found = find_quantities(span, atom.start)
    if _SPACES.sub(" ", span).rstrip(".") == atom.claim.rstrip("."):
        return found
    # The claim may name what the span only implies ("nearly 30 others" reads "nearly 30
    # other critical minerals"): take the counted thing and the date from the claim's words.
    # The scorer parsed the claim's words already (at offset 0): the same parse, not another.
    in_claim = {q.text: q for q in verdict.quantities}
    own = []
    for q in found:
        surface = _SPACES.sub(" ", q.text)  # "4\xa0percent" reads "4 percent" in the claim
        twin = in_claim.get(surface)
        if not _stands_in(surface, atom.claim, twin.start if twin else -1):
            continue
        # Only a twin that names more is copied from: a pasted table's 100,000 numbers mostly
        # name nothing, and dataclasses.replace() was a fifth of their time.
        if twin is not None and (
            (twin.counted and twin.counted != q.counted) or (twin.date and twin.date != q.date)
        ):
            q = replace(q, counted=twin.counted or q.counted, date=twin.date or q.date)
        own.append(q)
    return tuple(own)


def _stands_in(surface: str, claim: str, hint: int) -> bool:
    """Tell whether `surface` is in `claim` as a whole number, not part of a longer one.

    `hint` is where the claim's own parse found the same text: checked first, so a
    bullet of 100,000 numbers under a dated lead-in is not searched 100,000 times.
    """
    end = hint + len(surface)
    if (
        hint >= 0
        and claim.startswith(surface, hint)
        and not (hint and (claim[hint - 1].isdecimal() or claim[hint - 1] in ".,"))
        and not (end < len(claim) and claim[end].isdecimal())
    ):
        return True  # what the search below would find (\d is a decimal digit)
    return re.search(rf"(?<![\d.,]){re.escape(surface)}(?!\d)", claim) is not None


def score_sentence(sentence: str) -> Assessment:
    """Score one sentence as given (no segmentation or splitting): score, kind, reasons."""
    return assess(sentence)


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
