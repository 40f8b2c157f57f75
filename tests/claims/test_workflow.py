"""The review workflow's rules: transitions, versions, history, split and merge."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from claims import services
from claims.errors import InvalidTransition, VersionConflict, WorkflowError
from claims.models import Claim, Comment, HistoryEvent, Verdict, VerdictRevision
from claims.services.verdicts import VerdictInvalid
from tests.claims.factories import (
    BODY,
    RATIONALE,
    good_input,
    make_article,
    make_claim,
    make_user,
    submitted_verdict,
)


@pytest.fixture
def rita(db: None) -> User:
    return make_user("rita", "Reviewer")


@pytest.fixture
def eddie(db: None) -> User:
    return make_user("eddie", "Editor")


def test_accepting_records_who_when_from_and_to(rita: User) -> None:
    claim = make_claim()
    services.claim_accept(claim=claim, actor=rita)
    event = HistoryEvent.objects.get(claim=claim, action="status")
    assert (event.actor, event.from_state, event.to_state) == (rita, "candidate", "accepted")
    claim.refresh_from_db()
    assert claim.status == "accepted" and claim.version == 2


def test_saving_over_a_newer_version_is_refused_and_keeps_the_newer_one(
    rita: User, eddie: User
) -> None:
    claim = make_claim()
    stale = Claim.objects.get(pk=claim.pk)
    services.claim_edit(claim=claim, actor=eddie, claim_text="Eddie's wording")
    with pytest.raises(VersionConflict) as excinfo:
        services.claim_edit(claim=stale, actor=rita, claim_text="Rita's wording", version=1)
    assert excinfo.value.current.claim_text == "Eddie's wording"
    assert Claim.objects.get(pk=claim.pk).claim_text == "Eddie's wording"
    # Nothing lost: Rita saves again knowingly, over the version she has now seen.
    services.claim_edit(
        claim=stale, actor=rita, claim_text="Rita's wording", version=excinfo.value.current.version
    )
    assert Claim.objects.get(pk=claim.pk).claim_text == "Rita's wording"


def test_editing_keeps_the_original_quote_and_logs_the_change(rita: User) -> None:
    claim = make_claim()
    quote = claim.text
    services.claim_edit(
        claim=claim,
        actor=rita,
        claim_text="  The US depends  on China for 15 minerals ",
        kind="quantity",
        tags=["Minerals", "china", "minerals"],
    )
    claim.refresh_from_db()
    assert claim.text == quote == claim.article.body[claim.start : claim.end]
    assert claim.claim_text == "The US depends on China for 15 minerals"
    assert sorted(claim.tags.values_list("name", flat=True)) == ["china", "minerals"]
    actions = set(HistoryEvent.objects.filter(claim=claim).values_list("action", flat=True))
    assert {"edit_claim_text", "edit_tags"} <= actions


def test_split_makes_two_claims_with_exact_spans(rita: User) -> None:
    article = make_article("Exports fell 21% in May and imports rose 3% in June, officials said.")
    claim = article.claims.get()
    cut = article.body.index("and imports")
    first, second = services.claim_split(claim=claim, actor=rita, at=cut)
    for part in (first, second):
        assert article.body[part.start : part.end] == part.text
    assert first.text == "Exports fell 21% in May"
    assert second.text.startswith("and imports rose 3%")
    assert article.claims.count() == 2


def test_split_point_must_leave_text_on_both_sides(rita: User) -> None:
    claim = make_claim()
    with pytest.raises(WorkflowError):
        services.claim_split(claim=claim, actor=rita, at=claim.start)


def test_merge_joins_a_claim_with_the_next_and_keeps_its_comments(rita: User) -> None:
    article = make_article()
    first, second = list(article.claims.order_by("start"))[:2]
    services.comment_add(claim=second, actor=rita, body="Source: customs office")
    merged = services.claim_merge(claim=first, actor=rita)
    assert merged.start == first.start and merged.end == second.end
    assert merged.text == article.body[first.start : second.end]
    assert not Claim.objects.filter(pk=second.pk).exists()
    assert Comment.objects.get().claim_id == merged.pk


def test_reviewer_adds_a_missed_claim_from_a_selection(rita: User) -> None:
    article = make_article()
    quote = "15 critical minerals"
    start = article.body.index(quote)
    # The browser's offsets may be off (emoji, line breaks); the quote decides.
    claim = services.claim_create(
        article=article, actor=rita, start=start + 3, end=start + 3 + len(quote), quote=quote
    )
    assert (claim.start, claim.text, claim.origin) == (start, quote, "reviewer")
    with pytest.raises(WorkflowError):
        services.claim_create(article=article, actor=rita, start=0, end=5, quote="not in it")


def test_verdict_goes_draft_submitted_changes_requested_approved(rita: User, eddie: User) -> None:
    claim = make_claim()
    verdict = services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    assert verdict.status == "draft" and verdict.citations.count() == 1
    verdict = services.verdict_submit(verdict=verdict, actor=rita)
    verdict = services.verdict_request_changes(verdict=verdict, editor=eddie, note="Cite USGS 2025")
    assert verdict.status == "changes_requested" and verdict.review_note == "Cite USGS 2025"
    verdict = services.verdict_save_draft(
        claim=claim,
        author=rita,
        verdict=verdict,
        data=good_input(rationale=RATIONALE + " USGS 2025 lists 12 minerals."),
    )
    verdict = services.verdict_submit(verdict=verdict, actor=rita)
    verdict = services.verdict_approve(verdict=verdict, editor=eddie)
    assert verdict.status == "approved" and verdict.approver == eddie
    assert VerdictRevision.objects.filter(verdict=verdict).count() == 2
    actions = list(
        HistoryEvent.objects.filter(verdict=verdict).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "verdict_created",
        "verdict_submitted",
        "verdict_changes_requested",
        "verdict_edited",
        "verdict_submitted",
        "verdict_approved",
    ]


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"rating_id": None}, "A rating is chosen"),
        ({"summary": ""}, "A summary"),
        ({"citations": []}, "At least one citation"),
        ({"summary": "False: the US relies on China"}, "not the rating"),
    ],
)
def test_incomplete_verdict_cannot_be_submitted(
    rita: User, overrides: dict[str, object], missing: str
) -> None:
    verdict = services.verdict_save_draft(
        claim=make_claim(), author=rita, data=good_input(**overrides)
    )
    with pytest.raises(WorkflowError, match=missing):
        services.verdict_submit(verdict=verdict, actor=rita)
    verdict.refresh_from_db()
    assert verdict.status == "draft"


def test_summary_over_75_characters_and_bad_urls_are_refused(rita: User) -> None:
    claim = make_claim()
    with pytest.raises(VerdictInvalid) as excinfo:
        services.verdict_save_draft(
            claim=claim,
            author=rita,
            data=good_input(
                summary="x" * 76,
                citations=[services.CitationInput(url="javascript:alert(1)")],
            ),
        )
    assert set(excinfo.value.errors) == {"summary", "citations"}
    assert not Verdict.objects.exists()


def test_submitted_verdict_is_locked_for_its_author(rita: User) -> None:
    claim = make_claim()
    verdict = submitted_verdict(claim, rita)
    with pytest.raises(InvalidTransition):
        services.verdict_save_draft(claim=claim, author=rita, data=good_input(), verdict=verdict)


def test_two_reviewers_cannot_start_two_verdicts_on_one_claim(rita: User, eddie: User) -> None:
    claim = make_claim()
    first = services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    with pytest.raises(VersionConflict, match="rita started the verdict") as excinfo:
        services.verdict_save_draft(claim=claim, author=eddie, data=good_input(summary="Mine"))
    # The conflict carries the verdict that won, so the loser's screen can show both.
    assert excinfo.value.current.pk == first.pk
    assert Verdict.objects.count() == 1
    assert Verdict.objects.get().summary == good_input().summary


def test_stale_verdict_save_is_refused_with_the_current_verdict(rita: User) -> None:
    claim = make_claim()
    verdict = services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    services.verdict_save_draft(
        claim=claim, author=rita, verdict=verdict, version=1, data=good_input(summary="Newer")
    )
    with pytest.raises(VersionConflict) as excinfo:
        services.verdict_save_draft(
            claim=claim, author=rita, verdict=verdict, version=1, data=good_input(summary="Older")
        )
    assert excinfo.value.current.summary == "Newer"
    assert Verdict.objects.get().summary == "Newer"


def test_claim_with_a_submitted_verdict_cannot_be_dismissed(rita: User) -> None:
    claim = make_claim()
    submitted_verdict(claim, rita)
    with pytest.raises(InvalidTransition):
        services.claim_dismiss(claim=Claim.objects.get(pk=claim.pk), actor=rita)


def test_bulk_accept_changes_each_claim_once_with_history(rita: User) -> None:
    article = make_article(BODY)
    ids = list(article.claims.values_list("id", flat=True))
    assert services.claims_bulk_set_status(claim_ids=ids, actor=rita, status="accepted") == len(ids)
    assert services.claims_bulk_set_status(claim_ids=ids, actor=rita, status="accepted") == 0
    assert HistoryEvent.objects.filter(action="status").count() == len(ids)


@pytest.mark.parametrize("at", [-5, 10_000_000])
def test_split_point_outside_the_article_is_refused(rita: User, at: int) -> None:
    claim = make_claim()
    with pytest.raises(WorkflowError):
        services.claim_split(claim=claim, actor=rita, at=at)


def test_merge_keeps_the_next_claims_history_assignee_and_status(rita: User) -> None:
    eddie = make_user("ed2", "Editor")
    article = make_article()
    first, second = list(article.claims.order_by("start"))[:2]
    services.claim_assign(claim=second, actor=eddie, assignee=rita)
    second = Claim.objects.get(pk=second.pk)
    services.claim_accept(claim=second, actor=rita)
    before = HistoryEvent.objects.filter(claim=second).count()
    merged = services.claim_merge(claim=Claim.objects.get(pk=first.pk), actor=rita)
    assert merged.assignee == rita and merged.status == "accepted"
    assert HistoryEvent.objects.filter(claim=merged).count() == before + 1


def test_split_or_merge_onto_an_existing_span_is_refused_not_a_crash(rita: User) -> None:
    article = make_article("Exports fell 21% in May and imports rose 3% in June, officials said.")
    claim = article.claims.get()
    services.claim_create(article=article, actor=rita, start=0, end=23)  # "Exports fell 21% in May"
    with pytest.raises(WorkflowError, match="already a claim"):
        services.claim_split(
            claim=Claim.objects.get(pk=claim.pk), actor=rita, at=article.body.index(" and")
        )
    assert Claim.objects.get(pk=claim.pk).end == len(article.body)


def test_a_reviewer_cannot_take_a_claim_assigned_to_a_colleague(rita: User) -> None:
    from claims.errors import NotAllowed

    eddie = make_user("ed3", "Editor")
    colleague = make_user("colleague", "Reviewer")
    claim = make_claim()
    claim = services.claim_assign(claim=claim, actor=eddie, assignee=colleague)
    with pytest.raises(NotAllowed):
        services.claim_take(claim=claim, actor=rita)
    assert Claim.objects.get(pk=claim.pk).assignee == colleague
    assert services.claim_take(claim=claim, actor=eddie).assignee == eddie  # editors may


def test_no_second_verdict_once_one_is_approved(rita: User) -> None:
    eddie = make_user("ed4", "Editor")
    claim = make_claim()
    services.verdict_approve(verdict=submitted_verdict(claim, rita), editor=eddie)
    with pytest.raises(InvalidTransition, match="published verdict: open a correction"):
        services.verdict_save_draft(claim=claim, author=rita, data=good_input())


def test_a_dismissed_claim_cannot_get_a_published_verdict(rita: User) -> None:
    claim = make_claim()
    verdict = services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    services.claim_dismiss(claim=Claim.objects.get(pk=claim.pk), actor=rita)
    with pytest.raises(InvalidTransition, match="dismissed"):
        services.verdict_submit(verdict=verdict, actor=rita)


def test_starting_a_verdict_accepts_the_claim_with_history(rita: User) -> None:
    claim = make_claim()
    services.verdict_save_draft(claim=claim, author=rita, data=good_input())
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == "accepted" and claim.version == 2
    assert HistoryEvent.objects.filter(claim=claim, action="status", to_state="accepted").exists()
