"""Verdicts: the form a reviewer fills in, the editor's queue, and the review page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from claims import services
from claims.errors import NotAllowed, VersionConflict, WorkflowError
from claims.forms import CitationFormSet, ReviewForm, VerdictForm
from claims.models import Claim, Verdict
from claims.permissions import Action, can, require
from claims.selectors import snapshot_diff
from claims.services.verdicts import VerdictInvalid, snapshot


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _initial(verdict: Verdict | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if verdict is None:
        return {"version": None}, []
    return (
        {
            "version": verdict.version,
            "rating": verdict.rating_id,
            "summary": verdict.summary,
            "rationale": verdict.rationale,
        },
        [
            {
                "url": c.url,
                "title": c.title,
                "publisher": c.publisher,
                "quote": c.quote,
                "archived_url": c.archived_url,
                "accessed_at": c.accessed_at,
                "stance": c.stance,
            }
            for c in verdict.citations.all()
        ],
    )


def verdict_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or revise the verdict on a claim: save a draft or submit it for approval."""
    user = _user(request)
    require(user, Action.WRITE_VERDICT)
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    verdict = (
        claim.verdicts.exclude(status=Verdict.Status.APPROVED)
        .select_related("rating", "author")
        .prefetch_related("citations")
        .first()
    )
    if verdict is not None and verdict.author_id != user.pk:
        raise NotAllowed(f"This verdict is {verdict.author.get_username()}'s to write.")
    conflict: dict[str, Any] | None = None
    if request.method == "POST":
        form = VerdictForm(request.POST)
        citations = CitationFormSet(request.POST, prefix="citations")
        if form.is_valid() and citations.is_valid():
            data = services.VerdictInput(
                rating_id=form.cleaned_data["rating"].pk if form.cleaned_data["rating"] else None,
                summary=form.cleaned_data["summary"],
                rationale=form.cleaned_data["rationale"],
                citations=[
                    services.CitationInput(
                        url=c["url"],
                        title=c.get("title") or "",
                        publisher=c.get("publisher") or "",
                        quote=c.get("quote") or "",
                        archived_url=c.get("archived_url") or "",
                        accessed_at=c.get("accessed_at"),
                        stance=c.get("stance") or "context",
                    )
                    for c in citations.cleaned_data
                    if c and not c.get("DELETE")
                ],
            )
            try:
                verdict = services.verdict_save_draft(
                    claim=claim,
                    author=user,
                    data=data,
                    verdict=verdict,
                    version=form.cleaned_data["version"],
                )
                if request.POST.get("submit"):
                    try:
                        verdict = services.verdict_submit(verdict=verdict, actor=user)
                    except WorkflowError as exc:
                        # The draft is saved; say so, and carry its new version in the form.
                        messages.info(request, "Draft saved, but not submitted yet.")
                        messages.error(request, exc.message)
                        return redirect("verdict_edit", pk=claim.pk)
                    messages.success(request, "Verdict submitted for approval.")
                    return redirect("claim_detail", pk=claim.pk)
                messages.success(request, "Draft saved.")
                return redirect("verdict_edit", pk=claim.pk)
            except VersionConflict as exc:
                current = exc.current
                conflict = {"verdict": current, "snapshot": snapshot(current)}
                data_copy = request.POST.copy()
                data_copy["version"] = str(current.version)
                form = VerdictForm(data_copy)
                citations = CitationFormSet(data_copy, prefix="citations")
                form.add_error(
                    None,
                    f"{exc.message} Your version is still in the form: save again to keep "
                    "yours, or reload to take theirs.",
                )
            except VerdictInvalid as exc:
                for field, errs in exc.errors.items():
                    for err in errs:
                        form.add_error(field if field in form.fields else None, err)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
        status = 409 if conflict else 400
    else:
        initial, citation_initial = _initial(verdict)
        form = VerdictForm(initial=initial)
        citations = CitationFormSet(initial=citation_initial or [{}], prefix="citations")
        status = 200
    return render(
        request,
        "claims/verdict_form.html",
        {
            "claim": claim,
            "verdict": verdict,
            "form": form,
            "citations": citations,
            "conflict": conflict,
        },
        status=status,
    )


def editor_queue(request: HttpRequest) -> HttpResponse:
    """Submitted verdicts, oldest first."""
    user = _user(request)
    require(user, Action.APPROVE_VERDICT)
    verdicts = list(
        Verdict.objects.filter(status=Verdict.Status.SUBMITTED)
        .select_related("claim__article", "rating", "author")
        .order_by("submitted_at", "id")
    )
    return render(request, "claims/editor_queue.html", {"verdicts": verdicts})


def verdict_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    require(user, Action.VIEW)
    verdict = get_object_or_404(
        Verdict.objects.select_related(
            "claim__article", "rating", "author", "approver"
        ).prefetch_related("citations"),
        pk=pk,
    )
    return _render_review(request, verdict, ReviewForm(initial={"version": verdict.version}))


def _render_review(
    request: HttpRequest, verdict: Verdict, form: ReviewForm, status: int = 200
) -> HttpResponse:
    user = _user(request)
    revisions = list(verdict.revisions.order_by("-created_at", "-id")[:2])
    diff = None
    if len(revisions) == 2:
        diff = snapshot_diff(revisions[1].snapshot, snapshot(verdict))
    checklist = services.verdict_checklist(verdict)
    return render(
        request,
        "claims/verdict_review.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "checklist": checklist,
            "checklist_ok": all(item.ok for item in checklist),
            "diff": diff,
            "previous": revisions[1] if len(revisions) == 2 else None,
            "form": form,
            "can_review": can(user, Action.APPROVE_VERDICT)
            and verdict.status == Verdict.Status.SUBMITTED,
            "own": verdict.author_id == user.pk,
        },
        status=status,
    )


@require_POST
def verdict_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    verdict = get_object_or_404(
        Verdict.objects.select_related("claim__article", "rating", "author"), pk=pk
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_review(request, verdict, form, status=400)
    version = form.cleaned_data["version"]
    try:
        if request.POST.get("decision") == "approve":
            services.verdict_approve(verdict=verdict, editor=user, version=version)
            messages.success(request, "Verdict approved.")
        elif request.POST.get("decision") == "request_changes":
            services.verdict_request_changes(
                verdict=verdict, editor=user, note=form.cleaned_data["note"], version=version
            )
            messages.success(request, "Sent back to the reviewer with your note.")
        else:
            raise WorkflowError("Choose Approve or Request changes.")
    except VersionConflict as exc:
        form.add_error(None, exc.message)
        verdict.refresh_from_db()
        return _render_review(
            request, verdict, ReviewForm(initial={"version": verdict.version}), status=409
        )
    except NotAllowed:
        raise
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _render_review(request, verdict, form, status=400)
    return redirect("editor_queue")


def my_work(request: HttpRequest) -> HttpResponse:
    """A reviewer's desk: verdicts sent back first, then drafts, then assigned claims."""
    user = _user(request)
    require(user, Action.VIEW)
    verdicts = list(
        Verdict.objects.filter(author=user)
        .exclude(status=Verdict.Status.APPROVED)
        .select_related("claim__article", "rating")
        .order_by("-updated_at")
    )
    order = {"changes_requested": 0, "draft": 1, "submitted": 2}
    verdicts.sort(key=lambda v: order.get(v.status, 3))
    assigned = list(
        Claim.objects.filter(assignee=user)
        .exclude(status=Claim.Status.DISMISSED)
        .select_related("article")
        .order_by("-score")[:200]
    )
    return render(request, "claims/my_work.html", {"verdicts": verdicts, "assigned": assigned})
