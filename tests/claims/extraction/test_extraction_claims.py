"""Candidate claims on the demo seeds: offsets, filtering, scores, quantities, titles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.extraction import (
    EXTRACTOR_VERSION,
    KINDS,
    CandidateClaim,
    Segment,
    extract_claims,
    guess_title,
    segment,
)
from claims.extraction.features import DATE, _may_hold_date, heading_asserts
from claims.extraction.quantities import find_quantities
from claims.extraction.score import OPINION_HOLD, OPINION_REASON, SPECULATION_REASON

SEEDS = sorted((Path(__file__).resolve().parents[3] / "seeds").glob("*.txt"))


def read(name: str) -> str:
    """Return the text of the seed whose file name starts with `name`."""
    (path,) = [p for p in SEEDS if p.name.startswith(name)]
    return path.read_text(encoding="utf-8")


def find(claims: list[CandidateClaim], needle: str) -> CandidateClaim:
    """Return the single candidate containing `needle`."""
    hits = [c for c in claims if needle in c.text]
    assert len(hits) == 1, (needle, [c.text for c in hits])
    return hits[0]


def test_seeds_exist() -> None:
    assert len(SEEDS) == 5
    assert EXTRACTOR_VERSION


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_candidates_are_exact_ordered_spans(path: Path) -> None:
    article = path.read_text(encoding="utf-8")
    claims = extract_claims(article)
    assert len(claims) >= 10
    non_claims = {
        article[s.start : s.end]
        for s in segment(article)
        if s.kind not in ("sentence", "bullet")
        and not (s.kind == "heading" and heading_asserts(article[s.start : s.end]))
    }
    assert [(c.start, c.end) for c in claims] == sorted({(c.start, c.end) for c in claims})
    sentences = [
        s
        for s in segment(article)
        if s.kind in ("sentence", "bullet")
        or (s.kind == "heading" and heading_asserts(article[s.start : s.end]))
    ]
    for c in claims:
        assert article[c.start : c.end] == c.text
        homes = [s for s in sentences if s.start < c.end and c.start < s.end]
        if len(homes) == 1:
            (home,) = homes
            assert home.start <= c.start and c.end <= home.end
        else:
            # Sentences inside one quotation are one candidate, exactly their union.
            assert (homes[0].start, homes[-1].end) == (c.start, c.end)
            assert any(q in c.text for q in '“"') and "\n" not in c.text
            home = Segment(c.start, c.end, "sentence")
        assert c.text == c.text.strip()
        assert not c.text.startswith(("•", "- ", "* "))
        if (home.start, home.end) == (c.start, c.end):
            # Word for word; a bullet without a stop gets one so it reads as a sentence,
            # and a bullet under a dated lead-in gets its time frame ("Last Friday, ...").
            words = " ".join(c.text.split())
            if home.kind == "bullet" and c.claim.startswith(("Last ", "As of ")):
                assert c.claim.split(", ", 1)[1] in (words, words + ".")
            elif "needs the sentence before it" in c.reasons:
                assert c.claim.endswith(words) or c.claim in (words, words + ".")
            else:
                assert c.claim in (words, words + ".")
        else:
            assert c.claim.endswith((".", "?", "!")) and len(c.claim.split()) >= 3
        assert c.text not in non_claims
        assert not c.text.startswith(("[Image", "http", "Disclaimer", "Original source"))
        assert c.kind in KINDS
        assert 0.0 <= c.score <= 1.0
        assert c.checkworthy == (c.score >= 0.5)
        for q in c.quantities:
            assert article[q.start : q.end] == q.text
            assert c.start <= q.start < q.end <= c.end


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_segments_cover_all_text(path: Path) -> None:
    article = path.read_text(encoding="utf-8")
    segments = segment(article)
    covered = bytearray(len(article))
    previous_end = 0
    for s in segments:
        assert s.start >= previous_end and s.end > s.start
        previous_end = s.end
        covered[s.start : s.end] = b"\x01" * (s.end - s.start)
    # Anything left over is whitespace, bullet glyphs, list numbers or a byline colon.
    leftover = "".join(ch for ch, hit in zip(article, covered, strict=True) if not hit)
    assert set(leftover) <= set(" \t\r\n\xa0•-*0123456789.:")


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("002", "1. Economic Backlash from Tariffs"),
        ("002", "Why Is the U.S. Eager to Re-Engage?"),
        ("002", "Key Takeaways:"),
        ("003", "Meeting of Trump and Xi Under Strategic Doubts"),
        ("004", "Verified User"),
        ("004", "Send Comments"),
    ],
)
def test_headings_and_boilerplate_are_not_candidates(name: str, heading: str) -> None:
    texts = [c.text for c in extract_claims(read(name))]
    assert heading not in texts


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("002", "2. Tariffs Hurt Canada More Than the U.S."),
        ("002", "3. Global Markets Plunge as Panic Spreads"),
        ("004", "Why Trump is scrambling for allies in his trade war with China"),
    ],
)
def test_a_heading_that_asserts_is_a_flagged_candidate(name: str, heading: str) -> None:
    (claim,) = [c for c in extract_claims(read(name)) if c.text == heading]
    assert claim.checkworthy and "a headline" in claim.reasons


def test_a_news_headline_is_a_candidate_and_a_label_is_not() -> None:
    text = (
        "Wuhan Lab Denies Any Link to First Coronavirus Outbreak\n\n"
        "The institute said on Monday that none of its staff had fallen ill in 2019.\n\n"
        "Key points\n\n"
        "What Happens Next?\n\n"
        "Investigators will return in March, the WHO said."
    )
    texts = [c.text for c in extract_claims(text)]
    assert texts[0] == "Wuhan Lab Denies Any Link to First Coronavirus Outbreak"
    assert "Key points" not in texts and "What Happens Next?" not in texts


def test_seed_000_placeholder_and_disclaimer_are_not_candidates() -> None:
    claims = extract_claims(read("000"))
    assert not any("toutiaoimg" in c.text or "Disclaimer" in c.text for c in claims)
    assert not any("clicking the" in c.text for c in claims)


def test_seed_000_critical_minerals_is_two_claims() -> None:
    claims = extract_claims(read("000"))
    first = find(claims, "15 critical minerals that are 100% dependent on China")
    second = find(claims, "nearly 30 others exceed 50% dependence on China")
    assert first.text.startswith("According to previous reports from Bloomberg")
    assert first.text.endswith("100% dependent on China")
    assert second.text == "nearly 30 others exceed 50% dependence on China"
    assert second.claim == (
        "According to previous reports from Bloomberg, nearly 30 other critical minerals "
        "exceed 50% dependence on China."
    )
    for c in (first, second):
        assert c.checkworthy and c.kind == "quantity"
        assert "attributed to Bloomberg" in c.reasons
    assert [(q.value, q.percent, q.counted) for q in first.quantities] == [
        (15.0, False, "critical minerals"),
        (100.0, True, "dependent on China"),
    ]
    # "others" is named by the claim text: the quantity counts what the claim says.
    assert [(q.value, q.percent, q.counted) for q in second.quantities] == [
        (30.0, False, "other critical minerals"),
        (50.0, True, "dependence on China"),
    ]


def test_seed_002_index_falls_are_three_claims() -> None:
    article = read("002")
    sentence = (
        "Amid concerns over tariffs, U.S. stock markets dropped significantly, with the Dow "
        "Jones, Nasdaq, and S&P 500 falling by 0.99%, 1.36%, and 0.95%, respectively."
    )
    at = article.index(sentence)
    inside = [c for c in extract_claims(article) if at <= c.start < at + len(sentence)]
    assert [c.claim for c in inside] == [
        "Dow Jones fell by 0.99%.",
        "Nasdaq fell by 1.36%.",
        "S&P 500 fell by 0.95%.",
    ]
    for c, value in zip(inside, ("0.99%", "1.36%", "0.95%"), strict=True):
        assert c.text.endswith(value)
        assert c.checkworthy and c.kind == "quantity" and "a percentage" in c.reasons
        # Each index carries its own figure only (the span also covers its siblings'),
        # and "S&P 500" is an index name, not a quantity.
        assert [q.text for q in c.quantities] == [value]
        assert article[c.quantities[0].start : c.quantities[0].end] == value


def test_seed_002_other_facts() -> None:
    claims = extract_claims(read("002"))
    bonds = find(claims, "500 billion yuan")
    assert bonds.checkworthy
    (q,) = bonds.quantities
    assert (q.value, q.currency, q.unit) == (500e9, "CNY", "")
    crude = find(claims, "25%-50% additional tariffs")
    (r,) = crude.quantities
    assert (r.value, r.range_to, r.percent) == (25.0, 50.0, True)
    bullet = find(claims, "Dow Jones Industrial Average fell 1.69%")
    assert bullet.checkworthy
    assert find(claims, "RMB 1.11 trillion").quantities[0].value == pytest.approx(1.11e12)


def test_seed_004_tweet_is_split() -> None:
    texts = [c.text for c in extract_claims(read("004"))]
    assert "That doesn't hurt China, it hurts the West." in texts
    assert any(t.endswith("no relation with reality.") for t in texts)


def test_opinion_scores_below_statistic() -> None:
    claims = extract_claims(read("000"))
    opinion = find(claims, "It is obvious that Trump has been trying")
    stat = find(claims, "15 critical minerals")
    assert opinion.score < stat.score
    assert not opinion.checkworthy
    assert opinion.kind == "opinion" and "opinion wording" in opinion.reasons


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem[:3])
def test_learned_wording_reason_agrees_with_the_score(path: Path) -> None:
    # Where no explicit signal fired, the learned wording is the whole score: a reviewer
    # must never read "worded like talk" on a flagged claim, or the reverse.
    learned = {
        "worded like checkable statements (learned)": True,
        "worded like talk, not claims (learned)": False,
    }
    # The writer's-opinion reason may stand beside it: then nothing anchors the opinion,
    # and from OPINION_HOLD on the claim is held back whatever the wording says.
    views = {OPINION_REASON, SPECULATION_REASON}
    judged = []
    for claim in extract_claims(path.read_text(encoding="utf-8")):
        rest = [r for r in claim.reasons if r not in views]
        if len(rest) == 1 and rest[0] in learned:
            held = len(rest) < len(claim.reasons) and claim.opinion >= OPINION_HOLD
            judged.append((claim, learned[rest[0]] and not held))
    assert judged, "no claim on this seed rests on wording alone"
    for claim, flagged in judged:
        assert claim.checkworthy is flagged, claim


def test_question_is_not_a_claim() -> None:
    c = find(extract_claims(read("000")), "Why did Trump think of this investigation only now?")
    assert c.kind == "not_a_claim" and "question" in c.reasons and not c.checkworthy


def test_dated_official_action() -> None:
    c = find(extract_claims(read("000")), "On April 15th local time, Trump signed")
    assert c.checkworthy
    assert "a date" in c.reasons and "a dated official action" in c.reasons


def test_as_dict_round_trip() -> None:
    (c,) = extract_claims("Exports rose 5% to $3.2 billion in 2024, officials said.")
    data = c.as_dict()
    assert data["text"] == c.text and isinstance(data["quantities"], list)
    assert data["quantities"][1]["currency"] == "USD"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rose 5%", [("5%", 5.0, True, "", "", None)]),
        ("up to 130 % on goods", [("130 %", 130.0, True, "", "", None)]),
        ("a $1.5 billion deal", [("$1.5 billion", 1.5e9, False, "USD", "", None)]),
        ("lows (39–45%)", [("39–45%", 39.0, True, "", "", 45.0)]),
        ("between 10 and 20 tons", [("between 10 and 20 tons", 10.0, False, "", "tons", 20.0)]),
        ("4,749 decliners", [("4,749", 4749.0, False, "", "", None)]),
        (
            "€3m fine and £2 million",
            [("€3", 3.0, False, "EUR", "", None), ("£2 million", 2e6, False, "GBP", "", None)],
        ),
        ("Nikkei 225 fell", []),
        ("on April 15th in 2017", []),
        ("since October 8", []),
        ("issues: 1. Costs", []),
        ("a barrel at 80 dollars", [("80 dollars", 80.0, False, "USD", "", None)]),
    ],
)
def test_quantities(text: str, expected: list[tuple[object, ...]]) -> None:
    got = [
        (q.text, q.value, q.percent, q.currency, q.unit, q.range_to) for q in find_quantities(text)
    ]
    assert got == expected


def test_quantity_offsets_are_article_relative() -> None:
    (q,) = find_quantities("fell 3%", offset=100)
    assert (q.start, q.end) == (105, 107)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("000", "It is obvious that Trump has been trying to negotiate with China recently."),
        ("001", "Trump: Willing to fly to Beijing for a meeting with the Chinese side!"),
        ("002", "US.-China Trade War: Why the Trump Administration Is Now Eager to Talk"),
        (
            "003",
            "Negotiations between Trump and Xi: A Step Toward Agreement or Escalation of "
            "Confrontation?",
        ),
        ("004", "Why Trump is scrambling for allies in his trade war with China"),
    ],
)
def test_guess_title_on_seeds(name: str, title: str) -> None:
    assert guess_title(read(name)) == title


def test_guess_title_truncates_long_first_sentence() -> None:
    text = ("word " * 60).strip() + ". Second sentence."
    title = guess_title(text)
    assert title.endswith("…") and len(title) <= 121
    assert not title[:-1].endswith(" ")
    assert guess_title("") == "" and guess_title("\n \n") == ""


def test_seed_004_a_quotation_of_two_sentences_is_one_candidate() -> None:
    article = read("004")
    quote = (
        "Bessent added that a topic of talks should be a joint goal: “How do we get China to "
        "rebalance? That is the big win here.”"
    )
    c = find(extract_claims(article), "How do we get China to rebalance?")
    assert c.text == quote and c.kind == "attribution_quote"
    # The segmenter still sees two sentences; only the candidate joins them.
    at = article.index(quote)
    inside = [s for s in segment(article) if at <= s.start < at + len(quote)]
    assert len(inside) == 2


def test_an_unclosed_quote_does_not_swallow_the_next_line() -> None:
    article = "He said “we will win. Believe me.\nMarkets fell 3% on Monday.\n"
    claims = extract_claims(article)
    assert [c.text for c in claims][-1] == "Markets fell 3% on Monday."


def test_one_or_two_word_sentences_are_not_offered() -> None:
    text = (
        "Did the ministry cut the tariff? They did. The tariff fell to 10% in May.\n"
        "Last Friday, the indices fell:\n• Nasdaq dropped 2.7%\n• Up 2%.\n"
    )
    claims = [c.text for c in extract_claims(text)]
    assert "They did." not in claims and "Up 2%." not in claims
    # Three words are enough when the sentence says something checkable.
    assert "Nasdaq dropped 2.7%" in claims
    assert "The tariff fell to 10% in May." in claims


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "on",
                "last",
                "Monday",
                "yesterday",
                "May",
                "SEPT.",
                "5",
                "19",
                "2024",
                "20",
                "-",
                "of",
                "in",
                "early",
                "this",
                "week",
                "Month",
                "year",
                "th",
                " ",
                ", ",
                "4",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_the_cheap_date_check_never_hides_a_date(text: str) -> None:
    # The signal skips DATE where `_may_hold_date` says no: that must never drop a date.
    if DATE.search(text):
        assert _may_hold_date(text), text
