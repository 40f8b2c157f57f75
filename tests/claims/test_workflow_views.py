"""The workflow screens: what each role sees, in-place updates, conflicts, constant queries."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims import services
from claims.models import Article, Claim, HistoryEvent, Verdict
from tests.claims.factories import (
    RATIONALE,
    good_input,
    make_article,
    make_claim,
    make_user,
    rating,
    submitted_verdict,
)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rita(db: None) -> User:
    return make_user("rita", "Reviewer")


@pytest.fixture
def eddie(db: None) -> User:
    return make_user("eddie", "Editor")


def many_claims(count: int) -> Article:
    article = Article.objects.create(title="Many", body="word " * (count + 1))
    Claim.objects.bulk_create(
        Claim(
            article=article,
            start=i * 5,
            end=i * 5 + 4,
            text="word",
            claim_text=f"Claim {i}",
            score=(i % 100) / 100,
        )
        for i in range(count)
    )
    return article


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.django_db
def test_queue_runs_a_constant_number_of_queries(
    count: int, rita: User, django_assert_max_num_queries
) -> None:
    article = many_claims(count)
    for claim in Claim.objects.filter(article=article)[:5]:
        services.claim_edit(claim=claim, actor=rita, tags=["economy"])
        services.claim_take(claim=claim, actor=rita)
    client = client_for(rita)
    with django_assert_max_num_queries(14):
        response = client.get("/queue/")
    assert response.status_code == 200
    assert response.content.decode().count('class="queue-row') == min(count, 50)


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.django_db
def test_claim_page_runs_a_constant_number_of_queries(
    count: int, rita: User, eddie: User, django_assert_max_num_queries
) -> None:
    article = many_claims(count)
    claim = Claim.objects.filter(article=article).first()
    assert claim is not None
    for i in range(5):
        services.comment_add(claim=claim, actor=rita, body=f"Note {i}")
    submitted_verdict(claim, rita)
    client = client_for(eddie)
    with django_assert_max_num_queries(14):
        response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_queue_is_highest_score_first_and_filters(rita: User) -> None:
    article = make_article()
    html = client_for(rita).get("/queue/").content.decode()
    claims = list(article.claims.order_by("-score"))
    positions = [html.index(f'id="row-{c.pk}"') for c in claims]
    assert positions == sorted(positions)
    filtered = client_for(rita).get(f"/queue/?kind=quantity&article={article.pk}").content.decode()
    for claim in claims:
        assert (f'id="row-{claim.pk}"' in filtered) == (claim.kind == "quantity")


@pytest.mark.django_db
def test_accept_from_the_queue_swaps_the_row_in_place(rita: User) -> None:
    claim = make_claim()
    response = client_for(rita).post(
        f"/claims/{claim.pk}/status/",
        {"status": "accepted", "version": claim.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(
        f'<tr class="queue-row status-row-accepted" id="row-{claim.pk}"'
    )
    assert "Claim accepted." in html
    assert Claim.objects.get(pk=claim.pk).status == "accepted"


@pytest.mark.django_db
def test_stale_row_action_shows_the_conflict_and_the_current_row(rita: User, eddie: User) -> None:
    claim = make_claim()
    services.claim_dismiss(claim=claim, actor=eddie)
    response = client_for(rita).post(
        f"/claims/{claim.pk}/status/",
        {"status": "accepted", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "This claim changed after the page was loaded: eddie dismissed it" in html
    assert "Nothing was done" in html
    assert "status-row-dismissed" in html
    assert Claim.objects.get(pk=claim.pk).status == "dismissed"


@pytest.mark.django_db
def test_bulk_dismiss_and_assign(rita: User, eddie: User) -> None:
    article = make_article()
    ids = [str(i) for i in article.claims.values_list("id", flat=True)]
    client = client_for(eddie)
    client.post("/queue/bulk/", {"claim": ids, "action": "dismiss"})
    assert set(article.claims.values_list("status", flat=True)) == {"dismissed"}
    client.post("/queue/bulk/", {"claim": ids, "action": "assign", "assignee": rita.pk})
    assert set(article.claims.values_list("assignee", flat=True)) == {rita.pk}
    # A reviewer may not hand claims to others.
    client_for(rita).post("/queue/bulk/", {"claim": ids, "action": "assign", "assignee": eddie.pk})
    assert set(article.claims.values_list("assignee", flat=True)) == {rita.pk}


@pytest.mark.django_db
def test_user_without_a_role_gets_403_not_data(db: None) -> None:
    claim = make_claim()
    client = client_for(make_user("olga"))
    for url in ["/queue/", f"/claims/{claim.pk}/", "/", f"/articles/{claim.article_id}/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert claim.claim_text not in response.content.decode()


@pytest.mark.django_db
def test_reviewer_cannot_open_the_editor_queue(rita: User, eddie: User) -> None:
    assert client_for(rita).get("/editor/").status_code == 403
    assert client_for(eddie).get("/editor/").status_code == 200


@pytest.mark.django_db
def test_verdict_form_saves_a_draft_with_two_citations_then_submits(rita: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    assert client.get(f"/claims/{claim.pk}/verdict/").status_code == 200
    form = {
        "rating": rating("Mostly false").pk,
        "summary": "The US relies on China for 15 critical minerals",
        "rationale": RATIONALE + " USGS lists *12*. <script>alert(1)</script>",
        "citations-TOTAL_FORMS": "2",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "citations-0-url": "https://www.usgs.gov/mcs",
        "citations-0-title": "Mineral Commodity Summaries",
        "citations-0-publisher": "USGS",
        "citations-0-archived_url": "https://web.archive.org/web/2025/https://www.usgs.gov/mcs",
        "citations-0-stance": "refutes",
        "citations-0-is_primary": "on",
        "citations-1-url": "https://example.org/report",
        "citations-1-title": "A report",
        "citations-1-publisher": "Example",
        "citations-1-archived_url": "https://archive.ph/abcd",
        "citations-1-stance": "context",
        "citations-1-accessed_at": "2025-05-20",
    }
    response = client.post(f"/claims/{claim.pk}/verdict/", {**form, "save": "1"})
    assert response.status_code == 302
    verdict = Verdict.objects.get()
    assert verdict.status == "draft" and verdict.citations.count() == 2
    response = client.post(
        f"/claims/{claim.pk}/verdict/",
        {**form, "verdict": verdict.pk, "version": verdict.version, "submit": "1"},
    )
    assert response.status_code == 302
    verdict.refresh_from_db()
    assert verdict.status == "submitted"
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page  # rationale is sanitised Markdown
    assert "<em>12</em>" in page


@pytest.mark.django_db
def test_two_browsers_editing_one_verdict_lose_nothing(rita: User) -> None:
    claim = make_claim()
    verdict = services.verdict_save_draft(
        claim=claim, author=rita, data=services.VerdictInput(summary="First")
    )
    base = {
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "verdict": verdict.pk,
        "version": verdict.version,
    }
    tab_one, tab_two = client_for(rita), client_for(rita)
    assert (
        tab_one.post(f"/claims/{claim.pk}/verdict/", {**base, "summary": "Tab one"}).status_code
        == 302
    )
    response = tab_two.post(f"/claims/{claim.pk}/verdict/", {**base, "summary": "Tab two"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Tab one" in html  # theirs, shown
    assert 'value="Tab two"' in html  # mine, still in the form
    assert Verdict.objects.get().summary == "Tab one"


@pytest.mark.django_db
def test_editor_approves_from_the_review_page_and_the_claim_shows_it(
    rita: User, eddie: User
) -> None:
    claim = make_claim()
    verdict = submitted_verdict(claim, rita)
    client = client_for(eddie)
    page = client.get(f"/verdicts/{verdict.pk}/").content.decode()
    assert "Checklist" in page and "Approve" in page
    response = client.post(
        f"/verdicts/{verdict.pk}/decide/", {"decision": "approve", "version": verdict.version}
    )
    assert response.status_code == 302
    claim_page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Approved" in claim_page and "verdict_approved" in claim_page


@pytest.mark.django_db
def test_requested_changes_reach_the_reviewer_on_their_next_visit(rita: User, eddie: User) -> None:
    claim = make_claim()
    verdict = submitted_verdict(claim, rita)
    client_for(eddie).post(
        f"/verdicts/{verdict.pk}/decide/",
        {
            "decision": "request_changes",
            "note": "Add the 2025 USGS figure",
            "verdict": verdict.pk,
            "version": verdict.version,
        },
    )
    home = client_for(rita).get("/").content.decode()
    assert "An editor asked for changes on 1 of your verdicts" in home
    desk = client_for(rita).get("/my/").content.decode()
    assert "Add the 2025 USGS figure" in desk


@pytest.mark.django_db
def test_review_page_shows_what_changed_since_the_last_submission(rita: User, eddie: User) -> None:
    claim = make_claim()
    verdict = submitted_verdict(claim, rita)
    services.verdict_request_changes(verdict=verdict, editor=eddie, note="Say which year")
    verdict = services.verdict_save_draft(
        claim=claim,
        author=rita,
        verdict=Verdict.objects.get(),
        data=services.VerdictInput(
            rating_id=verdict.rating_id,
            summary=verdict.summary,
            rationale=RATIONALE.replace("Summaries 2025", "Summaries 2024"),
            citations=good_input().citations,
        ),
    )
    services.verdict_submit(verdict=verdict, actor=rita)
    page = client_for(eddie).get(f"/verdicts/{verdict.pk}/").content.decode()
    assert "Changes since the last submission" in page
    assert "Summaries <del>2025</del> <ins>2024</ins>" in page


@pytest.mark.django_db
def test_selecting_text_in_the_article_adds_a_claim(rita: User) -> None:
    article = make_article()
    quote = "15 critical minerals"
    start = article.body.index(quote)
    response = client_for(rita).post(
        f"/articles/{article.pk}/claims/new/",
        {"start": start, "end": start + len(quote), "quote": quote},
    )
    claim = Claim.objects.get(origin="reviewer")
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    assert HistoryEvent.objects.filter(claim=claim, action="created", actor=rita).exists()


@pytest.mark.django_db
def test_a_failed_submit_keeps_the_saved_draft_and_its_version(rita: User) -> None:
    claim = make_claim()
    client = client_for(rita)
    form = {
        "rating": rating().pk,
        "summary": "A claim about minerals",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/claims/{claim.pk}/verdict/", {**form, "submit": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The draft is saved, but it cannot be submitted yet" in html
    # Every missing piece is listed at the top, not just the first.
    assert "Add the sources you checked against." in html
    assert "The rationale has 0 words" in html
    verdict = Verdict.objects.get()
    assert verdict.status == "draft"
    assert f'name="version" value="{verdict.version}"' in html  # the next save is not a conflict


@pytest.mark.django_db
def test_a_rejected_comment_does_not_wipe_the_tags_in_the_claim_form(rita: User) -> None:
    claim = make_claim()
    services.claim_edit(claim=claim, actor=rita, tags=["economy", "trade"])
    html = client_for(rita).post(f"/claims/{claim.pk}/comments/", {"body": " "}).content.decode()
    assert 'value="economy, trade"' in html


@pytest.mark.django_db
def test_a_user_without_a_role_cannot_requeue_a_failed_article(db: None) -> None:
    article = make_article()
    Article.objects.filter(pk=article.pk).update(status="failed")
    response = client_for(make_user("olga")).post(f"/articles/{article.pk}/retry/")
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).status == "failed"


@pytest.mark.django_db
def test_queue_search_finds_the_same_claims_as_the_api(rita: User) -> None:
    from rest_framework.test import APIClient

    make_article("Copper exports fell 21% in May. Soybean imports rose 3% in June.")
    html = client_for(rita).get("/queue/?status=&search=copper exports").content.decode()
    api = APIClient()
    api.force_authenticate(rita)
    found = api.get("/api/claims/?search=copper exports").json()["results"]
    assert found
    for claim in found:
        assert f'id="row-{claim["id"]}"' in html
    assert html.count('class="queue-row') == len(found)


@pytest.mark.django_db
def test_the_queues_next_links_show_every_claim_once_best_first(rita: User) -> None:
    many_claims(120)
    client = client_for(rita)
    url: str | None = "/queue/"
    seen: list[int] = []
    scores: list[float] = []
    while url:
        html = client.get(url).content.decode()
        assert "120 claims" in html
        ids = [int(i) for i in re.findall(r'name="claim" value="(\d+)"', html)]
        seen += ids
        scores += [Claim.objects.get(pk=i).score for i in ids]
        nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = "/queue/" + unescape(nxt.group(1)) if nxt else None
    assert len(seen) == len(set(seen)) == 120
    assert scores == sorted(scores, reverse=True)
    # A link from an older page layout, or one cut short, opens the first page.
    first = client.get("/queue/?cursor=garbage")
    assert first.status_code == 200
    assert re.findall(r'name="claim" value="(\d+)"', first.content.decode())[:50] == [
        str(i) for i in seen[:50]
    ]


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.django_db
def test_article_page_runs_a_constant_number_of_queries(
    count: int, rita: User, django_assert_max_num_queries
) -> None:
    article = many_claims(count)
    client = client_for(rita)
    # Session, user, roles, the article, its claims, its versions, the menu count, and the
    # claims' match badges (pairs, conflicting figures), found by the article.
    with django_assert_max_num_queries(9):
        response = client.get(f"/articles/{article.pk}/")
    html = response.content.decode()
    assert html.count('class="claim-card') == count
    assert html.count('<a class="hl hl-candidate') == count


@pytest.mark.django_db
def test_article_page_escapes_what_the_text_and_the_claims_hold(rita: User) -> None:
    body = 'Tariffs <script>alert("x")</script> rose 145% & more.'
    article = Article.objects.create(title="Escaping", body=body)
    claim = Claim.objects.create(
        article=article,
        start=0,
        end=len(body),
        text=body,
        claim_text='Tariffs rose 145% <img src=x onerror="alert(1)">',
        reasons=["a percentage", "<b>bold</b>"],
        score=0.125,
        checkworthy=False,
        kind="quantity",
    )
    html = client_for(rita).get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    # The highlight links to the claim and says what it is; the score shows as floatformat did.
    assert f'href="/claims/{claim.pk}/" data-claim="{claim.pk}"' in html
    assert 'title="Candidate · Quantity · score 0.13"' in html
