"""In Chromium: the pages run under the Content-Security-Policy without a single violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from claims.services.verdicts import verdict_approve
from tests.claims.factories import make_claim, make_user, submitted_verdict
from tests.e2e.test_review_flow import log_in

pytestmark = pytest.mark.e2e

# Reported by the page itself, so that violations in scripts and styles are both caught.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


def violations(page: Page, console: list[str]) -> list[str]:
    reported = page.evaluate("window.__cspViolations")
    return reported + [text for text in console if "Content Security Policy" in text]


@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy(live_server, browser) -> None:
    author, editor = make_user("rita", "Reviewer"), make_user("ed", "Editor")
    published = verdict_approve(verdict=submitted_verdict(make_claim(), author), editor=editor)
    assert published.rating is not None
    open_claim = make_claim("The unemployment rate fell to 3.9 percent in May, the ministry said.")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, live_server.url, "rita")

    page.goto(f"{live_server.url}/queue/")
    expect(page.locator("tr.queue-row.current")).to_have_count(1)  # workbench.js ran
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/claims/{published.claim_id}/")
    rating = page.locator("span.rating").first
    expect(rating).to_be_visible()
    colour = published.rating.colour
    assert rating.evaluate("el => el.style.getPropertyValue('--rating')") == colour
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/claims/{open_claim.pk}/verdict/")
    page.get_by_label("Claim reviewed (summary)").fill("Unemployment fell")
    expect(page.locator("[data-counter-for='id_summary']")).to_have_text("17 / 75")
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/reviews/{published.public_id}/")
    badge = page.locator("span.rating")
    expect(badge).to_have_text(published.rating.label)
    assert badge.evaluate("el => getComputedStyle(el).getPropertyValue('--c').trim()") == colour
    assert violations(page, console) == []

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Factcheck Workbench API")
    assert violations(page, console) == []
    context.close()
