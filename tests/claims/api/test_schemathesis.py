"""Property-based run over the published OpenAPI schema: no server error, no response that
breaks the schema. Bounded and seeded so it is the same run every time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from claims.services import claim_accept
from tests.claims.factories import make_article, make_user, submitted_verdict

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def api_schema(db: None) -> Iterator[schemathesis.BaseSchema]:
    # As Django's test client does: the test's transaction must survive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None) -> str:
    editor = make_user("eddie", "Editor")
    reviewer = make_user("rita", "Reviewer")
    article = make_article()
    claims = list(article.claims.order_by("start"))
    claim_accept(claim=claims[0], actor=reviewer)
    submitted_verdict(claims[1], reviewer)
    return Token.objects.create(user=editor).key


def test_api_never_errors_and_matches_its_schema(
    api_schema: schemathesis.BaseSchema, token: str
) -> None:
    # Driven with Hypothesis directly: schemathesis's pytest plugin does not run on pytest 9.
    headers = {"Authorization": f"Token {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
