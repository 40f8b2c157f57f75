"""In the browser: log in, paste an article, watch the worker split it, see the highlights."""

from __future__ import annotations

import pytest

from claims.models import Article
from tests.conftest import ARTIFACTS, SEEDS, WorkerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.worker]


@pytest.mark.django_db(transaction=True)
def test_reviewer_pastes_an_article_and_sees_its_claims_highlighted(
    live_server, page, reviewer, celery_worker: WorkerProcess
) -> None:
    text = (SEEDS / "001_4f99d840b3b113c7.txt").read_text(encoding="utf-8")

    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.get_by_label("Username").fill(reviewer.username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Articles").wait_for()
    page.screenshot(path=str(ARTIFACTS / "01-article-list-empty.png"), full_page=True)

    page.get_by_role("link", name="Add article").first.click()
    page.get_by_label("Article text").fill(text)
    page.get_by_label("Publisher").fill("Demo Daily")
    page.screenshot(path=str(ARTIFACTS / "02-add-article.png"), full_page=True)
    page.get_by_role("button", name="Add article").click()

    # No reload: htmx polls until the worker has split the article.
    page.locator(".hl").first.wait_for(timeout=60_000)
    article = Article.objects.get()
    assert article.status == Article.Status.SPLIT
    highlights = page.locator("article.article-text .hl")
    assert highlights.count() == article.claims.count() > 3
    first = article.claims.order_by("start").first()
    assert first is not None
    assert page.locator(f"#span-{first.pk}").inner_text() == first.text
    assert page.locator(".claim-card").count() == article.claims.count()
    page.screenshot(path=str(ARTIFACTS / "03-article-claims.png"), full_page=True)

    page.get_by_role("link", name="Articles").first.click()
    row = page.get_by_role("row").filter(has_text=article.title)
    assert "Split" in row.inner_text()
