"""Page numbers as the schema states them: a whole number from 1, or a 400 that says so."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

PAGE = re.compile(r"^[1-9][0-9]{0,8}$")


class PageNumberPagination(pagination.PageNumberPagination):
    # DRF also reads an empty `page` as 1, anything else as "Invalid page" (a 404), and `last`
    # as the last page: none of which the schema says. A page past the end is still a 404.
    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not PAGE.match(raw):
            raise exceptions.ValidationError(
                {self.page_query_param: ["A page number: a whole number from 1."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
        return parameters


class KeysetPagination(pagination.BasePagination):
    """Pages that cost the same from the first to the last: `?cursor=` instead of `?page=`.

    A page is "the next `page_size` rows after this one" in the queryset's own order, found
    with a WHERE on the ordering columns (an index seek) instead of OFFSET, which reads and
    throws away every row before the page (0.4 s at row 102,000). The cursor is opaque: the
    last row's ordering values, the direction, and the total, counted once on the first
    page and carried along, so later pages do not count the table again.
    """

    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.page_size = self._page_size(request)
        ordering = _ordering(queryset)
        cursor = self._cursor(request, len(ordering))
        self.ordering = ordering
        if cursor is None:
            self.total = queryset.count()
            rows = list(queryset[: self.page_size + 1])
            self.has_before = False
        else:
            self.total = cursor.total
            forward = cursor.forward
            q = _beyond(ordering, cursor.key, forward=forward)
            page = queryset.filter(q)
            if not forward:
                page = page.order_by(*(_flip(f) for f in ordering))
            rows = list(page[: self.page_size + 1])
            if not forward:
                more = len(rows) > self.page_size
                rows = list(reversed(rows[: self.page_size]))
                self.has_before, self.has_after = more, True
                self.rows = rows
                return rows
            self.has_before = True
        self.has_after = len(rows) > self.page_size
        self.rows = rows[: self.page_size]
        return self.rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.total,
                "next": self._link(self.rows[-1], forward=True)
                if self.has_after and self.rows
                else None,
                "previous": self._link(self.rows[0], forward=False)
                if self.has_before and self.rows
                else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts: the `next` or `previous` link's value.",
                "schema": {"type": "string", "maxLength": 2000},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {api_settings.PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return int(api_settings.PAGE_SIZE or 50)
        if not PAGE.match(raw) or int(raw) > self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def _cursor(self, request: Request, width: int) -> _Cursor | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
            key, forward, total = data["k"], data["f"], data["n"]
            valid = (
                isinstance(key, list)
                and len(key) == width
                and all(v is None or isinstance(v, str | int | float) for v in key)
                and isinstance(forward, bool)
                and isinstance(total, int)
            )
        except (ValueError, TypeError, KeyError, UnicodeError):
            valid = False
        if not valid:
            raise exceptions.ValidationError(
                {self.cursor_query_param: ["Not a cursor: use the `next` or `previous` link."]}
            )
        return _Cursor(key=key, forward=forward, total=total)

    def _link(self, row: Any, *, forward: bool) -> str:
        key = [_json_value(_value(row, field)) for field in self.ordering]
        token = json.dumps({"k": key, "f": forward, "n": self.total}, separators=(",", ":"))
        cursor = base64.urlsafe_b64encode(token.encode()).decode("ascii")
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)


@dataclass(frozen=True)
class _Cursor:
    key: list[Any]
    forward: bool
    total: int


def _ordering(queryset: QuerySet[Any]) -> list[str]:
    """The queryset's order as field names ("-score"), ending in the primary key."""
    ordering = [str(f) for f in queryset.query.order_by]
    if any(not isinstance(f, str) for f in queryset.query.order_by):
        raise TypeError("keyset pages need an ordering by field names")
    if not ordering or ordering[-1].lstrip("-") not in ("id", "pk"):
        ordering.append("id")  # ties on the other fields are broken by the id
    return ordering


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def _beyond(ordering: list[str], key: list[Any], *, forward: bool) -> Q:
    """The rows after `key` in `ordering` (before it when not `forward`)."""
    condition = Q()
    # From the last field out: (a > x) OR (a = x AND (b > y OR (b = y AND ...))).
    for i in range(len(ordering) - 1, -1, -1):
        field = ordering[i]
        name = field.lstrip("-")
        descending = field.startswith("-") == forward
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": key[i]})
        condition = step if i == len(ordering) - 1 else step | (Q(**{name: key[i]}) & condition)
    # The same bound on the first field alone, which an index on it can seek to: the OR above
    # is only filtered, row by row.
    first = ordering[0]
    descending = first.startswith("-") == forward
    bound = Q(**{f"{first.lstrip('-')}__{'lte' if descending else 'gte'}": key[0]})
    return bound & condition


def _value(row: Any, field: str) -> Any:
    name = field.lstrip("-")
    return row.pk if name == "pk" else getattr(row, name)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
