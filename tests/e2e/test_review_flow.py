"""In the browser: a reviewer triages by keyboard and writes a verdict; an editor reviews it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim, Verdict
from claims.services import article_ingest, article_split
from tests.claims.factories import RATIONALE, make_user
from tests.conftest import ARTIFACTS, SEEDS

pytestmark = pytest.mark.e2e


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Queue")).to_be_visible()


def shot(page: Page, name: str) -> None:
    # What a person sees on a laptop screen, not the whole scrolled page.
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.django_db(transaction=True)
def test_triage_verdict_changes_requested_revision_and_approval(live_server, browser) -> None:
    reviewer = make_user("rita", "Reviewer")
    editor = make_user("eddie", "Editor")
    body = (SEEDS / "002_3f0e6f51c097b80d.txt").read_text(encoding="utf-8")
    article = article_ingest(
        body=body, publisher="Demo Daily", source_url="https://demo-daily.example/markets"
    ).article
    article_split(article_id=article.pk)
    base = live_server.url

    rita = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    rita.on("dialog", lambda dialog: dialog.accept())
    log_in(rita, base, reviewer.username)

    # --- Triage with the keyboard -----------------------------------------------------------
    rita.goto(f"{base}/queue/?article={article.pk}")
    rows = rita.locator("#queue-rows tr.queue-row")
    expect(rows.first).to_have_class(re.compile("current"))
    first_id = int(rows.first.get_attribute("data-claim") or 0)
    rita.keyboard.press("a")  # accept the top claim; the cursor moves on
    expect(rita.locator(f"#row-{first_id}")).to_contain_text("Accepted")
    second_id = int(rows.nth(1).get_attribute("data-claim") or 0)
    expect(rita.locator(f"#row-{second_id}")).to_have_class(re.compile("current"))
    rita.keyboard.press("x")  # dismiss the second
    expect(rita.locator(f"#row-{second_id}")).to_contain_text("Dismissed")
    rita.keyboard.press("k")
    rita.keyboard.press("k")
    expect(rita.locator(f"#row-{first_id}")).to_have_class(re.compile("current"))
    rita.keyboard.press("e")
    editor_box = rita.locator(f"#edit-{first_id}")
    expect(editor_box).to_be_focused()
    # A typical edit: keep the first, checkable clause of the sentence.
    edited = editor_box.input_value().split(",")[0].rstrip(".") + "."
    editor_box.fill(edited)
    editor_box.press("Enter")
    expect(rita.locator(f"#row-{first_id}")).to_contain_text("Claim text saved.")
    expect(rita.locator(f"#row-{first_id} .claim-link")).to_have_text(edited)
    assert Claim.objects.get(pk=first_id).claim_text == edited
    # Split the third claim in two where its second clause starts.
    rita.keyboard.press("j")
    rita.keyboard.press("j")
    third = rita.locator("#queue-rows tr.current")
    third_id = int(third.get_attribute("data-claim") or 0)
    before = Claim.objects.filter(article=article).count()
    rita.keyboard.press("s")
    splitter = rita.locator(f"#split-{third_id}")
    expect(splitter).to_be_focused()
    quote = splitter.input_value()
    cut = quote.index(" ", len(quote) // 2)
    splitter.evaluate("(area, cut) => area.setSelectionRange(cut, cut)", cut)
    splitter.press("Enter")
    expect(rita.locator(f"#row-{third_id} .claim-link")).to_have_text(quote[:cut].strip())
    assert Claim.objects.filter(article=article).count() == before + 1
    rita.keyboard.press("?")
    expect(rita.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    shot(rita, "10-queue-keyboard-help")
    rita.keyboard.press("Escape")
    shot(rita, "11-queue")
    assert Claim.objects.get(pk=first_id).status == "accepted"
    assert Claim.objects.get(pk=second_id).status == "dismissed"

    # --- Write the verdict with two citations -----------------------------------------------
    rita.locator(f"#row-{first_id}").focus()
    rita.keyboard.press("Enter")
    expect(rita.get_by_role("heading", name="Verdict")).to_be_visible()
    shot(rita, "12-claim-panel")
    # Who made the claim: the checklist asks for it before the verdict can be submitted.
    Claim.objects.filter(pk=first_id).update(
        claimant="Shanghai Stock Exchange", claimant_type="Organization"
    )
    rita.get_by_role("link", name="Write verdict").click()
    rita.get_by_label("Rating").select_option(label="Mostly false")
    summary = edited.rstrip(".")[:75]
    rita.get_by_label("Claim reviewed (summary)").fill(summary)
    rita.get_by_label("Rationale").fill(RATIONALE)
    rita.get_by_label("URL", exact=True).fill("https://www.sse.com.cn/market/stockdata/")
    rita.get_by_label("Title", exact=True).fill("Shanghai Stock Exchange market data")
    rita.get_by_role("button", name="Add citation").click()
    second = rita.locator("[data-citation]").nth(1)
    second.get_by_label("URL", exact=True).fill("https://www.reuters.com/markets/commodities/")
    second.get_by_label("Stance").select_option("context")
    shot(rita, "13-verdict-form")
    rita.get_by_role("button", name="Submit for approval").click()
    # The draft is kept, and every missing piece is listed at the top with a link to its field.
    summary_box = rita.get_by_role("alert").filter(has_text="cannot be submitted yet")
    expect(summary_box).to_contain_text("Citation 1 needs its publisher.")
    expect(summary_box).to_contain_text("Citation 2 needs a title.")
    shot(rita, "13b-verdict-checklist-errors")
    first_citation = rita.locator("[data-citation]").nth(0)
    first_citation.get_by_label("Publisher").fill("Shanghai Stock Exchange")
    first_citation.get_by_label("Archived URL").fill("https://archive.ph/sse-2025")
    first_citation.get_by_label("Primary source").check()
    second.get_by_label("Title", exact=True).fill("Commodities coverage")
    second.get_by_label("Publisher").fill("Reuters")
    second.get_by_label("Archived URL").fill("https://archive.ph/reuters-2025")
    rita.get_by_role("button", name="Submit for approval").click()
    expect(rita.get_by_text("Verdict submitted for approval.")).to_be_visible()
    verdict = Verdict.objects.get()
    assert verdict.status == "submitted" and verdict.citations.count() == 2

    # --- The editor asks for changes --------------------------------------------------------
    eddie = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    log_in(eddie, base, editor.username)
    eddie.get_by_role("link", name=re.compile("Approvals")).click()
    shot(eddie, "14-editor-queue")
    eddie.get_by_role("link", name="Review").click()
    eddie.get_by_label("What needs to change").fill("Name the year of the exchange figures.")
    shot(eddie, "15-review")
    eddie.get_by_role("button", name="Request changes").click()
    expect(eddie.get_by_text("Sent back to the reviewer")).to_be_visible()

    # --- The reviewer sees the note and revises -------------------------------------------------
    rita.goto(f"{base}/")
    expect(rita.get_by_text("An editor asked for changes on 1 of your verdicts")).to_be_visible()
    rita.get_by_role("link", name="See what to change").click()
    expect(rita.get_by_text("Name the year of the exchange figures.")).to_be_visible()
    shot(rita, "16-my-work")
    rita.get_by_role("link", name="Revise").click()
    rita.get_by_label("Rationale").fill(RATIONALE + " The exchange's figures for 2025 differ.")
    rita.get_by_role("button", name="Submit for approval").click()
    expect(rita.get_by_text("Verdict submitted for approval.")).to_be_visible()

    # --- The editor sees what changed and approves ----------------------------------------------
    eddie.goto(f"{base}/editor/")
    eddie.get_by_role("link", name="Review").click()
    expect(eddie.get_by_role("heading", name="Changes since the last submission")).to_be_visible()
    expect(eddie.locator("ins").first).to_contain_text("2025")
    shot(eddie, "17-review-with-diff")
    eddie.get_by_role("button", name="Approve").click()
    expect(eddie.get_by_text("Verdict approved.")).to_be_visible()

    eddie.goto(f"{base}/claims/{first_id}/")
    expect(eddie.locator(".verdict-status").first).to_have_text("Approved")
    history = eddie.get_by_role("heading", name="History").locator("xpath=..")
    for action in ["verdict_submitted", "verdict_changes_requested", "verdict_approved"]:
        expect(history).to_contain_text(action)
    shot(eddie, "18-claim-approved")
    eddie.goto(f"{base}/articles/{article.pk}/")
    shot(eddie, "19-article-highlights")

    # --- Reports: download the PDF, read the HTML, open the public page --------------------------
    with eddie.expect_download() as download_info:
        eddie.get_by_role("link", name="PDF").click()
    pdf_path = ARTIFACTS / "article-report.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    eddie.get_by_role("link", name="Web page").click()
    expect(eddie.get_by_role("heading", name="Verdicts (1)")).to_be_visible()
    shot(eddie, "21-html-report")
    public = eddie.context.browser.new_context().new_page()  # not logged in
    public.goto(f"{base}/reviews/{verdict.pk}/")
    expect(public.get_by_role("heading", name=summary)).to_be_visible()
    shot(public, "22-public-review")
