"""Property-based runs over the published OpenAPI schema, with every schemathesis check that
applies: valid data, invalid data, the boundary cases of each parameter, and chains of calls that
follow the links between operations. No server error, no response the schema does not describe,
no invalid request accepted. Bounded and derandomized, so it is the same run every time.

Driven with Hypothesis directly: schemathesis's pytest plugin does not run on pytest 9.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from knox.crypto import hash_token
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from claims.services import claim_accept
from tests.claims.factories import make_article, make_user, submitted_verdict, token_for

# Examples per operation and mode, and scenarios of up to STEPS linked calls: with the coverage
# cases the file takes 35-55 s on two cores, on PostgreSQL or SQLite.
EXAMPLES = 15
SCENARIOS = 60
STEPS = 8

# A schema-valid request these operations may still refuse with a 400, for rules JSON Schema
# cannot state: Django's URL rules (a dotted host whose last label is letters, 253 characters at
# most), text that is only whitespace, a file type told by the file's name and its bytes being
# text, a span that must lie inside the article and not be a claim yet, a split point inside the
# claim and a next claim to merge with, a rating id that must exist, the publishing checklist.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/articles/",
    "POST /api/articles/upload/",
    "PATCH /api/articles/{id}/",
    "POST /api/claims/",
    "PATCH /api/claims/{id}/",
    "POST /api/claims/{id}/split/",
    "POST /api/claims/{id}/merge/",
    "POST /api/claims/{id}/comments/",
    "POST /api/claims/{id}/verdicts/",
    "PATCH /api/verdicts/{id}/",
    "POST /api/verdicts/{id}/request-changes/",
    "POST /api/verdicts/{id}/submit/",
    "POST /api/verdicts/{id}/approve/",
}


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def positive_data_acceptance(
    ctx: schemathesis.CheckContext, response: Any, case: schemathesis.Case
) -> Any:
    """schemathesis's check, less the refusals the schema cannot state.

    A string with NUL in it is a 400 everywhere (PostgreSQL text cannot hold NUL); the schema
    does not repeat that for every string parameter.
    """
    if case.operation.label in RULES_BEYOND_THE_SCHEMA:
        return None
    sent = [case.query, case.body, case.path_parameters, case.headers, case.cookies]
    if _has_nul(sent):
        return None
    # A page's cursor is a token only the server makes (the `next` and `previous` links): any
    # other string is refused, which no schema can state short of the server's own encoding.
    if case.query and "cursor" in case.query:
        return None
    return st_checks.positive_data_acceptance(ctx, response, case)


CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
    st_checks.negative_data_rejection,
    positive_data_acceptance,
    st_checks.missing_required_header,
    st_checks.unsupported_method,
    st_checks.allow_header_conformance,
    st_checks.ignored_auth,
]
# Only a chain of calls can show these: a resource read after its DELETE, or gone after its POST.
STATEFUL_CHECKS = [
    *CHECKS,
    st_checks.use_after_free,
    st_checks.ensure_resource_availability,
]
HYPOTHESIS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    # Shrinking a failure costs minutes; the failing example is reported as found.
    phases=[Phase.explicit, Phase.generate],
)


class EditorToken:
    """The editor's API key, made again whenever a generated call revokes it.

    The schema offers DELETE /api/me/tokens/ (revoke all) and DELETE /api/me/tokens/{id}/: the
    run calls them too, and must not spend the rest of itself on 401s.
    """

    def __init__(self, user: User) -> None:
        self.user = user
        self.key = token_for(user)

    def headers(self) -> dict[str, str]:
        if not AuthToken.objects.filter(digest=hash_token(self.key)).exists():
            self.key = token_for(self.user)
        return {"Authorization": f"Token {self.key}"}


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # As Django's test client does: the test's transaction must survive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(db: None) -> EditorToken:
    editor = make_user("eddie", "Editor")
    reviewer = make_user("rita", "Reviewer")
    article = make_article()
    claims = list(article.claims.order_by("start"))
    claim_accept(claim=claims[0], actor=reviewer)
    submitted_verdict(claims[1], reviewer)
    return EditorToken(editor)


def _operations(api_schema: Any) -> list[Any]:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    return operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_get_answers_the_schema_describes(
    api_schema: Any, editor_token: EditorToken, mode: GenerationMode
) -> None:
    for operation in _operations(api_schema):
        if mode is GenerationMode.NEGATIVE and not _can_be_invalid(operation):
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(HYPOTHESIS, max_examples=EXAMPLES)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=editor_token.headers(), checks=CHECKS)

        check()


# Credentials, as the security schemes declare them: not an operation's own parameters.
CREDENTIALS = {"Authorization", "sessionid"}


def _can_be_invalid(operation: Any) -> bool:
    # An operation with no parameters and no body has nothing to send wrong.
    own = [p for p in operation.iter_parameters() if p.name not in CREDENTIALS]
    return bool(own or operation.body)


def test_boundary_cases_of_every_parameter(api_schema: Any, editor_token: EditorToken) -> None:
    """Schemathesis's coverage phase: each limit, each missing value, each undeclared method."""
    total = 0
    for operation in _operations(api_schema):
        generation = api_schema.config.generation_for(operation=operation, phase="coverage")
        for case in api_schema.iter_coverage_cases(
            operation, generation_modes=list(GenerationMode), generation_config=generation
        ):
            case.call_and_validate(headers=editor_token.headers(), checks=CHECKS)
            total += 1
    assert total > 500


def test_chains_of_calls_along_the_schemas_links(
    api_schema: Any, editor_token: EditorToken
) -> None:
    # Token ids are random (a digest of a random key): a scenario that carries one from a
    # response into DELETE /api/me/tokens/{token_id}/ cannot be replayed the same way, which
    # Hypothesis reports as flaky generation. That operation is fuzzed on its own above.
    base: Any = api_schema.exclude(path="/api/me/tokens/{token_id}/").as_state_machine()
    # Links schemathesis infers from the response schemas: created or listed ids feed the calls
    # on that record (an article's report, a claim's verdicts, a verdict's submit and approve).
    assert api_schema.statistic.transitions.selected >= 100

    class Workflow(base):
        # Each scenario starts from the fixture's data: what one scenario created or revoked
        # must not change what the next draws, or Hypothesis cannot replay a scenario.
        def setup(self) -> None:
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": editor_token.headers()}

        def validate_response(
            self,
            response: Any,
            case: schemathesis.Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response,
                checks=STATEFUL_CHECKS,
                headers=kwargs.get("headers"),
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            HYPOTHESIS,
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
        )
    )
