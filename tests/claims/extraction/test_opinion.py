"""The fact-vs-opinion signal: the writer's own view is held back and says why; reported
speech and figures stay checkable; the stored claim and the API carry the score."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from claims.extraction import checkworthy, extract_claims, score_sentence
from claims.extraction.score import OPINION_REASON, OPINION_THRESHOLD, SPECULATION_REASON
from tests.claims.factories import api_for, client_for

# The writer's judgement of motives and character, with nothing a fact-checker could look up.
VIEW = "Sadly, the government has shown a staggering lack of courage and vision on this issue."


def test_the_writers_view_is_held_back_and_says_why() -> None:
    a = score_sentence(VIEW)
    assert a.opinion >= OPINION_THRESHOLD
    assert OPINION_REASON in a.reasons
    assert a.kind == "opinion" and not a.checkworthy


def test_speculation_is_named_as_such() -> None:
    a = score_sentence("This reckless gamble will surely end in disaster for ordinary families.")
    assert a.opinion >= OPINION_THRESHOLD
    assert SPECULATION_REASON in a.reasons and OPINION_REASON not in a.reasons
    assert not a.checkworthy


def test_a_reported_view_is_not_the_writers_opinion() -> None:
    # The claim is that the minister said it: checkable, and no "writer's opinion" reason.
    reported = score_sentence(f"{VIEW[:-1]}, opposition leader Maria Lopez said on Tuesday.")
    assert OPINION_REASON not in reported.reasons
    assert reported.kind == "attribution_quote"
    assert reported.claimant == "opposition leader Maria Lopez" or reported.claimant


def test_a_figure_anchors_an_opinionated_sentence() -> None:
    a = score_sentence("Sadly, the government's shameful budget cut school funding by 12% in 2024.")
    assert "a percentage" in a.reasons
    assert a.checkworthy


def test_plain_reporting_reads_as_fact() -> None:
    a = score_sentence("The central bank raised its main interest rate to 4.5% on Thursday.")
    assert a.opinion < OPINION_THRESHOLD
    assert OPINION_REASON not in a.reasons and a.checkworthy


def test_every_candidate_carries_an_opinion_score() -> None:
    claims = extract_claims(
        "The council approved a 4% rise in council tax on Monday. "
        f"{VIEW} Residents will pay £72 more a year on average."
    )
    assert len(claims) == 3
    assert all(0.0 <= c.opinion <= 1.0 for c in claims)
    view = next(c for c in claims if c.text == VIEW)
    assert view.opinion == max(c.opinion for c in claims)
    assert not view.checkworthy
    assert [c.checkworthy for c in claims] == [True, False, True]


def test_past_the_model_budget_the_signals_alone_answer() -> None:
    head = checkworthy.opinion_head()
    assert 0.0 < head.probability(None, frozenset({"opinion", "first_person"})) <= 1.0
    assert head.probability(None, frozenset({"opinion", "first_person"})) > head.probability(
        None, frozenset({"number", "date"})
    )


def test_the_stored_claim_and_the_api_carry_it(rita: User) -> None:
    from claims.models import Claim
    from claims.services import article_ingest, article_split

    article = article_ingest(
        title="Budget", body=f"The council approved a 4% rise in council tax on Monday. {VIEW}"
    ).article
    article_split(article_id=article.pk)
    view = Claim.objects.get(article=article, text=VIEW)
    assert view.opinion is not None and view.opinion >= OPINION_THRESHOLD
    assert OPINION_REASON in view.reasons
    data = api_for(rita).get(f"/api/claims/{view.pk}/").json()
    assert data["opinion"] == pytest.approx(view.opinion)


def test_the_split_records_the_articles_a_file_holds(rita: User) -> None:
    from pathlib import Path

    from claims.models import Article
    from claims.services import article_ingest, article_split

    seeds = Path(__file__).resolve().parents[3] / "seeds"
    body = (seeds / "002_3f0e6f51c097b80d.txt").read_text(encoding="utf-8")
    article = article_ingest(title="Four in one", body=body).article
    article_split(article_id=article.pk)
    article = Article.objects.get(pk=article.pk)
    assert article.parts is not None and len(article.parts) == 4
    assert body[article.parts[3]["start"] :].startswith("Canada’s Defeat?")
    data = api_for(rita).get(f"/api/articles/{article.pk}/").json()
    assert data["parts"] == article.parts
    page = client_for(rita).get(f"/articles/{article.pk}/").content.decode()
    assert "This text seems to hold 4 articles" in page
