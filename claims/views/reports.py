"""Reports for articles and selections, and big exports with progress (public pages: public.py)."""

from __future__ import annotations

from collections.abc import Iterator

from csp.constants import SELF, UNSAFE_INLINE
from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from claims.models import Article, Rating, ReportExport
from claims.permissions import Action, require
from claims.reports import build
from claims.reports import render as report_render
from claims.reports.data import ReportFilters, selection_verdicts
from claims.selectors import reviewers
from claims.services.reports import report_export_request


def file_response(
    content: bytes | Iterator[str], fmt: str, stem: str, *, inline: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """Answer with a report file; CSV streams, HTML opens in the browser unless asked not to."""
    content_type, extension = report_render.FORMATS[fmt]
    filename = f"{slugify(stem)[:80] or 'report'}.{extension}"
    response: HttpResponse | StreamingHttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # A report is the newsroom's working data (drafts, when internal): no browser or proxy
    # keeps a copy to show again after Back or to the next person at the desk.
    patch_cache_control(response, private=True, no_store=True)
    if fmt == "html":
        # The HTML report is a self-contained document (the same file is downloaded and printed
        # to PDF), styled by its own <style> block and per-entry colours: allow inline styles for
        # it alone. It has no scripts; script-src stays 'self'. Same attribute as @csp_replace.
        response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE]}  # type: ignore[union-attr]
    return response


def wants_internal(query: QueryDict) -> bool:
    """`?internal=1` asks for the drafts of open claims too; any other report may be shared."""
    return query.get("internal", "").lower() in {"1", "true", "yes"}


def article_report_stem(article: Article, *, internal: bool) -> str:
    # The file's name says it is internal too, wherever it is saved or forwarded.
    return f"{'internal-' if internal else ''}report-{article.title}"


def article_report(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    require(request.user, Action.VIEW)
    article = get_object_or_404(Article, pk=pk)
    fmt = request.GET.get("format", "html")
    internal = wants_internal(request.GET)
    try:
        content = build.article_file(article, fmt, internal=internal)
    except build.UnknownFormat as exc:
        return HttpResponseBadRequest(str(exc))
    return file_response(
        content,
        fmt,
        article_report_stem(article, internal=internal),
        inline=fmt == "html" and "download" not in request.GET,
    )


class SelectionForm(forms.Form):
    date_from = forms.DateField(
        label="Approved from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Approved to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rating = forms.ModelChoiceField(
        queryset=Rating.objects.all(), required=False, empty_label="Any rating"
    )
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any reviewer"
    )
    publisher = forms.CharField(required=False, max_length=200)
    format = forms.ChoiceField(
        choices=[
            ("html", "Web page (HTML)"),
            ("pdf", "PDF"),
            ("csv", "Spreadsheet (CSV)"),
            ("xlsx", "Excel workbook (XLSX)"),
            ("json", "JSON"),
            ("md", "Markdown"),
            ("claimreview", "ClaimReview JSON-LD"),
        ],
        initial="html",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        reviewer = self.fields["reviewer"]
        assert isinstance(reviewer, forms.ModelChoiceField)
        reviewer.queryset = reviewers()

    def filters(self) -> ReportFilters:
        cd = self.cleaned_data
        return ReportFilters(
            date_from=cd.get("date_from"),
            date_to=cd.get("date_to"),
            rating=cd["rating"].pk if cd.get("rating") else None,
            reviewer=cd["reviewer"].pk if cd.get("reviewer") else None,
            publisher=cd.get("publisher") or "",
        )


def reports_index(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Choose a selection and a format; big selections are offered to build in the background."""
    user = request.user
    require(user, Action.VIEW)
    form = SelectionForm(request.GET or None)
    too_big = 0
    if request.GET and form.is_valid():
        filters, fmt = form.filters(), form.cleaned_data["format"]
        count = selection_verdicts(filters).count()
        # The limit is per format: a PDF of a few dozen verdicts already takes seconds.
        if count <= build.request_limit(fmt):
            return file_response(
                build.selection_file(filters, fmt), fmt, "verdicts", inline=fmt == "html"
            )
        # A GET only reads: building in the background is a job for the worker, asked for by
        # the button this shows (a POST), so a reload or a crawler never queues another.
        too_big = count
    exports = ReportExport.objects.filter(requested_by_id=user.pk)[:10]
    return render(
        request,
        "claims/reports_index.html",
        {"form": form, "exports": exports, "too_big": too_big, "query": request.GET.urlencode()},
    )


@require_POST
def report_export_create(request: HttpRequest) -> HttpResponse:
    """Queue a big selection for the worker (or return the same one already on its way)."""
    user = request.user
    require(user, Action.VIEW)
    form = SelectionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "claims/reports_index.html",
            {"form": form, "exports": ReportExport.objects.filter(requested_by_id=user.pk)[:10]},
            status=400,
        )
    export = report_export_request(
        user=user,  # type: ignore[arg-type]
        filters=form.filters(),
        fmt=form.cleaned_data["format"],
    )
    return redirect("report_export", pk=export.pk)


def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a big export; polls until the file is ready."""
    require(request.user, Action.VIEW)
    export = get_object_or_404(ReportExport, pk=pk, requested_by_id=request.user.pk)
    template = "claims/_export_status.html" if request.htmx else "claims/report_export.html"  # type: ignore[attr-defined]
    return render(request, template, {"export": export})


def report_export_download(request: HttpRequest, pk: int) -> FileResponse:
    require(request.user, Action.VIEW)
    export = get_object_or_404(
        ReportExport, pk=pk, requested_by_id=request.user.pk, status=ReportExport.Status.DONE
    )
    path = settings.EXPORT_ROOT / export.file_name
    if not path.exists():
        raise Http404("The export file is gone; request the report again.")
    content_type = report_render.FORMATS[export.format][0]
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=export.file_name, content_type=content_type
    )
