"""Every role against every action, through the services that the UI and the API share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from claims import services
from claims.errors import NotAllowed, WorkflowError
from claims.models import Claim
from tests.claims.factories import good_input, make_claim, make_user, submitted_verdict

ROLES = ["outsider", "reviewer", "editor", "admin"]


def persona(role: str) -> User:
    if role == "outsider":
        return make_user("olga-outsider")  # logged in, but given no role
    if role == "admin":
        return make_user("ada-admin", "Admin")
    return make_user(f"{role}-1", role.capitalize())


def act_accept(user: User, claim: Claim) -> object:
    return services.claim_accept(claim=claim, actor=user)


def act_dismiss(user: User, claim: Claim) -> object:
    return services.claim_dismiss(claim=claim, actor=user)


def act_edit(user: User, claim: Claim) -> object:
    return services.claim_edit(claim=claim, actor=user, claim_text="Edited claim text")


def act_take(user: User, claim: Claim) -> object:
    return services.claim_take(claim=claim, actor=user)


def act_assign_other(user: User, claim: Claim) -> object:
    other = make_user("someone-else", "Reviewer")
    return services.claim_assign(claim=claim, actor=user, assignee=other)


def act_split(user: User, claim: Claim) -> object:
    return services.claim_split(claim=claim, actor=user, at=claim.start + 20)


def act_merge(user: User, claim: Claim) -> object:
    return services.claim_merge(claim=claim, actor=user)


def act_add_claim(user: User, claim: Claim) -> object:
    return services.claim_create(article=claim.article, actor=user, start=0, end=17)


def act_comment(user: User, claim: Claim) -> object:
    return services.comment_add(claim=claim, actor=user, body="Check the USGS list.")


def act_write_verdict(user: User, claim: Claim) -> object:
    return services.verdict_save_draft(claim=claim, author=user, data=good_input())


def act_submit_verdict(user: User, claim: Claim) -> object:
    return submitted_verdict(claim, user)


def act_approve_others_verdict(user: User, claim: Claim) -> object:
    verdict = submitted_verdict(claim, make_user("author-1", "Reviewer"))
    return services.verdict_approve(verdict=verdict, editor=user)


def act_request_changes(user: User, claim: Claim) -> object:
    verdict = submitted_verdict(claim, make_user("author-1", "Reviewer"))
    return services.verdict_request_changes(verdict=verdict, editor=user, note="Add a source.")


REVIEWER_UP = {"reviewer", "editor", "admin"}
EDITOR_UP = {"editor", "admin"}
MATRIX: list[tuple[Callable[[User, Claim], object], set[str]]] = [
    (act_accept, REVIEWER_UP),
    (act_dismiss, REVIEWER_UP),
    (act_edit, REVIEWER_UP),
    (act_take, REVIEWER_UP),
    (act_assign_other, EDITOR_UP),
    (act_split, REVIEWER_UP),
    (act_merge, REVIEWER_UP),
    (act_add_claim, REVIEWER_UP),
    (act_comment, REVIEWER_UP),
    (act_write_verdict, REVIEWER_UP),
    (act_submit_verdict, REVIEWER_UP),
    (act_approve_others_verdict, EDITOR_UP),
    (act_request_changes, EDITOR_UP),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "allowed"), MATRIX, ids=[a.__name__ for a, _ in MATRIX])
def test_role_matrix(role: str, action: Callable[[User, Claim], object], allowed: set[str]) -> None:
    user = persona(role)
    claim = make_claim()
    if role in allowed:
        action(user, claim)
    else:
        with pytest.raises(NotAllowed):
            action(user, claim)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "admin"])
def test_nobody_approves_their_own_verdict(role: str) -> None:
    user = persona(role)
    verdict = submitted_verdict(make_claim(), user)
    with pytest.raises(NotAllowed, match="own verdict"):
        services.verdict_approve(verdict=verdict, editor=user)


@pytest.mark.django_db
def test_only_the_author_edits_or_submits_a_verdict() -> None:
    author = make_user("author-1", "Reviewer")
    colleague = make_user("colleague", "Editor")
    claim = make_claim()
    verdict = services.verdict_save_draft(claim=claim, author=author, data=good_input())
    with pytest.raises(NotAllowed):
        services.verdict_save_draft(
            claim=claim, author=colleague, data=good_input(), verdict=verdict
        )
    with pytest.raises(NotAllowed):
        services.verdict_submit(verdict=verdict, actor=colleague)


@pytest.mark.django_db
def test_claims_can_only_be_assigned_to_people_with_a_role() -> None:
    editor = make_user("ed", "Editor")
    outsider = make_user("olga")
    with pytest.raises(WorkflowError, match="not a reviewer"):
        services.claim_assign(claim=make_claim(), actor=editor, assignee=outsider)
