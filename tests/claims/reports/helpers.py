"""What the report tests share: approving through the services, downloading as an editor."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client

from claims import services
from claims.models import Claim, Verdict
from tests.claims.factories import good_input

HOSTILE_SUMMARY = '=HYPERLINK("http://x") <script>alert(1)</script>'


def approve(claim_id: int, author: User, editor: User, **overrides: object) -> Verdict:
    claim = Claim.objects.get(pk=claim_id)
    verdict = services.verdict_save_draft(claim=claim, author=author, data=good_input(**overrides))
    verdict = services.verdict_submit(verdict=verdict, actor=author)
    return services.verdict_approve(verdict=verdict, editor=editor)


def content_of(response: HttpResponseBase) -> bytes:
    """The body of a response, whether it streamed (CSV) or not."""
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert isinstance(response, HttpResponse)
    return response.content


def download(client: Client, url: str) -> bytes:
    return content_of(client.get(url))


def editor_client(eddie: User) -> Client:
    client = Client()
    client.force_login(eddie)
    return client
