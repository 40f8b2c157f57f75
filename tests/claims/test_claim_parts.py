"""A "respectively" list: each claim owns its item and its figure, on the page too."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from claims.models import Claim
from claims.selectors import article_text_pieces
from claims.services import article_ingest, article_split
from tests.claims.factories import client_for

BODY = "The S&P 500, Nasdaq and Dow Jones fell by 0.99%, 1.36%, and 0.95%, respectively, on Friday."


@pytest.mark.django_db
def test_each_figure_links_to_its_own_claim(rita: User) -> None:
    article = article_ingest(title="Markets", body=BODY).article
    article_split(article_id=article.pk)
    claims = {c.claim_text: c for c in Claim.objects.filter(article=article)}
    sp, nasdaq, dow = (
        claims["S&P 500 fell by 0.99% on Friday."],
        claims["Nasdaq fell by 1.36% on Friday."],
        claims["Dow Jones fell by 0.95% on Friday."],
    )
    assert [BODY[a:b] for a, b in sp.parts or []] == ["S&P 500", "0.99%"]
    assert [BODY[a:b] for a, b in dow.parts or []] == ["Dow Jones", "0.95%"]
    pieces = {p.text: p.claim for p in article_text_pieces(BODY, list(claims.values()))}
    assert pieces["0.99%"] == sp and pieces["1.36%"] == nasdaq and pieces["0.95%"] == dow
    assert pieces["Nasdaq"] == nasdaq and pieces["Dow Jones"] == dow
    page = client_for(rita).get(f"/articles/{article.pk}/").content.decode()
    for claim in (sp, nasdaq, dow):
        assert f'id="span-{claim.pk}"' in page
