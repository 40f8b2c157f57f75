"""Find numbers in a sentence: percentages, money, scaled counts, ranges, units."""

from __future__ import annotations

import re

from .types import Quantity

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

# One pattern covers "$1.5 billion", "500 billion yuan", "25%-50%",
# "39–45%", "between 10 and 20", "RMB 1.11 trillion", "130 %".
# Index names ("S&P 500", "Nikkei 225") are names, not quantities.
_QUANTITY = re.compile(
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
# Power units keep their case: "MW" is not "mw".
_CASED_UNITS = frozenset({"MW", "GW", "kW", "TW", "MWh", "GWh", "kWh", "TWh"})
_YEAR = re.compile(r"(?:19|20)\d\d")


def find_quantities(sentence: str, offset: int = 0) -> tuple[Quantity, ...]:
    """Return the quantities in `sentence`; offsets are shifted by `offset`."""
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(sentence):
        num = m.group("num")
        cur = (m.group("cur") or m.group("cur2") or "").strip()
        scale = (m.group("scale") or m.group("scale2") or "").strip().lower()
        percent = bool(m.group("pct") or m.group("pct2"))
        unit = (m.group("unit") or "").strip()
        decorated = bool(cur or scale or percent or unit or m.group("num2"))
        end_num = m.end("num")
        if not decorated:
            if end_num < len(sentence) and sentence[end_num].isalpha():
                continue  # ordinals and codes: "15th", "4G"
            if _is_date_part(sentence, m.start("num"), num):
                continue
            if _is_enumerator(sentence, m.start("num"), end_num):
                continue
        mult = _SCALES.get(scale, 1.0)
        currency = _CURRENCY_SYMBOLS.get(cur, "") or _CURRENCY_WORDS.get(unit.lower(), "")
        if currency and unit.lower() in _CURRENCY_WORDS:
            unit = ""
        num2 = m.group("num2")
        range_to = (
            _to_float(num2)
            * _SCALES.get((m.group("scale2") or m.group("scale") or "").strip().lower(), 1.0)
            if num2
            else None
        )
        start = m.start("between") if m.group("between") else m.start()
        text = sentence[start : m.end()]
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
            )
        )
    return tuple(found)


def _to_float(num: str) -> float:
    """Parse "4,749" or "0.99" into a float."""
    return float(num.replace(",", ""))


def _is_date_part(sentence: str, start: int, num: str) -> bool:
    """Tell whether a bare number is a year or a day of the month."""
    if len(num) == 4 and _YEAR.fullmatch(num):
        return True
    if len(num) <= 2:
        prev = sentence[max(0, start - 11) : start].rstrip(" .").rsplit(" ", 1)[-1]
        return prev.lower() in _MONTHS
    return False


def _is_enumerator(sentence: str, start: int, end: int) -> bool:
    """Tell whether a bare number is a list marker ("issues: 1. Deep-sea…")."""
    if end >= len(sentence) or sentence[end] not in ".)":
        return False
    if end + 1 < len(sentence) and not sentence[end + 1].isspace():
        return False
    before = sentence[:start].rstrip()
    return not before or before.endswith(":")
