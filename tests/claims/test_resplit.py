"""A new extractor version re-splits articles without duplicates or touching reviewed claims."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from claims import extraction, services
from claims.models import Article, Claim
from tests.claims.factories import good_input, make_article, make_user


def age(article: Article) -> None:
    """Pretend the article was split by an older extractor."""
    Article.objects.filter(pk=article.pk).update(extractor_version="sentence-0")
    Claim.objects.filter(article=article).update(extractor_version="sentence-0")


@pytest.mark.django_db
def test_resplit_keeps_reviewed_claims_and_replaces_untouched_ones(seed_text: str) -> None:
    rita = make_user("rita", "Reviewer")
    article = make_article(seed_text)
    age(article)
    claims = list(article.claims.order_by("start"))
    accepted, commented, with_verdict = claims[0], claims[1], claims[2]
    services.claim_accept(claim=accepted, actor=rita)
    services.comment_add(claim=commented, actor=rita, body="Keep me")
    services.verdict_save_draft(claim=with_verdict, author=rita, data=good_input())
    edited = claims[3]
    services.claim_edit(claim=edited, actor=rita, claim_text="My wording")
    kept = {accepted.pk, commented.pk, with_verdict.pk, edited.pk}

    added = services.article_resplit(article_id=article.pk)

    article.refresh_from_db()
    assert article.status == "split" and article.extractor_version == extraction.EXTRACTOR_VERSION
    remaining = list(article.claims.all())
    assert kept <= {c.pk for c in remaining}
    assert Claim.objects.get(pk=accepted.pk).status == "accepted"
    assert Claim.objects.get(pk=edited.pk).claim_text == "My wording"
    spans = [(c.start, c.end) for c in remaining]
    assert len(spans) == len(set(spans))  # no span twice
    fresh = [c for c in remaining if c.pk not in kept]
    assert len(fresh) == added > 10
    assert all(c.extractor_version == extraction.EXTRACTOR_VERSION for c in fresh)
    assert not article.claims.filter(extractor_version="sentence-0").exclude(pk__in=kept).exists()
    assert article.history.filter(action="split").latest("id").note.endswith("untouched ones")


@pytest.mark.django_db
def test_resplit_of_a_current_article_does_nothing() -> None:
    article = make_article()
    before = list(article.claims.values_list("pk", flat=True))
    assert services.article_resplit(article_id=article.pk) == 0
    assert list(article.claims.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_resplit_command_updates_outdated_articles() -> None:
    article = make_article()
    age(article)
    out = StringIO()
    call_command("resplit_articles", "--now", stdout=out)
    assert "1 article(s) re-split" in out.getvalue()
    article.refresh_from_db()
    assert article.extractor_version == extraction.EXTRACTOR_VERSION


@pytest.mark.django_db
def test_resplit_does_not_bring_back_a_span_a_reviewer_split(seed_text: str) -> None:
    rita = make_user("rita", "Reviewer")
    article = make_article(seed_text)
    claim = max(article.claims.all(), key=lambda c: c.end - c.start)
    original = (claim.start, claim.end)
    cut = article.body.index(" ", claim.start + (claim.end - claim.start) // 2)
    services.claim_split(claim=claim, actor=rita, at=cut)
    age(article)
    services.article_resplit(article_id=article.pk)
    spans = set(article.claims.values_list("start", "end"))
    assert original not in spans
