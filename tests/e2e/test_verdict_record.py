"""In Chromium: two tabs or two people starting a verdict lose nothing; corrections go public."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from claims import services
from claims.models import Comment, Verdict
from tests.claims.factories import make_claim, make_user, submitted_verdict
from tests.conftest import ARTIFACTS
from tests.e2e.test_review_flow import log_in

pytestmark = pytest.mark.e2e


def open_page(browser: Browser, base: str, username: str, path: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    log_in(page, base, username)
    page.goto(base + path)
    return page


@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_one_verdict_keep_both_texts(live_server, browser) -> None:
    rita = make_user("rita", "Reviewer")
    claim = make_claim()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    first = context.new_page()
    log_in(first, live_server.url, rita.username)
    second = context.new_page()  # the same session in a second tab
    for tab in (first, second):
        tab.goto(f"{live_server.url}/claims/{claim.pk}/verdict/")
    first.get_by_label("Claim reviewed (summary)").fill("Summary typed in tab A")
    second.get_by_label("Claim reviewed (summary)").fill("Summary typed in tab B")
    second.get_by_label("Rationale").fill("Notes only tab B has.")

    first.get_by_role("button", name="Save draft").click()
    expect(first.get_by_text("Draft saved.")).to_be_visible()
    second.get_by_role("button", name="Save draft").click()
    alert = second.locator(".conflict[role=alert]")
    expect(alert).to_contain_text("saved in another tab or window")
    expect(alert).to_contain_text("Summary typed in tab A")
    expect(second.get_by_label("Claim reviewed (summary)")).to_have_value("Summary typed in tab B")
    expect(second.get_by_label("Rationale")).to_have_value("Notes only tab B has.")
    second.screenshot(path=str(ARTIFACTS / "23-two-tabs-new-verdict.png"), full_page=True)
    assert Verdict.objects.get().summary == "Summary typed in tab A"


@pytest.mark.django_db(transaction=True)
def test_a_second_reviewer_keeps_their_text_as_a_comment(live_server, browser) -> None:
    make_user("rita", "Reviewer")
    make_user("rob", "Reviewer")
    claim = make_claim()
    path = f"/claims/{claim.pk}/verdict/"
    rita = open_page(browser, live_server.url, "rita", path)
    rob = open_page(browser, live_server.url, "rob", path)
    rita.get_by_label("Claim reviewed (summary)").fill("Rita's summary")
    rob.get_by_label("Claim reviewed (summary)").fill("Rob's summary")
    rob.get_by_label("Rationale").fill("Rob read the 2025 customs table.")

    rita.get_by_role("button", name="Save draft").click()
    expect(rita.get_by_text("Draft saved.")).to_be_visible()
    rob.get_by_role("button", name="Save draft").click()
    conflict = rob.locator(".conflict[role=alert]")
    expect(conflict).to_contain_text("rita started the verdict on this claim while you were")
    expect(conflict).to_contain_text("Rita's summary")
    notes = rob.get_by_label("Post as a comment on the claim")
    expect(notes).to_have_value(
        "My notes on this claim's verdict:\nSummary: Rob's summary\n\n"
        "Rob read the 2025 customs table."
    )
    rob.screenshot(path=str(ARTIFACTS / "24-second-reviewer-keeps-text.png"), full_page=True)
    rob.get_by_role("button", name="Post as a comment").click()
    expect(rob.locator("#comments")).to_contain_text("Rob read the 2025 customs table.")
    assert Comment.objects.get(author__username="rob").body.endswith("customs table.")
    assert Verdict.objects.get().summary == "Rita's summary"


@pytest.mark.django_db(transaction=True)
def test_an_editor_corrects_a_published_verdict_in_public(live_server, browser) -> None:
    rita = make_user("rita", "Reviewer")
    eddie = make_user("eddie", "Editor")
    make_user("erin", "Editor")
    claim = make_claim()
    first = services.verdict_approve(verdict=submitted_verdict(claim, rita), editor=eddie)
    base = live_server.url

    editor = open_page(browser, base, "eddie", f"/claims/{claim.pk}/")
    editor.get_by_role("link", name="Correct this verdict").click()
    editor.get_by_label("What needs correcting").fill("The survey's table is from 2025.")
    editor.get_by_role("button", name="Open a correction").click()
    expect(editor.get_by_text("Correction opened.")).to_be_visible()
    editor.get_by_label("Rating").select_option(label="Mostly false")
    editor.get_by_label("What changed and why").fill(
        "We first cited the 2024 table; the 2025 edition lists 12 minerals. Rating changed."
    )
    editor.get_by_role("button", name="Submit for approval").click()
    expect(editor.get_by_text("Verdict submitted for approval.")).to_be_visible()

    # Still the first verdict in public until another editor approves the correction.
    public = browser.new_context().new_page()
    public.goto(f"{base}/reviews/{first.pk}/")
    expect(public.locator("main")).not_to_contain_text("the 2025 edition lists 12 minerals")

    erin = open_page(browser, base, "erin", "/editor/")
    erin.get_by_role("link", name="Review").click()
    expect(erin.get_by_role("heading", name="Review correction")).to_be_visible()
    expect(erin.get_by_role("heading", name="Changes since the published verdict")).to_be_visible()
    erin.screenshot(path=str(ARTIFACTS / "25-review-correction.png"), full_page=True)
    erin.get_by_role("button", name="Approve").click()
    expect(erin.get_by_text("Verdict approved.")).to_be_visible()

    public.goto(f"{base}/reviews/{first.pk}/")
    main = public.locator("main")
    expect(main).to_contain_text("Updated on")
    expect(main).to_contain_text("the 2025 edition lists 12 minerals")
    expect(main).to_contain_text("Mostly false")
    public.screenshot(path=str(ARTIFACTS / "26-public-corrected.png"), full_page=True)
    first.refresh_from_db()
    assert first.status == "superseded"
