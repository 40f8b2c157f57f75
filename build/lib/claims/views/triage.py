"""Triage: the queue of candidate claims, the claim panel, and the actions on a claim."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from claims import services
from claims.errors import VersionConflict, WorkflowError
from claims.forms import ClaimEditForm, CommentForm, QueueFilterForm
from claims.models import Article, Claim, HistoryEvent, Tag
from claims.permissions import Action, require
from claims.selectors import QueueFilters, claim_context, claim_queue, reviewers

QUEUE_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # login is required on every page


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def claim_queue_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Action.VIEW)
    people = list(reviewers())
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Claim.Status.CANDIDATE  # the queue opens on what still needs triage
    form = QueueFilterForm(data, assignees=[(str(p.pk), p.get_username()) for p in people])
    filters = QueueFilters()
    if form.is_valid():
        cd = form.cleaned_data
        filters = QueueFilters(
            article=cd["article"].pk if cd["article"] else None,
            status=cd["status"],
            kind=cd["kind"],
            min_score=cd["min_score"],
            assignee=cd["assignee"],
            search=cd["search"].strip(),
        )
    page = Paginator(claim_queue(filters=filters, user=user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = data.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "claims": list(page.object_list),
        "people": people,
        "query": query.urlencode(),
        "next_url": request.get_full_path(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "claims/_queue_table.html", context)
    return render(request, "claims/queue.html", context)


@require_POST
def claim_queue_bulk(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    ids = [int(i) for i in request.POST.getlist("claim") if i.isdigit()]
    action = request.POST.get("action", "")
    try:
        if not ids:
            raise WorkflowError("Select at least one claim first.")
        if action in ("accept", "dismiss"):
            status = Claim.Status.ACCEPTED if action == "accept" else Claim.Status.DISMISSED
            changed = services.claims_bulk_set_status(claim_ids=ids, actor=user, status=status)
            messages.success(request, f"{changed} claim{'s' if changed != 1 else ''} {action}ed.")
        elif action == "assign":
            assignee_id = _int(request.POST.get("assignee"))
            assignee = get_object_or_404(User, pk=assignee_id) if assignee_id else None
            changed = services.claims_bulk_assign(claim_ids=ids, actor=user, assignee=assignee)
            who = assignee.get_username() if assignee else "nobody"
            messages.success(
                request, f"{changed} claim{'s' if changed != 1 else ''} assigned to {who}."
            )
        else:
            raise WorkflowError("Choose what to do with the selected claims.")
    except WorkflowError as exc:
        messages.error(request, exc.message)
    return _back(request, reverse("claim_queue"))


def _row_response(
    request: HttpRequest, claim: Claim, *, error: str = "", notice: str = "", typed: str = ""
) -> HttpResponse:
    """Answer an action from the queue: the row again for htmx, else back where we came from."""
    if request.htmx:  # type: ignore[attr-defined]
        claim = (
            Claim.objects.select_related("article", "assignee")
            .prefetch_related("tags")
            .filter(pk=claim.pk)
            .first()
            or claim
        )
        return render(
            request,
            "claims/_queue_row.html",
            {
                "claim": claim,
                "row_error": error,
                "row_notice": notice,
                "typed": typed,
                "people": reviewers(),
                "next_url": request.POST.get("next", ""),
            },
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return _back(request, claim.get_absolute_url())


@require_POST
def claim_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    action = request.POST.get("status", "")
    version = _int(request.POST.get("version"))
    handlers = {
        Claim.Status.ACCEPTED: services.claim_accept,
        Claim.Status.DISMISSED: services.claim_dismiss,
        Claim.Status.CANDIDATE: services.claim_reopen,
    }
    try:
        handler = handlers.get(action)  # type: ignore[call-overload]
        if handler is None:
            raise WorkflowError("Unknown action.")
        claim = handler(claim=claim, actor=_user(request), version=version)
    except VersionConflict as exc:
        return _row_response(request, exc.current, error=exc.message)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    return _row_response(request, claim, notice=f"Claim {claim.get_status_display().lower()}.")


@require_POST
def claim_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    user = _user(request)
    version = _int(request.POST.get("version"))
    try:
        if request.POST.get("take"):
            claim = services.claim_take(claim=claim, actor=user, version=version)
        else:
            assignee_id = _int(request.POST.get("assignee"))
            assignee = get_object_or_404(User, pk=assignee_id) if assignee_id else None
            claim = services.claim_assign(
                claim=claim, actor=user, assignee=assignee, version=version
            )
    except VersionConflict as exc:
        return _row_response(request, exc.current, error=exc.message)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    who = claim.assignee.get_username() if claim.assignee else "nobody"
    return _row_response(request, claim, notice=f"Assigned to {who}.")


@require_POST
def claim_quick_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the claim text from the queue (the `e` key)."""
    claim = get_object_or_404(Claim, pk=pk)
    try:
        claim = services.claim_edit(
            claim=claim,
            actor=_user(request),
            version=_int(request.POST.get("version")),
            claim_text=request.POST.get("claim_text", ""),
        )
    except VersionConflict as exc:
        # Keep what was typed in the editor, next to the newer text it did not overwrite.
        typed = request.POST.get("claim_text", "")
        return _row_response(request, exc.current, error=exc.message, typed=typed)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    return _row_response(request, claim, notice="Claim text saved.")


@require_POST
def claim_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    at = _int(request.POST.get("at"))
    try:
        if at is None:
            raise WorkflowError("Choose where to split the claim.")
        parts = services.claim_split(
            claim=claim,
            actor=_user(request),
            at=claim.start + at,
            version=_int(request.POST.get("version")),
        )
    except VersionConflict as exc:
        return _row_response(request, exc.current, error=exc.message)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    if request.htmx:  # type: ignore[attr-defined]
        rows = [_row_response(request, part).content.decode() for part in parts]
        return HttpResponse("".join(rows))
    messages.success(request, "Claim split in two.")
    return _back(request, parts[0].get_absolute_url())


@require_POST
def claim_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
    try:
        claim = services.claim_merge(
            claim=claim, actor=_user(request), version=_int(request.POST.get("version"))
        )
    except VersionConflict as exc:
        return _row_response(request, exc.current, error=exc.message)
    except WorkflowError as exc:
        return _row_response(request, claim, error=exc.message)
    response = _row_response(request, claim, notice="Merged with the next claim.")
    if request.htmx:  # type: ignore[attr-defined]
        # The merged-away row is somewhere else in the queue: reload the table in place.
        response["HX-Trigger"] = "queue-changed"
    return response


@require_POST
def claim_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a claim from text a reviewer selected in the article."""
    article = get_object_or_404(Article, pk=pk)
    start, end = _int(request.POST.get("start")), _int(request.POST.get("end"))
    try:
        if start is None or end is None:
            raise WorkflowError("Select the words of the claim in the article first.")
        claim = services.claim_create(
            article=article,
            actor=_user(request),
            start=start,
            end=end,
            quote=request.POST.get("quote"),
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(article)
    messages.success(request, "Claim added.")
    return redirect("claim_detail", pk=claim.pk)


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    require(user, Action.VIEW)
    claim = get_object_or_404(
        Claim.objects.select_related("article", "assignee").prefetch_related("tags"), pk=pk
    )
    return _render_claim(request, claim, edit_form=_claim_form(claim))


def _claim_form(claim: Claim) -> ClaimEditForm:
    return ClaimEditForm(
        initial={
            "version": claim.version,
            "claim_text": claim.claim_text,
            "kind": claim.kind,
            "tags": ", ".join(t.name for t in claim.tags.all()),
        }
    )


def _render_claim(
    request: HttpRequest,
    claim: Claim,
    *,
    edit_form: ClaimEditForm,
    comment_form: CommentForm | None = None,
    conflict: Claim | None = None,
    status: int = 200,
) -> HttpResponse:
    verdicts = list(
        claim.verdicts.select_related("rating", "author", "approver").prefetch_related("citations")
    )
    before, quote, after = claim_context(claim)
    context: dict[str, Any] = {
        "claim": claim,
        "article": claim.article,
        "before": before,
        "quote": quote,
        "after": after,
        "edit_form": edit_form,
        "comment_form": comment_form or CommentForm(),
        "comments": list(claim.comments.select_related("author")),
        "history": list(
            HistoryEvent.objects.filter(claim=claim)
            .select_related("actor")
            .order_by("-created_at", "-id")
        ),
        "verdict": next((v for v in verdicts if v.status != "approved"), None),
        "approved": next((v for v in verdicts if v.status == "approved"), None),
        "people": list(reviewers()),
        "tag_suggestions": list(Tag.objects.values_list("name", flat=True)[:200]),
        "conflict": conflict,
    }
    return render(request, "claims/claim_detail.html", context, status=status)


@require_POST
def claim_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("article", "assignee").prefetch_related("tags"), pk=pk
    )
    form = ClaimEditForm(request.POST)
    if not form.is_valid():
        return _render_claim(request, claim, edit_form=form, status=400)
    try:
        services.claim_edit(
            claim=claim,
            actor=_user(request),
            version=form.cleaned_data["version"],
            claim_text=form.cleaned_data["claim_text"],
            kind=form.cleaned_data["kind"],
            tags=form.tag_list(),
        )
    except VersionConflict as exc:
        # Keep what this person typed, show what the other person saved, and let them choose.
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        return _render_claim(
            request, claim, edit_form=ClaimEditForm(data), conflict=exc.current, status=409
        )
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return _render_claim(request, claim, edit_form=form, status=400)
    messages.success(request, "Claim saved.")
    return redirect("claim_detail", pk=claim.pk)


@require_POST
def comment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(
        Claim.objects.select_related("article", "assignee").prefetch_related("tags"), pk=pk
    )
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(claim=claim, actor=_user(request), body=form.cleaned_data["body"])
        except WorkflowError as exc:
            form.add_error("body", exc.message)
        else:
            return redirect(reverse("claim_detail", args=[claim.pk]) + "#comments")
    return _render_claim(
        request, claim, edit_form=_claim_form(claim), comment_form=form, status=400
    )
