"""No typed text is lost, published verdicts are corrected in the open, the checklist means it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from claims import services
from claims.errors import InvalidTransition, NotAllowed, VersionConflict
from claims.models import (
    Citation,
    Claim,
    Comment,
    EditorialChecklist,
    HistoryEvent,
    Rating,
    Verdict,
)
from claims.services.verdicts import VerdictIncomplete, blocking
from tests.claims.factories import (
    client_for,
    good_input,
    make_claim,
    make_publishable,
    rating,
    submitted_verdict,
)

pytestmark = pytest.mark.django_db

EMPTY_FORMSET = {
    "citations-TOTAL_FORMS": "0",
    "citations-INITIAL_FORMS": "0",
    "citations-MIN_NUM_FORMS": "0",
    "citations-MAX_NUM_FORMS": "1000",
}


def published(claim_author: User, editor: User) -> Verdict:
    claim = make_claim()
    return services.verdict_approve(verdict=submitted_verdict(claim, claim_author), editor=editor)


# --- No lost update --------------------------------------------------------------------------


def test_two_tabs_creating_one_verdict_keep_both_texts(rita: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    # Both tabs open the empty form: neither carries a version.
    assert 'name="version"' in client.get(f"/claims/{claim.pk}/verdict/").content.decode()
    tab_a = {**EMPTY_FORMSET, "version": "", "summary": "Text from tab A", "save": "1"}
    tab_b = {**EMPTY_FORMSET, "version": "", "summary": "Text from tab B", "save": "1"}
    assert client.post(f"/claims/{claim.pk}/verdict/", tab_a).status_code == 302

    response = client.post(f"/claims/{claim.pk}/verdict/", tab_b)
    html = response.content.decode()
    assert response.status_code == 409
    assert Verdict.objects.get().summary == "Text from tab A"  # A's text is not overwritten
    assert "in another tab" in html and "Text from tab A" in html  # theirs is shown
    assert 'value="Text from tab B"' in html  # and B's is still in the form
    verdict = Verdict.objects.get()
    assert f'name="version" value="{verdict.version}"' in html
    assert f'name="verdict" value="{verdict.pk}"' in html

    # Saving again is now a deliberate choice, and works.
    again = {**tab_b, "verdict": str(verdict.pk), "version": str(verdict.version)}
    assert client.post(f"/claims/{claim.pk}/verdict/", again).status_code == 302
    assert Verdict.objects.get().summary == "Text from tab B"


def test_a_second_reviewer_keeps_their_text_and_can_post_it_as_a_comment(
    rita: User, rob: User
) -> None:
    claim = make_claim()
    services.verdict_save_draft(claim=claim, author=rita, data=good_input(summary="Rita's"))
    robs_text = {
        **EMPTY_FORMSET,
        "version": "",
        "rating": rating().pk,
        "summary": "Rob's summary",
        "rationale": "Rob found the 2025 table.",
        "save": "1",
    }
    response = client_for(rob).post(f"/claims/{claim.pk}/verdict/", robs_text)
    html = response.content.decode()
    assert response.status_code == 409
    assert "rita started the verdict on this claim" in html
    assert "Rita&#x27;s" in html and 'value="Rob&#x27;s summary"' in html
    # Rob's whole text is offered as a comment, so nothing he typed is lost.
    assert "Rob found the 2025 table." in html and "Post as a comment" in html
    assert Verdict.objects.get().summary == "Rita's"

    body = "My notes on this claim's verdict:\nSummary: Rob's summary"
    posted = client_for(rob).post(f"/claims/{claim.pk}/comments/", {"body": body})
    assert posted.status_code == 302
    assert Comment.objects.get(claim=claim, author=rob).body == body


def test_another_reviewers_verdict_opens_read_only_instead_of_an_error(
    rita: User, rob: User
) -> None:
    claim = make_claim()
    services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    response = client_for(rob).get(f"/claims/{claim.pk}/verdict/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "rita is writing this verdict" in html and "Save draft" not in html


def test_a_draft_saves_incomplete_and_submit_lists_every_missing_field(rita: User) -> None:
    claim = make_claim()
    form = {
        **EMPTY_FORMSET,
        "citations-TOTAL_FORMS": "2",
        "version": "",
        # A half-written citation: a title, no URL yet. The second row is left empty.
        "citations-0-title": "Customs statistics",
        "citations-0-stance": "context",
        "citations-1-stance": "context",
    }
    assert (
        client_for(rita).post(f"/claims/{claim.pk}/verdict/", {**form, "save": "1"}).status_code
        == 302
    )
    verdict = Verdict.objects.get()
    assert [c.title for c in verdict.citations.all()] == ["Customs statistics"]

    form["verdict"], form["version"] = str(verdict.pk), str(verdict.version)
    response = client_for(rita).post(f"/claims/{claim.pk}/verdict/", {**form, "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Choose a rating.",
        "Write the claim in a short summary.",
        "The rationale has 0 words",
        "Citation 1 needs its URL.",
        "Citation 1 needs its publisher.",
        "Mark at least one citation as a primary source",
    ):
        assert message in html, message
    # Each problem links to its field, and the field shows it too.
    assert 'href="#id_citations-0-url"' in html and 'href="#id_rationale"' in html
    assert Verdict.objects.get().status == "draft"


# --- The editorial checklist -------------------------------------------------------------------


def test_the_checklist_follows_the_admins_settings(rita: User) -> None:
    claim = make_publishable(make_claim())
    short = good_input(rationale="Checked the USGS table.")
    verdict = services.verdict_save_draft(claim=claim, author=rita, data=short)
    with pytest.raises(VerdictIncomplete) as excinfo:
        services.verdict_submit(verdict=verdict, actor=rita)
    assert list(excinfo.value.errors) == ["rationale"]

    EditorialChecklist.objects.filter(pk=EditorialChecklist.load().pk).update(min_rationale_words=4)
    assert services.verdict_submit(verdict=verdict, actor=rita).status == "submitted"


def test_archived_copies_and_primary_sources_are_asked_for(rita: User) -> None:
    claim = make_publishable(make_claim())
    bare = services.CitationInput(
        url="https://www.customs.gov.cn/stats", title="Statistics", publisher="Customs"
    )
    archived_page = services.CitationInput(
        url="https://web.archive.org/web/2025/https://example.org", title="Page", publisher="X"
    )
    verdict = services.verdict_save_draft(
        claim=claim, author=rita, data=good_input(citations=[bare, archived_page])
    )
    problems = {
        p.field for item in blocking(services.verdict_checklist(verdict)) for p in item.problems
    }
    # An archive's own URL needs no second copy; the bare web page does.
    assert problems == {"citations.0.archived_url", "citations"}


def test_a_rating_against_every_source_warns_but_does_not_block(rita: User) -> None:
    claim = make_publishable(make_claim())
    supporting = [
        services.CitationInput(**{**good_input().citations[0].__dict__, "stance": "supports"})
    ]
    verdict = services.verdict_save_draft(
        claim=claim,
        author=rita,
        data=good_input(rating_id=rating("False").pk, citations=supporting),
    )
    items = services.verdict_checklist(verdict)
    warning = next(i for i in items if i.warning)
    assert not warning.ok and "every citation supports the claim" in warning.problems[0].message
    assert services.verdict_submit(verdict=verdict, actor=rita).status == "submitted"


def test_no_approval_without_the_articles_public_address(rita: User, eddie: User) -> None:
    claim = make_claim()
    verdict = submitted_verdict(claim, rita)
    claim.article.source_url = ""
    claim.article.save()
    with pytest.raises(VerdictIncomplete, match="public address"):
        services.verdict_approve(verdict=Verdict.objects.get(pk=verdict.pk), editor=eddie)


# --- Corrections --------------------------------------------------------------------------------


def test_a_correction_replaces_the_published_verdict_only_when_approved(
    rita: User, eddie: User, erin: User
) -> None:
    first = published(rita, eddie)
    correction = services.verdict_correction_open(verdict=first, actor=rita, note="Wrong year")
    assert correction.corrects_id == first.pk and correction.public_id == first.pk
    assert correction.summary == first.summary and correction.citations.count() == 1
    # Until an editor approves it, the public page still shows the first verdict.
    assert list(Verdict.objects.published()) == [first]

    services.verdict_save_draft(
        claim=first.claim,
        author=rita,
        verdict=correction,
        version=correction.version,
        data=good_input(
            rating_id=rating("Mostly false").pk,
            correction_note="The table is from 2025, not 2024.",
        ),
    )
    correction = services.verdict_submit(verdict=Verdict.objects.get(pk=correction.pk), actor=rita)
    approved = services.verdict_approve(verdict=correction, editor=erin)

    first.refresh_from_db()
    assert first.status == "superseded" and first.superseded_at is not None
    assert approved.status == "approved" and approved.approved_at and first.approved_at
    assert approved.approved_at > first.approved_at
    assert list(Verdict.objects.published()) == [approved]
    actions = list(HistoryEvent.objects.filter(claim=first.claim).values_list("action", flat=True))
    assert "verdict_correction_opened" in actions and "verdict_superseded" in actions
    assert actions[-1] == "verdict_corrected"


def test_a_correction_needs_its_note_before_submission(rita: User, eddie: User) -> None:
    first = published(rita, eddie)
    correction = services.verdict_correction_open(verdict=first, actor=eddie)
    assert correction.author == eddie
    with pytest.raises(VerdictIncomplete) as excinfo:
        services.verdict_submit(verdict=correction, actor=eddie)
    assert "correction_note" in excinfo.value.errors
    # The editor who wrote the correction cannot approve it alone.
    correction.correction_note = "Added the 2025 source."
    correction.save()
    services.verdict_submit(verdict=correction, actor=eddie)
    with pytest.raises(NotAllowed):
        services.verdict_approve(verdict=Verdict.objects.get(pk=correction.pk), editor=eddie)


def test_only_the_author_or_an_editor_opens_a_correction_and_only_one_at_a_time(
    rita: User, rob: User, eddie: User
) -> None:
    first = published(rita, eddie)
    with pytest.raises(NotAllowed):
        services.verdict_correction_open(verdict=first, actor=rob)
    services.verdict_correction_open(verdict=first, actor=rita)
    with pytest.raises(InvalidTransition, match="already has a correction open"):
        services.verdict_correction_open(verdict=first, actor=eddie)
    draft = Verdict.objects.open().get()
    with pytest.raises(InvalidTransition, match="Only the published verdict"):
        services.verdict_correction_open(verdict=draft, actor=eddie)


def test_the_verdict_page_of_a_published_claim_offers_a_correction_not_an_empty_form(
    rita: User, eddie: User
) -> None:
    first = published(rita, eddie)
    html = client_for(rita).get(f"/claims/{first.claim_id}/verdict/").content.decode()
    assert "Published verdict" in html and "Open a correction" in html
    assert "Save draft" not in html

    response = client_for(rita).post(f"/verdicts/{first.pk}/correct/", {"note": "Wrong year"})
    assert response.status_code == 302
    html = client_for(rita).get(f"/claims/{first.claim_id}/verdict/").content.decode()
    assert "You are correcting the verdict published on" in html
    assert "What changed and why" in html and "Wrong year" in html


def test_the_correction_flow_over_the_api(rita: User, eddie: User, erin: User) -> None:
    first = published(rita, eddie)
    api, editor_api = APIClient(), APIClient()
    api.force_authenticate(rita)
    editor_api.force_authenticate(erin)

    opened = api.post(f"/api/verdicts/{first.pk}/correction/", {"note": ""}, format="json")
    assert opened.status_code == 201, opened.content
    correction = opened.json()
    assert correction["corrects"] == first.pk and correction["original"] == first.pk
    assert correction["status"] == "draft" and correction["public_url"] is None
    again = api.post(f"/api/verdicts/{first.pk}/correction/", {}, format="json")
    assert again.status_code == 409

    refused = api.post(
        f"/api/verdicts/{correction['id']}/submit/",
        {"version": correction["version"]},
        format="json",
    )
    assert refused.status_code == 400 and "correction_note" in refused.json()
    version = api.patch(
        f"/api/verdicts/{correction['id']}/",
        {"correction_note": "Named the 2025 edition.", "version": correction["version"]},
        format="json",
    ).json()["version"]
    version = api.post(
        f"/api/verdicts/{correction['id']}/submit/", {"version": version}, format="json"
    ).json()["version"]
    approved = editor_api.post(
        f"/api/verdicts/{correction['id']}/approve/", {"version": version}, format="json"
    )
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved" and body["correction_note"] == "Named the 2025 edition."
    # The correction is published at the first verdict's permalink.
    assert body["public_url"].endswith(f"/reviews/{first.pk}/")
    old = api.get(f"/api/verdicts/{first.pk}/").json()
    assert old["status"] == "superseded" and old["superseded_at"] is not None


def test_a_published_verdict_cannot_get_a_second_draft_beside_its_correction(
    rita: User, eddie: User
) -> None:
    first = published(rita, eddie)
    services.verdict_correction_open(verdict=first, actor=rita)
    with pytest.raises(VersionConflict):
        services.verdict_save_draft(claim=first.claim, author=rita, data=good_input())
    assert Verdict.objects.filter(claim=first.claim).count() == 2
    assert (
        Rating.objects.exists() and Citation.objects.filter(verdict__claim=first.claim).count() == 2
    )


def test_the_extractor_suggests_a_claimant_that_a_reviewer_confirms(rita: User) -> None:
    claim = make_claim("According to the Ministry of Finance, tax revenue rose 4% in 2024.")
    # Suggested from the text, but whether a person or an organisation is left to a person.
    assert (claim.claimant, claim.claimant_type) == ("Ministry of Finance", "")
    verdict = services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    with pytest.raises(VerdictIncomplete) as excinfo:
        services.verdict_submit(verdict=verdict, actor=rita)
    assert list(excinfo.value.errors) == ["claim.claimant"]
    claim.refresh_from_db()  # writing the verdict accepted the claim
    services.claim_edit(
        claim=claim, actor=rita, version=claim.version, claimant_type="Organization"
    )
    verdict.refresh_from_db()
    assert services.verdict_submit(verdict=verdict, actor=rita).status == "submitted"


def test_a_stale_tab_never_writes_into_a_correction_opened_since(rita: User, eddie: User) -> None:
    claim = make_claim()
    draft = services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    stale_tab = {
        **EMPTY_FORMSET,
        "verdict": str(draft.pk),
        "version": str(draft.version + 1),
        "summary": "Old text from a forgotten tab",
        "save": "1",
    }
    submitted = services.verdict_submit(verdict=draft, actor=rita)
    first = services.verdict_approve(verdict=submitted, editor=eddie)
    correction = services.verdict_correction_open(verdict=first, actor=rita, note="Year")
    # The correction happens to be at the version the stale tab carries.
    Verdict.objects.filter(pk=correction.pk).update(version=draft.version + 1)

    response = client_for(rita).post(f"/claims/{claim.pk}/verdict/", stale_tab)
    assert response.status_code == 400
    assert "no longer the one being written" in response.content.decode()
    assert Verdict.objects.get(pk=correction.pk).correction_note == "Year"


def test_the_public_record_keeps_what_was_approved_until_a_correction(
    rita: User, eddie: User, erin: User
) -> None:
    first = published(rita, eddie)
    claim = Claim.objects.get(pk=first.claim_id)
    services.claim_edit(
        claim=claim, actor=rita, version=claim.version, claimant="Someone Else", claim_text="New"
    )
    page = Client().get(f"/reviews/{first.pk}/").content.decode()
    # The public page still says what the editor approved, and so do the reports.
    assert "Senator Jane Doe" in page and "Someone Else" not in page
    report = client_for(eddie).get(f"/articles/{claim.article_id}/report/?format=json").json()
    assert report["approved"][0]["claimant"] == "Senator Jane Doe"

    correction = services.verdict_correction_open(verdict=first, actor=rita, note="Claimant")
    correction.correction_note = "The claim was made by Someone Else."
    correction.save()
    services.verdict_approve(
        verdict=services.verdict_submit(verdict=correction, actor=rita), editor=erin
    )
    page = Client().get(f"/reviews/{first.pk}/").content.decode()
    assert "Someone Else" in page
    earlier = Client().get(f"/reviews/{first.pk}/versions/{first.pk}/").content.decode()
    assert "Senator Jane Doe" in earlier and "Someone Else" not in earlier


def test_what_an_editor_is_judging_cannot_change_under_them(rita: User) -> None:
    claim = make_claim()
    submitted_verdict(claim, rita)
    claim = Claim.objects.get(pk=claim.pk)
    with pytest.raises(InvalidTransition, match="locked"):
        services.claim_edit(claim=claim, actor=rita, version=claim.version, claimant="Other")
    article = claim.article
    with pytest.raises(InvalidTransition, match="locked"):
        services.article_update_details(
            article=article,
            actor=rita,
            seen=article.updated_at,
            source_url="https://elsewhere.example/",
            publisher=article.publisher,
            published_at=article.published_at,
        )
    # Tags are not published: still editable.
    services.claim_edit(claim=claim, actor=rita, version=claim.version, tags=["minerals"])


def test_a_correction_by_an_editor_keeps_the_reviewers_byline(
    rita: User, eddie: User, erin: User
) -> None:
    first = published(rita, eddie)
    correction = services.verdict_correction_open(verdict=first, actor=erin, note="Year")
    services.verdict_approve(
        verdict=services.verdict_submit(verdict=correction, actor=erin), editor=eddie
    )
    page = Client().get(f"/reviews/{first.pk}/").content.decode()
    assert "Checked by rita · Corrected by erin · Approved by eddie" in page


def test_a_correction_opened_by_mistake_is_withdrawn_and_kept(
    rita: User, rob: User, eddie: User
) -> None:
    first = published(rita, eddie)
    correction = services.verdict_correction_open(verdict=first, actor=rita, note="Oops")
    with pytest.raises(NotAllowed):
        services.verdict_correction_withdraw(verdict=correction, actor=rob)
    response = client_for(rita).post(
        f"/verdicts/{correction.pk}/withdraw/", {"version": correction.version}
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "withdrawn" and correction.correction_note == "Oops"
    assert list(Verdict.objects.published()) == [first]
    # The claim is free again: an editor can open the next correction, through the API too.
    api = APIClient()
    api.force_authenticate(eddie)
    again = api.post(f"/api/verdicts/{first.pk}/correction/", {}, format="json").json()
    withdrawn = api.post(
        f"/api/verdicts/{again['id']}/withdraw/", {"version": again["version"]}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert HistoryEvent.objects.filter(action="verdict_correction_withdrawn").count() == 2
