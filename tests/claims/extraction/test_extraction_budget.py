"""The model's budget and the cache behind it, and the linear rewrites that keep results.

Repeated sentences are scored once; past one article's budget the rest is scored
without MiniLM and says so. The searches rewritten to run in linear time must find
exactly what the original patterns found: checked here against those patterns.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claims.extraction as extraction
from claims.extraction import checkworthy, extract_claims
from claims.extraction.features import _ATTRIB_BEFORE, first_match
from claims.extraction.quantities import _QUANTITY, _STARTS
from claims.extraction.score import PAST_BUDGET, Budget, assess, assess_many
from claims.extraction.split import _LIST, _lists

SENTENCES = [
    "The Ministry of Finance said exports rose 3.5% in May.",
    "Beijing imposed a 34% tariff on all U.S. goods on Friday.",
    "Officials expect the talks to resume next week, according to Reuters.",
    "Prices rose 3% in May.",
]
# Pieces of text that exercise names, lists and numbers: capitals inside words
# ("eBay", "then-President"), marks the name patterns take, currencies and ranges.
PIECES = [
    *("A", "Ab", "ab", "eBay", "then-President", "U.S.", "Trump", "AAAA", "É", "é"),
    *(" ", "  ", ", ", ",", " and ", " the ", " of ", " of the ", "said", " said ", " has said"),
    *("’", "'", "-", "&", ".", "\n", "1", "5%", " rose ", "between 1 and 2", "$3", "US$4"),
    *("RMB 5", "EUR6", "7 billion", "2019", "May 5", "1,000", "٣", "S&P 500", "CNY"),
    "4\xa0percent",
]
pieced_text = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


class Spy:
    """Count the sentences that reach MiniLM."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.scored: list[str] = []
        model = checkworthy.minilm()
        real = model.run_within

        def run_within(sentences: list[str], *, runs: int, tokens: int) -> list[Any]:
            out = real(sentences, runs=runs, tokens=tokens)
            self.scored.extend(sentences[: len(out)])
            return out

        monkeypatch.setattr(model, "run_within", run_within)


def test_repeated_sentences_reach_the_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    claims = extract_claims("• Prices rose 3% in May.\n" * 50 + '"It rose 5%." ' * 50)
    assert len(claims) == 100
    assert sorted(spy.scored) == ['"It rose 5%."', "Prices rose 3% in May."]


def test_a_repeated_sentence_gets_the_score_it_gets_alone() -> None:
    many = assess_many([SENTENCES[0], SENTENCES[1], SENTENCES[0]], budget=Budget(10, 1000))
    assert many == [assess(SENTENCES[0]), assess(SENTENCES[1]), assess(SENTENCES[0])]


def test_sentences_past_the_budget_are_scored_without_the_model_and_say_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(extraction, "ARTICLE_BUDGET", Budget(runs=2, tokens=10_000))
    spy = Spy(monkeypatch)
    claims = extract_claims(" ".join(SENTENCES))
    assert [c.claim for c in claims] == SENTENCES
    assert spy.scored == SENTENCES[:2]
    for claim in claims[:2]:
        assert claim.score == assess(claim.claim).score
        assert PAST_BUDGET not in claim.reasons
    for claim in claims[2:]:
        alone = assess(claim.claim)
        assert claim.reasons[-1] == PAST_BUDGET
        # The signals' reasons stay; only the learned wording reason follows the other model.
        assert signal_reasons(claim.reasons) == signal_reasons(alone.reasons)
        assert (claim.kind, claim.claimant) == (alone.kind, alone.claimant)
        assert claim.quantities == tuple(
            replace(q, start=q.start + claim.start, end=q.end + claim.start)
            for q in alone.quantities
        )
        assert claim.checkworthy == (claim.score >= extraction.CHECKWORTHY_THRESHOLD)


def signal_reasons(reasons: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(r for r in reasons if "(learned)" not in r and r != PAST_BUDGET)


def test_the_score_past_the_budget_is_the_linear_blend() -> None:
    """Past the budget the linear model stands in for MiniLM, as training/blend.py weighs it."""
    sentence = SENTENCES[0]
    (past,) = assess_many([sentence], budget=Budget(runs=0, tokens=0))
    linear, blend = checkworthy.linear(), checkworthy.blend_without_minilm()
    on = extraction.score.detect(sentence).on
    text, signal = linear.parts(sentence, on)
    logit = blend.weights["linear"] * (linear.bias + text + signal)
    logit += blend.weights["signals"] * signal
    assert past.score == round(checkworthy.logit_to_score(logit, blend.threshold), 3)
    assert blend.bias == 0.0 and "minilm" not in blend.weights


def test_the_token_budget_stops_the_model_too() -> None:
    model = checkworthy.minilm()
    tokens = [len(model._encode(s).ids) for s in SENTENCES]
    within = model.run_within(SENTENCES, runs=10, tokens=tokens[0] + tokens[1])
    assert [logit for logit, _ in within] == model.logits(SENTENCES[:2])


def test_the_budget_covers_a_long_news_article() -> None:
    """10,000 words, a long-form feature, at the seeds' 20 words and 25 tokens a claim.

    Longer than that, the rest is scored without the neural model and says so: the
    budget is what keeps any 1 MB paste within 5 s on one core.
    """
    budget = extraction.ARTICLE_BUDGET
    assert budget.runs >= 10_000 // 20 and budget.tokens >= budget.runs * 25


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([*PIECES, *"“”‘’•…—–", "x" * 120, "\u0301", "中", "\x1f"]), min_size=1)
)
def test_a_long_sentence_is_tokenised_as_a_whole(pieces: list[str]) -> None:
    model = checkworthy.minilm()
    sentence = "".join(pieces) * (3000 // len("".join(pieces)) + 1)
    assert model._encode(sentence).ids == model._tok.encode(sentence).ids


@settings(max_examples=300, deadline=None)
@given(pieced_text, st.integers(0, 40))
def test_name_searches_find_what_the_patterns_find(text: str, pos: int) -> None:
    searched = _ATTRIB_BEFORE.search(text)
    found = first_match(_ATTRIB_BEFORE, text)
    assert (found and found.span(), found and found.group("src")) == (
        searched and searched.span(),
        searched and searched.group("src"),
    )
    pos = min(pos, len(text))
    assert [m.span() for m in _lists(text, pos)] == [m.span() for m in _LIST.finditer(text, pos)]


@settings(max_examples=300, deadline=None)
@given(pieced_text)
def test_the_quantity_start_check_changes_no_match(text: str) -> None:
    unguarded = re.compile(_QUANTITY.pattern.removeprefix(_STARTS))
    assert [m.span() for m in _QUANTITY.finditer(text)] == [
        m.span() for m in unguarded.finditer(text)
    ]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["1", "5%", "1,000", "3.5%", "$3", "٣"]), pieced_text)
def test_a_quantity_stands_in_a_claim_as_the_search_says(surface: str, claim: str) -> None:
    hint = claim.find(surface)
    expected = re.search(rf"(?<![\d.,]){re.escape(surface)}(?!\d)", claim) is not None
    assert extraction._stands_in(surface, claim, hint) == expected
    assert extraction._stands_in(surface, claim, -1) == expected
