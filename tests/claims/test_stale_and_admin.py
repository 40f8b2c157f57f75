"""No stale screen acts on the record, undo goes through the services, and the admin cannot
rewrite the record."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims import services
from claims.models import (
    Citation,
    Claim,
    EditorialChecklist,
    HistoryEvent,
    Verdict,
    VerdictRevision,
)
from tests.claims.factories import (
    client_for,
    good_input,
    make_article,
    make_claim,
    make_user,
    submitted_verdict,
)


@pytest.fixture
def root(db: None) -> Client:
    return client_for(make_user("root", superuser=True))


def row_action(client: Client, url: str, **values: object) -> str:
    response = client.post(url, values, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def undo_values(row_html: str) -> tuple[str, dict[str, str]]:
    """Return the URL and values of the row's Undo button, as the browser would post them."""
    button = re.search(r'hx-post="([^"]+)" hx-vals="([^"]+)"[^>]*data-undo', row_html)
    assert button is not None, "the row offers no undo"
    values = json.loads(button.group(2).replace("&quot;", '"'))
    return button.group(1), values


# --- Cache-Control ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_workbench_pages_are_never_stored_by_the_browser(rita: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    for url in ["/", "/queue/", f"/claims/{claim.pk}/", f"/articles/{claim.article_id}/", "/my/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    # The queue's in-place updates too: htmx may otherwise reuse an old table.
    partial = client.get("/queue/", HTTP_HX_REQUEST="true")
    assert "no-store" in partial["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_and_the_api_keep_their_own_caching_and_reports_none(
    rita: User, eddie: User
) -> None:
    claim = make_claim()
    verdict = services.verdict_approve(verdict=submitted_verdict(claim, rita), editor=eddie)
    client = client_for(rita)  # logged in: the public pages stay cacheable all the same
    public = ["/ratings/", "/reviews/", f"/reviews/{verdict.public_id}/", "/sitemap.xml"]
    public += ["/robots.txt"]
    for url in [*public, f"/api/claims/{claim.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url
    # Reports are the newsroom's working data, downloaded or opened inline: never kept.
    for fmt in ("csv", "html"):
        response = client.get(f"/articles/{claim.article_id}/report/?format={fmt}")
        assert "no-store" in response["Cache-Control"], fmt


# --- Stale rows ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_row_is_refused_even_when_the_action_would_change_nothing(
    rita: User, eddie: User
) -> None:
    claim = make_claim()
    services.claim_dismiss(claim=claim, actor=eddie)
    html = row_action(
        client_for(rita), f"/claims/{claim.pk}/status/", status="dismissed", version=1
    )
    assert "eddie dismissed it at" in html
    assert "Nothing was done" in html
    assert "Claim dismissed." not in html
    assert 'data-version="2"' in html
    assert Claim.objects.get(pk=claim.pk).version == 2


@pytest.mark.django_db
def test_taking_a_claim_from_a_stale_row_says_who_took_it_first(rita: User, eddie: User) -> None:
    claim = make_claim()
    services.claim_take(claim=claim, actor=eddie)
    html = row_action(client_for(rita), f"/claims/{claim.pk}/assign/", take="1", version=1)
    assert "eddie assigned it to eddie" in html
    assert Claim.objects.get(pk=claim.pk).assignee == eddie


@pytest.mark.django_db
def test_a_stale_quick_edit_keeps_the_typed_text(rita: User, eddie: User) -> None:
    claim = make_claim()
    services.claim_edit(claim=claim, actor=eddie, claim_text="Eddie's wording")
    html = row_action(
        client_for(rita),
        f"/claims/{claim.pk}/quick-edit/",
        claim_text="Rita's wording",
        version=1,
    )
    assert "eddie changed its text" in html
    assert "Rita&#x27;s wording" in html  # still in the editor
    assert Claim.objects.get(pk=claim.pk).claim_text == "Eddie's wording"


@pytest.mark.django_db
def test_bulk_action_on_a_stale_page_does_nothing(rita: User, eddie: User) -> None:
    article = make_article()
    first, second = list(article.claims.order_by("start"))[:2]
    services.claim_accept(claim=first, actor=eddie)  # version 2 now; the page showed 1
    response = client_for(rita).post(
        "/queue/bulk/",
        {
            "claim": [first.pk, second.pk],
            f"version-{first.pk}": 1,
            f"version-{second.pk}": 1,
            "action": "dismiss",
        },
        follow=True,
    )
    assert f"1 of the selected claims changed after this page was loaded (#{first.pk})" in (
        response.content.decode()
    )
    statuses = dict(article.claims.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == ("accepted", "candidate")


# --- Undo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_undo_puts_an_accepted_claim_back_through_the_service(rita: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    accepted = row_action(client, f"/claims/{claim.pk}/status/", status="accepted", version=1)
    url, values = undo_values(accepted)
    assert (url, values) == (
        f"/claims/{claim.pk}/status/",
        {"status": "candidate", "version": "2", "undo": "1"},
    )
    undone = row_action(client, url, **values)
    assert "Undone: claim back among the candidates." in undone
    assert "data-undo" not in undone  # an undo is not offered for undoing
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("candidate", 3)
    steps = HistoryEvent.objects.filter(claim=claim, action="status")
    assert list(steps.values_list("from_state", "to_state")) == [
        ("candidate", "accepted"),
        ("accepted", "candidate"),
    ]


@pytest.mark.django_db
def test_a_reviewer_can_undo_taking_a_claim(rita: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    taken = row_action(client, f"/claims/{claim.pk}/assign/", take="1", version=1)
    assert Claim.objects.get(pk=claim.pk).assignee == rita
    url, values = undo_values(taken)
    undone = row_action(client, url, **values)
    assert "Undone: assigned to nobody." in undone
    assert Claim.objects.get(pk=claim.pk).assignee is None


@pytest.mark.django_db
def test_undo_of_a_text_edit_restores_the_previous_text(rita: User) -> None:
    claim = make_claim()
    original = claim.claim_text
    client = client_for(rita)
    edited = row_action(
        client, f"/claims/{claim.pk}/quick-edit/", claim_text="Shorter claim", version=1
    )
    url, values = undo_values(edited)
    row_action(client, url, **values)
    assert Claim.objects.get(pk=claim.pk).claim_text == original


@pytest.mark.django_db
def test_undo_is_refused_when_someone_changed_the_claim_since(rita: User, eddie: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    accepted = row_action(client, f"/claims/{claim.pk}/status/", status="accepted", version=1)
    services.claim_dismiss(claim=Claim.objects.get(pk=claim.pk), actor=eddie)
    url, values = undo_values(accepted)
    html = row_action(client, url, **values)
    assert "eddie dismissed it" in html
    assert "Nothing was done" in html
    assert Claim.objects.get(pk=claim.pk).status == "dismissed"


@pytest.mark.django_db
def test_the_queue_help_lists_undo_and_reopen_keys(rita: User) -> None:
    make_claim()
    html = client_for(rita).get("/queue/").content.decode()
    assert "<kbd>u</kbd></dt><dd>Undo your last" in html
    assert "<kbd>r</kbd></dt><dd>Back to candidates" in html
    assert 'data-key="r"' in html and 'data-key="u"' not in html


# --- The admin ----------------------------------------------------------------------------------


def change_form(verdict: Verdict, **changes: object) -> dict[str, object]:
    """The fields the admin's change form would post for `verdict`, with `changes`."""
    data: dict[str, object] = {
        "rating": verdict.rating_id or "",
        "summary": verdict.summary,
        "rationale": verdict.rationale,
        "review_note": verdict.review_note,
        "correction_note": verdict.correction_note,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_admin_cannot_change_a_published_verdicts_state(
    root: Client, rita: User, eddie: User
) -> None:
    verdict = services.verdict_approve(verdict=submitted_verdict(make_claim(), rita), editor=eddie)
    url = f"/admin/claims/verdict/{verdict.pk}/change/"
    page = root.get(url)
    assert page.status_code == 200  # readable
    assert 'name="_save"' not in page.content.decode()
    response = root.post(url, change_form(verdict, status="draft", summary="Rewritten"))
    assert response.status_code == 403
    fresh = Verdict.objects.get(pk=verdict.pk)
    assert (fresh.status, fresh.summary, fresh.approved_at) == (
        "approved",
        verdict.summary,
        verdict.approved_at,
    )


@pytest.mark.django_db
def test_the_admin_cannot_rewrite_even_a_draft(root: Client, rita: User) -> None:
    draft = services.verdict_save_draft(claim=make_claim(), author=rita, data=good_input())
    response = root.post(
        f"/admin/claims/verdict/{draft.pk}/change/",
        change_form(
            draft, summary="Fixed typo", status="approved", approved_at="2025-01-01", version=99
        ),
    )
    assert response.status_code == 403
    fresh = Verdict.objects.get(pk=draft.pk)
    assert (fresh.summary, fresh.status, fresh.version) == (draft.summary, "draft", draft.version)


@pytest.mark.django_db
def test_verdicts_and_citations_cannot_be_added_or_deleted_in_the_admin(
    root: Client, rita: User
) -> None:
    verdict = submitted_verdict(make_claim(), rita)
    citation = verdict.citations.get()
    for url in [
        "/admin/claims/verdict/add/",
        f"/admin/claims/verdict/{verdict.pk}/delete/",
        "/admin/claims/citation/add/",
        f"/admin/claims/citation/{citation.pk}/delete/",
    ]:
        assert root.post(url, {"post": "yes"}).status_code == 403, url
    assert root.post(f"/admin/claims/citation/{citation.pk}/change/", {}).status_code == 403
    assert Verdict.objects.filter(pk=verdict.pk).exists()
    assert Citation.objects.filter(pk=citation.pk).exists()


@pytest.mark.django_db
def test_history_and_revisions_are_read_only_in_the_admin(root: Client, rita: User) -> None:
    verdict = submitted_verdict(make_claim(), rita)
    event = HistoryEvent.objects.filter(verdict=verdict).first()
    revision = VerdictRevision.objects.get(verdict=verdict)
    assert event is not None
    for model, pk in [("historyevent", event.pk), ("verdictrevision", revision.pk)]:
        base = f"/admin/claims/{model}/"
        assert root.get(base).status_code == 200
        assert root.get(f"{base}{pk}/change/").status_code == 200  # shown, read-only
        assert root.post(f"{base}{pk}/change/", {"note": "rewritten"}).status_code == 403
        assert root.post(f"{base}{pk}/delete/", {"post": "yes"}).status_code == 403
        assert root.get(f"{base}add/").status_code == 403
        listing = root.post(base, {"action": "delete_selected", "_selected_action": [pk]})
        assert listing.status_code in (200, 302)
    assert HistoryEvent.objects.filter(pk=event.pk, note=event.note).exists()
    assert VerdictRevision.objects.filter(pk=revision.pk).exists()


@pytest.mark.django_db
def test_deleting_a_claim_in_the_admin_cannot_take_its_history_with_it(root: Client) -> None:
    claim = make_claim()
    services.claim_accept(claim=claim, actor=make_user("ana", "Reviewer"))
    response = root.post(f"/admin/claims/claim/{claim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert HistoryEvent.objects.filter(claim_id=claim.pk).exists()


@pytest.mark.django_db
def test_the_editorial_checklist_is_one_row_edited_in_the_admin(root: Client) -> None:
    assert root.get("/admin/claims/editorialchecklist/add/").status_code == 200
    checklist = EditorialChecklist.load()
    assert root.get("/admin/claims/editorialchecklist/add/").status_code == 403
    url = f"/admin/claims/editorialchecklist/{checklist.pk}/"
    assert root.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    response = root.post(
        f"{url}change/",
        {"min_rationale_words": 50, "require_citation_details": "on", "require_claimant": "on"},
    )
    assert response.status_code == 302
    checklist.refresh_from_db()
    assert checklist.min_rationale_words == 50
    assert not checklist.require_primary_source


@pytest.mark.django_db
def test_the_admin_cannot_rewrite_a_claim_or_its_article(root: Client) -> None:
    claim = make_claim()
    for url in [
        f"/admin/claims/claim/{claim.pk}/change/",
        f"/admin/claims/article/{claim.article_id}/change/",
    ]:
        assert root.get(url).status_code == 200, url  # readable
        assert root.post(url, {"claim_text": "Rewritten", "title": "Rewritten"}).status_code == 403
    fresh = Claim.objects.select_related("article").get(pk=claim.pk)
    assert fresh.claim_text == claim.claim_text and fresh.article.title == claim.article.title
