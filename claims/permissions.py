"""Who may do what: one table for the UI and the API, checked inside the services."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from claims.errors import NotAllowed


class Role(StrEnum):
    REVIEWER = "Reviewer"
    EDITOR = "Editor"
    ADMIN = "Admin"


class Action(StrEnum):
    VIEW = "view"
    TRIAGE = "triage"  # accept, dismiss, edit, split, merge, tag, add a missed claim
    TAKE = "take"  # assign a claim to oneself
    ASSIGN = "assign"  # assign a claim to anyone
    COMMENT = "comment"
    WRITE_VERDICT = "write_verdict"
    SUBMIT_VERDICT = "submit_verdict"
    APPROVE_VERDICT = "approve_verdict"
    REQUEST_CHANGES = "request_changes"
    MANAGE_SETTINGS = "manage_settings"  # users, roles, rating scale, publisher name


REVIEWER_ACTIONS = {
    Action.VIEW,
    Action.TRIAGE,
    Action.TAKE,
    Action.COMMENT,
    Action.WRITE_VERDICT,
    Action.SUBMIT_VERDICT,
}
EDITOR_ACTIONS = REVIEWER_ACTIONS | {
    Action.ASSIGN,
    Action.APPROVE_VERDICT,
    Action.REQUEST_CHANGES,
}
ROLE_ACTIONS: dict[Role, set[Action]] = {
    Role.REVIEWER: REVIEWER_ACTIONS,
    # Admins run the newsroom's settings and can stand in for an editor.
    Role.EDITOR: EDITOR_ACTIONS,
    Role.ADMIN: EDITOR_ACTIONS | {Action.MANAGE_SETTINGS},
}


def roles_of(user: AbstractBaseUser | AnonymousUser) -> set[Role]:
    if not user.is_authenticated:
        return set()
    cached: set[Role] | None = getattr(user, "_workbench_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        cached = {role for role in Role if role.value in names}
        if getattr(user, "is_superuser", False):
            cached.add(Role.ADMIN)
        user._workbench_roles = cached  # type: ignore[attr-defined]
    return cached


def can(user: AbstractBaseUser | AnonymousUser, action: Action) -> bool:
    return any(action in ROLE_ACTIONS[role] for role in roles_of(user))


def require(user: AbstractBaseUser | AnonymousUser, action: Action) -> None:
    if not can(user, action):
        raise NotAllowed(f"Your role does not allow this ({action.value.replace('_', ' ')}).")


def can_correct(user: AbstractBaseUser | AnonymousUser, verdict: Any) -> bool:
    """Its author or an editor may open a correction of a verdict, or withdraw a correction."""
    if verdict.author_id == getattr(user, "pk", None) and can(user, Action.WRITE_VERDICT):
        return True
    return can(user, Action.APPROVE_VERDICT)
