"""A reported article for the report tests (personas: ../conftest.py); a private export folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from claims import services
from claims.models import Article, SiteSettings
from tests.claims.factories import make_article, rating
from tests.claims.reports.helpers import HOSTILE_SUMMARY, approve


@pytest.fixture(autouse=True)
def _private_export_root(settings, tmp_path: Path) -> None:
    # Cached article PDFs and finished exports never land in the checkout's exports/.
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def article(rita: User, eddie: User) -> Article:
    SiteSettings.objects.update_or_create(
        pk=1, defaults={"publisher_name": "Demo Fact Desk", "publisher_url": "https://desk.example"}
    )
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        source_url="https://news.example/minerals",
        publisher="Example News",
        published_at=date(2025, 5, 16),
    )
    # Who made the claims: ClaimReview's itemReviewed.author, never the article's publisher.
    article.claims.update(claimant="Senator Jane Doe", claimant_type="Person")
    first, second, third = list(article.claims.order_by("start"))[:3]
    approve(first.pk, rita, eddie)
    approve(second.pk, rita, eddie, summary=HOSTILE_SUMMARY[:75], rating_id=rating("Unproven").pk)
    services.claim_accept(claim=third, actor=rita)  # still open
    article.refresh_from_db()
    return article
