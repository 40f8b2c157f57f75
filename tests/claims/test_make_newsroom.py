"""make_newsroom: a generated newsroom that keeps every rule the workflow keeps, and renders."""

from __future__ import annotations

import random
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims import extraction
from claims.management.commands.make_newsroom import GENERATOR
from claims.models import Article, Claim, HistoryEvent, Verdict, content_hash
from claims.services import newsroom, verdict_correction_open
from claims.services.verdicts import blocking, verdict_checklist
from tests.claims.factories import client_for, make_article

SMALL = {"articles": 20, "claims": 200, "verdicts": 40}


def make(**options: Any) -> str:
    out = StringIO()
    call_command("make_newsroom", **{**SMALL, **options}, stdout=out, stderr=StringIO())
    return out.getvalue()


def generated() -> QuerySet[Article]:
    return Article.objects.filter(added_by__username=GENERATOR)


def published() -> QuerySet[Verdict]:
    return Verdict.objects.published().select_related("claim__article", "rating")


@pytest.mark.django_db
def test_small_newsroom_has_exactly_the_counts_asked_for() -> None:
    out = make()
    assert generated().count() == 20
    assert Claim.objects.filter(article__in=generated()).count() == 200
    assert Verdict.objects.filter(claim__article__in=generated()).count() == 40
    assert "Made 20 articles, 200 claims, 40 verdicts" in out
    assert out.rstrip().endswith("s.")  # the elapsed time


@pytest.mark.django_db
def test_every_claim_quotes_its_article_and_its_numbers() -> None:
    make()
    claims = list(Claim.objects.select_related("article"))
    assert len({(c.article_id, c.start, c.end) for c in claims}) == len(claims)
    for claim in claims:
        body = claim.article.body
        assert body[claim.start : claim.end] == claim.text
        assert 0.0 <= claim.score <= 1.0
        assert claim.kind in extraction.KINDS
        for quantity in claim.quantities:
            assert claim.start <= quantity["start"] < quantity["end"] <= claim.end
            assert body[quantity["start"] : quantity["end"]] == quantity["text"]
    assert any(c.quantities for c in claims)
    assert any(c.reasons for c in claims)


@pytest.mark.django_db
def test_articles_are_split_and_nothing_is_queued(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> None:
        raise AssertionError("make_newsroom queued a split")

    monkeypatch.setattr("claims.tasks.split_article.delay", refuse)
    with django_capture_on_commit_callbacks() as callbacks:
        make()
    assert callbacks == []
    for article in generated():
        assert article.status == Article.Status.SPLIT
        assert article.extractor_version == extraction.EXTRACTOR_VERSION
        # What Article.save() would have set, which bulk_create skips.
        assert article.content_hash == content_hash(article.body)
        assert article.body_length == len(article.body)
    assert not Article.objects.claimable(now=timezone.now()).exists()


@pytest.mark.django_db
def test_claims_mix_triage_states_and_reviewers() -> None:
    make()
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert statuses == set(Claim.Status.values)
    assignees = User.objects.filter(assigned_claims__isnull=False).distinct()
    assert assignees.exists()
    assert all(u.groups.filter(name="Reviewer").exists() for u in assignees)
    assert not Claim.objects.filter(verdicts__isnull=False).exclude(status="accepted").exists()


@pytest.mark.django_db
def test_published_verdicts_pass_the_editors_checklist() -> None:
    make()
    states = set(Verdict.objects.values_list("status", flat=True))
    assert {Verdict.Status.APPROVED, Verdict.Status.SUBMITTED, Verdict.Status.DRAFT} <= states
    verdicts = published()
    assert verdicts.exists()
    for verdict in verdicts:
        assert 1 <= verdict.citations.count() <= 3
        assert verdict.approver_id not in (None, verdict.author_id)
        assert verdict.approved_at is not None
        assert verdict.submitted_at is not None
        assert verdict.approved_at >= verdict.submitted_at
        assert verdict.published_claim == verdict.claim.public_record().as_json()
        assert verdict.revisions.count() == 1
    sent = Verdict.objects.filter(status__in=["submitted", "approved"])
    assert [v.pk for v in sent if blocking(verdict_checklist(v))] == []


@pytest.mark.django_db
def test_published_reviews_render_on_the_claim_and_public_pages(rita: User) -> None:
    make()
    reviewer, public = client_for(rita), Client()
    for verdict in published():
        claim_page = reviewer.get(reverse("claim_detail", args=[verdict.claim_id]))
        assert claim_page.status_code == 200
        assert HistoryEvent.objects.filter(verdict=verdict, action="verdict_approved").exists()
        review = public.get(reverse("public_review", args=[verdict.public_id]))
        assert review.status_code == 200
        assert b"ClaimReview" in review.content


@pytest.mark.django_db
def test_queue_article_and_editor_pages_render(rita: User, eddie: User) -> None:
    make()
    reviewer = client_for(rita)
    assert reviewer.get(reverse("claim_queue")).status_code == 200
    assert reviewer.get(reverse("claim_queue"), {"status": "accepted"}).status_code == 200
    assert reviewer.get(reverse("article_list")).status_code == 200
    longest = generated().order_by("-body_length").first()
    assert longest is not None
    assert reviewer.get(reverse("article_detail", args=[longest.pk])).status_code == 200
    assert client_for(eddie).get(reverse("editor_queue")).status_code == 200
    assert Client().get(reverse("public_review_index")).status_code == 200


@pytest.mark.django_db
def test_running_twice_adds_more_without_conflicts() -> None:
    make()
    make()
    assert generated().count() == 40
    assert Claim.objects.count() == 400
    assert Verdict.objects.count() == 80


@pytest.mark.django_db
def test_reset_removes_only_what_the_command_made(eddie: User) -> None:
    real = make_article()
    real_claims = real.claims.count()
    make()
    # A benchmark may have opened a correction on a generated review: reset still works.
    verdict = published().first()
    assert verdict is not None
    verdict_correction_open(verdict=verdict, actor=eddie, note="A newer figure.")
    out = make(reset=True)
    assert "Removed 20 generated articles" in out
    assert generated().count() == 20
    assert Claim.objects.filter(article__in=generated()).count() == 200
    assert Verdict.objects.count() == 40
    assert Article.objects.filter(pk=real.pk).exists()
    assert real.claims.count() == real_claims


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_newsroom() -> None:
    def bodies() -> list[str]:
        return list(generated().order_by("id").values_list("body", flat=True))

    make(seed=5)
    first = bodies()
    make(seed=5, reset=True)
    assert bodies() == first
    make(seed=6, reset=True)
    assert bodies() != first


@pytest.mark.django_db
def test_more_verdicts_than_claims_are_refused() -> None:
    with pytest.raises(CommandError):
        make(claims=10, verdicts=11)
    assert not generated().exists()


def test_claims_spread_unevenly_with_long_articles() -> None:
    counts = newsroom.claim_counts(random.Random(1), articles=10_000, claims=100_000)
    assert len(counts) == 10_000
    assert sum(counts) == 100_000
    assert max(counts) == newsroom.LONGEST_CLAIMS
    assert sum(1 for c in counts if c >= 500) >= 3
    assert min(counts) >= newsroom.MIN_CLAIMS
    assert sum(1 for c in counts if 3 <= c <= 20) / len(counts) > 0.8


def test_a_small_newsroom_has_no_long_articles() -> None:
    counts = newsroom.claim_counts(random.Random(1), articles=20, claims=200)
    assert sum(counts) == 200
    assert min(counts) >= newsroom.MIN_CLAIMS
    assert max(counts) < 500


def test_verdicts_are_spread_within_each_articles_claims() -> None:
    rng = random.Random(3)
    counts = newsroom.claim_counts(rng, articles=50, claims=600)
    per_article = newsroom.spread(rng, counts, 120)
    assert sum(per_article) == 120
    assert all(v <= c for v, c in zip(per_article, counts, strict=True))
