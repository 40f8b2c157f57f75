"""The claim filters: one definition for the triage queue's form and for GET /api/claims/."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from claims.models import Claim
from claims.selectors import claims_search, reviewers

ASSIGNEE = re.compile(r"^(me|none|[0-9]+)$")


class AssigneeField(django_filters.fields.ChoiceField):
    """The people offered in the queue's menu, and any user id from a script.

    A claim may be held by someone who has since left the desk: filtering by their id must still
    work, as the schema says.
    """

    def valid_value(self, value: Any) -> bool:
        return bool(ASSIGNEE.match(str(value))) or super().valid_value(value)


class AssigneeFilter(django_filters.ChoiceFilter):
    field_class = AssigneeField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ClaimFilter(django_filters.FilterSet):
    # A number, not a <select> of every article: a newsroom has tens of thousands.
    article = IdFilter(
        field_name="article_id",
        label="Article id",
        min_value=1,
        widget=forms.NumberInput(attrs={"placeholder": "Any", "min": "1"}),
    )
    status = django_filters.ChoiceFilter(choices=Claim.Status.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(
        label="Type", choices=Claim.Kind.choices, empty_label="Any type"
    )
    min_score = django_filters.NumberFilter(
        field_name="score",
        lookup_expr="gte",
        label="Score at least",
        min_value=0,
        max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "placeholder": "0.0"}),
    )
    assignee = AssigneeFilter(
        method="filter_assignee",
        empty_label="Anyone",
        help_text="A user id, `me` or `none`.",
    )
    # Last: a search orders by rank, which the filters before it must not undo.
    search = django_filters.CharFilter(
        method="filter_search", label="Search", max_length=200, help_text="Full-text, ranked."
    )

    class Meta:
        model = Claim
        fields = ["article", "status", "kind", "min_score", "assignee", "search"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(str(p.pk), p.get_username()) for p in reviewers()]
        self.filters["assignee"].extra["choices"] = [("me", "Me"), ("none", "Nobody"), *people]

    def filter_assignee(self, claims: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        if value == "me":
            user = getattr(self.request, "user", None)
            return claims.filter(assignee_id=user.pk if user is not None else None)
        if value == "none":
            return claims.filter(assignee__isnull=True)
        return claims.filter(assignee_id=int(value))

    def filter_search(self, claims: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        query = value.strip()
        return claims_search(claims, query) if query else claims
