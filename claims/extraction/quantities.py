"""Find numbers in a sentence: percentages, money, scaled counts, ranges, units."""

from __future__ import annotations

import re

from .types import MONTHS, Quantity

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR = r"US\$|[$€£¥]|\b(?:RMB|CNY|USD|EUR|GBP|JPY)\s?"
_SCALE = r"\s?(?:thousand|million|billion|trillion|bn|tn)\b"
_PCT = r"\s?(?:%|percent\b|per\s?cent\b)"
_UNIT = (
    r"yuan|renminbi|dollars?|euros?|yen|"
    r"percentage points?|basis points|bps|points?|tons?|tonnes?|barrels?|bbl|"
    r"degrees?|km|kilomet(?:er|re)s?|miles?|kg|kilograms?|pounds?|lbs?|ounces?|"
    r"gallons?|lit(?:er|re)s?|[kMGT]Wh?|days?|weeks?|months?|years?|hours?|"
    r"minutes?|seconds?|times|people|jobs|stocks|shares|nations|countries"
)

_STARTS = r"(?=[\dbURCEGJ$€£¥])"
# One pattern covers "$1.5 billion", "500 billion yuan", "25%-50%",
# "39–45%", "between 10 and 20", "RMB 1.11 trillion", "130 %".
# Index names ("S&P 500", "Nikkei 225") are names, not quantities.
_QUANTITY = re.compile(
    # Where a quantity can start: a digit, a currency ("$", "US$", "RMB") or "between".
    # Said first, so the search skips every other position before trying the lookbehinds
    # (5x faster on a news sentence; the matches are the same).
    rf"{_STARTS}"
    rf"(?<!S&P )(?<!Nikkei )(?<!FTSE )(?<!Stoxx )(?<!Russell )(?<!CSI )(?<!KOSPI )"
    rf"(?P<between>\bbetween\s+)?"
    rf"(?P<cur>{_CUR})?"
    rf"(?<![\w.])(?P<num>{_NUM})"
    rf"(?P<scale>{_SCALE})?"
    rf"(?P<pct>{_PCT})?"
    # " to " is deliberately not a range separator: "rose 5% to $3.2 billion".
    rf"(?:(?:\s?[-–—]\s?|(?(between)\s+and\s+|(?!)))"
    rf"(?P<cur2>{_CUR})?(?P<num2>{_NUM})(?P<scale2>{_SCALE})?(?P<pct2>{_PCT})?)?"
    rf"(?P<unit>\s?(?:{_UNIT})\b)?"
)

_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "tn": 1e12,
}
_CURRENCY_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "CNY",  # ambiguous with JPY; most of this corpus is about China
    "RMB": "CNY",
    "CNY": "CNY",
    "USD": "USD",
    "EUR": "EUR",
    "GBP": "GBP",
    "JPY": "JPY",
}
_CURRENCY_WORDS = {
    "yuan": "CNY",
    "renminbi": "CNY",
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "yen": "JPY",
}
# Power units keep their case: "MW" is not "mw".
_CASED_UNITS = frozenset({"MW", "GW", "kW", "TW", "MWh", "GWh", "kWh", "TWh"})
_YEAR = re.compile(r"(?:19|20)\d\d")
# A name that ends in a number: "Boeing 737", "Windows 10", "Title 42" (but "In 2019", "May 5",
# "Nearly 30 protesters").
_NAME_BEFORE = re.compile(r"(?:^|[^.!?]\s)([A-Z][\w]*)\s$")
_NOT_NAMES = frozenset(
    [
        *("in", "on", "by", "at", "of", "for", "from", "since", "until", "after", "before"),
        *("about", "over", "under", "nearly", "almost", "only", "just", "some", "around"),
        *("than", "to", "and", "or", "the", "a", "an", "is", "was", "are", "were", "roughly"),
        *("approximately", "exactly", "more", "fewer", "less", "least", "all", "another"),
        *("top", "with", "into", "per", "up", "down", "below", "above", "between", "among"),
        *("every", "each", "first", "last", "next", "these", "those", "his", "her", "their"),
        *("its", "our", "your", "my", "we", "they", "it", "he", "she", "who", "has", "had"),
        *("have", "be", "been", "as", "if", "when", "while", "then", "but", "so", "nor", "yet"),
        *("age", "aged", "estimated", "reportedly", "officially", "within"),
    ]
)


def glued_to_name(text: str, start: int) -> bool:
    """Digits glued to letters, or to letters through a hyphen: G7, COVID-19, F-35, PM2.5."""
    before = text[max(0, start - 2) : start]
    return before[-1:].isalpha() or (before[-1:] == "-" and before[:1].isalpha())


def digits_in_a_name(text: str, start: int, end: int) -> bool:
    """Tell whether the bare digits at text[start:end] belong to a name, not a figure:
    COVID-19, SARS-CoV-2, G7, F-35, 5G, 15th, Boeing 737, Title 42."""
    if glued_to_name(text, start) or text[end : end + 1].isalpha():
        return True
    if start < 2 or text[start - 1] != " " or not text[start - 2].isalnum():
        return False  # no word right before: "…, 12, 13" (checked first: tables of numbers)
    m = _NAME_BEFORE.search(text[max(0, start - 40) : start])
    if m is None:
        return False
    word = m.group(1).lower()
    return word not in _NOT_NAMES and word not in MONTHS


_DIGIT = re.compile(r"\d")

# The thing counted follows the number: "15 critical minerals", "145% tariffs on
# Chinese goods", "50% dependence on China". Stop at words that end a noun phrase.
_COUNTED_WORD = re.compile(r"\s+(?:of\s+|on\s+|in\s+)?([A-Za-z][\w’'&-]*)")
_COUNTED_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "must",
        "can",
        "do",
        "does",
        "did",
        "and",
        "or",
        "but",
        "nor",
        "to",
        "by",
        "from",
        "for",
        "with",
        "as",
        "at",
        "than",
        "then",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "since",
        "until",
        "after",
        "before",
        "during",
        "while",
        "when",
        "where",
        "if",
        "because",
        "so",
        "such",
        "more",
        "less",
        # Time, comparison and example words close the phrase too: "3.33% last Friday",
        # "599 stocks rising versus ...", "RMB 367 billion lower than", "12 nations including".
        "last",
        "next",
        "versus",
        "vs",
        "lower",
        "higher",
        "compared",
        "including",
        "like",
        "rising",
        "falling",
        "most",
        "least",
        "respectively",
        "each",
        "per",
        "over",
        "under",
        "into",
        "onto",
        "about",
        "around",
        "nearly",
        "almost",
        "up",
        "down",
        "off",
        "out",
        "also",
        "only",
        "just",
        "even",
        "additional",
        "exceed",
        "exceeds",
        "exceeded",
        "exceeding",
        "rose",
        "rise",
        "rises",
        "fell",
        "fall",
        "falls",
        "dropped",
        "grew",
        "increased",
        "decreased",
        "declined",
        "climbed",
        "jumped",
        "surged",
        "reached",
        "hit",
    ]
)
_COUNTED_MAX = 5
_DATE_TEXT = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:January|February|March|April|May|June|July"
    r"|August|September|October|November|December)(?:\s+(?:19|20)\d\d)?\b"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s+(?:19|20)\d\d\b"
    r"|\b(?:in|since|by|from|until|during|before|after)\s+((?:19|20)\d\d)\b"
)


def find_quantities(sentence: str, offset: int = 0) -> tuple[Quantity, ...]:
    """Return the quantities in `sentence`; offsets are shifted by `offset`."""
    if _DIGIT.search(sentence) is None:
        return ()  # every quantity has a digit
    found: list[Quantity] = []
    date: str | None = None  # the sentence's date, looked for once a quantity is found
    for m in _QUANTITY.finditer(sentence):
        # One dict of the groups, not a dozen calls: a pasted table holds 100,000 numbers.
        g = m.groupdict()
        num = g["num"]
        cur = (g["cur"] or g["cur2"] or "").strip()
        scale = (g["scale"] or g["scale2"] or "").strip().lower()
        percent = bool(g["pct"] or g["pct2"])
        unit = (g["unit"] or "").strip()
        decorated = bool(cur or scale or percent or unit or g["num2"])
        end_num = m.end("num")
        if not decorated:
            # Ordinals and names: "15th", "4G", "COVID-19", "Boeing 737". Only a word or a
            # hyphen right before, or a letter right after, can make one: a table of
            # 100,000 numbers ("1,000, 1,000, …") skips the call.
            at = m.start("num")
            prev = sentence[at - 1] if at else " "
            if (
                prev.isalpha()
                or prev == "-"
                or (prev == " " and at >= 2 and sentence[at - 2].isalpha())
                or (end_num < len(sentence) and sentence[end_num].isalpha())
            ) and digits_in_a_name(sentence, at, end_num):
                continue
            if _is_date_part(sentence, at, num):
                continue
            if _is_enumerator(sentence, at, end_num):
                continue
        elif not cur and glued_to_name(sentence, m.start("num")):
            continue  # "COVID-19 deaths", "SARS-CoV-2 variants": a name, then a word
        mult = _SCALES.get(scale, 1.0)
        currency = _CURRENCY_SYMBOLS.get(cur, "") or _CURRENCY_WORDS.get(unit.lower(), "")
        if currency and unit.lower() in _CURRENCY_WORDS:
            unit = ""
        num2 = g["num2"]
        range_to = (
            _to_float(num2) * _SCALES.get((g["scale2"] or g["scale"] or "").strip().lower(), 1.0)
            if num2
            else None
        )
        start = m.start("between") if g["between"] else m.start()
        text = sentence[start : m.end()]
        if date is None:
            date_m = _DATE_TEXT.search(sentence)
            date = (date_m.group(1) or date_m.group()) if date_m else ""
        found.append(
            Quantity(
                text=text,
                start=offset + start,
                end=offset + m.end(),
                value=_to_float(num) * mult,
                unit=unit if unit in _CASED_UNITS else unit.lower(),
                percent=percent,
                currency=currency,
                range_to=range_to,
                date=date,
                counted=counted_after(sentence, m.end()),
            )
        )
    return tuple(found)


def counted_after(sentence: str, end: int) -> str:
    """Return the noun phrase right after a number ("critical minerals"), or ""."""
    words: list[str] = []
    pos = end
    after_prep = -1  # words taken since "on"/"of"/"in"; a phrase takes two at most there
    for _ in range(_COUNTED_MAX):
        m = _COUNTED_WORD.match(sentence, pos)
        if m is None or after_prep >= 2:
            break
        word = m.group(1)
        if word.lower() in _COUNTED_STOP or (not words and m.group().strip() != word):
            break
        lead = m.group()[: m.start(1) - m.start()].strip()
        if lead:
            if after_prep >= 0:
                break
            after_prep = 0
        elif after_prep >= 0:
            after_prep += 1
        words.extend([lead, word] if lead else [word])
        pos = m.end()
        if lead:
            after_prep = 1
    while words and words[-1] in ("of", "on", "in"):
        words.pop()
    return " ".join(words)


def _to_float(num: str) -> float:
    """Parse "4,749" or "0.99" into a float."""
    return float(num.replace(",", ""))


def _is_date_part(sentence: str, start: int, num: str) -> bool:
    """Tell whether a bare number is a year or a day of the month."""
    if len(num) == 4 and _YEAR.fullmatch(num):
        return True
    if len(num) <= 2:
        prev = sentence[max(0, start - 11) : start].rstrip(" .").rsplit(" ", 1)[-1]
        return prev.lower() in MONTHS
    return False


def _is_enumerator(sentence: str, start: int, end: int) -> bool:
    """Tell whether a bare number is a list marker ("issues: 1. Deep-sea…")."""
    if end >= len(sentence) or sentence[end] not in ".)":
        return False
    if end + 1 < len(sentence) and not sentence[end + 1].isspace():
        return False
    before = sentence[:start].rstrip()
    return not before or before.endswith(":")
