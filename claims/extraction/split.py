"""Split one sentence into atomic claims, each with an exact span in the article.

Rules, not a parser: a "respectively" list pairs each item with its value
("the Dow Jones, Nasdaq, and S&P 500 falling by 0.99%, 1.36%, and 0.95%,
respectively" is three claims), and clauses joined by ", and", ";", ", while"
or ", but" are separate claims when each carries its own number or opens with
a named subject and its verb ("..., and Beijing responded ..."). The span of
an atom always points at the source words; `claim` is a short standalone
sentence that may borrow the sentence's lead ("According to Bloomberg, ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .features import word_capitals
from .quantities import find_quantities
from .types import Quantity

_SPACES = re.compile(r"\s+")
_ITEM = r"[A-Z][\w&.'’-]*(?:\s+[A-Z0-9][\w&.'’-]*){0,3}"
# A list pairs with its values only up to this many items: news lists are short ("the
# Dow, the Nasdaq and the S&P 500"), and each item's span runs on to its value, so the
# spans of a pasted table of 1,000 items would overlap a million times. The bound also
# keeps a list search linear: a long run of "Alpha, " without an "and" was quadratic.
_MAX_PAIRED = 12
_LIST = re.compile(
    rf"(?P<list>{_ITEM}(?:,\s+(?:the\s+)?{_ITEM}){{0,{_MAX_PAIRED - 2}}}"
    rf",?\s+and\s+(?:the\s+)?{_ITEM})"
)
_LIST_ITEM = re.compile(_ITEM)
_VALUE_SEP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)\s*")
_RESPECTIVELY = re.compile(r",?\s+respectively\b")
_AFTER_WORDS = 6  # "on Friday", "in the first quarter of 2025": a frame, not a clause
_CLAUSE_SEP = re.compile(r",\s+(?:and|while|whereas|but)\s+|;\s+")
_LEAD = re.compile(r"(?:According to|As reported by|Citing)\s[^,]{2,80},\s+")
_OTHERS = re.compile(
    r"^((?:nearly|about|around|almost|over|more than|some)\s+)?(\d[\d,.]*)\s+others\b"
)
# A participle after the list reads as a finished verb in a standalone claim.
_PARTICIPLES = {
    "falling": "fell",
    "rising": "rose",
    "dropping": "dropped",
    "gaining": "gained",
    "losing": "lost",
    "climbing": "climbed",
    "declining": "declined",
    "increasing": "increased",
    "decreasing": "decreased",
    "growing": "grew",
    "reaching": "reached",
    "jumping": "jumped",
    "sliding": "slid",
    "sinking": "sank",
    "surging": "surged",
    "tumbling": "tumbled",
    "plunging": "plunged",
    "closing": "closed",
    "ending": "ended",
    "accounting": "accounted",
}
_SINGULAR = {
    "indices": "index",
    "indexes": "index",
    "markets": "market",
    "stocks": "stock",
    "shares": "shares",
    "companies": "company",
    "countries": "country",
}
_MIN_WORDS = 4
_TWO_NUMBERS = re.compile(r"\d\D+\d")
_PAIRED_MIDDLE = 4  # words between a list and its values: "declined slightly by"
# The subject of the first clause, when it is a name: "Trump raised …", "The Fed cut …".
_SUBJECT = re.compile(
    r"((?:The\s+)?[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){0,3})\s+"
    r"(?:has|have|had|is|are|was|were|will|would|could|[a-z]+ed|[a-z]+s)\b"
)
_GOVERNS = re.compile(
    r"\b(?:that|if|whether|unless|when|whereas|because|although|though|"
    r"said|says|say|told|stated|warned|claimed|argued|insisted|added|noted|believes?|thinks?)\b",
    re.I,
)
_PRONOUN = re.compile(r"(?:it|he|she|they)\b")
_OPENER = re.compile(
    r"(?:However|Meanwhile|Moreover|Additionally|Also|Still|Overall|Today|Yesterday|"
    r"[A-Z][a-z]+ly),\s+"
)
# Checked on the last few characters only (see split_claims): a leading \s* searched over
# a long run of spaces is quadratic.
_DANGLING_TAIL = re.compile(r"(?:,[ \t]{0,3}(?:and|or|but)|[,;—–])$")


@dataclass(frozen=True, slots=True)
class Atom:
    """One atomic claim: text[start:end] is its source; `claim` reads on its own."""

    start: int
    end: int
    claim: str
    # Where the atom is really stated when that is not one run: a "respectively" item and its
    # figure ("S&P 500" … "0.99%"), in article offsets; empty when [start, end) says it all.
    parts: tuple[tuple[int, int], ...] = ()


def split_claims(text: str, start: int, end: int) -> list[Atom]:
    """Return the atomic claims of the sentence text[start:end], in order."""
    sentence = text[start:end]
    if "respectively" in sentence:
        atoms = _respectively(sentence, start)
        if atoms:
            return atoms
    atoms = _paired(sentence, start)
    if atoms:
        return atoms
    if _CLAUSE_SEP.search(sentence):
        atoms = _clauses(sentence, start)
        if atoms:
            return atoms
    # A bullet that runs on into the next ("Nasdaq dropped 2.7%, and") ends at its claim.
    core = sentence.rstrip()
    tail = _DANGLING_TAIL.search(core, max(0, len(core) - 10))
    if tail is not None and core[: tail.start()].strip():
        cut = len(core[: tail.start()].rstrip())
        return [Atom(start, start + cut, _SPACES.sub(" ", sentence[:cut]) + ".")]
    claim = _SPACES.sub(" ", sentence)
    # A bullet item ("Nikkei 225 fell nearly 4%") reads as a sentence once it has its stop.
    if not claim.endswith((".", "?", "!", "…", ":", '"', "”", "’", "'", ")")):
        claim += "."
    return [Atom(start, end, claim)]


def _respectively(sentence: str, offset: int) -> list[Atom]:
    resp = _RESPECTIVELY.search(sentence)
    if resp is None:
        return []
    # What follows "respectively" applies to every item: "…, respectively, on Friday."
    after = _SPACES.sub(" ", sentence[resp.end() :]).strip(" ,.;:")
    if len(after.split()) > _AFTER_WORDS or any(c in after for c in ",;:"):
        after = ""  # a clause of its own, not a time frame for the items
    return _pair(sentence, sentence[: resp.start()], offset, strict=False, after=after)


def _paired(sentence: str, offset: int) -> list[Atom]:
    """ "A and B declined by 0.1% and 0.35%": a list and as many values, no "respectively".

    Only when the values close the sentence, are all percentages or all of one unit,
    and a short verb phrase joins them to the list, so "X and Y, 5% and 6%" stays whole.
    """
    if _TWO_NUMBERS.search(sentence) is None:
        return []  # two quantities need two runs of digits: skip the parse
    end = len(sentence.rstrip(" .!"))
    values = find_quantities(sentence[:end])
    if len(values) < 2 or values[-1].end != end:
        return []
    if len({(q.percent, q.unit, q.currency) for q in values}) != 1:
        return []
    return _pair(sentence, sentence[:end], offset, strict=True, values=values)


def _pair(
    sentence: str,
    head: str,
    offset: int,
    strict: bool,
    values: tuple[Quantity, ...] | None = None,
    after: str = "",
) -> list[Atom]:
    """Pair the list right before a run of values with those values, item by item.

    `strict` (no "respectively" to go by): the list must open the sentence, so nothing
    said before it ("Officials denied that ...", "Exports to ...") is lost from the
    claims, and only a short verb phrase may join list and values.
    """
    if values is None:
        values = find_quantities(head)  # `_paired` has them already
    values = tuple(q for q in values if q.end <= len(head))
    # Keep the run of values that ends right before "respectively".
    run: list[Quantity] = []  # built from the last value back, then put in order
    for q in reversed(values):
        tail = head[q.end : run[-1].start] if run else head[q.end :]
        if run and not _VALUE_SEP.fullmatch(tail):
            break
        if not run and tail.strip():
            break
        run.append(q)  # not insert(0, q): that is quadratic in a run of 100,000 numbers
    run.reverse()
    if not 2 <= len(run) <= _MAX_PAIRED:
        return []
    before = head[: run[0].start]
    # "However, the Shenzhen Component Index and ...": the connective is no list item.
    opener = _OPENER.match(before)
    lists = [
        m
        for m in _lists(before, opener.end() if opener else 0)
        if len(_items(m.group("list"))) == len(run)
    ]
    if not lists:
        return []
    lst = lists[-1]
    items = [(lst.start("list") + m.start(), m.group()) for m in _items_m(lst.group("list"))]
    middle = _SPACES.sub(" ", before[lst.end("list") :]).strip()
    if strict:
        opening = before[opener.end() if opener else 0 : lst.start("list")]
        if opening.strip().lower() not in ("", "the"):
            return []
        if len(middle.split()) > _PAIRED_MIDDLE or any(c in middle for c in ",;:—"):
            return []
    noun = ""
    first, _, rest = middle.partition(" ")
    # "ChiNext and STAR Market indices lost ...": one index each.
    if first.lower() in _SINGULAR:
        noun = _SINGULAR[first.lower()]
        middle = rest
        first, _, rest = rest.partition(" ")
    verb = _PARTICIPLES.get(first.lower())
    middle = f"{verb} {rest}".strip() if verb else middle
    middle = f"{noun} {middle}".strip() if noun else middle
    atoms = []
    for (item_start, item), q in zip(items, run, strict=True):
        tail = f" {after}" if after else ""
        claim = f"{item} {middle} {q.text}{tail}." if middle else f"{item}: {q.text}{tail}."
        item_end = item_start + len(item)
        parts: tuple[tuple[int, int], ...] = (
            (offset + item_start, offset + item_end),
            (offset + q.start, offset + q.end),
        )
        if item_end >= q.start:
            parts = ()  # the item runs into its figure: one run says it all
        atoms.append(Atom(offset + item_start, offset + q.end, _SPACES.sub(" ", claim), parts))
    return atoms


def _lists(text: str, pos: int) -> list[re.Match[str]]:
    """Return what `_LIST.finditer(text, pos)` finds, trying only words' first capitals.

    A list opens with a name, so a later capital of the same word gives the same match
    or none (see `features.word_capitals`).
    """
    found: list[re.Match[str]] = []
    for at in word_capitals(text, pos):
        if found and at < found[-1].end():
            continue  # inside the list found last: finditer goes on from its end
        m = _LIST.match(text, at)
        if m is not None:
            found.append(m)
    return found


def _items(listed: str) -> list[str]:
    return [m.group() for m in _items_m(listed)]


def _items_m(listed: str) -> list[re.Match[str]]:
    items = list(_LIST_ITEM.finditer(listed))
    # "The Dow, Nasdaq and S&P 500 …": the sentence's capital "The" is no part of the name.
    if items and items[0].group().startswith("The ") and " " in items[0].group():
        first = _LIST_ITEM.match(listed, items[0].start() + 4)
        if first is not None:
            items[0] = first
    return items


def _clauses(sentence: str, offset: int) -> list[Atom]:
    # Quoted speech is one claim about what someone said: never cut inside quotes. The
    # marks before each separator are counted on from the last one, not from the start
    # (1 MB of "word; " took minutes).
    cuts = []
    opened = straight = counted_to = 0
    for m in _CLAUSE_SEP.finditer(sentence):
        at = m.start()
        opened += sentence.count("“", counted_to, at) - sentence.count("”", counted_to, at)
        straight += sentence.count('"', counted_to, at)
        counted_to = at
        if opened <= 0 and straight % 2 == 0:
            cuts.append(m)
    if not cuts:
        return []
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in cuts:
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(sentence)))
    # Merge every piece without a number of its own into the one before it.
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        part = sentence[a:b]
        own = bool(find_quantities(part)) and part.count(" ") + 1 >= _MIN_WORDS
        if merged and not own:
            merged[-1] = (merged[-1][0], b)
        elif not merged or own:
            if merged and not _has_number(sentence, merged[-1]):
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
    if len(merged) < 2 or not all(_has_number(sentence, p) for p in merged):
        merged = _named_clauses(sentence, pieces)
        if len(merged) < 2:
            return []
    lead_m = _LEAD.match(sentence)
    lead = lead_m.group() if lead_m else ""
    first_counted = subject = ""
    atoms = []
    for i, (a, b) in enumerate(merged):
        part = sentence[a:b].rstrip(" ,;.")
        b = a + len(part)
        if i == 0:
            quantities = find_quantities(part)
            first_counted = next((q.counted for q in quantities if q.counted), "")
            subject_m = _SUBJECT.match(part, len(lead))
            subject = subject_m.group(1) if subject_m else ""
            claim = part
        else:
            others = _OTHERS.match(part)
            if others and first_counted:
                part_text = f"{others.group(1) or ''}{others.group(2)} other {first_counted}"
                part = part_text + part[others.end() :]
            pronoun = _PRONOUN.match(part)
            if pronoun and subject:
                part = subject + part[pronoun.end() :]
            claim = lead + part if lead else part[:1].upper() + part[1:]
        end_punct = sentence[b:].lstrip()[:1] if i == len(merged) - 1 else ""
        claim = _SPACES.sub(" ", claim) + (end_punct if end_punct in ("!", "?") else ".")
        atoms.append(Atom(offset + a, offset + b, claim))
    return atoms


def _named_clauses(sentence: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut only where the next clause opens with a named subject and its verb.

    "Washington threatened tariffs ..., and Beijing responded by limiting exports"
    is two claims about two actors; "..., and then raised them" stays one.
    """
    # Reported, conditional or embedded first clauses govern what follows: "Xi said China
    # would not back down, and Washington would pay", "if Washington raised tariffs, and
    # Beijing retaliated, ...", "The claim that ..., and Congress approved ..., is untrue".
    if _GOVERNS.search(sentence[pieces[0][0] : pieces[0][1]]):
        return []
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        part = sentence[a:b]
        named = _SUBJECT.match(part) is not None and not part.startswith(("The ", "This "))
        # A clause that runs on past another comma is not a plain second statement.
        long_enough = part.count(" ") + 1 >= _MIN_WORDS and "," not in part.rstrip(" ,.")
        if merged and not (named and long_enough):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if merged and sentence[merged[0][0] : merged[0][1]].count(" ") + 1 < _MIN_WORDS:
        return []
    return merged


def _has_number(sentence: str, piece: tuple[int, int]) -> bool:
    return bool(find_quantities(sentence[piece[0] : piece[1]]))
