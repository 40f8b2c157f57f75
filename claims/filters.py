"""The claim filters: one definition for the triage queue's form and for GET /api/claims/."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field

from claims.models import Article, Claim
from claims.selectors import articles_search, claims_search, reviewers

ASSIGNEE = re.compile(r"^(me|none|[0-9]+)$")


class AssigneeField(django_filters.fields.ChoiceField):
    """The people offered in the queue's menu, and any user id from a script.

    A claim may be held by someone who has since left the desk: filtering by their id must still
    work, as the schema says.
    """

    def valid_value(self, value: Any) -> bool:
        return bool(ASSIGNEE.match(str(value))) or super().valid_value(value)


@extend_schema_field({"type": "string", "pattern": ASSIGNEE.pattern})
class AssigneeFilter(django_filters.ChoiceFilter):
    field_class = AssigneeField


# The schema says what the form fields check, so a client knows a value is refused before it
# sends it (and a generated one can say so in its types).
# Ids are 64-bit; SQLite raises OverflowError on a bigger number instead of finding nothing.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 1})
class ScoreFilter(django_filters.NumberFilter):
    pass


@extend_schema_field({"type": "string", "maxLength": 200})
class SearchFilter(django_filters.CharFilter):
    pass


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
    min_score = ScoreFilter(
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
    search = SearchFilter(
        method="filter_search", label="Search", max_length=200, help_text="Full-text, ranked."
    )

    class Meta:
        model = Claim
        fields = ["article", "status", "kind", "min_score", "assignee", "search"]

    def __init__(self, *args: Any, people: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        # A callable: the menu's people are read only when the form is drawn (the queue
        # hands over the list it shows anyway), never for an API request, whose ids the
        # field accepts without them.
        def choices() -> list[tuple[str, str]]:
            shown = reviewers() if people is None else people
            return [("me", "Me"), ("none", "Nobody")] + [
                (str(p.pk), p.get_username()) for p in shown
            ]

        self.filters["assignee"].extra["choices"] = choices

    def filter_assignee(self, claims: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        if value == "me":
            user = getattr(self.request, "user", None)
            return claims.filter(assignee_id=user.pk if user is not None else None)
        if value == "none":
            return claims.filter(assignee__isnull=True)
        user_id = int(value)
        if user_id > MAX_ID:  # no such user, and SQLite cannot compare with it
            return claims.none()
        return claims.filter(assignee_id=user_id)

    def filter_search(self, claims: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        query = value.strip()
        return claims_search(claims, query) if query else claims


class ClaimApiFilter(ClaimFilter):
    """The queue's filters as GET /api/claims/ takes them: a parameter sent empty is an error.

    The queue's form sends every field, empty for "any"; a script that sends `?status=` has
    lost a value on the way, and hearing so beats getting every claim back.
    """

    # An empty search is still a string, and searches for nothing: it filters nothing out.
    blank_allowed = frozenset({"search"})

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters.keys() - self.blank_allowed:
            if self.is_bound and name in self.data and self.data.get(name) == "":
                if name not in self.form.errors:
                    self.form.add_error(name, "Send a value, or leave the parameter out.")
                valid = False
        return valid


class ArticleFilter(django_filters.FilterSet):
    """The article list's search (GET /api/articles/), checked like the claim queue's."""

    search = SearchFilter(
        method="filter_search", max_length=200, help_text="Full-text search, ranked."
    )

    class Meta:
        model = Article
        fields = ["search"]

    def filter_search(
        self, articles: QuerySet[Article], name: str, value: str
    ) -> QuerySet[Article]:
        query = value.strip()
        return articles_search(articles, query) if query else articles
