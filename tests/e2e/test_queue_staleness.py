"""In Chromium: the queue never acts on what the screen shows from the past, its cursor and focus
survive every in-place update, and `u` undoes the last actions."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect

from claims.models import Article, Claim
from tests.claims.factories import make_article, make_user
from tests.conftest import ARTIFACTS
from tests.e2e.test_review_flow import log_in

pytestmark = pytest.mark.e2e

STATUS_TIME = re.compile(r"at \d\d:\d\d")


@pytest.fixture
def rita(transactional_db: None) -> User:
    return make_user("rita", "Reviewer")


@pytest.fixture
def article(transactional_db: None) -> Article:
    return make_article()


def open_queue(page: Page, base: str, query: str = "") -> str:
    """Open the queue; return the id of the first row, where the cursor starts."""
    page.goto(f"{base}/queue/{query}")
    first = page.locator("#queue-rows tr.queue-row").first
    expect(first).to_have_class(re.compile("current"))
    return first.get_attribute("data-claim") or ""


def row(page: Page, claim_id: str | int | None) -> Locator:
    return page.locator(f"#row-{claim_id}")


def relative_luminance(css_colour: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", css_colour)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(a: str, b: str) -> float:
    light, dark = sorted([relative_luminance(a), relative_luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- Back and the browser's copies -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_back_after_dismissing_shows_the_claim_as_it_is_now(
    live_server, page: Page, rita: User, article: Article
) -> None:
    log_in(page, live_server.url, rita.username)
    response = page.goto(f"{live_server.url}/queue/?article={article.pk}&status=")
    assert response is not None
    assert "no-store" in response.headers["cache-control"]
    claim_id = page.locator("#queue-rows tr.current").get_attribute("data-claim") or ""
    page.keyboard.press("x")
    expect(row(page, claim_id)).to_contain_text("Dismissed")
    page.locator(f"#row-{claim_id} a.claim-link").click()
    expect(page.locator("h1.claim-title")).to_be_visible()

    page.go_back()
    fresh = page.locator(f"#row-{claim_id}")
    expect(fresh).to_have_attribute("data-version", "2")
    expect(fresh.locator(".claim-status-badge")).to_have_text("Dismissed")


@pytest.mark.django_db(transaction=True)
def test_a_stale_row_after_back_is_refused_and_shows_what_changed(
    live_server, page: Page, rita: User, article: Article
) -> None:
    log_in(page, live_server.url, rita.username)
    queue_url = f"{live_server.url}/queue/?article={article.pk}"
    first_load = page.goto(queue_url)
    assert first_load is not None
    stored_copy = first_load.text()
    claim_id = page.locator("#queue-rows tr.current").get_attribute("data-claim") or ""
    page.keyboard.press("x")
    expect(row(page, claim_id)).to_contain_text("Dismissed")
    page.locator(f"#row-{claim_id} a.claim-link").click()
    expect(page.locator("h1.claim-title")).to_be_visible()

    # Back to the copy a browser may still show despite no-store (the page as first loaded),
    # which is what the queue looked like before this change.
    page.route(
        queue_url,
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=stored_copy
        ),
    )
    page.go_back()
    page.unroute(queue_url)
    stale = page.locator(f"#row-{claim_id}")
    expect(stale.locator(".claim-status-badge")).to_have_text("Candidate")
    expect(stale).to_have_class(re.compile("current"))

    page.keyboard.press("a")
    expect(stale.locator(".claim-status-badge")).to_have_text("Dismissed")
    alert = stale.get_by_role("alert")
    expect(alert).to_contain_text("This claim changed after the page was loaded: you dismissed it")
    expect(alert).to_contain_text("Nothing was done")
    expect(stale).to_have_class(re.compile("current"))  # the cursor stays on the message
    page.screenshot(path=str(ARTIFACTS / "30-queue-stale-row-refused.png"))
    assert Claim.objects.get(pk=claim_id).status == "dismissed"


@pytest.mark.django_db(transaction=True)
def test_back_after_filtering_in_place_asks_the_server_again(
    live_server, page: Page, rita: User, article: Article
) -> None:
    quantity = article.claims.filter(kind="quantity").order_by("-score").first()
    assert quantity is not None
    log_in(page, live_server.url, rita.username)
    open_queue(page, live_server.url, f"?article={article.pk}")
    # The filter swaps the table in place and pushes the address: htmx would keep a copy of
    # the page as it was and put that back on Back.
    page.get_by_label("Type").select_option("quantity")
    expect(page).to_have_url(re.compile("kind=quantity"))
    page.locator(f"#row-{quantity.pk}").click(position={"x": 5, "y": 5})
    page.keyboard.press("x")
    expect(row(page, quantity.pk)).to_contain_text("Dismissed")

    page.go_back()
    expect(page).not_to_have_url(re.compile("kind=quantity"))
    # Candidates only: the dismissed claim is gone, not shown as it was.
    expect(page.locator("#queue-rows tr.queue-row").first).to_be_visible()
    expect(page.locator(f"#row-{quantity.pk}")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_a_page_restored_from_the_back_forward_cache_is_loaded_again(
    live_server, page: Page, rita: User, article: Article
) -> None:
    log_in(page, live_server.url, rita.username)
    open_queue(page, live_server.url, f"?article={article.pk}")
    page.evaluate("window.restoredCopy = true")
    # What the browser fires when it shows a page from its back/forward cache.
    with page.expect_navigation():
        page.evaluate(
            "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
        )
    assert page.evaluate("window.restoredCopy === undefined")


# --- Cursor and focus --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_cursor_and_focus_survive_take_and_edit(
    live_server, page: Page, rita: User, article: Article
) -> None:
    log_in(page, live_server.url, rita.username)
    claim_id = open_queue(page, live_server.url, f"?article={article.pk}")
    current = row(page, claim_id)

    page.keyboard.press("t")
    expect(current.get_by_role("status")).to_contain_text("Assigned to rita.")
    page.wait_for_timeout(300)  # past htmx's settle step, which used to wipe the cursor
    expect(current).to_have_class(re.compile("current"))
    expect(current).to_have_attribute("aria-current", "true")
    expect(current).to_be_focused()

    page.keyboard.press("e")
    editor = page.locator(f"#edit-{claim_id}")
    expect(editor).to_be_focused()
    editor.fill("The US depends on China for 15 critical minerals")
    page.keyboard.press("Enter")
    expect(current.get_by_role("status")).to_contain_text("Claim text saved.")
    page.wait_for_timeout(300)
    expect(current).to_have_class(re.compile("current"))
    expect(current).to_be_focused()

    page.keyboard.press("j")  # the keys still work from here
    second = page.locator("#queue-rows tr.queue-row").nth(1)
    expect(second).to_have_class(re.compile("current"))
    expect(second).to_be_focused()

    ring = second.evaluate(
        """el => {
            const style = getComputedStyle(el);
            return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                    colour: style.outlineColor, background: style.backgroundColor};
        }"""
    )
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["colour"], ring["background"]) >= 3, ring
    assert contrast(ring["colour"], "rgb(255, 255, 255)") >= 3, ring
    page.screenshot(path=str(ARTIFACTS / "31-queue-focus-ring.png"))


# --- Undo --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_u_undoes_the_last_actions_one_after_another(
    live_server, page: Page, rita: User, article: Article
) -> None:
    log_in(page, live_server.url, rita.username)
    first_id = open_queue(page, live_server.url, f"?article={article.pk}")
    first = row(page, first_id)
    page.keyboard.press("a")  # accept; the cursor moves on
    expect(first.locator(".claim-status-badge")).to_have_text("Accepted")
    second = page.locator("#queue-rows tr.queue-row").nth(1)
    expect(second).to_have_class(re.compile("current"))
    second_id = second.get_attribute("data-claim")
    page.keyboard.press("x")
    expect(row(page, second_id).locator(".claim-status-badge")).to_have_text("Dismissed")

    page.keyboard.press("u")  # the dismissal first
    expect(row(page, second_id).get_by_role("status")).to_contain_text(
        "Undone: claim back among the candidates."
    )
    expect(row(page, second_id)).to_have_class(re.compile("current"))
    page.keyboard.press("u")  # then the acceptance
    expect(first.locator(".claim-status-badge")).to_have_text("Candidate")
    expect(first).to_have_class(re.compile("current"))
    expect(first).to_be_focused()
    page.keyboard.press("u")
    expect(page.locator("#queue-status")).to_have_text("Nothing to undo on this page.")
    assert set(
        Claim.objects.filter(pk__in=[first_id, second_id]).values_list("status", flat=True)
    ) == {"candidate"}

    page.keyboard.press("t")
    expect(first.get_by_role("status")).to_contain_text("Assigned to rita.")
    page.keyboard.press("u")
    expect(first.get_by_role("status")).to_contain_text("Undone: assigned to nobody.")
    assert Claim.objects.get(pk=first_id).assignee is None

    # `r` is where "back to candidates" went; the help lists both keys.
    page.keyboard.press("a")
    expect(first.locator(".claim-status-badge")).to_have_text("Accepted")
    expect(second).to_have_class(re.compile("current"))
    page.keyboard.press("k")
    page.keyboard.press("r")
    expect(first.locator(".claim-status-badge")).to_have_text("Candidate")
    page.keyboard.press("?")
    keys = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(keys).to_contain_text("Undo your last accept, dismiss, reopen, take or text edit")
    expect(keys).to_contain_text("Back to candidates (reopen)")
    page.screenshot(path=str(ARTIFACTS / "32-queue-keys-with-undo.png"))
