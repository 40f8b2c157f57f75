"""Build test data through the services, as a user would."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.models import Article, Claim, Rating, Verdict
from claims.services import (
    CitationInput,
    VerdictInput,
    article_ingest,
    article_split,
    verdict_save_draft,
    verdict_submit,
)

BODY = (
    "The United States has 15 critical minerals that are 100% dependent on China. "
    "Exports fell 21% in May, the customs office said. "
    "Officials will meet again next week."
)


def make_user(username: str, *roles: str, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=username, password="pw-for-tests-only", is_superuser=superuser, is_staff=superuser
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


SOURCE_URL = "https://news.example.org/2025/05/critical-minerals"
RATIONALE = (
    "The claim says 15 minerals depend entirely on China. The USGS Mineral Commodity "
    "Summaries 2025 list **12** minerals with 100% net import reliance, and China is the "
    "leading source for only some of them. We read the table on page 7 and asked the "
    "survey's press office, who confirmed the count."
)


def client_for(user: User) -> Client:
    """A browser session logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def token_for(user: User) -> str:
    """Create an API token for `user` (with the configured expiry) and return its key."""
    _, key = AuthToken.objects.create(user=user)
    return str(key)


def api_for(user: User) -> APIClient:
    """An API client with `user`'s token, as a script would use it."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def make_article(body: str = BODY, *, source_url: str = SOURCE_URL) -> Article:
    article = article_ingest(body=body, source_url=source_url, publisher="Example News").article
    article_split(article_id=article.pk)
    article.refresh_from_db()
    return article


def make_claim(body: str = BODY) -> Claim:
    claim = make_article(body).claims.order_by("start").first()
    assert claim is not None
    # Who made the claim, where the text does not say: the checklist asks for it.
    Claim.objects.filter(pk=claim.pk, claimant="").update(
        claimant="Senator Jane Doe", claimant_type="Person"
    )
    claim.refresh_from_db()
    return claim


def rating(label: str = "False") -> Rating:
    return Rating.objects.get_or_create(label=label, defaults={"value": 1})[0]


def good_input(**overrides: object) -> VerdictInput:
    data: dict[str, object] = {
        "rating_id": rating().pk,
        "summary": "The US relies on China for 15 critical minerals",
        "rationale": RATIONALE,
        "citations": [
            CitationInput(
                url="https://pubs.usgs.gov/periodicals/mcs2025/mcs2025.pdf",
                title="Mineral Commodity Summaries 2025",
                publisher="USGS",
                archived_url="https://web.archive.org/web/2025/https://pubs.usgs.gov/mcs2025.pdf",
                stance="refutes",
                is_primary=True,
            )
        ],
    }
    data.update(overrides)
    return VerdictInput(**data)  # type: ignore[arg-type]


def make_publishable(claim: Claim) -> Claim:
    """Record what the checklist asks of the claim itself: its claimant and public article."""
    if not claim.claimant:
        Claim.objects.filter(pk=claim.pk).update(claimant="Senator Jane Doe")
    Claim.objects.filter(pk=claim.pk, claimant_type="").update(claimant_type="Person")
    Article.objects.filter(pk=claim.article_id, source_url="").update(source_url=SOURCE_URL)
    claim.refresh_from_db()
    claim.article.refresh_from_db()
    return claim


def submitted_verdict(claim: Claim, author: User) -> Verdict:
    make_publishable(claim)
    verdict = verdict_save_draft(claim=claim, author=author, data=good_input())
    return verdict_submit(verdict=verdict, actor=author)
