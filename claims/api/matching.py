"""The API of the newsroom's memory: a claim's matches, decisions on them, conflicting figures."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api import fields as f
from claims.api.pagination import PageNumberPagination
from claims.api.serializers import ConflictSerializer, ErrorSerializer, VerdictSerializer
from claims.models import Claim, ConflictGroup, MatchTier, Verdict
from claims.services import matching


class MatchedArticleSerializer(serializers.Serializer):
    id = f.IntegerField()
    title = f.CharField()
    publisher = f.CharField(allow_blank=True)
    published_at = serializers.DateField(allow_null=True)


class MatchedClaimSerializer(serializers.Serializer):
    id = f.IntegerField()
    text = f.CharField(source="claim_text")
    status = f.CharField()


class MatchVerdictSerializer(serializers.Serializer):
    id = f.IntegerField()
    rating = f.CharField(source="rating.label", allow_null=True, default=None)
    summary = f.CharField(allow_blank=True)
    status = f.CharField()
    approved_at = serializers.DateTimeField(allow_null=True)


class MatchSerializer(serializers.Serializer):
    claim = MatchedClaimSerializer(source="other")
    article = MatchedArticleSerializer(source="other.article")
    score = serializers.FloatField(source="match.score")
    tier = f.ChoiceField(
        source="match.tier",
        choices=MatchTier.choices,
        help_text="`suggested` needs a person; `confirmed` was confirmed by a reviewer or "
        "scored high with the same figures. Rejected pairs are not listed.",
    )
    decided_by = f.IntegerField(source="match.decided_by_id", allow_null=True)
    verdict = MatchVerdictSerializer(
        allow_null=True,
        help_text="The matched claim's published verdict, else its latest one; null if none.",
    )


class ConflictClaimSerializer(serializers.Serializer):
    id = f.IntegerField(source="claim_id")
    article = f.IntegerField(source="claim.article_id")
    article_title = f.CharField(source="claim.article.title")
    published_at = serializers.DateField(source="claim.article.published_at", allow_null=True)
    value = serializers.FloatField()
    value_text = f.CharField()
    unit = f.CharField()
    qualifier = f.CharField(allow_blank=True)
    text = f.CharField(source="claim.claim_text")


class ConflictGroupSerializer(serializers.Serializer):
    id = f.IntegerField()
    measure = f.CharField(source="label")
    distinct_values = f.IntegerField()
    dismissed = serializers.BooleanField(source="is_dismissed")
    dismissed_note = f.CharField(allow_blank=True)
    claims = ConflictClaimSerializer(source="members", many=True)


class DismissSerializer(serializers.Serializer):
    note = f.CharField(
        max_length=2000, help_text="Why these figures do not conflict (a different time or scope)."
    )


class ReuseSerializer(serializers.Serializer):
    verdict = f.IntegerField(
        min_value=1, help_text="The published verdict of a confirmed match to start from."
    )


class ClaimMatches(APIView):
    @extend_schema(
        responses={200: MatchSerializer(many=True)},
        description="Claims in other articles that say the same, best first: suggested and "
        "confirmed matches with the earlier verdict.",
    )
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        return Response(MatchSerializer(matching.claim_matches(claim=claim), many=True).data)


class _Decision(APIView):
    decide: Any = None

    @extend_schema(
        request=None,
        responses={
            200: MatchSerializer,
            204: OpenApiResponse(description="Rejected: the pair is no longer listed."),
            404: OpenApiResponse(ErrorSerializer, description="The two claims are not matched."),
        },
    )
    def post(self, request: Request, pk: int, other_id: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        try:
            type(self).decide(claim=claim, other_id=other_id, actor=request.user)
        except matching.MatchNotFound as exc:
            raise NotFound(str(exc)) from None
        shown = matching.claim_matches(claim=claim, other_id=other_id)
        if not shown:  # rejected: no longer listed
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(MatchSerializer(shown[0]).data)


class ClaimMatchConfirm(_Decision):
    """Confirm that the two claims are the same: the earlier verdict can then be reused."""

    decide = matching.claim_match_confirm


class ClaimMatchReject(_Decision):
    """Not the same claim: the pair is never suggested again (204)."""

    decide = matching.claim_match_reject


class ClaimVerdictReuse(APIView):
    @extend_schema(
        request=ReuseSerializer,
        responses={
            201: VerdictSerializer,
            404: OpenApiResponse(ErrorSerializer, description="The claims are not matched."),
            409: ConflictSerializer,
        },
        description="Start this claim's draft from a confirmed match's published verdict "
        "(rating, summary, rationale, citations); it still goes to an editor.",
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        data = ReuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source = get_object_or_404(Verdict, pk=data.validated_data["verdict"])
        try:
            verdict = matching.verdict_reuse(claim=claim, source=source, author=request.user)  # type: ignore[arg-type]
        except matching.MatchNotFound as exc:
            raise NotFound(str(exc)) from None
        return Response(VerdictSerializer(verdict).data, status=status.HTTP_201_CREATED)


class ConflictList(generics.ListAPIView):
    """Claims that give different values for one measure, grouped by measure."""

    serializer_class = ConflictGroupSerializer
    pagination_class = PageNumberPagination

    def get_queryset(self) -> QuerySet[ConflictGroup]:
        return matching.conflict_groups()


class ConflictDismiss(APIView):
    @extend_schema(
        request=DismissSerializer,
        responses={200: ConflictGroupSerializer},
        description="Mark a group as not a conflict (a different time or scope), with why.",
    )
    def post(self, request: Request, pk: int) -> Response:
        group = get_object_or_404(ConflictGroup, pk=pk)
        data = DismissSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = matching.conflict_group_dismiss(
            group=group,
            actor=request.user,  # type: ignore[arg-type]
            note=data.validated_data["note"],
        )
        return Response(ConflictGroupSerializer(group).data)
