from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from claims.models import Verdict
from claims.permissions import Action, can


def workbench(request: HttpRequest) -> dict[str, Any]:
    """Give every page the user's open to-dos: verdicts sent back, and what awaits approval."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "changes_requested_count": SimpleLazyObject(
            lambda: Verdict.objects.filter(
                author=user, status=Verdict.Status.CHANGES_REQUESTED
            ).count()
        ),
        "awaiting_approval_count": SimpleLazyObject(
            lambda: (
                Verdict.objects.filter(status=Verdict.Status.SUBMITTED).count()
                if can(user, Action.APPROVE_VERDICT)
                else 0
            )
        ),
        "is_editor": can(user, Action.APPROVE_VERDICT),
    }
