"""Helpers shared by the workflow services: versioned saves and the history trail."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone

from claims.errors import InvalidTransition, VersionConflict
from claims.models import Claim, HistoryEvent, Verdict

M = TypeVar("M", Claim, Verdict)


def save_versioned(instance: M, *, version: int | None, **changes: Any) -> M:
    """Write `changes` only if nobody saved since `version` was read; return the fresh row.

    The check and the write are one UPDATE, so two people saving at once cannot both win.
    """
    expected = instance.version if version is None else version
    model: type[models.Model] = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise _conflict(model, instance.pk, expected=expected)
    instance.refresh_from_db()
    return instance


def require_version(instance: M, *, version: int | None) -> None:
    """Refuse a request made on an older version, even one that would change nothing.

    Someone acting on a stale screen must learn what changed, not be told "done".
    """
    if version is not None and version != instance.version:
        raise _conflict(type(instance), instance.pk, expected=version)


def _conflict(model: type[models.Model], pk: int, *, expected: int) -> VersionConflict:
    current = model._default_manager.get(pk=pk)
    return VersionConflict(
        f"Someone saved this {model._meta.verbose_name} after you opened it "
        f"(you had version {expected}, it is now version {current.version}"  # type: ignore[attr-defined]
        "). Your changes were not saved: compare them with the current text below.",
        current=current,
    )


def record(
    *,
    action: str,
    actor: User | None,
    claim: Claim | None = None,
    verdict: Verdict | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
) -> HistoryEvent:
    if claim is None and verdict is not None:
        claim = verdict.claim
    assert claim is not None
    return HistoryEvent.objects.create(
        article_id=claim.article_id,
        claim=claim,
        verdict=verdict,
        actor=actor,
        action=action,
        from_state=str(from_state)[:40],
        to_state=str(to_state)[:40],
        note=note,
    )


def refuse_while_under_review(verdicts: QuerySet[Verdict]) -> None:
    """Keep what an editor is judging still: they approve the claim as they saw it."""
    if verdicts.filter(status=Verdict.Status.SUBMITTED).exists():
        raise InvalidTransition(
            "An editor is reviewing a verdict on this claim: what it will publish (the claim "
            "text, claimant, date and the article's details) is locked until they approve it "
            "or send it back."
        )
