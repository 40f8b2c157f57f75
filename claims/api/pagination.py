"""Page numbers as the schema states them: a whole number from 1, or a 400 that says so."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from claims.pagination import BadCursor, keyset_page

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
    """`?cursor=` and `?page_size=` on the big lists: the same cost from the first page to the
    last (claims.pagination), with the total and the `next` and `previous` links."""

    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        try:
            self.page = keyset_page(
                queryset,
                size=self._page_size(request),
                cursor=request.query_params.get(self.cursor_query_param),
            )
        except BadCursor:
            raise exceptions.ValidationError(
                {self.cursor_query_param: ["Not a cursor: use the `next` or `previous` link."]}
            ) from None
        return self.page.rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.total,
                "next": self._link(self.page.next),
                "previous": self._link(self.page.previous),
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
                "description": "Where a page starts: taken from the `next` or `previous` link.",
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

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)
