"""OpenAPI post-processing: name and summarise every operation, and document its errors."""

from __future__ import annotations

from typing import Any

ERROR_BODY = {
    "description": "What went wrong, in a sentence a person can read.",
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A 400 names each field it refuses: {"summary": ["…"], "citations": [{"url": ["…"]}, {}]},
# checklist problems under dotted keys ({"citations.0.publisher": ["…"]}), or a `detail`.
VALIDATION_BODY = {
    "description": "Field name -> messages. Nested lists (citations) give one object per item, "
    "empty where that item is fine; a checklist names fields as `citations.0.publisher`, "
    "`claim.claimant` or `article.source_url`; `detail` for a general refusal.",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            {"type": "object", "additionalProperties": True},
        ]
    },
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


# (method, path) -> (operationId, summary). One table, so Swagger UI and generated clients read
# "verdict_submit: Submit a verdict for approval", not "verdicts_submit_create"; an operation
# missing here fails schema generation, so a new endpoint cannot ship without a summary.
OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("get", "/api/articles/"): ("article_list", "List articles, newest first"),
    ("post", "/api/articles/"): ("article_create", "Ingest an article's text"),
    ("post", "/api/articles/upload/"): ("article_upload", "Ingest an article from a file"),
    ("get", "/api/articles/{id}/"): ("article_get", "Show an article and its split status"),
    ("patch", "/api/articles/{id}/"): (
        "article_update",
        "Set an article's public URL, publisher and date",
    ),
    ("get", "/api/articles/{id}/report/"): ("article_report", "Download an article's report"),
    ("get", "/api/claims/"): ("claim_list", "List and filter claims"),
    ("post", "/api/claims/"): ("claim_create", "Add a claim the extractor missed"),
    ("get", "/api/claims/{id}/"): ("claim_get", "Show a claim"),
    ("patch", "/api/claims/{id}/"): (
        "claim_update",
        "Triage, edit, assign or tag a claim; record its claimant",
    ),
    ("get", "/api/claims/{id}/comments/"): ("claim_comments", "List a claim's comments"),
    ("post", "/api/claims/{id}/comments/"): ("comment_create", "Comment on a claim"),
    ("get", "/api/claims/{id}/history/"): ("claim_history", "List a claim's history"),
    ("post", "/api/claims/{id}/merge/"): ("claim_merge", "Merge a claim with the next one"),
    ("post", "/api/claims/{id}/split/"): ("claim_split", "Split a claim in two"),
    ("get", "/api/claims/{id}/verdicts/"): ("claim_verdicts", "List a claim's verdicts"),
    ("post", "/api/claims/{id}/verdicts/"): ("verdict_create", "Start the verdict on a claim"),
    ("get", "/api/verdicts/{id}/"): ("verdict_get", "Show a verdict"),
    ("patch", "/api/verdicts/{id}/"): ("verdict_update", "Edit a draft verdict"),
    ("post", "/api/verdicts/{id}/submit/"): ("verdict_submit", "Submit a verdict for approval"),
    ("post", "/api/verdicts/{id}/approve/"): ("verdict_approve", "Approve and publish a verdict"),
    ("post", "/api/verdicts/{id}/request-changes/"): (
        "verdict_request_changes",
        "Send a verdict back to its author",
    ),
    ("post", "/api/verdicts/{id}/correction/"): (
        "verdict_correction_open",
        "Open a correction of a published verdict",
    ),
    ("post", "/api/verdicts/{id}/withdraw/"): (
        "verdict_correction_withdraw",
        "Withdraw an unpublished correction",
    ),
    ("get", "/api/ratings/"): ("rating_list", "List the rating scale"),
    ("get", "/api/reports/"): ("report_selection", "Download a report of selected verdicts"),
    ("post", "/api/reports/exports/"): (
        "report_export_create",
        "Have the worker build a big report of selected verdicts",
    ),
    ("get", "/api/reports/exports/{id}/"): ("report_export_get", "Show a big export's progress"),
    ("get", "/api/reports/exports/{id}/download/"): (
        "report_export_download",
        "Download a finished export",
    ),
    ("get", "/api/claims/{id}/matches/"): (
        "claim_matches_list",
        "List claims in other articles that say the same",
    ),
    ("post", "/api/claims/{id}/matches/{other_id}/confirm/"): (
        "claim_match_confirm",
        "Confirm that two claims are the same",
    ),
    ("post", "/api/claims/{id}/matches/{other_id}/reject/"): (
        "claim_match_reject",
        "Reject a suggested match for good",
    ),
    ("post", "/api/claims/{id}/verdicts/reuse/"): (
        "claim_verdict_reuse",
        "Start a draft from a confirmed match's published verdict",
    ),
    ("get", "/api/conflicts/"): (
        "conflict_list",
        "List claims that give one measure different values",
    ),
    ("post", "/api/conflicts/{id}/dismiss/"): (
        "conflict_dismiss",
        "Mark a group of figures as not a conflict",
    ),
    ("get", "/api/me/"): ("me_get", "Who am I"),
    ("get", "/api/me/tokens/"): ("my_token_list", "List my API tokens"),
    ("post", "/api/me/tokens/"): ("my_token_create", "Create an API token"),
    ("delete", "/api/me/tokens/"): ("my_token_revoke_all", "Revoke all my API tokens"),
    ("delete", "/api/me/tokens/{token_id}/"): ("my_token_revoke", "Revoke one of my API tokens"),
}


def name_operations(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    missing = []
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if path == "/api/schema/":
                continue
            entry = OPERATIONS.get((method, path))
            if entry is None:
                missing.append(f"{method.upper()} {path}")
                continue
            operation["operationId"], operation["summary"] = entry
    if missing:
        raise ValueError("Name and summarise in claims/api/schema.py: " + ", ".join(missing))
    return result


_BLANK = {"type": "string", "maxLength": 0}


def blank_or_url(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Say "a URL or empty" with anyOf, not oneOf.

    drf-spectacular writes a blankable URLField as oneOf [uri, maxLength 0]. A validator that
    does not check `format` (openapi-core does not) finds "" valid under both and rejects it,
    so the schema would call the server's own empty value invalid.
    """

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            options = node.get("oneOf")
            if isinstance(options, list) and _BLANK in options:
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result.get("components", {}))
    return result


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_BODY
    schemas["ValidationError"] = VALIDATION_BODY
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    invalid = {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationError"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = dict(COMMON)
            if method in {"post", "put", "patch"}:
                codes.update(WRITES)
            if path in {"/api/schema/"}:
                continue
            for code, description in codes.items():
                content = invalid if code == "400" else reference
                responses.setdefault(code, {"description": description, "content": content})
    return result
