"""The API's JSON parser: a body nested too deep or holding too many values is a 400, not a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body the API takes is a verdict: body -> citations -> citation -> field (4 levels).
MAX_DEPTH = 32
# A verdict with a hundred citations is under 2,000 values; nothing legitimate comes near this.
MAX_VALUES = 10_000


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with limits on nesting and size, each refused with a message.

    Python's json module recurses once per level and raises RecursionError on deep input, which
    DRF does not catch; anything that parses is then walked, without recursion, to check both
    limits before a serializer sees it.
    """

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep()) from None
        check_shape(data)
        return data


def too_deep() -> str:
    return f"JSON parse error - the body is nested deeper than {MAX_DEPTH} levels."


def check_shape(data: Any) -> None:
    """Raise ParseError if `data` nests containers over MAX_DEPTH deep or has over MAX_VALUES."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    count = 1
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise ParseError(too_deep())
        count += len(children)
        if count > MAX_VALUES:
            raise ParseError(f"JSON parse error - the body has more than {MAX_VALUES} values.")
        pending.extend((child, depth + 1) for child in children)
