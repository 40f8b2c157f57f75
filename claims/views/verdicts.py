"""Verdicts: the form a reviewer fills in, the editor's queue, and the review page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims import services
from claims.errors import NotAllowed, VersionConflict, WorkflowError
from claims.forms import CitationFormSet, CorrectionForm, ReviewForm, VerdictForm
from claims.models import Claim, Rating, Verdict
from claims.permissions import Action, can, can_correct, require
from claims.selectors import snapshot_diff
from claims.services.verdicts import (
    CITATION_FIELDS,
    CitationInput,
    VerdictInput,
    VerdictInvalid,
    blocking,
    snapshot,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _initial(verdict: Verdict | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if verdict is None:
        return {"version": None}, []
    return (
        {
            "verdict": verdict.pk,
            "version": verdict.version,
            "rating": verdict.rating_id,
            "summary": verdict.summary,
            "rationale": verdict.rationale,
            "correction_note": verdict.correction_note,
        },
        [{name: getattr(c, name) for name in CITATION_FIELDS} for c in verdict.citations.all()],
    )


def _as_comment(data: VerdictInput) -> str:
    """What a person typed into a verdict they may not save, as a comment they can post."""
    rating = Rating.objects.filter(pk=data.rating_id).first() if data.rating_id else None
    lines = ["My notes on this claim's verdict:"]
    if rating:
        lines.append(f"Rating: {rating.label}")
    if data.summary:
        lines.append(f"Summary: {data.summary}")
    if data.rationale:
        lines += ["", data.rationale]
    for c in data.citations:
        lines.append(f"- {c.title or c.url} {c.url} ({c.stance})".replace("  ", " "))
    return "\n".join(lines)[:10_000]


def _error_summary(
    claim: Claim, citations: Any, errors: dict[str, list[str]]
) -> list[tuple[str, str]]:
    """Attach every problem to its field and list them all, each linked to where it is fixed."""
    # Saved citations skip empty rows, so citation n is the n-th filled-in row of the formset.
    filled = [
        i
        for i, f in enumerate(citations.forms)
        if f.is_bound
        and f.is_valid()
        and not f.cleaned_data.get("DELETE")
        and not CitationInput.from_data(f.cleaned_data).is_blank()
    ]
    summary: list[tuple[str, str]] = []
    for key, messages_ in errors.items():
        for message in messages_:
            if not message:
                continue
            href = ""
            if key.startswith("citations.") and key.count(".") == 2:
                _, index, name = key.split(".")
                if int(index) < len(filled):
                    form_index = filled[int(index)]
                    citations.forms[form_index].add_error(name, message)
                    href = f"#id_citations-{form_index}-{name}"
            elif key == "citations":
                href = "#citation-forms"
            elif key == "claim.claimant":
                href = reverse("claim_detail", args=[claim.pk]) + "#claimant"
            elif key == "article.source_url":
                href = reverse("article_detail", args=[claim.article_id]) + "#article-details"
            elif key != "non_field_errors":
                href = f"#id_{key}"
            summary.append((message, href))
    return summary


def verdict_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or revise the verdict on a claim: save a draft or submit it for approval.

    Whatever the person typed is never dropped: a conflict, a refusal or a failed checklist
    renders the form again with their text, beside the other person's where there is one.
    """
    user = _user(request)
    require(user, Action.WRITE_VERDICT)
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    verdict = (
        Verdict.objects.open()
        .filter(claim=claim)
        .select_related("rating", "author", "corrects")
        .prefetch_related("citations")
        .first()
    )
    published = (
        Verdict.objects.published()
        .filter(claim=claim)
        .select_related("rating", "author", "approver")
        .prefetch_related("citations")
        .first()
    )
    context: dict[str, Any] = {
        "claim": claim,
        "verdict": verdict,
        "published": published,
        "conflict": None,
        "comment_text": "",
        "error_summary": [],
        "can_correct": published is not None and can_correct(user, published),
    }
    if request.method != "POST":
        initial, citation_initial = _initial(verdict)
        context["form"] = VerdictForm(initial=initial)
        context["citations"] = CitationFormSet(initial=citation_initial or [{}], prefix="citations")
        context["readonly"] = verdict is not None and verdict.author_id != user.pk
        context["correction_form"] = CorrectionForm()
        return render(request, "claims/verdict_form.html", context)

    form = VerdictForm(request.POST)
    citations = CitationFormSet(request.POST, prefix="citations")
    context.update(form=form, citations=citations, readonly=False)
    if not (form.is_valid() and citations.is_valid()):
        return render(request, "claims/verdict_form.html", context, status=400)
    data = VerdictInput.from_data({**form.cleaned_data, "citations": citations.cleaned_data})
    try:
        saved = services.verdict_save_draft(
            claim=claim,
            author=user,
            data=data,
            opened=form.cleaned_data["verdict"],
            version=form.cleaned_data["version"],
        )
    except VersionConflict as exc:
        current: Verdict = exc.current
        current = (
            Verdict.objects.select_related("rating", "author")
            .prefetch_related("citations")
            .get(pk=current.pk)
        )
        theirs = current.author_id != user.pk
        context.update(
            conflict={"verdict": current, "snapshot": snapshot(current), "theirs": theirs},
            comment_text=_as_comment(data) if theirs else "",
            verdict=current,
        )
        if not theirs:
            # Carry their version, so saving again is a deliberate choice to keep this text.
            bound = request.POST.copy()
            bound["verdict"], bound["version"] = str(current.pk), str(current.version)
            context.update(
                form=VerdictForm(bound), citations=CitationFormSet(bound, prefix="citations")
            )
            context["form"].is_valid()
            context["form"].add_error(
                None, f"{exc.message} Save again to keep yours, or reload to take the other."
            )
        else:
            form.add_error(
                None,
                f"{exc.message} Only {current.author.get_username()} can edit it; your text is "
                "kept below: post it as a comment so it is not lost.",
            )
        return render(request, "claims/verdict_form.html", context, status=409)
    except NotAllowed as exc:
        context["comment_text"] = _as_comment(data)
        form.add_error(None, f"{exc.message} Your text is kept below: post it as a comment.")
        return render(request, "claims/verdict_form.html", context, status=403)
    except VerdictInvalid as exc:
        for field, errs in exc.errors.items():
            for err in errs:
                form.add_error(field if field in form.fields else None, err)
        return render(request, "claims/verdict_form.html", context, status=400)
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return render(request, "claims/verdict_form.html", context, status=400)

    if not request.POST.get("submit"):
        messages.success(request, "Draft saved.")
        return redirect("verdict_edit", pk=claim.pk)
    try:
        services.verdict_submit(verdict=saved, actor=user)
    except WorkflowError as exc:
        # The draft is saved: show the form again, at its new version, with every problem.
        bound = request.POST.copy()
        bound["verdict"], bound["version"] = str(saved.pk), str(saved.version)
        form, citations = VerdictForm(bound), CitationFormSet(bound, prefix="citations")
        form.is_valid()
        citations.is_valid()
        errors = (
            exc.errors if isinstance(exc, VerdictInvalid) else {"non_field_errors": [exc.message]}
        )
        context.update(
            form=form,
            citations=citations,
            verdict=saved,
            error_summary=_error_summary(claim, citations, errors),
            submit_failed=True,
        )
        for key in ("rating", "summary", "rationale", "correction_note"):
            for message in errors.get(key, []):
                if message:
                    form.add_error(key, message)
        return render(request, "claims/verdict_form.html", context, status=400)
    messages.success(request, "Verdict submitted for approval.")
    return redirect("claim_detail", pk=claim.pk)


@require_POST
def verdict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back an unpublished correction; the published verdict is untouched."""
    verdict = get_object_or_404(Verdict.objects.select_related("claim"), pk=pk)
    form = ReviewForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    if version is None:
        messages.error(request, "Reload the page and try again.")
        return redirect("verdict_edit", pk=verdict.claim_id)
    try:
        services.verdict_correction_withdraw(verdict=verdict, actor=_user(request), version=version)
    except NotAllowed:
        raise
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("verdict_edit", pk=verdict.claim_id)
    messages.success(request, "Correction withdrawn; the published verdict is unchanged.")
    return redirect("claim_detail", pk=verdict.claim_id)


@require_POST
def verdict_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a correction of a published verdict and go to its form."""
    user = _user(request)
    verdict = get_object_or_404(Verdict.objects.select_related("claim"), pk=pk)
    form = CorrectionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.verdict_correction_open(verdict=verdict, actor=user, note=note)
    except NotAllowed:
        raise
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("verdict_edit", pk=verdict.claim_id)
    messages.success(
        request,
        "Correction opened. The published verdict stays public until an editor approves "
        "this correction.",
    )
    return redirect("verdict_edit", pk=verdict.claim_id)


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
            "claim__article", "rating", "author", "approver", "corrects__rating"
        ).prefetch_related("citations", "corrects__citations"),
        pk=pk,
    )
    return _render_review(request, verdict, ReviewForm(initial={"version": verdict.version}))


def _render_review(
    request: HttpRequest, verdict: Verdict, form: ReviewForm, status: int = 200
) -> HttpResponse:
    user = _user(request)
    revisions = list(verdict.revisions.order_by("-created_at", "-id")[:2])
    diff = None
    previous: dict[str, Any] | None = None
    if len(revisions) == 2:
        previous = {"label": "the last submission", "snapshot": revisions[1].snapshot}
    elif verdict.corrects is not None:
        # A correction is reviewed against what is published now.
        previous = {"label": "the published verdict", "snapshot": snapshot(verdict.corrects)}
    if previous is not None:
        diff = snapshot_diff(previous["snapshot"], snapshot(verdict))
    checklist = services.verdict_checklist(verdict)
    return render(
        request,
        "claims/verdict_review.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "checklist": checklist,
            "checklist_ok": not blocking(checklist),
            "diff": diff,
            "previous": previous,
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
        Verdict.objects.open()
        .filter(author=user)
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
