"""OpenAPI post-processing: document the errors every endpoint can answer with."""

from __future__ import annotations

from typing import Any

ERROR_BODY = {
    "description": "`detail` for a general error; field name -> messages for invalid input.",
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
COMMON = {
    "400": "Invalid input: `detail`, or field name -> list of messages.",
    "401": "No or invalid credentials: send `Authorization: Token …` or log in.",
    "403": "Your role does not allow this.",
    "404": "No such record.",
}
WRITES = {
    "413": "The request body is over the size limit.",
    "415": "Unsupported media type or file type.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_BODY
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = dict(COMMON)
            if method in {"post", "put", "patch"}:
                codes.update(WRITES)
            if path in {"/api/schema/"}:
                continue
            for code, description in codes.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result
