from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims import services
from claims.api.serializers import ArticleDetailSerializer, ArticleSerializer, ClaimSerializer
from claims.ingest import IngestError
from claims.models import Article, Claim


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is over the size limit."
    default_code = "too_large"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer an oversized request with 413 and a message, not Django's bare 400."""
    if isinstance(exc, RequestDataTooBig):
        limit_mb = settings.ARTICLE_MAX_BYTES / (1024 * 1024)
        exc = PayloadTooLarge(f"The request body is over the {limit_mb:.1f} MB limit.")
    return drf_exception_handler(exc, context)


class ArticleListCreate(generics.ListCreateAPIView):
    serializer_class = ArticleSerializer

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.with_claim_counts()

    @extend_schema(
        responses={
            201: ArticleSerializer,
            200: OpenApiResponse(ArticleSerializer, description="The same text already exists."),
            400: OpenApiResponse(description="Empty, binary or invalid input."),
            413: OpenApiResponse(description="Over the size limit."),
        }
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = services.article_ingest(
                body=data["body"],
                title=data.get("title", ""),
                source_url=data.get("source_url", ""),
                publisher=data.get("publisher", ""),
                published_at=data.get("published_at"),
                added_by=request.user,  # type: ignore[arg-type]
            )
        except IngestError as exc:
            if exc.code == "too_large":
                raise PayloadTooLarge(exc.message) from None
            raise exceptions.ValidationError({"body": [exc.message]}) from None
        article = self.get_queryset().get(pk=result.article.pk)
        return Response(
            ArticleSerializer(article, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            headers={"Location": f"/api/articles/{article.pk}/"},
        )


class ArticleDetail(generics.RetrieveAPIView):
    serializer_class = ArticleDetailSerializer

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.with_claim_counts()


class ClaimList(generics.ListAPIView):
    serializer_class = ClaimSerializer
    filterset_fields = ["article", "status", "kind"]

    def get_queryset(self) -> QuerySet[Claim]:
        return Claim.objects.order_by("article_id", "start", "end", "id")
