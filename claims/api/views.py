"""The REST API: the same services as the UI, so the same rules and the same history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import services
from claims.api import fields as f
from claims.api import serializers as s
from claims.api import tokens
from claims.api.pagination import KeysetPagination
from claims.errors import VersionConflict
from claims.filters import ArticleFilter, ClaimApiFilter
from claims.ingest import decode_upload
from claims.models import Article, Claim, Comment, HistoryEvent, Rating, ReportExport, Verdict
from claims.permissions import roles_of
from claims.reports import build
from claims.reports.data import ReportFilters, selection_verdicts
from claims.reports.render import FORMATS
from claims.services.claims import UNSET
from claims.services.matching import attach_summaries
from claims.services.reports import report_export_request
from claims.views.reports import article_report_stem, file_response


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


CONFLICT = {
    409: OpenApiResponse(
        s.ConflictSerializer,
        description="Stale `version` (the record is returned in `current`), or a transition "
        "the workflow does not allow.",
    )
}


# --- Articles ------------------------------------------------------------------------------


LOCATION = OpenApiParameter(
    "Location",
    str,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="The article's address in the API.",
)
INGEST_RESPONSES = {
    201: OpenApiResponse(s.ArticleIngestedSerializer, description="A new article, queued."),
    200: OpenApiResponse(
        s.ArticleIngestedSerializer,
        description="The text is already there, or nearly (`similarity` at least the "
        "workbench's threshold): the existing article, with `duplicate` true and, for a "
        "changed text, the version it was kept as.",
    ),
    413: OpenApiResponse(s.ErrorSerializer, description="Over the size limit."),
    415: OpenApiResponse(s.ErrorSerializer, description="Unsupported file type."),
}


class ArticleListCreate(generics.ListCreateAPIView):
    serializer_class = s.ArticleSerializer
    filterset_class = ArticleFilter
    pagination_class = KeysetPagination

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.with_claim_counts()

    @extend_schema(responses={200: s.ArticleSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.ArticleTextSerializer,
        responses=INGEST_RESPONSES,
        parameters=[LOCATION],
        description="Ingest an article's text as JSON. To send a file, use "
        "`POST /api/articles/upload/`.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return _ingest(request, s.ArticleTextSerializer(data=request.data))


def _ingest(request: Request, serializer: serializers.Serializer) -> Response:
    """Store the article from either door and answer with it (201 new, 200 already there or a
    near-copy of it)."""
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    title = data.get("title", "")
    source_url = data.get("source_url", "")
    publisher = data.get("publisher", "")
    body = data.get("body", "")
    if data.get("file") is not None:
        upload = data["file"]
        decoded = decode_upload(
            upload.read(settings.ARTICLE_MAX_BYTES + 1),
            filename=upload.name or "",
            max_bytes=settings.ARTICLE_MAX_BYTES,
        )
        body = decoded.body
        title, source_url = title or decoded.title, source_url or decoded.source_url
        publisher = publisher or decoded.publisher
    result = services.article_ingest(
        body=body,
        title=title,
        source_url=source_url,
        publisher=publisher,
        published_at=data.get("published_at"),
        added_by=_user(request),
    )
    article = Article.objects.with_claim_counts().get(pk=result.article.pk)
    return Response(
        s.ArticleIngestedSerializer(article, context={"request": request, "ingest": result}).data,
        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        headers={"Location": request.build_absolute_uri(f"/api/articles/{article.pk}/")},
    )


class ArticleUpload(APIView):
    # The one write that is not JSON: a file, as multipart/form-data.
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.ArticleUploadSerializer},
        responses=INGEST_RESPONSES,
        parameters=[LOCATION],
        description="Ingest an article from a .txt, .md or .html file.",
    )
    def post(self, request: Request) -> Response:
        return _ingest(request, s.ArticleUploadSerializer(data=request.data))


class ArticleDetail(generics.RetrieveAPIView):
    serializer_class = s.ArticleDetailSerializer

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.with_claim_counts()

    @extend_schema(
        request=s.ArticlePatchSerializer,
        responses={200: s.ArticleDetailSerializer, **CONFLICT},
        description="Set the article's public URL (`url`), publisher or publication date. "
        "`updated_at` must be the one you read; fields not sent keep their values.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        article = get_object_or_404(Article, pk=pk)
        data = _valid(s.ArticlePatchSerializer, request)
        services.article_update_details(
            article=article,
            actor=_user(request),
            seen=data["updated_at"],
            source_url=data.get("url", article.source_url),
            publisher=data.get("publisher", article.publisher),
            published_at=data.get("published_at", article.published_at),
        )
        return Response(s.ArticleDetailSerializer(self.get_queryset().get(pk=pk)).data)


# --- Claims --------------------------------------------------------------------------------


class ClaimListCreate(generics.ListCreateAPIView):
    serializer_class = s.ClaimSerializer
    # The queue's own filters, so the API and the screen can never disagree on what they mean.
    filterset_class = ClaimApiFilter
    pagination_class = KeysetPagination

    def get_queryset(self) -> QuerySet[Claim]:
        return Claim.objects.prefetch_related("tags").order_by("article_id", "start", "end", "id")

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page is not None:
            attach_summaries(page)  # the match counts of the whole page in a few queries
        return page

    @extend_schema(responses={200: s.ClaimSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.ClaimCreateSerializer,
        responses={201: s.ClaimSerializer},
        description="Add a claim the extractor missed, at a span of the article.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(s.ClaimCreateSerializer, request)
        article = get_object_or_404(Article, pk=data["article"])
        claim = services.claim_create(
            article=article,
            actor=_user(request),
            start=data["start"],
            end=data["end"],
            claim_text=data.get("claim", ""),
        )
        return Response(s.ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# The PATCH fields that `claim_edit` writes; status and assignee have services of their own.
CLAIM_EDIT_FIELDS = {
    "claim",
    "kind",
    "tags",
    "claimant",
    "claimant_type",
    "claimant_url",
    "claim_date",
}


class ClaimDetail(APIView):
    @extend_schema(responses={200: s.ClaimSerializer})
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim.objects.prefetch_related("tags"), pk=pk)
        return Response(s.ClaimSerializer(claim).data)

    @extend_schema(
        request=s.ClaimPatchSerializer,
        responses={200: s.ClaimSerializer, **CONFLICT},
        description="Accept, dismiss or reopen (`status`), edit the claim text, type or tags, "
        "record who made the claim and when (`claimant`, `claimant_type`, `claimant_url`, "
        "`claim_date`), or assign (`assignee`). `version` must be the one you read.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim.objects.select_related("assignee"), pk=pk)
        data = _valid(s.ClaimPatchSerializer, request)
        user = _user(request)
        version: int | None = data["version"]
        if version != claim.version:
            raise VersionConflict(
                f"The claim is at version {claim.version}; you sent {version}.", current=claim
            )
        with transaction.atomic():
            if CLAIM_EDIT_FIELDS & set(data):
                claim = services.claim_edit(
                    claim=claim,
                    actor=user,
                    version=version,
                    claim_text=data.get("claim"),
                    kind=data.get("kind"),
                    tags=data.get("tags"),
                    claimant=data.get("claimant"),
                    claimant_type=data.get("claimant_type"),
                    claimant_url=data.get("claimant_url"),
                    claim_date=data.get("claim_date", UNSET),
                )
                version = None
            if "status" in data:
                change = {
                    Claim.Status.ACCEPTED: services.claim_accept,
                    Claim.Status.DISMISSED: services.claim_dismiss,
                    Claim.Status.CANDIDATE: services.claim_reopen,
                }[data["status"]]
                claim = change(claim=claim, actor=user, version=version)
                version = None
            if "assignee" in data:
                assignee = (
                    get_object_or_404(User, pk=data["assignee"]) if data["assignee"] else None
                )
                claim = services.claim_assign(
                    claim=claim, actor=user, assignee=assignee, version=version
                )
        claim = Claim.objects.prefetch_related("tags").get(pk=claim.pk)
        return Response(s.ClaimSerializer(claim).data)


class ClaimSplit(APIView):
    @extend_schema(
        request=s.SplitSerializer,
        responses={200: s.ClaimSerializer(many=True), **CONFLICT},
        description="Cut the claim in two at article offset `at`.",
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
        data = _valid(s.SplitSerializer, request)
        parts = services.claim_split(
            claim=claim, actor=_user(request), at=data["at"], version=data["version"]
        )
        return Response(s.ClaimSerializer(parts, many=True).data)


class ClaimMerge(APIView):
    @extend_schema(
        request=s.VersionSerializer,
        responses={200: s.ClaimSerializer, **CONFLICT},
        description="Merge the claim with the next claim in its article.",
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim.objects.select_related("article"), pk=pk)
        data = _valid(s.VersionSerializer, request)
        merged = services.claim_merge(claim=claim, actor=_user(request), version=data["version"])
        return Response(s.ClaimSerializer(merged).data)


class ClaimHistory(generics.ListAPIView):
    serializer_class = s.HistoryEventSerializer

    def get_queryset(self) -> QuerySet[HistoryEvent]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no claim
            return HistoryEvent.objects.none()
        claim = get_object_or_404(Claim, pk=self.kwargs["pk"])
        return HistoryEvent.objects.filter(claim=claim).select_related("actor").order_by("id")


class ClaimComments(generics.ListCreateAPIView):
    serializer_class = s.CommentSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no claim
            return Comment.objects.none()
        claim = get_object_or_404(Claim, pk=self.kwargs["pk"])
        return claim.comments.select_related("author").order_by("id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = get_object_or_404(Claim, pk=self.kwargs["pk"])
        data = _valid(s.CommentSerializer, request)
        comment = services.comment_add(claim=claim, actor=_user(request), body=data["body"])
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


# --- Verdicts ------------------------------------------------------------------------------


class ClaimVerdicts(APIView):
    @extend_schema(responses={200: s.VerdictSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        verdicts = claim.verdicts.select_related("rating").prefetch_related("citations")
        return Response(s.VerdictSerializer(verdicts.order_by("id"), many=True).data)

    @extend_schema(
        request=s.VerdictWriteSerializer,
        responses={201: s.VerdictSerializer, **CONFLICT},
        description="Start the draft verdict on a claim.",
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        data = _valid(s.VerdictWriteSerializer, request)
        verdict = services.verdict_save_draft(
            claim=claim, author=_user(request), data=services.VerdictInput.from_data(data)
        )
        return Response(s.VerdictSerializer(verdict).data, status=status.HTTP_201_CREATED)


def _verdict(pk: int) -> Verdict:
    return get_object_or_404(
        Verdict.objects.select_related("claim__article", "rating", "corrects").prefetch_related(
            "citations"
        ),
        pk=pk,
    )


class VerdictDetail(APIView):
    @extend_schema(responses={200: s.VerdictSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.VerdictSerializer(_verdict(pk)).data)

    @extend_schema(
        request=s.VerdictPatchSerializer,
        responses={200: s.VerdictSerializer, **CONFLICT},
        description="Edit a draft (or a verdict sent back). Fields not sent keep their values; "
        "`citations`, when sent, replaces the list.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        verdict = _verdict(pk)
        data = _valid(s.VerdictPatchSerializer, request)
        verdict = services.verdict_save_draft(
            claim=verdict.claim,
            author=_user(request),
            verdict=verdict,
            version=data["version"],
            data=services.VerdictInput.from_data(data, base=verdict),
        )
        return Response(s.VerdictSerializer(_verdict(verdict.pk)).data)


class VerdictSubmit(APIView):
    @extend_schema(request=s.VersionSerializer, responses={200: s.VerdictSerializer, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.VersionSerializer, request)
        verdict = services.verdict_submit(
            verdict=_verdict(pk), actor=_user(request), version=data["version"]
        )
        return Response(s.VerdictSerializer(_verdict(verdict.pk)).data)


class VerdictApprove(APIView):
    @extend_schema(request=s.VersionSerializer, responses={200: s.VerdictSerializer, **CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.VersionSerializer, request)
        verdict = services.verdict_approve(
            verdict=_verdict(pk), editor=_user(request), version=data["version"]
        )
        return Response(s.VerdictSerializer(_verdict(verdict.pk)).data)


class VerdictCorrection(APIView):
    @extend_schema(
        request=s.CorrectionOpenSerializer,
        responses={201: s.VerdictSerializer, **CONFLICT},
        description="Open a correction of a published verdict: a draft copy, edited and submitted "
        "like any verdict, that replaces the published one when an editor approves it. Its "
        "`correction_note` (what changed and why) is required before submission.",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.CorrectionOpenSerializer, request)
        correction = services.verdict_correction_open(
            verdict=_verdict(pk), actor=_user(request), note=data.get("note", "")
        )
        return Response(
            s.VerdictSerializer(_verdict(correction.pk)).data, status=status.HTTP_201_CREATED
        )


class VerdictWithdraw(APIView):
    @extend_schema(
        request=s.VersionSerializer,
        responses={200: s.VerdictSerializer, **CONFLICT},
        description="Take back an unpublished correction (kept, with status `withdrawn`); the "
        "published verdict is unchanged. Its author or an editor.",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.VersionSerializer, request)
        verdict = services.verdict_correction_withdraw(
            verdict=_verdict(pk), actor=_user(request), version=data["version"]
        )
        return Response(s.VerdictSerializer(_verdict(verdict.pk)).data)


class VerdictRequestChanges(APIView):
    @extend_schema(
        request=s.RequestChangesSerializer,
        responses={200: s.VerdictSerializer, **CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(s.RequestChangesSerializer, request)
        verdict = services.verdict_request_changes(
            verdict=_verdict(pk),
            editor=_user(request),
            note=data["note"],
            version=data["version"],
        )
        return Response(s.VerdictSerializer(_verdict(verdict.pk)).data)


class RatingList(generics.ListAPIView):
    serializer_class = s.RatingSerializer
    queryset = Rating.objects.all()
    pagination_class = None


class Me(APIView):
    @extend_schema(
        tags=["account"],
        responses={200: s.MeSerializer},
        description="The logged-in user: id, username and workbench roles.",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        roles = sorted(role.value for role in roles_of(user))
        return Response({"id": user.pk, "username": user.get_username(), "roles": roles})


TOKEN_ID = OpenApiParameter(
    "token_id",
    str,
    location=OpenApiParameter.PATH,
    pattern=f"^[0-9a-f]{{{tokens.ID_LENGTH}}}$",
    description="The token's `id`, from the list.",
)


class MyTokens(APIView):
    """Your own API tokens: make one, list them, or revoke them all."""

    @extend_schema(
        tags=["account"],
        responses={200: s.TokenSerializer(many=True)},
        description="Your tokens that still work, newest first. Keys are never shown again: "
        "the server keeps only a hash of each.",
    )
    def get(self, request: Request) -> Response:
        live = tokens.tokens_live(user=_user(request))
        context = {"current": request.auth}
        return Response(s.TokenSerializer(live, many=True, context=context).data)

    @extend_schema(
        tags=["account"],
        request=None,
        responses={201: s.TokenCreatedSerializer},
        description="Makes a new token and returns its key, the only time it is shown. It "
        "expires at `expiry` (null: never); your other tokens keep working.",
    )
    def post(self, request: Request) -> Response:
        token, key = tokens.api_token_create(user=_user(request))
        data = s.TokenCreatedSerializer(token, context={"key": key}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["account"],
        request=None,
        responses={204: None},
        description="Revokes every one of your tokens, this one included: log out every script.",
    )
    def delete(self, request: Request) -> Response:
        tokens.api_token_revoke_all(user=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyToken(APIView):
    @extend_schema(
        tags=["account"],
        parameters=[TOKEN_ID],
        request=None,
        responses={204: None},
        description="Revokes one of your tokens: it stops working at once.",
    )
    def delete(self, request: Request, token_id: str) -> Response:
        if not tokens.api_token_revoke(user=_user(request), token_id=token_id):
            raise exceptions.NotFound("You have no token with that id.")
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Reports -------------------------------------------------------------------------------


class IgnoreFormatNegotiation(BaseContentNegotiation):
    """`?format=` names the report's format here, not a DRF renderer."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


REPORT_FORMAT = OpenApiParameter(
    "format",
    str,
    enum=list(FORMATS),
    default="html",
    description="The report's format, and so the response's media type: "
    + ", ".join(f"`{name}` → {media.split(';')[0]}" for name, (media, _) in FORMATS.items())
    + ". `Accept` is not consulted: this parameter is the switch.",
)
CONTENT_DISPOSITION = OpenApiParameter(
    "Content-Disposition",
    str,
    location=OpenApiParameter.HEADER,
    response=[200],
    description='`attachment; filename="…"` with the file name to save it under '
    "(`inline` for the HTML page).",
)
# One 200 per media type, so clients (and schemathesis) know every body they can get.
REPORT_FILES: dict[Any, Any] = {
    # Text formats are text (a generated client reads them as str), the others bytes.
    (200, "text/html"): OpenApiTypes.STR,
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (200, "text/csv"): OpenApiTypes.STR,
    (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
        OpenApiTypes.BINARY
    ),
    (200, "application/json"): OpenApiTypes.OBJECT,
    (200, "text/markdown"): OpenApiTypes.STR,
    (200, "application/ld+json"): OpenApiResponse(
        OpenApiTypes.ANY, description="A list of schema.org ClaimReview objects."
    ),
}


REPORT_INTERNAL = OpenApiParameter(
    "internal",
    bool,
    default=False,
    description="Include the draft verdicts of open claims; the report then says it is internal.",
)


class ArticleReport(APIView):
    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(
        parameters=[REPORT_FORMAT, REPORT_INTERNAL, CONTENT_DISPOSITION], responses=REPORT_FILES
    )
    def get(self, request: Request, pk: int) -> Any:
        article = get_object_or_404(Article, pk=pk)
        query = s.ArticleReportQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        fmt, internal = query.validated_data["format"], query.validated_data["internal"]
        try:
            content = build.article_file(article, fmt, internal=internal)
        except build.UnknownFormat as exc:
            raise exceptions.ValidationError({"format": [str(exc)]}) from None
        return file_response(content, fmt, article_report_stem(article, internal=internal))


class SelectionReport(APIView):
    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Approved on or after."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Approved on or before."),
            OpenApiParameter(
                "rating",
                {"type": "integer", "minimum": 1, "maximum": f.MAX_INT},
                description="A rating id.",
            ),
            OpenApiParameter(
                "reviewer",
                {"type": "integer", "minimum": 1, "maximum": f.MAX_INT},
                description="The reviewer's user id.",
            ),
            OpenApiParameter(
                "publisher",
                {"type": "string", "maxLength": 200},
                description="The article's publisher.",
            ),
            REPORT_FORMAT,
            CONTENT_DISPOSITION,
        ],
        responses={
            **REPORT_FILES,
            (409, "application/json"): OpenApiResponse(
                s.ErrorSerializer,
                description="Over the format's limit (REPORT_ASYNC_THRESHOLD_PDF verdicts for a "
                "PDF, REPORT_ASYNC_THRESHOLD for the others): too big to build in a request. "
                "POST the same parameters to /api/reports/exports/ instead.",
            ),
        },
    )
    def get(self, request: Request) -> Any:
        filters, fmt = _selection(request.query_params.dict())
        count = selection_verdicts(filters).count()
        limit = build.request_limit(fmt)
        if count > limit:
            # A GET only reads: the worker's job is asked for with a POST, so a retried or
            # repeated GET never queues another export.
            return Response(
                {
                    "detail": f"This selection has {count} verdicts, more than {limit} can be "
                    f"built in a request as {fmt}: POST the "
                    "same parameters as JSON to /api/reports/exports/ and poll its status_url."
                },
                status=status.HTTP_409_CONFLICT,
            )
        return file_response(build.selection_file(filters, fmt), fmt, "verdicts")


def _selection(data: dict[str, Any]) -> tuple[ReportFilters, str]:
    """Read a selection of approved verdicts and a format, from a query string or a body."""
    # A plain dict, not the QueryDict: DRF reads an empty value in a QueryDict as "not sent",
    # so `?from=` would pass for a date.
    query = s.SelectionQuerySerializer(data=data)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    filters = ReportFilters(
        date_from=params.get("from"),
        date_to=params.get("to"),
        rating=params.get("rating"),
        reviewer=params.get("reviewer"),
        publisher=params.get("publisher", ""),
    )
    return filters, params.get("format", "html")


class ReportExportCreate(APIView):
    @extend_schema(
        request=s.SelectionQuerySerializer,
        responses={
            202: OpenApiResponse(
                s.ReportExportSerializer,
                description="Queued for the worker, or the same selection and format you asked "
                "for already on its way; poll `status_url`.",
            )
        },
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"detail": "Send a JSON object."})
        filters, fmt = _selection(request.data)
        export = report_export_request(user=_user(request), filters=filters, fmt=fmt)
        return Response(
            s.ReportExportSerializer(export, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ReportExportDetail(APIView):
    @extend_schema(responses={200: s.ReportExportSerializer})
    def get(self, request: Request, pk: int) -> Response:
        export = get_object_or_404(ReportExport, pk=pk, requested_by_id=request.user.pk)
        return Response(s.ReportExportSerializer(export, context={"request": request}).data)


class ReportExportDownload(APIView):
    content_negotiation_class = IgnoreFormatNegotiation

    @extend_schema(parameters=[CONTENT_DISPOSITION], responses=REPORT_FILES)
    def get(self, request: Request, pk: int) -> Any:
        export = get_object_or_404(
            ReportExport,
            pk=pk,
            requested_by_id=request.user.pk,
            status=ReportExport.Status.DONE,
        )
        path = settings.EXPORT_ROOT / export.file_name
        if not path.exists():
            raise exceptions.NotFound("The export file is gone; request the report again.")
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=export.file_name,
            content_type=FORMATS[export.format][0],
        )
