"""The pairwise re-ranker: is claim `b` the same claim as `a`, given their embedding cosine?

Three signals beside the cosine, each computed from the two texts alone (no corpus statistics,
so a pair scores the same whatever else is stored):

- lexical: how many content words (crudely stemmed) the two texts share;
- figures: percentages, money and counts parsed with a small regex, compared by kind and value
  at the precision stated ("2.3 billion" equals 2,312 million). Digits inside names (COVID-19,
  SARS-CoV-2, G7, F-35, Boeing 737, 5G) and dates are not figures; a year is one, but a year
  alone never makes two claims "different";
- named entities both mention: capitalised words and acronyms of one text that the other has.

A topic word alone is not a match: the cosine of two sentences on one topic is often 0.4-0.6,
and the re-ranker needs the other signals to agree before the score rises.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from claims.extraction.quantities import digits_in_a_name, glued_to_name

# Logistic weights over (cosine, lexical, shared-entity share, same figures, different figures),
# fitted by `training/tune_matching.py` on CLEF 2020 `train` pairs (the relevant verified claim
# and the hardest wrong ones) and checked on `dev`.
_BIAS = -11.59
_W_COSINE = 15.24
_W_LEXICAL = 7.61
_W_ENTITIES = 0.52
_W_SAME = 0.96
_W_DIFFERENT = -0.47


@dataclass(frozen=True)
class PairScore:
    score: float  # 0..1 final match score after re-ranking
    cosine: float  # embedding cosine
    lexical: float  # 0..1 lexical similarity of the two texts
    numbers: str  # "same", "different" (a conflict, not a match) or "none"
    entities: tuple[str, ...]  # named entities both texts mention


@dataclass(frozen=True, slots=True)
class Figure:
    kind: str  # "percent", "money:usd" and so on, "count", or "year"
    value: float
    precision: float  # the unit of the last digit stated, scale included


# --- figures ------------------------------------------------------------------------------

_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
    "tn": 1e12,
    "trn": 1e12,
}
# One-letter scales only after a currency sign ("$5m", "£3bn"): after a bare number "5m" is
# five metres as often as five million.
_SHORT_SCALES = frozenset({"k", "m", "b", "mn", "bn", "tn"})
_CURRENCY_SIGNS = {"$": "usd", "us$": "usd", "€": "eur", "£": "gbp", "¥": "jpy", "₹": "inr"}
_CURRENCY_WORDS = {
    "dollar": "usd",
    "dollars": "usd",
    "usd": "usd",
    "euro": "eur",
    "euros": "eur",
    "eur": "eur",
    "pound": "gbp",
    "pounds": "gbp",
    "gbp": "gbp",
    "yuan": "cny",
    "renminbi": "cny",
    "yen": "jpy",
    "rupees": "inr",
    "rupee": "inr",
}
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "a": 1,
}
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)

_FIGURE = re.compile(
    r"""
    (?P<cur>(?:US)?[$€£¥₹])?\s?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?:\s?(?P<scale>thousand|millions?|billions?|trillions?|mn|mln|bn|tn|trn|k|m|b)\b)?
    (?:\s?(?P<pct>%|percent\b|per\s?cent\b|percentage\spoints?\b))?
    (?:\s(?P<curword>dollars?|euros?|pounds?|yuan|renminbi|yen|rupees?|usd|eur|gbp)\b)?
    """,
    re.X | re.I,
)
_WORD_FIGURE = re.compile(
    r"\b(?P<word>one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|"
    r"hundred|a)\s(?P<scale>thousand|million|billion|trillion)\b",
    re.I,
)
_URL = re.compile(r"\bhttps?://\S+|\bpic\.twitter\.com/\S+|\bwww\.\S+|@\w+", re.I)


def _strip_links(text: str) -> str:
    return _URL.sub(" ", text)


def _is_date_part(text: str, start: int, end: int, digits: str) -> bool:
    """A day or a time: "January 6", "6 January", "5:30"."""
    if len(digits) > 2:
        return False
    words_before = text[max(0, start - 12) : start].lower().split()
    words_after = text[end : end + 12].lower().replace(",", " ").split()
    return (
        bool(words_before and words_before[-1].strip(".,") in _MONTHS)
        or bool(words_after and words_after[0].strip(".,") in _MONTHS)
        or text[end : end + 1] == ":"
        or text[max(0, start - 1) : start] == ":"
    )


def _precision(digits: str) -> float:
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    # "3,500,000" and "1500" are exact; trailing zeros of a round number are not a claim of
    # precision either way, so they count as stated.
    return 1.0


@lru_cache(maxsize=4096)
def figures(text: str) -> tuple[Figure, ...]:
    """Return the figures stated in `text`, in order."""
    text = _strip_links(text)
    out: list[Figure] = []
    for m in _FIGURE.finditer(text):
        digits = m.group("num")
        cur, scale, pct, curword = m.group("cur", "scale", "pct", "curword")
        start, end = m.span("num")
        scale = (scale or "").lower()
        if scale in _SHORT_SCALES and not cur:
            scale = ""  # "5m" without a currency: left to the name check below, which skips it
        decorated = bool(cur or scale or pct or curword)
        if not decorated:
            if digits_in_a_name(text, start, end) or _is_date_part(text, start, end, digits):
                continue
        elif not cur and glued_to_name(text, start):
            continue  # "COVID-19 percent" is a name followed by a word
        mult = _SCALES.get(scale, 1.0)
        value = float(digits.replace(",", "")) * mult
        precision = _precision(digits.replace(",", "")) * mult
        if pct:
            kind = "percent"
        elif cur:
            kind = "money:" + _CURRENCY_SIGNS.get(cur.lower(), "other")
        elif curword:
            kind = "money:" + _CURRENCY_WORDS[curword.lower()]
        elif not scale and "." not in digits and "," not in digits and 1900 <= value <= 2099:
            kind = "year"
        else:
            kind = "count"
        out.append(Figure(kind, value, precision))
    for m in _WORD_FIGURE.finditer(text):
        mult = _SCALES[m.group("scale").lower()]
        base = _WORD_NUMBERS[m.group("word").lower()]
        out.append(Figure("count", base * mult, mult))
    return tuple(out)


def _same_value(x: Figure, y: Figure) -> bool:
    # Equal at the coarser of the two stated precisions: "3.5 million" equals "3,500,000",
    # "2.3 billion" equals 2,312 million, 145% equals "145 percent".
    tolerance = max(x.precision, y.precision) / 2 + 1e-9 * max(abs(x.value), abs(y.value))
    return abs(x.value - y.value) <= tolerance


def compare_figures(a: str, b: str) -> str:
    """Return "same", "different" or "none" for the figures of two texts (see PairScore)."""
    fa, fb = figures(a), figures(b)
    agree = conflict = False
    years_agree = False
    for kind in {f.kind for f in fa} & {f.kind for f in fb}:
        xs = [f for f in fa if f.kind == kind]
        ys = [f for f in fb if f.kind == kind]
        shared = any(_same_value(x, y) for x in xs for y in ys)
        if kind == "year":
            # A year is context: "in 2019" against "in 2020" is often the same claim retold.
            years_agree = years_agree or shared
        elif shared:
            agree = True
        else:
            conflict = True
    if conflict:
        return "different"
    return "same" if agree or years_agree else "none"


# --- words and entities -------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "says",
        "said",
        "say",
        "new",
        "one",
        "two",
        "like",
        "get",
        "got",
        "via",
        "amp",
        "rt",
        "will",
        "just",
    ]
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "ly", "s")


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """Crudely stemmed lower-case words of `text` that are not stopwords."""
    words = (w.lower().strip(".'’-") for w in _WORD.findall(_strip_links(text)))
    return frozenset(
        stem(w.removesuffix("'s").removesuffix("’s")) for w in words if w and w not in STOPWORDS
    )


def lexical_similarity(a: str, b: str) -> float:
    """Dice overlap of the two texts' content words, 0..1."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


_CAPITALISED = re.compile(
    r"\b(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|[A-Z][A-Z0-9.&-]*[A-Z0-9])(?:['’]s\b)?"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”(]\s*|\n\s*)$")
_NOT_ENTITIES = frozenset(
    STOPWORDS
    | _MONTHS
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"breaking", "news", "video", "photo", "watch", "fact", "check", "false", "true"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower().strip(".'’-") for w in _WORD.findall(_strip_links(text)))


@lru_cache(maxsize=4096)
def _capitalised(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Return (capitalised words, of which only ever sentence-initial, lower-case words)."""
    text = _strip_links(text)
    anywhere: set[str] = set()
    inside: set[str] = set()
    for m in _CAPITALISED.finditer(text):
        raw = m.group(0)
        word = raw.removesuffix("'s").removesuffix("’s").lower().strip(".")
        if len(word) < 2 or word in _NOT_ENTITIES:
            continue
        anywhere.add(word)
        after = text[m.end() : m.end() + 2]
        # A capital mid-sentence marks a name. So do a possessive, an acronym and a following
        # capitalised word ("Donald Trump"), even at the start of a sentence.
        if (
            not _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()])
            or raw != word.capitalize()
            or after[:1] == " "
            and after[1:2].isupper()
        ):
            inside.add(word)
    lower = frozenset(w for w in re.findall(r"\b[a-z][a-z'’-]*", text))
    return frozenset(anywhere), frozenset(anywhere - inside), lower


def entities(text: str, other: str = "") -> frozenset[str]:
    """Names in `text` (lower-cased): capitalised words that `text` and `other` never write in
    lower case, and that are not only a sentence's first word."""
    words, initial_only, lower = _capitalised(text)
    _, _, other_lower = _capitalised(other)
    other_words, other_initial, _ = _capitalised(other)
    # A word capitalised only where a sentence starts ("Tariffs on steel ...") is a name only
    # if the other text capitalises it somewhere else.
    names = words - (initial_only - (other_words - other_initial))
    return frozenset(names - lower - other_lower)


def shared_entities(a: str, b: str) -> tuple[str, ...]:
    """Names of either text that the other mentions, in any case ("trump" in a tweet)."""
    return tuple(sorted((entities(a, b) & _words(b)) | (entities(b, a) & _words(a))))


def pair_score(a: str, b: str, cosine: float) -> PairScore:
    """Score whether `a` and `b` state the same claim; `cosine` is their embedding cosine."""
    lexical = lexical_similarity(a, b)
    numbers = compare_figures(a, b)
    shared = shared_entities(a, b)
    mentioned = len(entities(a, b) | entities(b, a))
    entity_share = len(shared) / mentioned if mentioned else 0.0
    z = (
        _BIAS
        + _W_COSINE * cosine
        + _W_LEXICAL * lexical
        + _W_ENTITIES * entity_share
        + (_W_SAME if numbers == "same" else 0.0)
        + (_W_DIFFERENT if numbers == "different" else 0.0)
    )
    score = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
    return PairScore(
        score=score, cosine=float(cosine), lexical=lexical, numbers=numbers, entities=shared
    )
