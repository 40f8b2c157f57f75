"""Text features shared by training and run time: n-grams and explicit signals.

Training (`training/train_checkworthy.py`) and the scorer call the same
functions, so the shipped weights always see features made the same way.
Pure Python: no numpy or scikit-learn needed to score.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .quantities import find_quantities

# Digits become "0" so "0.99%" and "1.36%" share n-grams.
_DIGITS = re.compile(r"\d")
_TOKEN = re.compile(r"[a-z0]+(?:[’'][a-z]+)?|[%$€£¥?!]")
_CHAR_MIN, _CHAR_MAX = 2, 5


def ngrams(sentence: str) -> list[str]:
    """Return word 1–2-grams ("w:") and in-word character 2–5-grams ("c:")."""
    return normalised_ngrams(normalised(sentence))


def normalised(sentence: str) -> str:
    """The sentence as the n-grams see it: lowercased, every digit a "0"."""
    return _DIGITS.sub("0", sentence.lower())


def normalised_ngrams(low: str) -> list[str]:
    """`ngrams` of a sentence already passed through `normalised`."""
    words = _TOKEN.findall(low)
    feats = [f"w:{w}" for w in words]
    feats.extend(f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for w in words:
        feats.extend(_cached_char_ngrams(w) if len(w) <= _CACHED_WORD else _char_ngrams(w))
    return feats


def _char_ngrams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    n_chars = len(padded)
    feats: list[str] = []
    for n in range(_CHAR_MIN, min(_CHAR_MAX, n_chars) + 1):
        feats.extend(f"c:{padded[i : i + n]}" for i in range(n_chars - n + 1))
    return tuple(feats)


# Words repeat (Zipf): their character n-grams are made once. Only words of up to 24
# letters are kept: 8,192 of them hold most of an article's running words in 15 MB at most
# (a pasted run of 1 MB of letters is one "word" of 4 million n-grams).
_CACHED_WORD = 24
_cached_char_ngrams = functools.lru_cache(maxsize=8192)(_char_ngrams)


def tfidf_dot(feats: list[str], table: dict[str, tuple[float, float]]) -> float:
    """Return the dot product of the L2-normalised sublinear TF-IDF vector with weights.

    `table` maps a feature to (idf, weight), exactly as scikit-learn's
    TfidfVectorizer(sublinear_tf=True, norm="l2") followed by a linear model.
    """
    norm = 0.0
    dot = 0.0
    found = False
    # Counter counts in C and keeps first-seen order, so the sums add up in the same order.
    for f, n in Counter(feats).items():
        entry = table.get(f)
        if entry is None:
            continue
        found = True
        idf, weight = entry
        value = (1.0 + math.log(n)) * idf
        norm += value * value
        dot += value * weight
    return dot / math.sqrt(norm) if found else 0.0


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d\d\b)?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+(?:19|20)\d\d\b)?"
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
    rf"(?P<src>(?:[A-Z][\w&.’'-]*\s+(?:of\s+(?:the\s+)?)?){{0,4}}[A-Z][\w&.’'-]*)"
    rf"\s+(?:has\s+|had\s+)?{_ATTRIB_VERB}\b"
)
# Where a name may open: the first capital of a word. A later capital of the same word
# would give the same match or none (a name's first word runs to the word's end either
# way), so trying them too only made a long run of capitals ("AAAA…": 32 KB took 15 s)
# quadratic. The run of word characters is the one the name patterns use.
_CAPITAL_AHEAD = r"[\w&.’'-]*?(?=[A-Z])"
_WORD_CAPITAL = re.compile(rf"(?<![\w&.’'-]){_CAPITAL_AHEAD}")
_CUT_WORD_CAPITAL = re.compile(_CAPITAL_AHEAD)
_ATTRIB_ANY = re.compile(rf"\b{_ATTRIB_VERB}\b|\baccording to\b|\bin an? [A-Z]\w* interview\b")
_PRONOUNS = frozenset(["I", "We", "He", "She", "They", "It", "You", "This", "That"])
# A quotation of three words or more. The run between the marks may not hold another
# opening mark, so a search is linear even when a quote is never closed.
QUOTED = re.compile(r"[“\"](?=(?:[^“”\"\s]+\s+){2})[^“”\"]*[”\"]")
_ACTION = re.compile(
    r"\b(?:signed|announced|imposed|raised|lowered|cut|suspended|exempted|issued|approved|"
    r"passed|banned|withdrew|postponed|enacted|launched|introduced|threatened|ordered|"
    r"vetoed|levied|slapped|lifted|agreed|committed|sent|denied|met|visited|"
    r"abolished|tightened|targeted|sanctioned|voted)\b"
)
POLICY = re.compile(
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
# "may" only in lower case: capitalised mid-sentence it is the month ("on May 16").
_PREDICTION = re.compile(
    r"\b(?:will|would|won[’']t|expected to|could|(?-i:may)|might|likely|forecast\w*|predict\w*|"
    r"projected|going to|set to|poised to)\b",
    re.I,
)
FIRST_PERSON = re.compile(r"\b(?:I|I[’']\w+|me|my|we|our|us)\b")
CAUSATION = re.compile(
    r"\b(?:because|due to|led to|leads? to|leading to|caused?|causing|result(?:ed|s)? in|"
    r"as a result|driven by|thanks to|linked to|contribut\w+ to|triggered|stems from)\b",
    re.I,
)
NAME = re.compile(r"(?<!^)(?<![.!?] )\b(?:[A-Z][a-z]+|[A-Z]{2,}|(?:[A-Z]\.){2,})")

# Headline verbs: a heading that holds one asserts something ("Council Approves 4% Tax Rise",
# "Wuhan Lab Denies Any Link to First Coronavirus Outbreak"); one without is a label
# ("Diplomatic Isolation", "Key Takeaways"). Title case hides the verb from simple rules, so the
# verbs are listed; "-ed" forms are caught by their ending. Base and -s forms both.
# One string per line, split: a word list reads better than a column of quoted words.
_HEADLINE_VERB_STEMS = (  # noqa: SIM905
    "accuse act admit agree aim announce approve back ban beat blame block boost call claim "
    "climb close confirm cut decline defend delay deny die double drive drop ease end escalate "
    "expand face fail fall fear find gain grow halt hike hit hurt jump kill launch lead lift "
    "link lose loom make meet miss move name open plan plunge pledge push put raise reach "
    "reject report resign return rise rule say see seek send set show sign slide slump soar "
    "spread strike struggle suspend surge take talk threaten top tumble urge use vote vow warn "
    "win withdraw work"
).split()
_IRREGULAR = {
    "deny": "denies", "die": "dies", "miss": "misses", "push": "pushes", "reach": "reaches"
}  # fmt: skip
HEADLINE_VERBS = frozenset(
    [*_HEADLINE_VERB_STEMS, *(_IRREGULAR.get(v, v + "s") for v in _HEADLINE_VERB_STEMS)]
    + "is are was were has have had will won't can't cannot did does do be been".split()  # noqa: SIM905
    + "fell rose sank won lost said saw took made sent met grew drove led used".split()  # noqa: SIM905
)
_HEADLINE_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
# An inverted auxiliary opens a question even without its mark ("Can China Withstand the
# Selloff"); "Why Trump Is Scrambling for Allies" and "How Trump Uses Ambiguity" assert.
_HEADLINE_QUESTION = frozenset("can could should would will is are do does did".split())  # noqa: SIM905
# "1. ", "CN20250331-": list numbers and file codes before a heading's words.
_HEADLINE_PREFIX = re.compile(r"^(?:\d{1,2}[.)]\s+|[A-Z]{0,4}\d{6,}-)")


def heading_asserts(heading: str) -> bool:
    """Tell whether a heading states something checkable rather than labelling a section:
    four words or more, not a question, and a verb ("Global Markets Plunge as Panic Spreads").
    A rule of thumb: "Peace Talk" reads as a verb too; the scorer then decides, as for prose."""
    core = _HEADLINE_PREFIX.sub("", heading.strip())
    if core.endswith(("?", ":")):
        return False
    words = _HEADLINE_WORD.findall(core)
    if len(words) < 4 or words[0].lower() in _HEADLINE_QUESTION:
        return False
    for word in words[1:]:
        low = word.lower().replace("’", "'")
        if low in HEADLINE_VERBS or (len(low) > 4 and low.endswith("ed")):
            return True
    return False


# Signal names in the order the model's signal weights are stored.
SIGNALS = (
    "number",
    "percent",
    "money",
    "unit",
    "several_numbers",
    "date",
    "attributed",
    "action",
    "dated_action",
    "comparison",
    "name",
    "opinion",
    "prediction",
    "question",
    "short",
    "first_person",
    "causation",
)


@dataclass(frozen=True, slots=True)
class Signals:
    """Explicit, explainable facts about a sentence; `on` lists the names that fired."""

    on: frozenset[str]
    source: str | None  # the named source, "" if unnamed, None if not attributed
    quantities: tuple
    unquoted: str


def detect(sentence: str, offset: int = 0) -> Signals:
    """Find the explicit signals in `sentence` (quantities carry article offsets)."""
    on: set[str] = set()
    quantities = find_quantities(sentence, offset)
    # Every quotation opens with one of these marks: most sentences have none.
    unquoted = QUOTED.sub(" ", sentence) if '"' in sentence or "“" in sentence else sentence
    if quantities:
        on.add("number")
        if any(q.percent for q in quantities):
            on.add("percent")
        if any(q.currency for q in quantities):
            on.add("money")
        if any(q.unit for q in quantities):
            on.add("unit")
        if len(quantities) > 1:
            on.add("several_numbers")
    if _may_hold_date(sentence) and DATE.search(sentence):
        on.add("date")
    source = attribution(sentence)
    if source is not None:
        on.add("attributed")
    if _ACTION.search(sentence):
        on.add("dated_action" if "date" in on else "action")
    if _COMPARISON.search(sentence):
        on.add("comparison")
    if NAME.search(sentence):
        on.add("name")
    # Opinion and prediction only count outside quotations: quoted speech is
    # still a checkable claim about what someone said.
    if _OPINION.search(unquoted):
        on.add("opinion")
    if _PREDICTION.search(unquoted):
        on.add("prediction")
    if sentence.rstrip("\"'”’) ").endswith("?"):
        on.add("question")
    n_words = sentence.count(" ") + 1
    if n_words < 4 or (n_words < 6 and not quantities):
        on.add("short")
    if FIRST_PERSON.search(unquoted):
        on.add("first_person")
    if CAUSATION.search(sentence):
        on.add("causation")
    return Signals(frozenset(on), source, quantities, unquoted)


def _may_hold_date(sentence: str) -> bool:
    """Tell cheaply whether DATE could match: each of its forms needs one of these words.

    A month (its first three letters), a year (19xx or 20xx), a weekday or "yesterday"
    ("day"), or a week, month or year. DATE is the costliest signal (case-blind
    alternatives at every word), and most sentences hold no date.
    """
    if "19" in sentence or "20" in sentence:
        return True
    low = sentence.lower()
    return any(word in low for word in _DATE_WORDS)


_DATE_WORDS = (
    *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    *("day", "week", "month", "year"),
)


def attribution(sentence: str) -> str | None:
    """Return the named source ("" if unnamed), or None when not attributed."""
    m = _ATTRIB_ACCORDING.search(sentence)
    if m is not None:
        return m.group("src").rstrip(".,")
    m = first_match(_ATTRIB_BEFORE, sentence)
    if m is not None and m.group("src") not in _PRONOUNS:
        return m.group("src")
    if _ATTRIB_ANY.search(sentence):
        return ""
    return None


# Who made a claim, for the reviewer's `claimant` field: wider than `attribution`, whose
# matches are a trained signal and stay as they were trained. Speech verbs, past and present.
# Verbs of reported speech, one list. REPORTING_VERBS are never nouns, so a bare search for
# them marks reported speech (score.py); the extra forms ("claims", "reports", "found") are
# speech only right next to a speaker's name.
_REPORTING = (
    *("said", "says", "stated", "stating", "told", "tells", "expressed", "announced"),
    *("proposed", "warned", "insisted", "claimed", "argued", "declared", "reminded"),
    *("pointed out", "confirmed", "revealed", "wrote", "tweeted", "admitted", "vowed"),
    *("pledged", "promised", "replied", "accused"),
)
_BESIDE_A_NAME = (
    *("reported", "reports", "states", "claims", "added", "adds", "warns", "writes"),
    *("insists", "noted", "notes", "announces", "confirms", "argues", "explained"),
    *("explains", "estimated", "estimates", "acknowledged", "admits", "denied", "denies"),
    *("urged", "urges", "cautioned", "asserted", "maintained", "suggested", "suggests"),
    *("recalled", "posted", "predicted", "predicts", "concluded", "found", "finds", "spoke"),
    "speaks",
)
REPORTING_VERBS = f"(?:{'|'.join(_REPORTING)})"
_SPEECH_VERB = f"(?:{'|'.join(_REPORTING + _BESIDE_A_NAME)})"
# A name: capitalised words, joined by the small words names hold ("Office for National
# Statistics", "Bank of England"), optionally after "the".
_NAME = (
    r"[A-Z][\w&.’'-]*"
    r"(?:\s+(?:(?:of|for|and|de|du|von|van|al)\s+)?(?:the\s+)?[A-Z][\w&.’'-]*){0,5}"
)
# '…,” said John Smith' / '…, said the Met Office': the verb before the name, after a quote
# or a comma.
_SPEECH_AFTER = re.compile(rf"[,”\"’]\s*{_SPEECH_VERB}\s+(?:the\s+)?(?P<src>{_NAME})")
# 'Smith, the council's leader, said' / 'The WHO, which …, warned': an aside between.
_SPEECH_APPOSITIVE = re.compile(
    rf"(?P<src>{_NAME}),\s+(?:the |a |an |who |which )?[^,“”\"]{{3,80}},\s+"
    rf"(?:has\s+|had\s+)?{_SPEECH_VERB}\b"
)
_SPEECH_ACCORDING = re.compile(
    r"\b[Aa]ccording to\s+(?:(?:previous |recent |a |an |the )?(?:reports?|data|figures|"
    r"estimates|statements?|analysis|research|a study|a survey|a poll|a report|a review|"
    rf"polling|a statement) (?:from|by)\s+)?(?:the\s+)?(?P<src>{_NAME})"
)
_SPEECH_ANY = re.compile(rf"\b{_SPEECH_VERB}\b|\b[Aa]ccording to\b|:\s*[“\"]")
_QUOTE_AFTER_COLON = re.compile(r":\s*[“\"]")
_NAME_AT_START = re.compile(rf"(?P<src>{_NAME})")
_SPEECH_BEFORE = re.compile(rf"(?P<src>{_NAME}),?\s+(?:has\s+|had\s+)?{_SPEECH_VERB}\b")
# 'he said', 'she told reporters', 'said she': a speaker named in an earlier sentence.
SPEECH_BY_PRONOUN = re.compile(
    rf"\b(?:he|she|they)\s+(?:has\s+|had\s+)?{_SPEECH_VERB}\b|{_SPEECH_VERB}\s+(?:he|she)\b",
    re.I,
)
# A short sentence that leans on a pronoun ("And Trump shut it down.", "They did it again.")
# says nothing checkable without the sentence before it.
PRONOUN = re.compile(r"\b(?:it|they|them|he|she|him|her|this|that|these|those)\b", re.I)
FRAGMENT_WORDS = 6
_NOT_SPEAKERS = frozenset(
    ["I", "We", "He", "She", "They", "It", "You", "This", "That", "The", "A", "An", "But", "And"]
)


def claimant_of(sentence: str, source: str | None = None) -> str:
    """The person or body the sentence says made its claim, "" if it names none.

    `source` is what `attribution` found, tried last: its names stop at "of". A sentence's
    opening word ("But", "The") is not part of the speaker's name.
    """
    if source is None and _SPEECH_ANY.search(sentence) is None:
        return ""  # most sentences name no speaker: one cheap search says so
    candidates = [_SPEECH_ACCORDING.search(sentence)]
    if "“" in sentence or '"' in sentence or "," in sentence:
        candidates += [_SPEECH_AFTER.search(sentence), first_match(_SPEECH_APPOSITIVE, sentence)]
    candidates.append(first_match(_SPEECH_BEFORE, sentence))
    colon = _QUOTE_AFTER_COLON.search(sentence)
    if colon is not None:
        # 'In the past days, Foreign Minister Lavrov spoke to Europe: "…"': the clause's
        # subject, after any opening phrase, introduces the quotation.
        clause = sentence[: colon.start()].rsplit(", ", 1)[-1]
        candidates.append(_NAME_AT_START.match(clause))
    names = [m.group("src") for m in candidates if m is not None]
    for name in [*names, source or ""]:
        words = name.rstrip(".,").split()
        while words and words[0] in _NOT_SPEAKERS:
            words.pop(0)  # "But Trump said": the speaker is Trump
        name = " ".join(words).removesuffix("’s").removesuffix("'s")  # "Beijing’s stance: …"
        if name and not _WEEKDAY_OR_MONTH.fullmatch(name):
            return name
    return ""


_WEEKDAY_OR_MONTH = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December)"
)


def word_capitals(text: str, pos: int = 0) -> Iterator[int]:
    """Yield the offset of each word's first capital letter, from `pos` on.

    A word that `pos` cuts starts at `pos`, as for a search from there.
    """
    cut = _CUT_WORD_CAPITAL.match(text, pos)
    if cut is not None:
        yield cut.end()
        pos = cut.end() + 1  # the rest of that word holds no word start
    for m in _WORD_CAPITAL.finditer(text, pos):
        yield m.end()


def first_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """Return `pattern.search(text)` for a pattern that opens with a name, in linear time.

    The pattern must start with `[A-Z][\\w&.’'-]*` and go on with neither a word
    character nor one of &.’'- (a space, a comma), as the name patterns here do.
    """
    for at in word_capitals(text):
        m = pattern.match(text, at)
        if m is not None:
            return m
    return None
