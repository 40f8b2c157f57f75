"""Every response carries a Content-Security-Policy: the pages load nothing from other origins."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from claims.services.verdicts import verdict_approve
from tests.claims.factories import api_for, client_for, make_claim, make_user, submitted_verdict

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_strict(response) -> None:
    policy = directives(response)
    for name, value in STRICT.items():
        assert policy[name] == value, name
    # <style> blocks need this response's nonce; nothing inline is allowed wholesale.
    assert re.fullmatch(r"'self'( 'nonce-[A-Za-z0-9+/=_-]+')?", policy["style-src"])


def test_workbench_page_has_the_policy(workbench_defaults: None) -> None:
    reviewer = make_user("rita", "Reviewer")
    response = client_for(reviewer).get("/queue/")
    assert response.status_code == 200
    assert_strict(response)


def test_public_review_styles_only_through_the_nonce(workbench_defaults: None) -> None:
    author, editor = make_user("rita", "Reviewer"), make_user("ed", "Editor")
    verdict = verdict_approve(verdict=submitted_verdict(make_claim(), author), editor=editor)
    response = Client().get(f"/reviews/{verdict.public_id}/")
    assert response.status_code == 200 and verdict.rating is not None
    assert_strict(response)
    nonce = re.search(r"'nonce-([^']+)'", directives(response)["style-src"])
    assert nonce is not None
    html = response.content.decode()
    assert f'<style nonce="{nonce.group(1)}">' in html
    assert "style=" not in html
    assert f".rating-{verdict.rating_id} {{ --c: {verdict.rating.colour}; }}" in html


def test_api_has_the_policy(workbench_defaults: None) -> None:
    response = api_for(make_user("rita", "Reviewer")).get("/api/articles/")
    assert response.status_code == 200
    assert_strict(response)


def test_api_docs_nonce_their_style_block(workbench_defaults: None) -> None:
    response = client_for(make_user("rita", "Reviewer")).get("/api/docs/")
    assert response.status_code == 200
    assert_strict(response)
    assert "<script>" not in response.content.decode()


def test_workbench_templates_use_no_inline_code_or_style_attributes() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for template in (root / "templates").rglob("*.html"):
        if template.parts[-2] == "reports":  # the HTML report: a file, with its own policy
            continue
        text = template.read_text()
        assert not re.search(r"\son[a-z]+=", text), template
        assert " style=" not in text, template
        # htmx evaluates `js:` values and hx-on handlers with eval, which the policy blocks.
        assert "'js:" not in text and '"js:' not in text and "hx-on" not in text, template
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag or 'type="application/ld+json"' in tag, (template, tag)
