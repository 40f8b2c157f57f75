"""Split raw article text into lines, headings, placeholders and sentences.

The scan is a handful of compiled regexes plus cheap string checks at each
candidate boundary, so it stays fast on large pastes. Offsets are always
indices into the text exactly as given: nothing is normalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import MONTH_ABBREVIATIONS

# Segment kinds. Only CLAIM_KINDS can become candidate claims.
SENTENCE = "sentence"
BULLET = "bullet"
HEADING = "heading"
PLACEHOLDER = "placeholder"
LINK = "link"
BOILERPLATE = "boilerplate"
CLAIM_KINDS = frozenset({SENTENCE, BULLET})


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of the article: `text[start:end]`, labelled with its kind."""

    start: int
    end: int
    kind: str


# A line break always ends a segment; \u2028/\u2029 are line breaks in pasted text too.
_LINE = re.compile(r"[^\r\n\u2028\u2029]+")

# Bullet glyphs at line start. A plain hyphen/en dash only counts when followed
# by a space, so "-3% growth" or "—a dash" are not mistaken for list items.
_BULLET = re.compile(r"(?:[•·▪◦‣●○■□►▶➢➤✓✔]|[-–*](?=\s))\s*")

# Image placeholders and markdown links can sit in the middle of a paragraph
# (the no-newline seed), so they are cut out wherever they occur.
_INLINE = re.compile(
    r"(?P<img>\[(?:Image|Photo|Picture|Video|Embed|Figure|Graphic|Audio|Gallery)\b[^\]\r\n]*\])"
    r"|(?P<md>\[[^\[\]\r\n]*\]\([^()\s]*\))"
)

_URL_LINE = re.compile(r"<?(?:https?://|www\.)\S+>?")
_FILE_LINE = re.compile(r"\S+\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|mp4|mov|pdf)", re.I)
_BOILER_LINE = re.compile(
    r"(?:back|top|back to top|subscribe|unsubscribe|send comments?|verified user|share"
    r"|share this(?: article)?|advertisement|comments?|related(?: articles| stories)?"
    r"|read more|more|menu|home|log ?in|sign ?(?:up|in)|follow us\b.*|click here\b.*"
    r"|skip to (?:main )?content|print|email)"
    r"|@\w+"  # social handle
    r"|by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}"  # byline
    r"|[A-Z][\w.&'’ ]{0,30}?\s*[—–-]+",  # dateline such as "CNN —"
    re.I,
)

# Sentence-level boilerplate: disclaimers, source credits, chatbot leftovers.
_BOILER_SENTENCE = re.compile(
    r"^(?:disclaimer|original source|source|sources|copyright|©|editor[’']?s note"
    r"|image|photo|credit|read more|related)\s*:"
    r"|let me know if you(?:'d| would)? (?:need|like|want)"
    r"|^this version (?:maintains|keeps|improves|preserves)"
    r"|clicking the .{0,40}button|all rights reserved|subscribe to our|sign up for our"
    r"|follow us on",
    re.I,
)

# Candidate sentence boundaries.
# Each alternative starts only where its run of marks starts (the lookbehinds) and
# never gives back what it matched (possessive quantifiers): without that, a run of
# "!" is rescanned from every position in it (32 KB took 29 s). Neither changes
# what matches: a shorter run would leave a mark where a space or capital must be.
#  1. ".?!…" (plus closing quotes/brackets) followed by whitespace and something
#     that can start a sentence: a capital/non-ASCII letter, digit, quote, bracket.
#  2. "lowercase.Uppercase" with no space at all: pasted tweets ("reality.That").
_BOUNDARY = re.compile(
    r"(?<![.?!…])[.?!…]++(?P<close>[\"'”’)\]»]*+)(?=\s++(?:[\"“‘'(\[\d¿¡]|[^\W\d_a-z]))"
    r"|(?<=[a-z%)])[.?!]++(?P<close2>[\"”]?)(?=[A-Z][a-z’']|[AI]\s)"
    # 3. An inline numbered list after a colon: "two issues: 1. Deep-sea mining…".
    r"|:(?P<close3>)(?=\s+\d{1,2}\.\s+[A-Z])"
)

# Titles are always followed by a name: never a sentence end.
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "gen",
        "gov",
        "sen",
        "rep",
        "lt",
        "col",
        "capt",
        "cmdr",
        "sgt",
        "rev",
        "hon",
        "pres",
        "fr",
        "messrs",
        "mme",
        "mlle",
        "sr",
        "jr",
    ]
)
# Abbreviations that only continue the sentence when a number follows ("No. 1").
_NUM_ABBR = (
    frozenset(
        [
            "no",
            "nos",
            "vol",
            "p",
            "pp",
            "fig",
            "figs",
            "art",
            "sec",
            "ch",
        ]
    )
    | MONTH_ABBREVIATIONS
)
# Abbreviations that practically never end a sentence.
_ALWAYS_CONT = frozenset(["e.g", "i.e", "cf", "vs", "v", "approx", "ca", "viz", "al"])
# Abbreviations that may or may not end a sentence: decide on the next word.
_AMBIG_ABBR = frozenset(
    ["inc", "ltd", "corp", "co", "st", "ave", "blvd", "dept", "univ", "bros", "a.m", "p.m"]
)
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")

# Words that, capitalised after an ambiguous abbreviation ("the U.S. The..."),
# clearly open a new sentence. Anything else ("U.S. officials", "U.S. Treasury")
# keeps the sentence together: a missed split is the lesser error.
_STARTERS = frozenset(
    [
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "in",
        "on",
        "at",
        "but",
        "and",
        "or",
        "however",
        "meanwhile",
        "a",
        "an",
        "as",
        "if",
        "when",
        "while",
        "some",
        "many",
        "most",
        "after",
        "before",
        "since",
        "still",
        "yet",
        "so",
        "also",
        "there",
        "despite",
        "according",
        "for",
        "with",
        "what",
        "why",
        "how",
        "who",
        "where",
        "now",
        "then",
        "such",
        "our",
        "their",
        "his",
        "her",
        "my",
        "by",
        "under",
        "over",
        "to",
        "from",
        "during",
        "although",
        "though",
        "nevertheless",
        "moreover",
        "furthermore",
        "indeed",
        "instead",
        "thus",
        "therefore",
        "today",
        "yesterday",
        "last",
        "next",
        "earlier",
        "later",
        "recently",
        "not",
        "no",
        "one",
        "all",
        "both",
        "each",
        "every",
    ]
)
_WORD = re.compile(r"[A-Za-z’']+")

# "…?” Trump asked." / "…,” said Rollins." — a capitalised speaker after a
# closing quote does not start a new sentence.
_SPEECH_AFTER_QUOTE = re.compile(
    r"\s+(?:[A-Z][\w’'.-]*\s+){1,4}(?:said|says|asked|asks|added|adds|told|wrote|"
    r"replied|noted|argued|insisted|stated|explained|warned|declared|tweeted|posted)\b"
)

# A byline or desk credit glued to the first sentence: "Rokna Political Desk: The talks…".
_BYLINE_PREFIX = re.compile(
    r"(?:[A-Z][\w&.'’-]*\s+){0,4}(?:Desk|Bureau|Newsroom|Staff|Correspondents?|Wire|Reporters?)"
    r"\s*(?::|—|–|-{1,2})\s+(?=\S)"
)
_ENUMERATOR = re.compile(r"\(?\d{1,2}[.)]\s+(?=\S)")
# Trailing characters ignored when looking for a line's final punctuation.
_TRAIL_SKIP = "\"'”’)]»*_ \t\xa0"
_SENTENCE_END = ".!?…"
_CONTINUATION_END = ",;—–-(/&"
_DANGLING = frozenset(
    [
        "and",
        "or",
        "but",
        "nor",
        "the",
        "a",
        "an",
        "of",
        "to",
        "with",
        "for",
        "in",
        "on",
        "at",
        "by",
        "from",
        "as",
        "that",
        "which",
        "who",
    ]
)
_ENDS_INITIALISM = re.compile(r"(?:\b[A-Z]\.){2,}$")
_NUMBERED = re.compile(r"\(?\d{1,2}[.)]\s")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "and",
        "or",
        "but",
        "nor",
        "by",
        "with",
        "from",
        "at",
        "as",
        "vs",
        "via",
        "per",
        "into",
        "onto",
        "over",
        "under",
        "than",
        "is",
        "are",
        "was",
        "be",
    ]
)


# A reader-comment badge: the lines under it, to the next blank line, are a reader's comment.
_COMMENT_BADGE = re.compile(r"verified (?:user|reader|commenter)|reader comment|top comment", re.I)


def segment(text: str) -> list[Segment]:
    """Split `text` into labelled segments with exact offsets, in order."""
    out: list[Segment] = []
    first_line = True
    after_badge = False
    prev_end = 0
    content_end = len(text.rstrip())  # lets the title rule ask "is there more?" in O(1)
    for m in _LINE.finditer(text):
        a, b = m.span()
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        # Trim the line to its content.
        a += len(line) - len(line.lstrip())
        b -= len(line) - len(line.rstrip())
        is_first = first_line
        first_line = False
        # A reader's comment runs from the badge to the next blank line (handle included),
        # or to the page's own chrome ("CNN —") when the badge has no comment under it.
        if after_badge and (
            text.count("\n", prev_end, a) >= 2
            or _classify_line(stripped, False, has_more=True) == BOILERPLATE
        ):
            after_badge = False
        if after_badge:
            prev_end = b
            out.append(Segment(a, b, BOILERPLATE))
            continue
        prev_end = b
        after_badge = _COMMENT_BADGE.fullmatch(stripped) is not None

        bullet = _BULLET.match(text, a, b)
        if bullet is not None and bullet.end() < b:
            _split_paragraph(text, bullet.end(), b, BULLET, out)
            continue

        kind = _classify_line(stripped, is_first, has_more=b < content_end)
        if kind is None:
            _split_paragraph(text, a, b, SENTENCE, out)
        else:
            out.append(Segment(a, b, kind))
    return out


def _classify_line(line: str, is_first: bool, has_more: bool) -> str | None:
    """Label a whole line as non-prose, or return None for a paragraph."""
    n_words = line.count(" ") + 1
    if n_words <= 6:
        if _URL_LINE.fullmatch(line):
            return LINK
        if _FILE_LINE.fullmatch(line):
            return PLACEHOLDER
        if _BOILER_LINE.fullmatch(line):
            return BOILERPLATE
        if _INLINE.fullmatch(line):
            return PLACEHOLDER if line.startswith("[") and "](" not in line else LINK
    if n_words > 25 or len(line) > 200:
        return None
    core = line.rstrip(_TRAIL_SKIP)
    if not core:
        return BOILERPLATE
    last = core[-1]
    if last in _CONTINUATION_END:
        return None
    if last == ":":
        # "Key Takeaways:" is a heading; a long lead-in to a list is a sentence.
        return HEADING if n_words <= 5 else None
    if last not in _SENTENCE_END and not _is_emoji_tail(core):
        # A line ending in "and"/"of"/"the" is a sentence broken by a stray newline.
        if core.rsplit(None, 1)[-1].lower() in _DANGLING and not _is_title_case(line):
            return None
        # No final punctuation: a heading unless it is a long sentence-case line.
        if n_words <= 12 or _is_title_case(line) or (is_first and has_more):
            return HEADING
        return None
    # Headlines rarely end in a full stop, but name-heavy sentences are title
    # case too: only trust "." when it belongs to "U.S." or the line is numbered.
    if (
        n_words <= 20
        and _is_title_case(line)
        and (last != "." or _ENDS_INITIALISM.search(core) or _NUMBERED.match(line))
    ):
        return HEADING
    if is_first and has_more and last in "?!" and n_words <= 25:
        return HEADING
    return None


def _is_emoji_tail(core: str) -> bool:
    """Tell whether the line ends in a symbol (emoji) right after punctuation."""
    last = core[-1]
    if last.isalnum() or ord(last) < 0x2000:
        return False
    body = core.rstrip(core[-1]).rstrip()
    return bool(body) and body[-1] in _SENTENCE_END


def _is_title_case(line: str) -> bool:
    """Tell whether most content words are capitalised (headline style)."""
    caps = total = 0
    for word in line.split():
        word = word.lstrip("\"'“‘([0123456789.)-")
        if not word or not word[0].isalpha() or word.lower() in _SMALL_WORDS:
            continue
        total += 1
        if word[0].isupper():
            caps += 1
    return total >= 2 and caps >= 0.75 * total


def _split_paragraph(text: str, a: int, b: int, kind: str, out: list[Segment]) -> None:
    """Cut inline placeholders out of a line, then split the rest into sentences."""
    pos = a
    if text.find("[", a, b) != -1:
        for m in _INLINE.finditer(text, a, b):
            _split_sentences(text, pos, m.start(), kind, out)
            out.append(Segment(m.start(), m.end(), PLACEHOLDER if m.group("img") else LINK))
            pos = m.end()
    _split_sentences(text, pos, b, kind, out)


def _split_sentences(text: str, a: int, b: int, kind: str, out: list[Segment]) -> None:
    """Split text[a:b] (one line's worth of prose) into sentence segments."""
    start = a
    for m in _BOUNDARY.finditer(text, a, b):
        p = m.start()
        # No-space boundary: skip URLs, e-mail addresses and file names.
        if m.group("close2") is not None and _in_url(text, start, p, b):
            continue
        if m.group("close3") is not None:
            # Keep the colon with the lead-in; the item starts after the space.
            _emit(text, start, m.end(), kind, out)
            start = m.end()
            continue
        if text[p] == "." and not _period_ends(text, start, p, m.end(), b):
            continue
        if (m.group("close") or m.group("close2")) and _SPEECH_AFTER_QUOTE.match(text, m.end(), b):
            continue
        _emit(text, start, m.end(), kind, out)
        start = m.end()
    _emit(text, start, b, kind, out)


def _in_url(text: str, start: int, p: int, b: int) -> bool:
    """Tell whether position p lies inside a URL-like token."""
    left = max(text.rfind(" ", start, p), start)
    right = text.find(" ", p, b)
    token = text[left : right if right != -1 else b]
    return "/" in token or "@" in token or "www." in token


def _period_ends(text: str, start: int, p: int, after: int, b: int) -> bool:
    """Decide whether the period at p ends the sentence that began at start."""
    ws = text.rfind(" ", start, p)
    tok_start = ws + 1 if ws != -1 else start
    token = text[tok_start:p].lstrip("(\"“‘'[")
    low = token.lower()
    if low in _TITLES or low in _ALWAYS_CONT:
        return False
    nxt = _next_char(text, after, b)
    if low in _NUM_ABBR:
        return not nxt.isdigit()
    if token.isdigit() and len(token) <= 2:
        # "issues: 1. Deep-sea…" or "…China. 2. Secondly…": a list enumerator.
        before = text[start:tok_start].rstrip()
        return bool(before) and not before.endswith(":")
    if low in _AMBIG_ABBR or _INITIALISM.fullmatch(token):
        return _next_starts_sentence(text, after, b)
    return True


def _next_char(text: str, i: int, b: int) -> str:
    """Return the first non-space character at or after i (or "")."""
    while i < b and text[i].isspace():
        i += 1
    return text[i] if i < b else ""


def _next_starts_sentence(text: str, i: int, b: int) -> bool:
    """Tell whether the word at i clearly opens a new sentence."""
    while i < b and text[i].isspace():
        i += 1
    m = _WORD.match(text, i, b)
    if m is None:
        return False
    if m.group().lower() in _STARTERS:
        return True
    # "…the U.S. Recently, the…": a capitalised word plus comma opens a clause.
    return m.end() < b and text[m.end()] == "," and m.group()[0].isupper()


def _emit(text: str, a: int, b: int, kind: str, out: list[Segment]) -> None:
    """Append text[a:b] trimmed of whitespace, labelled, if non-empty."""
    chunk = text[a:b]
    stripped = chunk.strip()
    if not stripped:
        return
    a += len(chunk) - len(chunk.lstrip())
    b = a + len(stripped)
    enum = _ENUMERATOR.match(text, a, b)
    if enum is not None:
        a = enum.end()
        stripped = text[a:b]
    byline = _BYLINE_PREFIX.match(text, a, b)
    if byline is not None:
        out.append(Segment(a, a + len(text[a : byline.end()].rstrip(" :—–-")), BOILERPLATE))
        a = byline.end()
        stripped = text[a:b]
    if _BOILER_SENTENCE.search(stripped):
        kind = BOILERPLATE
    out.append(Segment(a, b, kind))


# --- Several articles in one file ---------------------------------------------------------

# "CN20250331-Can China’s Stock Market …": a dated file code opens a piece of its own.
_FILE_CODE = re.compile(r"[A-Z]{2,4}\d{8}-")
_SECTION_NUMBER = re.compile(r"(\d{1,2})[.)]\s")
_TITLE_WORDS = 4


def article_starts(text: str) -> list[tuple[int, str]]:
    """Where each article begins in a text that seems to hold several: (offset, title).

    Empty for one article. Two signs, from files pasted together: a heading with a dated
    file code, and a title heading after which the numbered sections start again at "1."
    (one piece's "1. … 5." then another's "1. …"). The first article starts at 0.
    Rules of thumb for a reviewer to confirm; nothing is split here.
    """
    starts: list[tuple[int, str]] = []
    last_section = 0
    title: tuple[int, str] | None = None  # a title heading since the last numbered section
    for seg in segment(text):
        if seg.kind != HEADING:
            continue
        line = " ".join(text[seg.start : seg.end].split())
        number = _SECTION_NUMBER.match(line)
        code = _FILE_CODE.match(line)
        if number is not None:
            if int(number.group(1)) == 1 and last_section >= 2 and title is not None:
                starts.append(title)
            last_section, title = int(number.group(1)), None
        elif code is not None:
            starts.append((seg.start, line[code.end() :]))
            last_section, title = 0, None
        elif len(line.split()) >= _TITLE_WORDS and not line.endswith((":", ".")):
            title = (seg.start, line)
    if not starts:
        return []
    first = next((seg for seg in segment(text) if seg.kind in (HEADING, *CLAIM_KINDS)), None)
    opening = (first.start, " ".join(text[first.start : first.end].split())) if first else (0, "")
    return [opening, *starts] if starts[0][0] != opening[0] else starts
