from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from claims.models import Article, Claim, Rating, Verdict


def make_article(body: str = "The tariff rose to 145% in April. Officials said so.") -> Article:
    return Article.objects.create(title="T", body=body)


@pytest.mark.django_db
def test_claim_span_must_lie_inside_its_article() -> None:
    article = make_article("Short text.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=article, start=0, end=50, text="x", claim_text="x")
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_claim_span_cannot_be_moved_outside_its_article() -> None:
    article = make_article("Short text.")
    claim = Claim.objects.create(article=article, start=0, end=5, text="Short", claim_text="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(end=500)


@pytest.mark.django_db
def test_claim_span_counts_characters_not_bytes() -> None:
    # Offsets are Python characters; “curly quotes” are three bytes each in UTF-8.
    body = "“Quoted” — 15 minerals."
    article = make_article(body)
    claim = Claim.objects.create(
        article=article, start=0, end=len(body), text=body, claim_text=body
    )
    assert claim.pk is not None


@pytest.mark.django_db
def test_empty_span_is_refused() -> None:
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=article, start=5, end=5, text="", claim_text="x")


@pytest.mark.django_db
def test_same_span_twice_is_refused() -> None:
    article = make_article()
    Claim.objects.create(article=article, start=0, end=10, text="x", claim_text="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=article, start=0, end=10, text="x", claim_text="y")


@pytest.mark.django_db
def test_same_text_cannot_be_stored_twice() -> None:
    make_article("Same text.")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article("Same text.")


@pytest.mark.django_db
def test_only_one_approved_verdict_per_claim(reviewer, editor) -> None:
    article = make_article()
    claim = Claim.objects.create(article=article, start=0, end=10, text="x", claim_text="x")
    rating = Rating.objects.get(label="False")
    Verdict.objects.create(
        claim=claim, rating=rating, author=reviewer, approver=editor, status="approved"
    )
    Verdict.objects.create(claim=claim, rating=rating, author=reviewer, status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.create(
            claim=claim, rating=rating, author=reviewer, approver=editor, status="approved"
        )


@pytest.mark.django_db
def test_default_rating_scale_is_installed() -> None:
    labels = list(Rating.objects.values_list("label", flat=True))
    assert labels == [
        "True",
        "Mostly true",
        "Half true",
        "Mostly false",
        "False",
        "Misleading",
        "Unproven",
    ]
