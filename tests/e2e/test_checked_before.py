"""In the browser: a reviewer opening a claim checked before sees the earlier verdict first,
confirms the match, starts a draft from it, and rejects a wrong suggestion for good."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from claims.models import ClaimMatch, Verdict
from claims.services import verdict_approve
from claims.services.matching import article_match
from tests.claims.factories import make_article, make_user, submitted_verdict
from tests.claims.test_matching import FIRST, SECOND
from tests.e2e.test_review_flow import log_in, shot

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_confirm_reuse_and_reject_in_the_browser(live_server, browser) -> None:
    rita = make_user("rita", "Reviewer")
    rob = make_user("rob", "Reviewer")
    eddie = make_user("eddie", "Editor")
    first = make_article(FIRST, source_url="")
    article_match(article_id=first.pk)
    second = make_article(SECOND, source_url="")
    article_match(article_id=second.pk)
    soy_1 = first.claims.get(claim_text__contains="Soybean")
    soy_2 = second.claims.get(claim_text__contains="soybean")
    published = verdict_approve(verdict=submitted_verdict(soy_1, rita), editor=eddie)

    assert published.rating is not None
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    log_in(page, live_server.url, rob.username)

    # The queue flags the claim before anyone opens it.
    page.goto(f"{live_server.url}/queue/?article={second.pk}&min_score=0")
    badge = page.locator(f"#row-{soy_2.pk} .match-badge.checked")
    expect(badge).to_contain_text(f"Checked before: {published.rating.label}")

    badge.click()
    panel = page.locator("#matches")
    expect(panel).to_contain_text("Checked before:")
    expect(panel).to_contain_text(f"claim #{soy_1.pk}")
    shot(page, "checked-before")
    match = page.locator(f"#match-{soy_1.pk}")
    match.locator("summary").click()
    expect(match).to_contain_text(published.summary)

    if match.get_by_role("button", name="Same claim").count():
        match.get_by_role("button", name="Same claim").click()
        expect(page.locator(f"#match-{soy_1.pk} .match-tier")).to_have_text("Confirmed")
    page.locator(f"#match-{soy_1.pk}").get_by_role(
        "button", name="Start a draft from this verdict"
    ).click()
    expect(page.get_by_text("The draft starts from the earlier verdict")).to_be_visible()
    draft = Verdict.objects.get(claim=soy_2, status=Verdict.Status.DRAFT)
    assert draft.reused_from_id == published.pk and draft.summary == published.summary

    # The reviewer judges the two tariff claims different (another scope): rejected, the
    # pair leaves the panel and is never suggested again.
    tariff_1 = first.claims.get(claim_text__contains="145%")
    tariff_2 = second.claims.get(claim_text__contains="145%")
    page.goto(f"{live_server.url}/claims/{tariff_2.pk}/")
    row = page.locator(f"#match-{tariff_1.pk}")
    row.get_by_role("button", name="Not the same").click()
    expect(page.locator(f"#match-{tariff_1.pk}")).to_have_count(0)
    low, high = sorted((tariff_1.pk, tariff_2.pk))
    assert ClaimMatch.objects.get(claim_low_id=low, claim_high_id=high).tier == "rejected"
    page.reload()
    expect(page.locator("#matches")).to_be_visible()
    expect(page.locator(f"#match-{tariff_1.pk}")).to_have_count(0)
