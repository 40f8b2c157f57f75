from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from claims.models import Verdict
from claims.permissions import Action, can


def workbench(request: HttpRequest) -> dict[str, Any]:
    """Give every page the user's open to-dos: verdicts sent back, and what awaits approval."""
    user = request.user
    if not user.is_authenticated:
        return {}
    is_editor = can(user, Action.APPROVE_VERDICT)

    # Both counts in one query, run only if the page shows one of them.
    def counts() -> dict[str, int]:
        sent_back = Count("id", filter=Q(author=user, status=Verdict.Status.CHANGES_REQUESTED))
        if not is_editor:
            return {"sent_back": Verdict.objects.aggregate(n=sent_back)["n"], "awaiting": 0}
        found = Verdict.objects.aggregate(
            sent_back=sent_back,
            awaiting=Count("id", filter=Q(status=Verdict.Status.SUBMITTED)),
        )
        return {"sent_back": found["sent_back"], "awaiting": found["awaiting"]}

    todo = SimpleLazyObject(counts)
    return {
        "changes_requested_count": SimpleLazyObject(lambda: todo["sent_back"]),
        "awaiting_approval_count": SimpleLazyObject(lambda: todo["awaiting"]),
        "is_editor": is_editor,
    }
