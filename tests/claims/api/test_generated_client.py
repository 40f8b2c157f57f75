"""A client generated from the served schema runs a newsroom's day with no hand-written HTTP,
and every response it gets is checked against that schema by an independent validator."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.claims.factories import RATIONALE, make_user, token_for
from tests.conftest import WorkerProcess, wait_for

pytestmark = [pytest.mark.worker]

PACKAGE = "workbench_client"


def generate_client(schema: dict[str, Any], folder: Path) -> Any:
    """Run openapi-python-client on the schema and import what it wrote."""
    path = folder / "schema.json"
    path.write_text(json.dumps(schema))
    binary = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    assert binary, "openapi-python-client is a test dependency"
    result = subprocess.run(
        [
            binary,
            "generate",
            "--path",
            str(path),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    return importlib.import_module(PACKAGE)


class _Request:
    """httpx's request as openapi-core reads one."""

    def __init__(self, request: httpx.Request) -> None:
        self.host_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        self.path = request.url.path
        self.method = request.method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(request.url.params.multi_items()),
            header=Headers(dict(request.headers)),
        )
        self.content_type = request.headers.get("content-type", "").split(";")[0]
        self.body = request.content


class _Response:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "").split(";")[0]
        self.headers = Headers(dict(response.headers))
        # A text body is text, as httpx's .text gives it; openapi-core reads other types as bytes.
        text = self.content_type.startswith("text/")
        self.data = response.text if text else response.read()


def schema_checker(spec: OpenAPI, seen: list[str]) -> Any:
    def check(response: httpx.Response) -> None:
        response.read()
        # Any: a text body is handed over as str, which openapi-core's protocol types as bytes.
        body: Any = _Response(response)
        spec.validate_response(_Request(response.request), body)
        seen.append(f"{response.request.method} {response.request.url.path} {response.status_code}")

    return check


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_runs_the_whole_workflow(
    live_server: Any,
    celery_worker: WorkerProcess,
    seed_text: str,
    workbench_defaults: None,
    tmp_path: Path,
) -> None:
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as answer:
        schema = json.load(answer)
    wb = generate_client(schema, tmp_path)
    from workbench_client import models as m
    from workbench_client.api.account import me_get
    from workbench_client.api.articles import article_create, article_get, article_report
    from workbench_client.api.claims import claim_get, claim_list, claim_update, verdict_create
    from workbench_client.api.ratings import rating_list
    from workbench_client.api.reports import report_selection
    from workbench_client.api.verdicts import verdict_approve, verdict_submit

    spec = OpenAPI.from_dict(schema)
    seen: list[str] = []
    hooks = {"event_hooks": {"response": [schema_checker(spec, seen)]}}

    def client_for(username: str, role: str) -> Any:
        key = token_for(make_user(username, role))
        return wb.AuthenticatedClient(
            base_url=live_server.url, token=key, prefix="Token", httpx_args=hooks
        )

    reviewer, editor = client_for("rita", "Reviewer"), client_for("eddie", "Editor")
    assert me_get.sync(client=reviewer).roles == [m.RolesEnum.REVIEWER]

    created = article_create.sync_detailed(
        client=reviewer,
        body=m.ArticleTextRequest(
            body=seed_text, title="Trade war", url="https://news.example.org/trade-war"
        ),
    )
    assert created.status_code == 201, created.content
    article_id = created.parsed.id

    def split() -> bool:
        return article_get.sync(article_id, client=reviewer).status == m.ArticleStatusEnum.SPLIT

    assert wait_for(split, timeout=90), celery_worker.output()[-3000:]
    claims = claim_list.sync(client=reviewer, article=article_id, min_score=0.5)
    assert claims.count > 2
    claim = claims.results[0]
    for change in (
        m.ClaimPatchRequest(version=claim.version, status=m.ClaimStatusEnum.ACCEPTED),
        m.ClaimPatchRequest(
            version=claim.version + 1,
            claimant="Ministry of Commerce",
            claimant_type=m.ClaimantTypeEnum.ORGANIZATION,
        ),
    ):
        updated = claim_update.sync_detailed(claim.id, client=reviewer, body=change)
        assert updated.status_code == 200, updated.content
    assert claim_get.sync(claim.id, client=reviewer).claimant == "Ministry of Commerce"

    rating = next(r for r in rating_list.sync(client=reviewer) if r.label == "Half true")
    citations = [
        m.CitationRequest(
            url="https://www.usgs.gov/centers/national-minerals-information-center",
            title="USGS minerals",
            publisher="USGS",
            archived_url="https://web.archive.org/web/2025/https://www.usgs.gov/",
            is_primary=True,
            stance=m.StanceEnum.REFUTES,
        ),
        m.CitationRequest(
            url="https://www.bloomberg.com/",
            title="Markets coverage",
            publisher="Bloomberg",
            archived_url="https://archive.ph/bloomberg-2025",
            stance=m.StanceEnum.SUPPORTS,
        ),
    ]
    # A refusal names the field, in the shape the schema describes (checked by the hook).
    invalid = verdict_create.sync_detailed(
        claim.id,
        client=reviewer,
        body=m.VerdictWriteRequest(citations=[m.CitationRequest(url="not an address")]),
    )
    assert invalid.status_code == 400 and "citations" in invalid.parsed.additional_properties
    draft = verdict_create.sync_detailed(
        claim.id,
        client=reviewer,
        body=m.VerdictWriteRequest(
            rating=rating.id, summary=claim.claim[:75], rationale=RATIONALE, citations=citations
        ),
    )
    assert draft.status_code == 201, draft.content
    verdict = draft.parsed
    assert len(verdict.citations) == 2
    submitted = verdict_submit.sync_detailed(
        verdict.id, client=reviewer, body=m.VersionRequest(version=verdict.version)
    )
    assert submitted.status_code == 200, submitted.content
    refused = verdict_approve.sync_detailed(
        verdict.id, client=reviewer, body=m.VersionRequest(version=submitted.parsed.version)
    )
    assert refused.status_code == 403
    approved = verdict_approve.sync_detailed(
        verdict.id, client=editor, body=m.VersionRequest(version=submitted.parsed.version)
    )
    assert approved.status_code == 200, approved.content
    assert approved.parsed.status == m.VerdictStatusEnum.APPROVED
    assert approved.parsed.public_url.endswith(f"/reviews/{verdict.id}/")

    for fmt in m.ArticleReportFormat:
        report = article_report.sync_detailed(article_id, client=editor, format_=fmt)
        assert report.status_code == 200, (fmt, report.content[:300])
        assert claim.claim[:40].encode() in report.content or fmt.value in {"pdf", "xlsx"}
    for fmt in m.ReportSelectionFormat:
        report = report_selection.sync_detailed(client=editor, format_=fmt)
        assert report.status_code in {200, 202}, (fmt, report.content[:300])

    # Every call above went through the validator; the 403 and the reports included.
    assert len(seen) >= 20 and any(" 403" in call for call in seen)
    assert any(" 400" in call for call in seen)
