"""Page numbers as the schema states them: a whole number from 1, or a 400 that says so."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import exceptions, pagination
from rest_framework.request import Request

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
