"""The newsroom's memory on screen: a claim's matches, decisions on them, conflicting figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.errors import WorkflowError
from claims.models import Claim, ConflictGroup, ConflictMember, Verdict
from claims.permissions import Action, require
from claims.services import matching


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # login is required on every page


def claim_matches_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The claim page's "Checked before?" panel, fetched when the page opens (htmx)."""
    require(_user(request), Action.VIEW)
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    return _panel(request, claim)


def _panel(request: HttpRequest, claim: Claim, *, error: str = "") -> HttpResponse:
    found = matching.claim_matches(claim=claim)
    checked = [m for m in found if m.verdict is not None and m.verdict.status == "approved"]
    conflicts = list(
        ConflictMember.objects.filter(
            claim=claim, group__distinct_values__gte=2, group__dismissed_at__isnull=True
        )
        .select_related("group")
        .order_by("group_id")
    )
    own_verdict = claim.verdicts.exclude(status__in=["superseded"]).exists()
    return render(
        request,
        # The claim page fetches the panel; without scripts its link opens it as a page.
        "claims/_claim_matches.html" if request.htmx else "claims/claim_matches_page.html",  # type: ignore[attr-defined]
        {
            "claim": claim,
            "matches": found,
            "checked": checked,
            "articles": len({m.other.article_id for m in found}),
            "conflicts": conflicts,
            "can_reuse": not own_verdict,
            "error": error,
        },
    )


@require_POST
def claim_match_decide(request: HttpRequest, pk: int, other_id: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    decision = request.POST.get("decision")
    error = ""
    try:
        if decision == "confirm":
            matching.claim_match_confirm(claim=claim, other_id=other_id, actor=_user(request))
        elif decision == "reject":
            matching.claim_match_reject(claim=claim, other_id=other_id, actor=_user(request))
        else:
            error = "Choose confirm or reject."
    except WorkflowError as exc:
        error = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        return _panel(request, claim, error=error)
    if error:
        messages.error(request, error)
    return redirect(reverse("claim_detail", args=[claim.pk]) + "#matches")


@require_POST
def verdict_reuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    source = get_object_or_404(Verdict, pk=request.POST.get("verdict") or 0)
    try:
        matching.verdict_reuse(claim=claim, source=source, author=_user(request))
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("claim_detail", args=[claim.pk]) + "#matches")
    messages.success(
        request,
        "The draft starts from the earlier verdict: check that it holds for this claim, "
        "then submit it to an editor as usual.",
    )
    return redirect("verdict_edit", claim.pk)


def conflict_list(request: HttpRequest) -> HttpResponse:
    """Claims that give one measure different values, grouped by measure."""
    require(_user(request), Action.VIEW)
    show_dismissed = request.GET.get("dismissed") == "1"
    groups = list(matching.conflict_groups(include_dismissed=show_dismissed)[:200])
    return render(
        request,
        "claims/conflicts.html",
        {"groups": [_summarise(g) for g in groups], "show_dismissed": show_dismissed},
    )


def _summarise(group: ConflictGroup) -> dict[str, object]:
    """The group's values, most often given first, each with its claims."""
    values: dict[str, list[ConflictMember]] = {}
    for member in group.members.all():
        label = (
            f"{member.qualifier} {member.value_text}".strip()
            if member.qualifier and not member.value_text.lower().startswith(member.qualifier)
            else member.value_text
        )
        values.setdefault(label, []).append(member)
    ordered = sorted(values.items(), key=lambda item: (-len(item[1]), item[0]))
    return {
        "group": group,
        "values": [
            {
                "label": label,
                "members": members,
                "articles": len({m.claim.article_id for m in members}),
            }
            for label, members in ordered
        ],
    }


@require_POST
def conflict_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(ConflictGroup, pk=pk)
    try:
        matching.conflict_group_dismiss(
            group=group, actor=_user(request), note=request.POST.get("note", "")
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{group.label}” is marked as not a conflict.")
    return redirect("conflict_list")
