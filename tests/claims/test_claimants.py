"""Who made a claim and when, and where its article was published: edited on the claim and
article pages and through the API, versioned and kept in the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from claims import services
from claims.models import Article, Claim, HistoryEvent
from tests.claims.factories import api_for, client_for, make_claim, make_user


def claim_form(claim: Claim, **changes: object) -> dict[str, object]:
    """What the claim page's form posts, with `changes`."""
    data: dict[str, object] = {
        "version": claim.version,
        "claim_text": claim.claim_text,
        "kind": claim.kind,
        "tags": "",
        "claimant": claim.claimant,
        "claimant_type": claim.claimant_type,
        "claimant_url": claim.claimant_url,
        "claim_date": claim.claim_date.isoformat() if claim.claim_date else "",
    }
    data.update(changes)
    return data


# --- The claim page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_claim_page_edits_the_claimant_with_a_new_version_and_history(rita: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    for label in ["Claimant", "Claimant is a", "Claimant&#x27;s web page", "Claim made on"]:
        assert f">{label}</label>" in page
    response = client.post(
        f"/claims/{claim.pk}/edit/",
        claim_form(
            claim,
            claimant="Ministry of Trade",
            claimant_type="Organization",
            claimant_url="https://trade.example.gov/",
            claim_date="2025-05-14",
        ),
    )
    assert response.status_code == 302
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.claimant, fresh.claimant_type, fresh.claimant_url, str(fresh.claim_date)) == (
        "Ministry of Trade",
        "Organization",
        "https://trade.example.gov/",
        "2025-05-14",
    )
    assert fresh.version == claim.version + 1  # one save, one new version
    notes = dict(
        HistoryEvent.objects.filter(claim=claim, action__startswith="edit_claim").values_list(
            "action", "note"
        )
    )
    assert notes == {
        "edit_claimant": f"{claim.claimant} → Ministry of Trade",
        "edit_claimant_type": "Person → Organization",
        "edit_claimant_url": "— → https://trade.example.gov/",
        "edit_claim_date": "— → 2025-05-14",
    }
    shown = client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'Claimed by <a href="https://trade.example.gov/"' in shown
    assert "on 14 May 2025" in shown


@pytest.mark.django_db
def test_clearing_the_claim_date_falls_back_to_the_articles_date(rita: User) -> None:
    claim = make_claim()
    Article.objects.filter(pk=claim.article_id).update(published_at="2025-05-16")
    claim = services.claim_edit(
        claim=claim, actor=rita, claim_date=timezone.localdate() - timedelta(days=3)
    )
    client_for(rita).post(f"/claims/{claim.pk}/edit/", claim_form(claim, claim_date=""))
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.claim_date is None
    assert str(fresh.said_on) == "2025-05-16"
    page = client_for(rita).get(f"/claims/{claim.pk}/").content.decode()
    assert "(the article's date)" in page


@pytest.mark.django_db
def test_a_stale_claim_form_keeps_both_claimants_and_saves_nothing(rita: User, eddie: User) -> None:
    claim = make_claim()
    opened = claim_form(claim, claimant="The Mayor")  # Rita's form, read at version 1
    services.claim_edit(claim=claim, actor=eddie, claimant="The Governor")
    response = client_for(rita).post(f"/claims/{claim.pk}/edit/", opened)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Their claimant: The Governor" in html
    assert 'value="The Mayor"' in html  # what Rita typed is still in the form
    assert Claim.objects.get(pk=claim.pk).claimant == "The Governor"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"claimant_url": "ftp://files.example.org/"}, "must be a web address"),
        ({"claim_date": "2999-01-01"}, "cannot be in the future"),
    ],
)
@pytest.mark.django_db
def test_the_claim_form_refuses_a_bad_claimant(
    rita: User, changes: dict[str, str], message: str
) -> None:
    claim = make_claim()
    response = client_for(rita).post(f"/claims/{claim.pk}/edit/", claim_form(claim, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).version == claim.version


# --- The API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_reads_and_writes_the_claimant(rita: User) -> None:
    claim = make_claim()
    api = api_for(rita)
    data = api.get(f"/api/claims/{claim.pk}/").json()
    assert data["claimant"] == claim.claimant
    assert {"claimant_type", "claimant_url", "claim_date"} <= set(data)
    response = api.patch(
        f"/api/claims/{claim.pk}/",
        {
            "version": data["version"],
            "claimant": "Acme Lobby Group",
            "claimant_type": "Organization",
            "claimant_url": "https://acme.example.org/",
            "claim_date": "2025-04-30",
        },
        format="json",
    )
    assert response.status_code == 200
    saved = response.json()
    assert (saved["claimant"], saved["claimant_type"], saved["claim_date"]) == (
        "Acme Lobby Group",
        "Organization",
        "2025-04-30",
    )
    cleared = api.patch(
        f"/api/claims/{claim.pk}/",
        {"version": saved["version"], "claim_date": None},
        format="json",
    )
    assert cleared.status_code == 200
    assert cleared.json()["claim_date"] is None
    assert cleared.json()["claimant"] == "Acme Lobby Group"  # not sent, not changed


@pytest.mark.django_db
def test_the_api_refuses_a_claimant_edit_on_an_old_version(rita: User, eddie: User) -> None:
    claim = make_claim()
    services.claim_edit(claim=claim, actor=eddie, claimant="The Governor")
    response = api_for(rita).patch(
        f"/api/claims/{claim.pk}/", {"version": 1, "claimant": "The Mayor"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["claimant"] == "The Governor"
    assert Claim.objects.get(pk=claim.pk).claimant == "The Governor"


# --- The article's public URL -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reviewer_sets_the_articles_public_url_from_the_article_page(rita: User) -> None:
    article = make_claim().article
    Article.objects.filter(pk=article.pk).update(source_url="")
    article.refresh_from_db()
    client = client_for(rita)
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "No public URL yet" in page
    response = client.post(
        f"/articles/{article.pk}/details/",
        {
            "seen": article.updated_at.isoformat(),
            "source_url": "https://news.example.org/trade",
            "publisher": "Example News",
            "published_at": "2025-05-16",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.source_url, article.publisher, str(article.published_at)) == (
        "https://news.example.org/trade",
        "Example News",
        "2025-05-16",
    )
    events = HistoryEvent.objects.filter(article=article, action__startswith="edit_")
    assert set(events.values_list("action", "actor")) == {
        ("edit_source_url", rita.pk),
        ("edit_published_at", rita.pk),
    }
    assert "No public URL yet" not in client.get(f"/articles/{article.pk}/").content.decode()


@pytest.mark.django_db
def test_article_details_opened_before_someone_elses_change_are_not_saved(
    rita: User, eddie: User
) -> None:
    article = make_claim().article
    seen = article.updated_at
    services.article_update_details(
        article=article,
        actor=eddie,
        seen=seen,
        source_url="https://eddie.example.org/",
        publisher=article.publisher,
        published_at=None,
    )
    response = client_for(rita).post(
        f"/articles/{article.pk}/details/",
        {"seen": seen.isoformat(), "source_url": "https://rita.example.org/", "publisher": ""},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Saved now: https://eddie.example.org/" in html
    assert 'value="https://rita.example.org/"' in html
    assert Article.objects.get(pk=article.pk).source_url == "https://eddie.example.org/"


@pytest.mark.django_db
def test_someone_without_a_role_cannot_change_article_details(db: None) -> None:
    article = make_claim().article
    response = client_for(make_user("olga")).post(
        f"/articles/{article.pk}/details/",
        {"seen": article.updated_at.isoformat(), "source_url": "https://x.example/"},
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).source_url == article.source_url


@pytest.mark.django_db
def test_the_api_patches_the_articles_public_url_with_a_freshness_check(rita: User) -> None:
    article = make_claim().article
    api = api_for(rita)
    read = api.get(f"/api/articles/{article.pk}/").json()
    response = api.patch(
        f"/api/articles/{article.pk}/",
        {"updated_at": read["updated_at"], "url": "https://news.example.org/new-home"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["url"] == "https://news.example.org/new-home"
    assert response.json()["publisher"] == read["publisher"]  # not sent, not changed
    stale = api.patch(
        f"/api/articles/{article.pk}/",
        {"updated_at": read["updated_at"], "publisher": "Someone Else"},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["url"] == "https://news.example.org/new-home"
    bad = api.patch(
        f"/api/articles/{article.pk}/",
        {"updated_at": response.json()["updated_at"], "url": "ftp://files.example.org/a"},
        format="json",
    )
    assert bad.status_code == 400
