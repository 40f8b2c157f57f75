"""Two browsers on one verdict lose nothing; every control on every screen has a label."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from claims import services
from claims.models import Verdict
from tests.claims.factories import good_input, make_claim, make_user, submitted_verdict
from tests.conftest import ARTIFACTS
from tests.e2e.test_review_flow import log_in

pytestmark = pytest.mark.e2e

UNLABELLED = """
els => els
  .filter(el => el.type !== 'hidden' && !el.closest('template') && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 120))
"""


def unlabelled_controls(page: Page) -> list[str]:
    return page.locator("input, select, textarea, button").evaluate_all(UNLABELLED)


@pytest.mark.django_db(transaction=True)
def test_two_browsers_editing_one_verdict_keep_both_versions(live_server, browser) -> None:
    rita = make_user("rita", "Reviewer")
    claim = make_claim()
    services.verdict_save_draft(claim=claim, author=rita, data=good_input(summary="Original"))
    tabs = []
    for _ in range(2):
        page = browser.new_context().new_page()
        log_in(page, live_server.url, rita.username)
        page.goto(f"{live_server.url}/claims/{claim.pk}/verdict/")
        tabs.append(page)
    first, second = tabs
    first.get_by_label("Claim reviewed (summary)").fill("Summary from the first window")
    second.get_by_label("Claim reviewed (summary)").fill("Summary from the second window")
    first.get_by_role("button", name="Save draft").click()
    expect(first.get_by_text("Draft saved.")).to_be_visible()

    second.get_by_role("button", name="Save draft").click()
    alert = second.locator(".conflict[role=alert]").filter(has_text="saved in another tab")
    expect(alert).to_contain_text("Summary from the first window")
    expect(second.get_by_label("Claim reviewed (summary)")).to_have_value(
        "Summary from the second window"
    )
    second.screenshot(path=str(ARTIFACTS / "20-verdict-conflict.png"), full_page=True)
    assert Verdict.objects.get().summary == "Summary from the first window"

    # Having seen theirs, the second window saves deliberately: now its text wins.
    second.get_by_role("button", name="Save draft").click()
    expect(second.get_by_text("Draft saved.")).to_be_visible()
    assert Verdict.objects.get().summary == "Summary from the second window"


@pytest.mark.django_db(transaction=True)
def test_every_control_on_every_screen_has_a_label(live_server, browser) -> None:
    rita = make_user("rita", "Reviewer")
    eddie = make_user("eddie", "Editor")
    claim = make_claim()
    verdict = submitted_verdict(claim, rita)
    page = browser.new_context().new_page()
    log_in(page, live_server.url, eddie.username)
    screens = [
        "/",
        "/articles/new/",
        f"/articles/{claim.article_id}/",
        "/queue/",
        f"/claims/{claim.pk}/",
        "/editor/",
        f"/verdicts/{verdict.pk}/",
        "/my/",
    ]
    for path in screens:
        page.goto(f"{live_server.url}{path}")
        assert unlabelled_controls(page) == [], path
    other = make_claim("Imports rose 3% in June, the ministry said.")
    page.goto(f"{live_server.url}/claims/{other.pk}/verdict/")
    assert unlabelled_controls(page) == [], "verdict form"


@pytest.mark.django_db(transaction=True)
def test_reviewer_selects_missed_words_in_the_article_and_adds_them(live_server, browser) -> None:
    rita = make_user("rita", "Reviewer")
    claim = make_claim()
    article = claim.article
    page = browser.new_context().new_page()
    log_in(page, live_server.url, rita.username)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    button = page.get_by_role("button", name="Add selected text as a claim")
    expect(button).to_be_disabled()
    quote = "15 critical minerals"
    page.locator("article.article-text").evaluate(
        """(el, quote) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(quote);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(walker.currentNode, at);
                    range.setEnd(walker.currentNode, at + quote.length);
                    document.getSelection().removeAllRanges();
                    document.getSelection().addRange(range);
                    return;
                }
            }
        }""",
        quote,
    )
    expect(button).to_be_enabled()
    button.click()
    expect(page.get_by_role("heading", name=quote)).to_be_visible()
    added = article.claims.get(origin="reviewer")
    assert article.body[added.start : added.end] == quote
