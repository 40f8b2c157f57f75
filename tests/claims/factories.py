"""Build test data through the services, as a user would."""

from __future__ import annotations

from django.contrib.auth.models import Group, User

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


def make_article(body: str = BODY) -> Article:
    article = article_ingest(body=body).article
    article_split(article_id=article.pk)
    article.refresh_from_db()
    return article


def make_claim(body: str = BODY) -> Claim:
    claim = make_article(body).claims.order_by("start").first()
    assert claim is not None
    return claim


def rating(label: str = "False") -> Rating:
    return Rating.objects.get_or_create(label=label, defaults={"value": 1})[0]


def good_input(**overrides: object) -> VerdictInput:
    data: dict[str, object] = {
        "rating_id": rating().pk,
        "summary": "The US relies on China for 15 critical minerals",
        "rationale": "USGS figures list **12** minerals, not 15.",
        "citations": [
            CitationInput(
                url="https://pubs.usgs.gov/periodicals/mcs2025/mcs2025.pdf",
                title="Mineral Commodity Summaries 2025",
                publisher="USGS",
                stance="refutes",
            )
        ],
    }
    data.update(overrides)
    return VerdictInput(**data)  # type: ignore[arg-type]


def submitted_verdict(claim: Claim, author: User) -> Verdict:
    verdict = verdict_save_draft(claim=claim, author=author, data=good_input())
    return verdict_submit(verdict=verdict, actor=author)
