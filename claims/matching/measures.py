"""Which measure does a figure give? The basis for flagging conflicting figures.

A claim's figures come parsed by the extractor (`claims.extraction.quantities`). For each
one this module decides *what* is measured: a normalised noun ("tariff", "unemployment
rate"), a unit with currency and scale folded in ("usd", "percent", "count") and a scope
(who or what the figure is about: countries, goods, named organisations). Two figures with
the same noun, unit and scope are the same measure; if their values disagree, beyond a
tolerance and taking "up to"/"about"/ranges into account, they conflict.

Pure Python, no Django: the app layer calls `measures()` on a stored claim's text and
quantity dicts. Every word list lives in the block below, so extending the vocabulary is
one edit. Work per figure is bounded by fixed windows of tokens, and the claim is
tokenised and scanned for names once, so a claim of 100,000 numbers stays linear.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

# ---------------------------------------------------------------------------------------------
# Word lists. Phrases are written as in prose; they are tokenised with the same tokenizer as
# the claim, so "People's Republic of China" and "S&P 500" match however they are spaced.
# ---------------------------------------------------------------------------------------------

# Country (or bloc) -> names, capitals used as metonyms and demonyms. Demonyms are listed
# separately below too, because "Chinese goods" names the goods' origin (a tariff's target).
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "china": ("China", "Beijing", "PRC", "People's Republic of China", "mainland China"),
    "united states": (
        *("U.S.", "US", "U.S.A.", "USA", "United States", "United States of America"),
        *("America", "Washington"),
    ),
    "canada": ("Canada", "Ottawa"),
    "mexico": ("Mexico", "Mexico City"),
    "japan": ("Japan", "Tokyo"),
    "south korea": ("South Korea", "Korea", "Seoul", "Republic of Korea"),
    "north korea": ("North Korea", "Pyongyang", "DPRK"),
    "taiwan": ("Taiwan", "Taipei"),
    "hong kong": ("Hong Kong",),
    "india": ("India", "New Delhi"),
    "russia": ("Russia", "Moscow", "Kremlin"),
    "ukraine": ("Ukraine", "Kyiv", "Kiev"),
    "european union": ("European Union", "EU", "E.U.", "Brussels"),
    "euro area": ("euro area", "Euro area", "eurozone", "Eurozone", "euro zone"),
    "united kingdom": ("United Kingdom", "UK", "U.K.", "Britain", "Great Britain", "London"),
    "germany": ("Germany", "Berlin"),
    "france": ("France", "Paris"),
    "italy": ("Italy", "Rome"),
    "spain": ("Spain", "Madrid"),
    "netherlands": ("Netherlands", "Holland"),
    "switzerland": ("Switzerland", "Bern"),
    "vietnam": ("Vietnam", "Viet Nam", "Hanoi"),
    "thailand": ("Thailand", "Bangkok"),
    "malaysia": ("Malaysia", "Kuala Lumpur"),
    "indonesia": ("Indonesia", "Jakarta"),
    "philippines": ("Philippines", "Manila"),
    "singapore": ("Singapore",),
    "australia": ("Australia", "Canberra"),
    "new zealand": ("New Zealand", "Wellington"),
    "brazil": ("Brazil", "Brasilia"),
    "argentina": ("Argentina", "Buenos Aires"),
    "chile": ("Chile", "Santiago"),
    "colombia": ("Colombia", "Bogota"),
    "turkey": ("Turkey", "Türkiye", "Ankara"),
    "israel": ("Israel", "Jerusalem", "Tel Aviv"),
    "iran": ("Iran", "Tehran"),
    "saudi arabia": ("Saudi Arabia", "Riyadh"),
    "united arab emirates": ("United Arab Emirates", "UAE", "Abu Dhabi", "Dubai"),
    "egypt": ("Egypt", "Cairo"),
    "south africa": ("South Africa", "Pretoria"),
    "nigeria": ("Nigeria", "Abuja"),
    "pakistan": ("Pakistan", "Islamabad"),
    "bangladesh": ("Bangladesh", "Dhaka"),
    "poland": ("Poland", "Warsaw"),
    "sweden": ("Sweden", "Stockholm"),
    "norway": ("Norway", "Oslo"),
}
DEMONYMS: dict[str, tuple[str, ...]] = {
    "china": ("Chinese",),
    "united states": ("American", "Americans"),
    "canada": ("Canadian", "Canadians"),
    "mexico": ("Mexican", "Mexicans"),
    "japan": ("Japanese",),
    "south korea": ("South Korean", "Korean", "South Koreans"),
    "north korea": ("North Korean",),
    "taiwan": ("Taiwanese",),
    "india": ("Indian", "Indians"),
    "russia": ("Russian", "Russians"),
    "ukraine": ("Ukrainian", "Ukrainians"),
    "european union": ("European", "Europeans"),
    "united kingdom": ("British", "Briton", "Britons"),
    "germany": ("German", "Germans"),
    "france": ("French",),
    "italy": ("Italian", "Italians"),
    "spain": ("Spanish",),
    "netherlands": ("Dutch",),
    "switzerland": ("Swiss",),
    "vietnam": ("Vietnamese",),
    "thailand": ("Thai",),
    "malaysia": ("Malaysian",),
    "indonesia": ("Indonesian",),
    "philippines": ("Filipino", "Philippine"),
    "australia": ("Australian", "Australians"),
    "brazil": ("Brazilian", "Brazilians"),
    "argentina": ("Argentine", "Argentinian"),
    "turkey": ("Turkish",),
    "israel": ("Israeli", "Israelis"),
    "iran": ("Iranian", "Iranians"),
    "saudi arabia": ("Saudi",),
    "egypt": ("Egyptian",),
    "south africa": ("South African",),
    "pakistan": ("Pakistani",),
    "poland": ("Polish",),
    "sweden": ("Swedish",),
    "norway": ("Norwegian",),
}
# Stock indices and named organisations: names, so matched only when capitalised.
INDEX_ALIASES: dict[str, tuple[str, ...]] = {
    "dow jones": ("Dow Jones", "Dow", "DJIA", "Dow Jones Industrial Average"),
    "s&p 500": ("S&P 500", "S&P"),
    "nasdaq": ("Nasdaq", "Nasdaq Composite", "NASDAQ"),
    "nikkei 225": ("Nikkei", "Nikkei 225"),
    "kospi": ("KOSPI", "Kospi"),
    "hang seng": ("Hang Seng", "Hang Seng Index"),
    "hang seng tech": ("Hang Seng Tech", "Hang Seng Tech Index"),
    "shanghai composite": ("Shanghai Composite", "Shanghai Composite Index"),
    "shenzhen component": ("Shenzhen Component", "Shenzhen Component Index"),
    "chinext": ("ChiNext", "ChiNext Index"),
    "star market": ("STAR Market", "STAR Market Composite Index", "STAR 50"),
    "csi 300": ("CSI 300",),
    "ftse 100": ("FTSE", "FTSE 100"),
    "dax": ("DAX",),
    "cac 40": ("CAC 40",),
    "stoxx 600": ("Stoxx 600", "STOXX 600"),
}
ORGANISATION_ALIASES: dict[str, tuple[str, ...]] = {
    "federal reserve": ("Federal Reserve", "Fed", "US Federal Reserve"),
    "european central bank": ("European Central Bank", "ECB"),
    "bank of japan": ("Bank of Japan", "BOJ", "BoJ"),
    "bank of england": ("Bank of England", "BoE"),
    "people's bank of china": ("People's Bank of China", "PBOC", "PBoC"),
    "imf": ("IMF", "International Monetary Fund"),
    "world bank": ("World Bank",),
    "wto": ("WTO", "World Trade Organization"),
    "opec": ("OPEC", "OPEC+"),
    "nato": ("NATO",),
    "united nations": ("United Nations", "UN", "U.N."),
    **{
        name.lower(): (name,)
        for name in (
            *("Apple", "Tesla", "Nvidia", "Boeing", "Huawei", "TikTok", "Microsoft", "Amazon"),
            *("Google", "Alphabet", "Meta", "BYD", "TSMC", "Samsung", "Intel", "Walmart"),
            *("Ford", "Toyota", "Volkswagen", "Alibaba", "Tencent", "Xiaomi"),
        )
    },
    "general motors": ("General Motors", "GM"),
}
# Goods and sectors: lower-case words, matched in any case ("Steel imports ...").
GOODS_ALIASES: dict[str, tuple[str, ...]] = {
    "steel": ("steel",),
    "aluminum": ("aluminum", "aluminium"),
    "copper": ("copper",),
    "lumber": ("lumber", "timber"),
    "autos": ("autos", "auto", "cars", "car", "automobiles", "vehicles", "motor vehicles"),
    "auto parts": ("auto parts", "car parts"),
    "electric vehicles": ("electric vehicles", "electric cars", "EVs", "EV"),
    "semiconductors": ("semiconductors", "chips", "microchips", "semiconductor"),
    "pharmaceuticals": ("pharmaceuticals", "drugs", "medicines", "pharmaceutical"),
    "oil": ("oil", "crude", "crude oil", "petroleum"),
    "natural gas": ("natural gas", "LNG", "liquefied natural gas"),
    "soybeans": ("soybeans", "soybean", "soy"),
    "agriculture": ("agricultural products", "farm goods", "farm products", "agriculture"),
    "rare earths": ("rare earths", "rare earth", "rare-earth", "rare earth elements"),
    "critical minerals": ("critical minerals",),
    "solar panels": ("solar panels", "solar"),
    "batteries": ("batteries", "lithium-ion batteries"),
    "lithium": ("lithium",),
    "textiles": ("textiles", "clothing", "apparel"),
    "electronics": ("electronics", "consumer electronics"),
    "smartphones": ("smartphones", "phones"),
    "wheat": ("wheat",),
    "corn": ("corn",),
    "beef": ("beef",),
    "pork": ("pork",),
    "energy": ("energy",),
}
# Words after a demonym or country that make it the goods' origin: "Chinese goods",
# "Canadian imports", "U.S. products" (for a tariff, its target).
GOODS_WORDS = frozenset(
    ["goods", "imports", "import", "products", "exports", "items", "shipments", "made"]
)
# Prepositions whose object is what a tariff is levied on: "on Chinese goods", "against
# China", "imports from Canada".
TARGET_PREPOSITIONS = frozenset(["on", "against", "from", "targeting", "toward", "towards"])

# Surface phrase -> normalised measure noun. The last such phrase in a noun phrase is its head
# ("oil price" -> "price", "steel tariff" -> "tariff"); the rest of the phrase is scope.
MEASURE_NOUNS: dict[str, tuple[str, ...]] = {
    "tariff": (
        *("tariff", "tariffs", "tariff rate", "tariff rates", "tariff level", "duty", "duties"),
        *("import duty", "import duties", "customs duties", "levy", "levies", "import tax"),
        "import taxes",
    ),
    "unemployment rate": ("unemployment", "unemployment rate", "jobless rate", "joblessness"),
    "inflation": (
        *("inflation", "inflation rate", "consumer prices", "consumer price index", "CPI"),
        "price growth",
    ),
    "gdp": ("GDP", "gross domestic product", "economy", "economic output"),
    "gdp growth": ("GDP growth", "economic growth", "growth rate"),
    "interest rate": (
        *("interest rate", "interest rates", "benchmark rate", "policy rate", "key rate"),
        *("federal funds rate", "fed funds rate", "lending rate", "borrowing costs"),
    ),
    "approval rating": ("approval", "approval rating", "approval ratings", "job approval"),
    "deaths": ("deaths", "death", "death toll", "dead", "fatalities"),
    "injuries": ("injuries", "injured", "wounded"),
    "population": ("population", "residents", "inhabitants"),
    "exports": ("exports", "export", "export volume"),
    "imports": ("imports", "import"),
    "trade deficit": ("trade deficit", "trade gap"),
    "trade surplus": ("trade surplus",),
    "budget deficit": ("budget deficit", "fiscal deficit"),
    "deficit": ("deficit",),
    "debt": ("debt", "national debt", "public debt", "government debt"),
    "spending": ("spending", "expenditure", "government spending"),
    "budget": ("budget",),
    "revenue": ("revenue", "revenues", "tariff revenue", "tariff revenues"),
    "sales": ("sales", "retail sales"),
    "profit": ("profit", "profits", "net profit", "net income", "earnings"),
    "investment": ("investment", "investments", "foreign investment"),
    "aid": ("aid", "military aid", "assistance"),
    "subsidies": ("subsidies", "subsidy"),
    "bonds": ("bonds", "treasury bonds", "special treasury bonds", "government bonds"),
    "bond yield": ("yield", "yields", "bond yield", "treasury yield"),
    "trading volume": ("trading volume", "turnover", "volume", "trading volumes"),
    "market value": ("market value", "market capitalization", "market cap"),
    "share price": ("share price", "stock price", "shares", "stocks", "share prices", "ADRs"),
    "price": ("price", "prices"),
    "minimum wage": ("minimum wage",),
    "wages": ("wages", "wage", "pay", "salaries"),
    "emissions": ("emissions", "carbon emissions"),
    "jobs": ("jobs", "payrolls", "nonfarm payrolls"),
    "job cuts": ("job cuts", "job losses", "layoffs"),
    "turnout": ("turnout", "voter turnout"),
    "votes": ("votes", "vote"),
    "vote share": ("vote share",),
    "market share": ("market share",),
    "share": ("share", "proportion"),
    "stake": ("stake",),
    "probability": ("chance", "chances", "probability", "odds", "likelihood", "risk"),
    "import dependence": ("dependence", "dependent", "dependency", "reliance", "reliant"),
    "delegation size": ("delegation",),
    "troops": ("troops", "soldiers"),
    "cases": ("cases", "infections"),
    "exchange rate": ("exchange rate",),
    "poverty rate": ("poverty rate", "poverty"),
}
# Change nouns: "a 3% drop in sales", "export growth of 5%". Falls are negative values.
CHANGE_NOUNS = frozenset(
    [
        *("growth", "increase", "increases", "rise", "rises", "gain", "gains", "jump", "surge"),
        *("hike", "hikes", "expansion", "rebound"),
    ]
)
FALL_NOUNS = frozenset(
    ["decline", "declines", "drop", "drops", "fall", "falls", "loss", "slump", "contraction"]
    + ["cut", "cuts", "reduction", "decrease", "plunge"]
)
# Verbs of change. "rose 5%" is a change; "rose to 5%" is a level of the subject.
RISE_VERBS = frozenset(
    [
        *("rose", "rise", "rises", "rising", "risen", "gained", "gain", "gains", "gaining"),
        *("climbed", "climb", "climbs", "climbing", "jumped", "jump", "jumps", "jumping"),
        *("surged", "surge", "surges", "surging", "soared", "soar", "soaring", "grew", "grow"),
        *("grows", "growing", "grown", "increased", "increase", "increases", "increasing"),
        *("advanced", "rallied", "rally", "rebounded", "spiked", "expanded", "expand"),
        *("raised", "raise", "raises", "raising", "hiked", "hike", "lifted", "boosted"),
        *("up",),
    ]
)
FALL_VERBS = frozenset(
    [
        *("fell", "fall", "falls", "falling", "fallen", "dropped", "drop", "drops", "dropping"),
        *("declined", "decline", "declines", "declining", "lost", "lose", "loses", "losing"),
        *("slid", "slide", "slides", "sliding", "slipped", "slip", "plunged", "plunge"),
        *("plunging", "plummeted", "plummet", "tumbled", "tumble", "sank", "sink", "shrank"),
        *("shrink", "shrunk", "contracted", "contract", "decreased", "decrease", "dipped"),
        *("dip", "slumped", "slump", "tanked", "crashed", "retreated", "eased", "cut", "cuts"),
        *("cutting", "lowered", "lowering", "reduced", "reduce", "down"),
    ]
)
# Verbs that give a level of their subject: "the Shanghai Composite closed at 3,489 points".
LEVEL_VERBS = frozenset(
    ["closed", "ended", "finished", "opened", "stood", "stands", "settled", "traded", "hovered"]
)
# A count is of deaths or injuries when one of these is next to it: "killed 40 people",
# "40 people died".
DEATH_WORDS = frozenset(["killed", "kills", "killing", "died", "dead", "die", "perished"])
INJURY_WORDS = frozenset(["injured", "wounded", "hurt", "injuring", "wounding"])

# Words before a figure that bound it, lower case -> canonical qualifier. Longest first.
QUALIFIERS: dict[str, str] = {
    "up to": "up to",
    "as much as": "up to",
    "as high as": "up to",
    "as many as": "up to",
    "a maximum of": "up to",
    "at most": "up to",
    "no more than": "up to",
    "at least": "at least",
    "no less than": "at least",
    "a minimum of": "at least",
    "more than": "more than",
    "over": "more than",
    "above": "more than",
    "in excess of": "more than",
    "upwards of": "more than",
    "exceeding": "more than",
    "surpassing": "more than",
    "topping": "more than",
    "just over": "more than",
    "less than": "less than",
    "fewer than": "less than",
    "under": "less than",
    "below": "less than",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "circa": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
}
# Figures after these are time frames, not measures: "within the first 100 days".
TIME_FRAME_WORDS = frozenset(
    ["in", "within", "for", "over", "after", "first", "past", "last", "next", "previous"]
)
# A bare number after one of these is a rank or a label: "No. 1", "Phase 2".
RANK_WORDS = frozenset(["no", "number", "#", "phase", "top", "rank", "ranked", "grade"])
# Capitalised words that may stand before a plain count without making it a name
# ("The 15 members", "About 40 people"): anything else capitalised makes it one ("Boeing 737").
COUNT_OPENERS = frozenset(
    [
        *("the", "a", "an", "some", "about", "nearly", "over", "at", "in", "by", "all", "only"),
        *("just", "those", "these", "its", "their", "his", "her", "our", "with", "for", "of"),
        *("and", "to", "from", "almost", "around", "roughly", "more", "than", "up", "least"),
        *("another", "another", "those", "since", "after", "before", "then", "now", "but"),
    ]
)

# Tokens that end a noun phrase: determiners, prepositions, auxiliaries, conjunctions, time
# and comparison words. Whatever else follows a figure is taken as part of its noun phrase.
_DETERMINERS = frozenset(
    ["a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her"]
    + ["our", "your", "my", "all", "some", "any", "each", "every", "other", "such"]
)
_PREPOSITIONS = frozenset(
    [
        *("on", "for", "in", "of", "from", "against", "to", "at", "by", "with", "over"),
        *("under", "into", "onto", "during", "since", "until", "after", "before", "within"),
        *("between", "among", "across", "through", "toward", "towards", "via", "per"),
        *("about", "around", "than", "as", "like", "including", "versus", "vs", "targeting"),
        *("amid", "despite", "without", "compared", "against"),
    ]
)
_AUXILIARIES = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will"]
    + ["would", "could", "should", "may", "might", "must", "can", "do", "does", "did", "shall"]
)
_CONJUNCTIONS = frozenset(
    ["and", "or", "but", "nor", "so", "yet", "while", "whereas", "although", "though"]
    + ["because", "if", "when", "where", "which", "who", "whom", "whose", "that", "then"]
)
_OTHER_STOPS = frozenset(
    [
        *("last", "next", "lower", "higher", "rising", "falling", "most", "least", "more"),
        *("less", "respectively", "only", "just", "even", "also", "up", "down", "off", "out"),
        *("now", "yesterday", "today", "tomorrow", "ago", "earlier", "later", "year", "years"),
        *("week", "weeks", "month", "months", "day", "days", "quarter", "said", "says", "say"),
        *("according", "it", "they", "he", "she", "we", "i", "you", "there", "here", "not"),
        *("no", "again", "already", "still", "since", "barely", "nearly", "almost", "about"),
        *("this", "others", "exceed", "exceeds", "exceeded", "exceeding", "surpassing"),
    ]
)
_CHANGE_VERBS = (RISE_VERBS | FALL_VERBS) - {"up", "down"}
_CURRENCY_MARKS = frozenset(["$", "€", "£", "¥", "us", "rmb", "usd", "eur", "gbp", "cny", "jpy"])
_VERB_LINKS = frozenset(
    ["by", "to", "at", "from", "a", "an", "another", "further", "some", "and", "%", "-", "–"]
    + ["$", "€", "£", "¥", "percent", "million", "billion", "trillion", "points", "yuan"]
)
# Prepositions that start a comparison or an example, not a scope: "12 nations including
# Mexico", "up 5% compared with last year".
_PP_BREAKS = frozenset(
    ["than", "as", "like", "versus", "vs", "compared", "since", "until", "including", "such"]
)
# After a figure, a comparison makes it a difference: "RMB 367 billion lower than".
_COMPARATIVES_UP = frozenset(["higher", "more", "greater", "larger", "bigger", "above", "up"])
_COMPARATIVES_DOWN = frozenset(["lower", "less", "fewer", "smaller", "below", "down"])
_TIME_WORDS = frozenset(
    ["day", "days", "week", "weeks", "month", "months", "year", "years", "quarter", "hours"]
)
_NP_STOPS = (
    _DETERMINERS
    | _PREPOSITIONS
    | _AUXILIARIES
    | _CONJUNCTIONS
    | _OTHER_STOPS
    | RISE_VERBS
    | FALL_VERBS
    | DEATH_WORDS
    | INJURY_WORDS
)
# Words that open a new clause: a figure's scope is not looked for past them.
_CLAUSE_WORDS = frozenset(
    ["but", "while", "whereas", "although", "though", "however", "meanwhile", "yet"]
)
_CLAUSE_PUNCT = frozenset([";", ":", "—", "–", "(", ")", "[", "]", '"', "“", "”"])

# Units as the parser writes them -> (normalised unit, factor into it).
UNITS: dict[str, tuple[str, float]] = {
    "percentage point": ("percentage points", 1.0),
    "percentage points": ("percentage points", 1.0),
    "basis points": ("percentage points", 0.01),
    "bps": ("percentage points", 0.01),
    "point": ("points", 1.0),
    "points": ("points", 1.0),
    "ton": ("tonnes", 1.0),
    "tons": ("tonnes", 1.0),
    "tonne": ("tonnes", 1.0),
    "tonnes": ("tonnes", 1.0),
    "kg": ("tonnes", 0.001),
    "kilogram": ("tonnes", 0.001),
    "kilograms": ("tonnes", 0.001),
    "lb": ("tonnes", 0.000453592),
    "lbs": ("tonnes", 0.000453592),
    "pound": ("tonnes", 0.000453592),
    "pounds": ("tonnes", 0.000453592),
    "ounce": ("tonnes", 0.0000283495),
    "ounces": ("tonnes", 0.0000283495),
    "barrel": ("barrels", 1.0),
    "barrels": ("barrels", 1.0),
    "bbl": ("barrels", 1.0),
    "gallon": ("litres", 3.78541),
    "gallons": ("litres", 3.78541),
    "liter": ("litres", 1.0),
    "liters": ("litres", 1.0),
    "litre": ("litres", 1.0),
    "litres": ("litres", 1.0),
    "km": ("km", 1.0),
    "kilometer": ("km", 1.0),
    "kilometers": ("km", 1.0),
    "kilometre": ("km", 1.0),
    "kilometres": ("km", 1.0),
    "mile": ("km", 1.609344),
    "miles": ("km", 1.609344),
    "degree": ("degrees", 1.0),
    "degrees": ("degrees", 1.0),
    "kW": ("mw", 0.001),
    "MW": ("mw", 1.0),
    "GW": ("mw", 1e3),
    "TW": ("mw", 1e6),
    "kWh": ("mwh", 0.001),
    "MWh": ("mwh", 1.0),
    "GWh": ("mwh", 1e3),
    "TWh": ("mwh", 1e6),
    "second": ("days", 1 / 86400),
    "seconds": ("days", 1 / 86400),
    "minute": ("days", 1 / 1440),
    "minutes": ("days", 1 / 1440),
    "hour": ("days", 1 / 24),
    "hours": ("days", 1 / 24),
    "day": ("days", 1.0),
    "days": ("days", 1.0),
    "week": ("days", 7.0),
    "weeks": ("days", 7.0),
    "month": ("days", 30.4375),
    "months": ("days", 30.4375),
    "year": ("days", 365.25),
    "years": ("days", 365.25),
    "times": ("times", 1.0),
}
# Units that name what is counted: the count's noun unless a verb or noun says more.
COUNT_UNITS: dict[str, str] = {
    "people": "people",
    "jobs": "jobs",
    "stocks": "stocks",
    "shares": "shares",
    "nations": "countries",
    "countries": "countries",
}
# Display names for labels; others are title-cased.
DISPLAY_NAMES: dict[str, str] = {
    "united states": "the U.S.",
    "european union": "the EU",
    "united kingdom": "the UK",
    "united arab emirates": "the UAE",
    "imf": "the IMF",
    "wto": "the WTO",
    "opec": "OPEC",
    "nato": "NATO",
    "s&p 500": "S&P 500",
    "kospi": "KOSPI",
    "chinext": "ChiNext",
    "star market": "STAR Market",
    "csi 300": "CSI 300",
    "ftse 100": "FTSE 100",
    "dax": "DAX",
    "cac 40": "CAC 40",
    "gdp": "GDP",
    "gdp growth": "GDP growth",
    "byd": "BYD",
    "tsmc": "TSMC",
}
UNIT_SYMBOLS: dict[str, str] = {
    "percent": "%",
    "percentage points": "percentage points",
    "usd": "US$",
    "eur": "€",
    "gbp": "£",
    "cny": "yuan",
    "jpy": "yen",
    "count": "number",
}

# Tolerances. Exact figures agree within 2% of the larger (or half the coarser one's last
# written digit: "1.2 billion" agrees with "1,234 million"); "about" widens a figure by 5%.
REL_TOLERANCE = 0.02
APPROX_TOLERANCE = 0.05
# Changes (falls are negative) are kept apart from levels: "index change", "exports change".
CHANGE_SUFFIX = " change"

# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # U.S., U.K., E.U.
    r"|[^\W\d_]+(?:['’][^\W\d_]+)*"  # words, China's
    r"|\d+(?:[.,]\d+)*"  # numbers
    r"|[^\s\w]"  # punctuation, one character at a time
)
_POSSESSIVE = re.compile(r"['’]s$")
_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_HYPHEN_PERCENT = re.compile(r"-(?:percent|per-?cent)\b", re.I)


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(_low(m.group()) for m in _TOKEN.finditer(phrase))


def _low(token: str) -> str:
    return _POSSESSIVE.sub("", token.lower())


# Names keep their case ("China", not "china"; "US", not "us"); kind says which list.
_COUNTRY, _DEMONYM, _INDEX, _ORG, _GOODS = "country", "demonym", "index", "org", "goods"
_NAMES: dict[tuple[str, ...], tuple[str, str]] = {}
_LOWER_NAMES: set[tuple[str, ...]] = set()  # names also written in lower case: "euro area"
for _kind, _table in (
    (_COUNTRY, COUNTRY_ALIASES),
    (_DEMONYM, DEMONYMS),
    (_INDEX, INDEX_ALIASES),
    (_ORG, ORGANISATION_ALIASES),
):
    for _canon, _aliases in _table.items():
        for _alias in _aliases:
            _NAMES.setdefault(_key(_alias), (_canon, _kind))
            if _alias.islower():
                _LOWER_NAMES.add(_key(_alias))
_GOODS_KEYS: dict[tuple[str, ...], str] = {
    _key(alias): canon for canon, aliases in GOODS_ALIASES.items() for alias in aliases
}
_NOUN_KEYS: dict[tuple[str, ...], str] = {
    _key(alias): canon for canon, aliases in MEASURE_NOUNS.items() for alias in aliases
}
_QUALIFIER_KEYS: dict[tuple[str, ...], str] = {_key(k): v for k, v in QUALIFIERS.items()}
# First tokens of the phrases: most tokens start none, and are passed over at once.
_NOUN_FIRST = frozenset(k[0] for k in _NOUN_KEYS)
_TERM_FIRST = frozenset(k[0] for k in _NAMES) | frozenset(k[0] for k in _GOODS_KEYS)
_MAX_PHRASE = 5  # "Dow Jones Industrial Average", "People's Republic of China"
_MAX_QUALIFIER = 3
_CANON_KIND = dict(_NAMES.values())
_CANON_KIND.update(dict.fromkeys(GOODS_ALIASES, _GOODS))
for _canon in DEMONYMS:
    _CANON_KIND[_canon] = _COUNTRY

# Bounds on every scan, in tokens: what keeps the work per figure constant.
_RIGHT_NP = 4
_PP_WORDS = 4
_PP_COUNT = 3
_LEFT_SCAN = 12
_PREMODIFIERS = 5
_SUBJECT_SCAN = 25
_MAX_LIST = 8
_BARE_COUNT_REACH = 4  # "the death toll rose to 5,000": a bare count's noun is this close
_ROLE_SCAN = 6


@dataclass(frozen=True)
class Measure:
    """What one figure in a claim measures, and its value normalised to compare."""

    noun: str  # the thing measured, normalised: "tariff", "unemployment rate", "deaths"
    unit: str  # "percent", "usd", "count", "tonnes", ...: currency and scale folded in
    scope: frozenset[str]  # who or what it is about: "china", "steel", "by united states"
    value: float  # in `unit`; a fall is negative ("fell 2%" is -2 of "... change")
    value_text: str  # as written, qualifier included: "up to 130 %"
    qualifier: str  # "", "up to", "at least", "more than", "less than", "about", "nearly", "range"
    start: int  # offsets of `value_text` in the claim text
    end: int
    value_to: float | None = None  # the top of a range ("25%-50%")
    # Half of this is how far the written digits allow the true figure to be ("1.2 billion"
    # is 0.1 billion): two roundings of one number must not read as a conflict.
    step: float = field(default=0.0, compare=False)
    # The scope the article context implies when the figure's own words give none; set by
    # `imply_scopes`, never part of the key.
    implied: frozenset[str] = field(default_factory=frozenset, compare=False)

    @property
    def key(self) -> tuple[str, str, frozenset[str]]:
        return (self.noun, self.unit, self.scope)

    @property
    def label(self) -> str:
        """A human label: "tariff rate on goods from China (%)"."""
        return _label(self)


def measures(
    text: str, quantities: Sequence[Mapping[str, Any]], claim_start: int = 0
) -> list[Measure]:
    """Return one Measure per figure in `text` whose measure is clear, in text order.

    `quantities` are the claim's parsed quantities as dicts (offsets into the article);
    `claim_start` is the claim's offset in the article. Figures whose measure is unclear,
    dates, ranks and numbers in names (COVID-19, F-35, Boeing 737) give none.
    """
    if not quantities:
        return []
    doc = _Doc(text)
    figures = [f for f in (_locate(doc, q, claim_start) for q in quantities) if f is not None]
    figures.sort(key=lambda f: f.start)
    for f in figures:
        doc.figure_tokens.update(range(f.tok_start, f.tok_end))
    resolved: list[_Resolved] = []
    for i, fig in enumerate(figures):
        r = _resolve(doc, fig, resolved, figures[i + 1].tok_start if i + 1 < len(figures) else -1)
        if r is not None:
            resolved.append(r)
    doc.claim([(r.win_start, r.win_end) for r in resolved])
    scopes = [_scope(doc, r) for r in resolved]
    # Figures sharing one noun ("raised tariffs from 10% to 25% on Chinese goods") share the
    # scope one of them names: forwards, then backwards.
    for i, r in enumerate(resolved):
        if not scopes[i] and r.link >= 0:
            scopes[i] = scopes[r.link]
    for i in range(len(resolved) - 1, -1, -1):
        link = resolved[i].link
        if link >= 0 and not scopes[link]:
            scopes[link] = scopes[i]
    out = []
    for r, scope in zip(resolved, scopes, strict=True):
        out.append(
            Measure(
                noun=r.noun,
                unit=r.fig.unit,
                scope=scope,
                value=r.value,
                value_text=text[r.fig.qual_start : r.fig.end],
                qualifier=r.fig.qualifier,
                start=r.fig.qual_start,
                end=r.fig.end,
                value_to=r.value_to,
                step=r.fig.step,
            )
        )
    return out


def imply_scopes(article_measures: Iterable[Measure]) -> list[Measure]:
    """Fill in `implied` for the figures of ONE article whose own words give no scope.

    The rule: a figure with an empty scope is taken to be about the scope every other
    figure of the same noun and unit in the article has, when they all have one and the
    same ("a 145% tariff was excessive" in an article whose other tariff figures are all on
    Chinese goods). With none, or with two different scopes, nothing is implied.
    """
    items = list(article_measures)
    scopes: dict[tuple[str, str], set[frozenset[str]]] = {}
    for m in items:
        if m.scope:
            scopes.setdefault((m.noun, m.unit), set()).add(m.scope)
    out = []
    for m in items:
        found = scopes.get((m.noun, m.unit), set())
        if not m.scope and len(found) == 1:
            m = replace(m, implied=next(iter(found)))
        out.append(m)
    return out


def same_measure(a: Measure, b: Measure) -> bool:
    """Tell whether two figures are about the same thing.

    Same noun and unit, and compatible scope: equal scopes, or one empty whose implied
    scope (see `imply_scopes`) is exactly the other's. Two empty scopes are equal. A scope
    that is a subset of the other is not compatible: "tariff on Canadian goods" and "tariff
    on Canadian and Mexican goods" stay apart (either may be the article's shorthand).
    """
    if a.noun != b.noun or a.unit != b.unit:
        return False
    if a.scope == b.scope:
        return True
    if not a.scope and a.implied and a.implied == b.scope:
        return True
    return not b.scope and bool(b.implied) and b.implied == a.scope


def conflicting(a: Measure, b: Measure) -> bool:
    """Tell whether two figures of the same measure give values that cannot both be true.

    Each figure is an interval: exact values a point, "about" +-5%, "nearly" up to 5% below,
    "up to"/"less than" everything below, "at least"/"more than" everything above, a range
    its two ends. They agree when the intervals overlap, allowing 2% of the larger value or
    half the coarser figure's last written digit, whichever is more.
    """
    if not same_measure(a, b):
        return False
    a_lo, a_hi = _interval(a)
    b_lo, b_hi = _interval(b)
    ends = [abs(x) for x in (a_lo, a_hi, b_lo, b_hi) if math.isfinite(x)]
    slack = max(REL_TOLERANCE * max(ends, default=0.0), max(a.step, b.step) / 2)
    return not (a_lo <= b_hi + slack and b_lo <= a_hi + slack)


# ---------------------------------------------------------------------------------------------
# Tokens and the names in them: found once per claim.
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Term:
    start: int  # token indices
    end: int
    canon: str
    kind: str
    target: bool  # the origin a tariff is levied on: "on China", "Chinese goods", goods


class _Doc:
    """A claim's tokens with the names, goods and clause boundaries in them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.raw: list[str] = []
        self.low: list[str] = []
        self.poss: list[bool] = []
        for m in _TOKEN.finditer(text):
            tok = m.group()
            self.starts.append(m.start())
            self.ends.append(m.end())
            self.raw.append(tok)
            low = tok.lower()
            stripped = _POSSESSIVE.sub("", low)
            self.low.append(stripped)
            self.poss.append(stripped != low)
        self.n = len(self.raw)
        # Clause number of every token: scope falls back to the figure's own clause first.
        self.clause: list[int] = []
        c = 0
        for i in range(self.n):
            if self._opens_clause(i):
                c += 1
            self.clause.append(c)
        self.terms: list[_Term] = []
        self.term_at: dict[int, _Term] = {}  # first token -> term
        self.noun_at: dict[int, tuple[int, str]] = {}  # first token -> (end token, noun)
        i = 0
        while i < self.n:
            term = self._term(i) if self.low[i] in _TERM_FIRST else None
            if term is not None:
                self.terms.append(term)
                self.term_at[i] = term
                i = term.end
                continue
            i += 1
        self.term_starts = [t.start for t in self.terms]
        # Measure nouns by first token and, the longest, by last token: the scans look both
        # ways in constant time.
        self.noun_ending: dict[int, tuple[int, int, str]] = {}
        for i in range(self.n):
            if self.low[i] in _NOUN_FIRST:
                hit = self._lookup(_NOUN_KEYS, i)
                if hit is not None:
                    self.noun_at[i] = hit
                    last = hit[0] - 1
                    known = self.noun_ending.get(last)
                    if known is None or known[0] > i:
                        self.noun_ending[last] = (i, hit[0], hit[1])
        self.num = [low[:1].isdigit() for low in self.low]
        for t in self.terms:
            t.target = self._is_target(t)
        self.claimed = [False] * self.n
        self.figure_tokens: set[int] = set()  # tokens of the claim's own quantities

    def _opens_clause(self, i: int) -> bool:
        low = self.low[i]
        figure_next = i + 1 < self.n and (
            self.low[i + 1][:1].isdigit() or self.low[i + 1] in _CURRENCY_MARKS
        )
        # A figure in brackets belongs to what precedes it: "at historic lows (39-45%)".
        if low == "(" and figure_next:
            return False
        if low == ")" and i > 0 and (self.low[i - 1][:1].isdigit() or self.low[i - 1] == "%"):
            return False
        if low in _CLAUSE_PUNCT or low in _CLAUSE_WORDS:
            return True
        # ", and" joins clauses; "Canadian and Mexican" and "0.99%, 1.36%, and 0.95%" do not.
        return low in ("and", "or") and i > 0 and self.raw[i - 1] == "," and not figure_next

    def _lookup(self, table: Mapping[tuple[str, ...], str], i: int) -> tuple[int, str] | None:
        for n in range(min(_MAX_PHRASE, self.n - i), 0, -1):
            hit = table.get(tuple(self.low[i : i + n]))
            if hit is not None:
                return i + n, hit
        return None

    def _term(self, i: int) -> _Term | None:
        raw = self.raw[i]
        capital = raw[:1].isupper()
        for n in range(min(_MAX_PHRASE, self.n - i), 0, -1):
            key = tuple(self.low[i : i + n])
            hit = _NAMES.get(key)
            if hit is None or not (capital or key in _LOWER_NAMES):
                continue
            # Short names must be written in capitals: "US" and "UN", never "us".
            if n > 1 or len(raw) > 3 or raw.isupper() or "." in raw:
                return _Term(i, i + n, hit[0], hit[1], False)
        if raw[:1].isalpha():
            goods = self._lookup(_GOODS_KEYS, i)
            if goods is not None:
                return _Term(i, goods[0], goods[1], _GOODS, False)
        return None

    def _is_target(self, t: _Term) -> bool:
        if t.kind == _GOODS:
            return True
        if t.kind not in (_COUNTRY, _DEMONYM):
            return False
        # "Chinese goods", "Canadian and Mexican imports", "U.S. products".
        j = t.end
        for _ in range(_ROLE_SCAN):
            if j >= self.n:
                break
            low = self.low[j]
            if low in GOODS_WORDS or j in self.term_at and self.term_at[j].kind == _GOODS:
                return True
            if low in ("and", "or", ",") or j in self.term_at:
                j = self.term_at[j].end if j in self.term_at else j + 1
                continue
            break
        # "on China", "against Canada and Mexico", "imports from the U.S.".
        j = t.start - 1
        for _ in range(_ROLE_SCAN):
            if j < 0:
                break
            low = self.low[j]
            if low in TARGET_PREPOSITIONS:
                return True
            if low in _DETERMINERS or low in ("and", "or", ",") or self.in_term(j):
                j -= 1
                continue
            break
        return False

    def in_term(self, j: int) -> bool:
        k = bisect.bisect_right(self.term_starts, j) - 1
        return k >= 0 and self.terms[k].end > j

    def is_number(self, i: int) -> bool:
        return self.num[i]

    def is_word(self, i: int) -> bool:
        return self.low[i][:1].isalpha()

    def claim(self, windows: Sequence[tuple[int, int]]) -> None:
        """Mark the tokens some figure's own words cover: the fallbacks skip them."""
        for a, b in windows:
            for i in range(a, b):
                self.claimed[i] = True
        self._unclaimed_by_clause: dict[int, list[_Term]] = {}
        self._unclaimed: list[_Term] = []
        self._fallbacks: dict[tuple[int | None, bool], frozenset[str]] = {}
        for t in self.terms:
            if not self.claimed[t.start]:
                self._unclaimed_by_clause.setdefault(self.clause[t.start], []).append(t)
                self._unclaimed.append(t)

    def fallback(self, clause: int | None, tariff: bool) -> frozenset[str]:
        """The scope a clause (None: the whole claim) gives figures whose own words give none.

        Organisations and indices in the rest of the sentence are mostly who acts or speaks
        ("Boeing said ..."), so only places (and a tariff's goods) are taken. Worked out
        once per clause: a claim of many figures is not rescanned for each.
        """
        key = (clause, tariff)
        scope = self._fallbacks.get(key)
        if scope is None:
            terms = self._unclaimed if clause is None else self._unclaimed_by_clause.get(clause, [])
            scope = _scope_from(
                [
                    t
                    for t in terms
                    if t.kind in (_COUNTRY, _DEMONYM) or (t.kind == _GOODS and tariff)
                ],
                tariff,
            )
            self._fallbacks[key] = scope
        return scope


# ---------------------------------------------------------------------------------------------
# Figures: where each quantity sits in the claim, and what it measures.
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Figure:
    start: int  # characters in the claim
    end: int
    tok_start: int  # tokens
    tok_end: int
    qual_start: int
    qualifier: str
    unit: str
    factor: float  # into `unit`
    value: float
    value_to: float | None
    step: float
    count_noun: str  # "people" for "40 people"


@dataclass(slots=True)
class _Resolved:
    fig: _Figure
    noun: str
    value: float
    value_to: float | None
    win_start: int  # the figure's own words, tokens: noun phrase and following phrases
    win_end: int
    noun_span: tuple[int, int]  # tokens of the noun itself: not scope
    tariff: bool
    link: int = -1  # the earlier figure whose noun this one shares, as an index into resolved
    extra: tuple[int, int] = (0, 0)  # tokens of a subject name outside the window


def _locate(doc: _Doc, q: Mapping[str, Any], claim_start: int) -> _Figure | None:
    value = q.get("value")
    surface = str(q.get("text") or "")
    if value is None or not surface:
        return None
    start = int(q.get("start", 0)) - claim_start
    end = start + len(surface)
    if doc.text[start:end] != surface:
        # Offsets from another copy of the text: look nearby only, so a claim of many
        # numbers is not searched once per number.
        lo = max(0, start - 64)
        at = doc.text.find(surface, lo, min(len(doc.text), end + 64))
        if at < 0:
            return None
        start, end = at, at + len(surface)
    ts = bisect.bisect_left(doc.ends, start + 1)
    te = bisect.bisect_left(doc.starts, end)
    if ts >= te:
        return None
    unit_info = _unit(q)
    if unit_info is None:
        return None
    hyphen = _HYPHEN_PERCENT.match(doc.text, end)
    if unit_info[0] == "count" and not unit_info[2] and hyphen is not None:
        # "a 25-percent tariff": the parser stops at the hyphen.
        unit_info = ("percent", 1.0, "")
        end = hyphen.end()
        surface = doc.text[start:end]
        te = bisect.bisect_left(doc.starts, end)
    unit, factor, count_noun = unit_info
    if unit == "count" and not count_noun and not _plain_count(doc, surface, start, end, ts):
        return None  # a name with digits, a rank, a date part
    qual_start, qualifier = start, ""
    if q.get("range_to") is not None:
        qualifier = "range"
    else:
        hit = _qualifier(doc, ts)
        if hit is not None:
            qual_start, qualifier = doc.starts[hit[0]], hit[1]
    if unit == "days" and _time_frame(doc, ts if not qualifier else _doc_index(doc, qual_start)):
        return None  # "within the first 100 days": when, not how much
    num = float(value)
    step = _written_step(surface, num) * factor
    range_to = q.get("range_to")
    return _Figure(
        start=start,
        end=end,
        tok_start=ts,
        tok_end=te,
        qual_start=qual_start,
        qualifier=qualifier,
        unit=unit,
        factor=factor,
        value=num * factor,
        value_to=float(range_to) * factor if range_to is not None else None,
        step=step,
        count_noun=count_noun,
    )


def _doc_index(doc: _Doc, char: int) -> int:
    """The token starting at or after character `char`."""
    return bisect.bisect_left(doc.starts, char)


def _unit(q: Mapping[str, Any]) -> tuple[str, float, str] | None:
    """(unit, factor, counted noun) of a parsed quantity, or None for an unknown unit."""
    currency = str(q.get("currency") or "")
    unit = str(q.get("unit") or "")
    text = str(q.get("text") or "")
    if q.get("percent"):
        return "percent", 1.0, ""
    if currency:
        return currency.lower(), 1.0, ""
    if unit in ("pound", "pounds") and re.search(r"million|billion|trillion|bn\b", text):
        return "gbp", 1.0, ""  # "50 million pounds" is money, "500 pounds" of weight is not
    if unit in COUNT_UNITS:
        return "count", 1.0, COUNT_UNITS[unit]
    if unit in UNITS:
        norm, factor = UNITS[unit]
        return norm, factor, ""
    if unit:
        return None
    return "count", 1.0, ""


def _plain_count(doc: _Doc, surface: str, start: int, end: int, ts: int) -> bool:
    """Tell whether a bare number is a count, not part of a name, a rank or a date."""
    text = doc.text
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before in "-‐#" or (start > 0 and before.isalnum()):
        return False  # COVID-19, F-35, #1
    if after == "-" and end + 1 < len(text) and text[end + 1].isalpha():
        return False  # "a 10-year yield", "90-day pause": modifiers, not counts
    if len(surface) == 4 and surface[:2] in ("19", "20"):
        return False  # a year
    if ts > 0:
        prev = doc.raw[ts - 1]
        low = doc.low[ts - 1]
        if low in RANK_WORDS or (prev == "." and ts > 1 and doc.low[ts - 2] == "no"):
            return False
        if prev[:1].isupper() and low not in COUNT_OPENERS and low not in _QUALIFIER_WORDS:
            return False  # Boeing 737, Section 232, Article 5
    return True


_QUALIFIER_WORDS = frozenset(w for k in _QUALIFIER_KEYS for w in k)


def _qualifier(doc: _Doc, ts: int) -> tuple[int, str] | None:
    for n in range(_MAX_QUALIFIER, 0, -1):
        i = ts - n
        if i < 0:
            continue
        hit = _QUALIFIER_KEYS.get(tuple(doc.low[i:ts]))
        if hit is not None:
            return i, hit
    return None


def _time_frame(doc: _Doc, ts: int) -> bool:
    for i in range(ts - 1, max(-1, ts - 4), -1):
        low = doc.low[i]
        if low in TIME_FRAME_WORDS:
            return True
        if low not in _DETERMINERS:
            return False
    return False


def _written_step(surface: str, value: float) -> float:
    """The last written digit's size, in the parsed value's scale ("1.2 billion" -> 1e8)."""
    m = _NUMBER.search(surface)
    if m is None:
        return 0.0
    written = float(m.group().replace(",", ""))
    decimals = len(m.group(1) or "")
    scale = value / written if written else 1.0
    return abs(scale) * 10.0**-decimals


def _resolve(
    doc: _Doc, fig: _Figure, before: Sequence[_Resolved], next_figure: int
) -> _Resolved | None:
    """Find the figure's noun and the span of its own words, or None when unclear."""
    if fig.unit == "count" and not fig.count_noun:
        # A bare number with no word near it ("1, 2, 3, ...") counts nothing: decided
        # before any scan, as a pasted table holds 100,000 of them.
        near = range(max(0, fig.tok_start - _BARE_COUNT_REACH - 1), min(doc.n, fig.tok_end + 1))
        if not any(doc.is_word(i) for i in near):
            return None
    limit = next_figure if next_figure >= 0 else doc.n
    np_end = _noun_phrase_end(doc, fig.tok_end, limit)
    sign = 1.0
    noun = ""
    noun_span = (fig.tok_end, fig.tok_end)
    right = _last_noun(doc, fig.tok_end, np_end)
    left = _left_scan(doc, fig)
    pp_end = _pp_chain_end(doc, np_end, limit)

    if fig.count_noun or fig.unit == "count":
        killed = _casualty(doc, fig, np_end)
        if killed:
            noun = killed
    if not noun and right is not None:
        r_start, r_end, r_noun = right
        noun_span = (r_start, r_end)
        if doc.low[r_end - 1] in CHANGE_NOUNS | FALL_NOUNS:
            sign = -1.0 if doc.low[r_end - 1] in FALL_NOUNS else 1.0
            base = _noun_in(doc, fig.tok_end, r_start) or _pp_noun(doc, np_end, pp_end)
            if base is None and left.noun is not None:
                base = left.noun[2]
            noun = _changed(base) if base else ("gdp growth" if r_noun == "gdp growth" else "")
            if not noun and doc.low[r_end - 1] in ("growth", "contraction", "expansion"):
                noun = "gdp growth"
        else:
            noun = r_noun
            if noun in ("probability", "share"):
                obj = _pp_object_head(doc, np_end, pp_end, "of")
                if obj:
                    noun = f"{noun} of {obj}"
    if not noun and fig.unit == "percent" and np_end < doc.n and doc.low[np_end] == "of":
        obj = _pp_noun(doc, np_end, pp_end) or _pp_object_head(doc, np_end, pp_end, "of")
        if obj:
            noun = f"share of {obj}"  # "15% of imports"
    # Money "in"/"of"/"worth of" something: "500 billion yuan in special treasury bonds".
    money_of = (
        fig.unit not in ("percent", "count")
        and np_end < doc.n
        and doc.low[np_end] in ("in", "of", "worth")
    )
    if not noun and money_of:
        noun = _pp_noun(doc, np_end, pp_end) or ""
    win_start = _premodifier_start(
        doc, fig.tok_start if fig.qualifier == "" else _doc_index(doc, fig.qual_start)
    )
    link = -1
    extra = (0, 0)  # the name a verb's figure is about, when apart from the figure's words
    if (
        not noun
        and fig.unit == "count"
        and not fig.count_noun
        and right is None
        and np_end > fig.tok_end
        and not (np_end < doc.n and doc.low[np_end] in _TIME_WORDS)
    ):
        # "15 critical minerals", "4,749 decliners": what a count counts follows it; not
        # "17 consecutive trading days", a streak whose measure the words do not name.
        generic = _generic_noun(doc, fig.tok_end, np_end)
        if generic:
            noun, noun_span = generic, (fig.tok_end, np_end)
    if (
        left.noun is not None
        and fig.unit == "count"
        and not fig.count_noun
        and fig.tok_start - left.noun[1] > _BARE_COUNT_REACH
    ):
        left.noun = None  # a bare number far from a noun is not clearly a count of it
    if not noun and left.noun is not None:
        n_start, n_end, n_noun = left.noun
        noun_span = (n_start, n_end)
        verb = left.verb
        if verb is not None and left.prep not in ("to", "at", "from"):
            noun = _changed(n_noun)
            sign = -1.0 if doc.low[verb] in FALL_VERBS else 1.0
        else:
            noun = n_noun
        if fig.unit == "count" and not fig.count_noun:
            noun = _counted(doc, n_start, noun)
        prev = before[-1] if before else None
        if prev is not None and prev.win_start <= n_start < prev.win_end:
            # "a 25% tariff on Canadian goods and 10% on Chinese goods": the noun is the
            # previous figure's; this one's own words start after that figure's.
            win_start = prev.win_end
            link = len(before) - 1
        else:
            win_start = _premodifier_start(doc, n_start)
    verb = left.verb if left.verb is not None else left.level_verb
    if not noun and verb is not None:
        subject = _subject(doc, verb)
        if subject is not None:
            kind, s_start, s_end, s_noun = subject
            changing = left.verb is not None and left.prep not in ("to", "at", "from")
            if kind == "name":
                extra = _subject_names(doc, s_start, left, fig)
                base = "index" if s_noun == _INDEX else "share price"
                noun = f"{base} change" if changing else f"{base} level"
                if fig.unit == "count" or fig.unit == "days":
                    noun = ""  # "rose for 17 consecutive trading days": a streak, not a move
            else:
                noun = _changed(s_noun) if changing else s_noun
                noun_span = (s_start, s_end)
            if changing and noun:
                sign = -1.0 if doc.low[verb] in FALL_VERBS else 1.0
            if kind == "noun":
                win_start = _premodifier_start(doc, s_start)
    if not noun and fig.count_noun:
        noun = left.of_noun or fig.count_noun
    if not noun and fig.unit == "count" and left.of_noun:
        noun = left.of_noun
    if not noun and money_of:
        noun = _pp_object_head(doc, np_end, pp_end, "")  # "$2 billion worth of soybeans"
    if not noun:
        return None
    word = doc.low[fig.tok_end] if fig.tok_end < doc.n else ""
    if (
        np_end == fig.tok_end
        and fig.tok_end + 1 < doc.n
        and doc.low[fig.tok_end + 1] == "than"
        and (word in _COMPARATIVES_UP or word in _COMPARATIVES_DOWN)
        and not noun.endswith(CHANGE_SUFFIX)
        and noun != "gdp growth"
    ):
        # "RMB 367 billion lower than last Friday" is how much it changed, not a level.
        noun = _changed(noun)
        sign = -1.0 if word in _COMPARATIVES_DOWN else 1.0
    if fig.value < 0:
        sign = 1.0  # already signed as written
    value = fig.value * sign
    value_to = fig.value_to * sign if fig.value_to is not None else None
    if value_to is not None and value_to < value:
        value, value_to = value_to, value
    r = _Resolved(
        fig=fig,
        noun=noun,
        value=value,
        value_to=value_to,
        win_start=min(win_start, fig.tok_start),
        win_end=max(pp_end, fig.tok_end),
        noun_span=noun_span,
        tariff=noun.startswith("tariff"),
        link=link,
        extra=extra,
    )
    return r


@dataclass(slots=True)
class _Left:
    noun: tuple[int, int, str] | None = None  # nearest measure noun before the figure
    verb: int | None = None  # nearest verb of change between it and the figure
    prep: str = ""  # the word right before the figure (after any qualifier)
    of_noun: str = ""  # "a delegation of 40 people": the noun right before "of"
    level_verb: int | None = None  # "closed at", "stood at"
    listed: int = 0  # figures of the same list before this one: "lost 1.82% and 1.65%"
    foreign: bool = False  # one of them is not among the claim's quantities (a split claim)


def _left_scan(doc: _Doc, fig: _Figure) -> _Left:
    """Walk back from the figure through its clause: measure noun, verb of change, link word."""
    out = _Left()
    i = (_doc_index(doc, fig.qual_start) if fig.qualifier else fig.tok_start) - 1
    if i >= 0 and doc.low[i] == "(":
        i -= 1  # "at historic lows (39-45%)": the parenthesis gives the figure of what precedes
    if i >= 0:
        out.prep = doc.low[i]
        if out.prep == "by" and i > 0:
            i -= 1  # "fell by 2%": the verb is one further back
    if i > 0 and doc.low[i] == "of":
        of_hit = _noun_ending_at(doc, i - 1)
        if of_hit is not None:
            out.of_noun = of_hit[2]
    j = i
    steps = 0
    # A verb gives the figure only when nothing but adverbs, "by"/"to"/"at" and the other
    # figures of a list stand between: "fell slightly by 0.1%", "lost 1.82% and 1.65%";
    # not "increased significantly, surpassing RMB 800 billion" (a level).
    adjacent = True
    clause = doc.clause[fig.tok_start]
    while j >= 0 and steps < _LEFT_SCAN:
        low = doc.low[j]
        if low in _CLAUSE_PUNCT or low in _CLAUSE_WORDS or low == "." or doc.clause[j] != clause:
            break
        if doc.is_number(j) and adjacent:
            out.listed += 1
            out.foreign = out.foreign or j not in doc.figure_tokens
        if doc.is_number(j):
            j -= 1  # another figure of a list: "tariffs of 25% on Canada and 10% on China"
            steps += 1
            continue
        hit = _noun_ending_at(doc, j)
        if hit is not None and doc.low[hit[1] - 1] not in CHANGE_NOUNS | FALL_NOUNS:
            out.noun = hit
            break
        if adjacent and out.verb is None and low in _CHANGE_VERBS:
            out.verb = j
        if adjacent and out.level_verb is None and low in LEVEL_VERBS:
            out.level_verb = j
        if out.verb is not None or out.level_verb is not None:
            adjacent = False  # the verb found: no other verb further back governs the figure
        elif not _links_verb(doc, j):
            adjacent = False
        j -= 1
        steps += 1
    return out


def _links_verb(doc: _Doc, j: int) -> bool:
    """Tell whether token `j` may stand between a verb and its figure."""
    low = doc.low[j]
    if low in _VERB_LINKS or low.endswith("ly") or doc.is_number(j):
        return True
    # A comma only inside a list of figures: "fell 0.99%, 1.36%".
    return low == "," and j > 0 and (doc.is_number(j - 1) or doc.low[j - 1] in _VERB_LINKS)


def _noun_ending_at(doc: _Doc, j: int) -> tuple[int, int, str] | None:
    """A measure noun whose last token is `j` (the longest one)."""
    return doc.noun_ending.get(j)


def _noun_phrase_end(doc: _Doc, i: int, limit: int) -> int:
    """The end of the words right after a figure that may name what it measures."""
    j = i
    while j < min(limit, doc.n) and j - i < _RIGHT_NP:
        low = doc.low[j]
        if low == "-" and j + 1 < doc.n and doc.is_word(j + 1) and j == i:
            j += 1  # "a 25%-tariff"
            continue
        if not doc.is_word(j) or low in _NP_STOPS:
            break
        j += 1
        if doc.poss[j - 1]:
            break
    return j


def _last_noun(doc: _Doc, a: int, b: int) -> tuple[int, int, str] | None:
    best: tuple[int, int, str] | None = None
    i = a
    while i < b:
        hit = doc.noun_at.get(i)
        if hit is not None and hit[0] <= b:
            best = (i, hit[0], hit[1])
            i = hit[0]
            continue
        i += 1
    # The last one is the head: "steel tariff" is a tariff, "tariff revenue" is revenue.
    return best


def _noun_in(doc: _Doc, a: int, b: int) -> str | None:
    hit = _last_noun(doc, a, b)
    if hit is None or doc.low[hit[1] - 1] in CHANGE_NOUNS | FALL_NOUNS:
        return None
    return hit[2]


def _pp_chain_end(doc: _Doc, i: int, limit: int) -> int:
    """The end of the prepositional phrases after a figure: "on Chinese goods from Canada"."""
    j = i
    end = i
    for _ in range(_PP_COUNT):
        if j >= min(limit, doc.n) or doc.low[j] not in _PREPOSITIONS:
            break
        if doc.low[j] in _PP_BREAKS:
            break
        j += 1
        words = 0
        while j < min(limit, doc.n) and doc.low[j] in _DETERMINERS:
            j += 1
        while j < min(limit, doc.n) and words < _PP_WORDS:
            low = doc.low[j]
            if low in ("and", "or", ",") and j + 1 < min(limit, doc.n):
                nxt = doc.low[j + 1]
                if doc.is_word(j + 1) and nxt not in _NP_STOPS | _DETERMINERS:
                    j += 1  # "Canadian and Mexican imports"
                    continue
                break
            if low == "-" and j + 1 < doc.n and doc.is_word(j + 1):
                j += 1
                continue
            if not doc.is_word(j) or low in _NP_STOPS:
                break
            j += 1
            words += 1
        if words == 0:
            break
        end = j
    return end


def _pp_noun(doc: _Doc, a: int, b: int) -> str | None:
    """The measure noun inside the phrases after a figure ("a rise in unemployment")."""
    return _noun_in(doc, a, b)


def _pp_object_head(doc: _Doc, a: int, b: int, prep: str) -> str:
    """The last plain word of the first phrase after a figure: "chance of a recession"."""
    if a >= doc.n or (prep and doc.low[a] != prep):
        return ""
    head = ""
    j = a + 1
    while j < b:
        low = doc.low[j]
        if low in _PREPOSITIONS:
            break
        if doc.is_word(j) and low not in _DETERMINERS and not doc.in_term(j):
            head = low
        j += 1
    return head


def _generic_noun(doc: _Doc, a: int, b: int) -> str:
    """The noun phrase after a count, less names: "15 Chinese companies" -> "companies"."""
    words = [doc.low[j] for j in range(a, b) if doc.is_word(j) and not _is_name(doc, j)]
    return " ".join(words)


def _is_name(doc: _Doc, j: int) -> bool:
    k = bisect.bisect_right(doc.term_starts, j) - 1
    return k >= 0 and doc.terms[k].end > j and doc.terms[k].kind != _GOODS


def _counted(doc: _Doc, n_start: int, noun: str) -> str:
    """What a count after a measure noun counts: "declining stocks (1,814)" -> declining stocks.

    A count of stocks is not a share price; and the word before the noun keeps "advancing"
    and "declining" stocks apart.
    """
    if noun == "share price":
        noun = "stocks"
    k = n_start - 1
    if k >= 0 and doc.is_word(k) and doc.low[k].endswith(("ing", "ed")) and not doc.in_term(k):
        noun = f"{doc.low[k]} {noun}"
    return noun


def _changed(noun: str) -> str:
    if noun in ("gdp", "gdp growth"):
        return "gdp growth"
    return noun + CHANGE_SUFFIX


def _casualty(doc: _Doc, fig: _Figure, np_end: int) -> str:
    """ "killed 40 people", "40 people died", "at least 12 dead" -> deaths; likewise injuries."""
    near: list[str] = []
    i = (_doc_index(doc, fig.qual_start) if fig.qualifier else fig.tok_start) - 1
    if i >= 0:
        near.append(doc.low[i])
    for j in range(fig.tok_end, min(doc.n, np_end + 3)):
        if doc.low[j] in _AUXILIARIES or doc.low[j] in ("people", "were", "have"):
            continue
        near.append(doc.low[j])
        break
    if any(w in DEATH_WORDS for w in near):
        return "deaths"
    if any(w in INJURY_WORDS for w in near):
        return "injuries"
    return ""


def _premodifier_start(doc: _Doc, i: int) -> int:
    """Step back over what may stand before a noun phrase: "the U.S.", "China's", "a new"."""
    j = i
    for _ in range(_PREMODIFIERS):
        k = j - 1
        if k < 0:
            break
        low = doc.low[k]
        if doc.in_term(k):
            t = doc.terms[bisect.bisect_right(doc.term_starts, k) - 1]
            j = t.start
            continue
        if low in _DETERMINERS or doc.poss[k] or low in ("new", "additional", "retaliatory"):
            j = k
            continue
        if low in ("reciprocal", "proposed", "current", "blanket", "average", "-", "and"):
            j = k
            continue
        if k > 0 and doc.low[k - 1] == "-" and doc.is_word(k):
            j = k  # "U.S.-listed"
            continue
        break
    return j


def _subject(doc: _Doc, verb: int) -> tuple[str, int, int, str] | None:
    """What a verb of change is about: a measure noun, an index or company, or a noun phrase.

    Looks back from the verb, over auxiliaries ("has risen") and a participle's comma
    ("The Hang Seng Tech Index outperformed, surging 24%"), to the nearest name or noun.
    """
    j = verb - 1
    while j >= 0 and doc.low[j] in _AUXILIARIES:
        j -= 1
    if j < 0:
        return None
    hit = _noun_ending_at(doc, j)
    if hit is not None:
        return ("noun", hit[0], hit[1], hit[2])
    k = bisect.bisect_right(doc.term_starts, j) - 1
    while k >= 0:
        t = doc.terms[k]
        if verb - t.end > _SUBJECT_SCAN:
            break
        if t.kind in (_INDEX, _ORG):
            return ("name", t.start, t.end, t.kind)
        k -= 1
    return None


def _subject_names(doc: _Doc, start: int, left: _Left, fig: _Figure) -> tuple[int, int]:
    """Which of coordinated names a figure is about: "ChiNext and STAR Market lost 1.82%".

    The extractor splits "A and B lost 1% and 2%" into "A and B lost 1%" and "B lost 1%
    and 2%" (the second keeps a number that is not its quantity): either way the figure is
    the first name's. A list of as many figures as names, all of them the claim's own, goes
    name by name. Returns the token span of the chosen name(s).
    """
    k = bisect.bisect_right(doc.term_starts, start) - 1
    names = [doc.terms[k]]
    while k > 0 and len(names) < _MAX_LIST:
        prev = doc.terms[k - 1]
        between = range(prev.end, names[0].start)
        if prev.kind not in (_INDEX, _ORG) or not all(
            doc.low[i] in (",", "and", "&", "the") for i in between
        ):
            break
        names.insert(0, prev)
        k -= 1
    if len(names) == 1:
        return names[0].start, names[0].end
    if not left.foreign and left.listed + 1 + _figures_after(doc, fig.tok_end) == len(names):
        chosen = names[left.listed]
        return chosen.start, chosen.end
    return names[0].start, names[0].end


def _figures_after(doc: _Doc, i: int) -> int:
    """How many figures of a list follow token `i`: "0.99%, 1.36%, and 0.95%"."""
    count = 0
    for j in range(i, min(doc.n, i + _LEFT_SCAN)):
        if doc.is_number(j):
            count += 1
        elif doc.low[j] not in (",", "and", "%", "percent", "points"):
            break
    return count


# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------


def _scope_of(doc: _Doc, r: _Resolved) -> frozenset[str]:
    """The scope in a figure's own words only (no fallback)."""
    terms = _terms_between(doc, r.win_start, r.win_end, r.noun_span)
    if r.extra[1] > r.extra[0]:
        terms += _terms_between(doc, r.extra[0], r.extra[1], r.noun_span)
    return _scope_from(terms, r.tariff)


def _scope(doc: _Doc, r: _Resolved) -> frozenset[str]:
    """Own words first; then the figure's clause; then its sentence.

    Only names no other figure's own words hold are used in the fallbacks: in "suspended
    the 25% tariff on Canadian goods but kept the 10% one", Canada is the 25%'s alone.
    """
    own = _scope_of(doc, r)
    if own or r.link >= 0:
        return own  # a figure sharing a noun falls back on its neighbour's scope instead
    if r.noun == "countries":
        return own  # "12 nations, among them Mexico and Japan": the places are the members
    for clause in (doc.clause[r.fig.tok_start], None):
        scope = doc.fallback(clause, r.tariff)
        if scope:
            return scope
    return frozenset()


def _terms_between(doc: _Doc, a: int, b: int, noun_span: tuple[int, int]) -> list[_Term]:
    out = []
    k = bisect.bisect_left(doc.term_starts, a)
    while k < len(doc.terms) and doc.terms[k].start < b:
        t = doc.terms[k]
        # The noun itself is not its own scope: "15 critical minerals" counts minerals.
        if not (t.start >= noun_span[0] and t.end <= noun_span[1] and noun_span[1] > noun_span[0]):
            out.append(t)
        k += 1
    return out


def _scope_from(terms: Sequence[_Term], tariff: bool) -> frozenset[str]:
    """For a tariff, what it is levied on; failing that, who levies it ("by china")."""
    if not tariff:
        return frozenset(t.canon for t in terms)
    targets = {t.canon for t in terms if t.target}
    if targets:
        return frozenset(targets)
    return frozenset(
        t.canon if t.kind in (_INDEX, _ORG) else f"by {t.canon}" for t in terms if t.kind != _GOODS
    )


# ---------------------------------------------------------------------------------------------
# Values and labels
# ---------------------------------------------------------------------------------------------


def _interval(m: Measure) -> tuple[float, float]:
    v = m.value
    q = m.qualifier
    if q == "range" and m.value_to is not None:
        return (min(v, m.value_to), max(v, m.value_to))
    if q == "about":
        d = abs(v) * APPROX_TOLERANCE
        return (v - d, v + d)
    if q == "nearly":
        d = abs(v) * APPROX_TOLERANCE
        return (v - d, v) if v >= 0 else (v, v + d)
    floor = 0.0 if v >= 0 else -math.inf
    if q in ("up to", "less than"):
        return (floor, v)
    if q in ("at least", "more than"):
        return (v, math.inf)
    return (v, v)


def _display(canon: str) -> str:
    if canon.startswith("by "):
        return _display(canon[3:])
    return DISPLAY_NAMES.get(canon) or " ".join(
        w if w.isupper() else w.capitalize() for w in canon.split()
    )


def _join(names: Sequence[str]) -> str:
    names = sorted(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _label(m: Measure) -> str:
    unit = UNIT_SYMBOLS.get(m.unit, m.unit)
    noun = m.noun
    scope = m.scope or m.implied
    by = [_display(s) for s in scope if s.startswith("by ")]
    kinds = {s: _CANON_KIND.get(s, _COUNTRY) for s in scope if not s.startswith("by ")}
    goods = [s for s, kind in kinds.items() if kind == _GOODS]
    orgs = [_display(s) for s, kind in kinds.items() if kind in (_INDEX, _ORG)]
    countries = [_display(s) for s, kind in kinds.items() if kind == _COUNTRY]
    places = countries + orgs
    if noun == "tariff":
        head = "tariff rate" if m.unit == "percent" else "tariffs"
        parts = [head]
        if goods:
            parts.append(f"on {_join(goods)}")
            if places:
                parts.append(f"from {_join(places)}")
        elif places:
            parts.append(f"on goods from {_join(places)}")
        if by:
            parts.append(f"imposed by {_join(by)}")
        text = " ".join(parts)
    else:
        named = noun in ("index change", "index level", "share price change", "share price level")
        if named and orgs:
            # "change in Dow Jones (%)", "level of Shanghai Composite (points)"
            head = "change in" if noun.endswith("change") else "level of"
            if noun.startswith("share price"):
                head += " the share price of"
            return f"{head} {_join(places + by)} ({unit})"
        if noun.endswith(CHANGE_SUFFIX):
            noun = f"change in {noun[: -len(CHANGE_SUFFIX)]}"
        text = DISPLAY_NAMES.get(noun, noun)
        names = countries + by
        if goods:
            text += f" for {_join(goods)}"
        if orgs:
            text += f" of {_join(orgs)}"
        if names:
            text += f" in {_join(names)}"
    return f"{text} ({unit})"
