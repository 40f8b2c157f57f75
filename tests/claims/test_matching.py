"""The newsroom's memory: a claim checked before is recognised in a new article, with the
earlier verdict one click away; conflicting figures are flagged; decisions stick."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Claim, ClaimMatch, ConflictGroup, HistoryEvent, Verdict
from claims.services import verdict_approve
from claims.services.matching import (
    article_match,
    claim_match_confirm,
    claim_match_reject,
    claim_matches,
    conflict_group_dismiss,
    match_summaries,
    verdict_reuse,
)
from tests.claims.factories import (
    api_for,
    client_for,
    make_article,
    make_user,
    submitted_verdict,
)
from tests.conftest import WorkerProcess, wait_for

# Two wire reports on the same day, in different words, and a third on another subject that
# shares the topic word "tariffs".
FIRST = (
    "Washington raised tariffs on Chinese goods to 145% in April, the White House said. "
    "The Commerce Ministry in Beijing called the move unilateral bullying. "
    "Soybean exports to China fell 40% in the first quarter, according to the Agriculture "
    "Department."
)
SECOND = (
    "Importers are struggling with the 145% tariffs that the United States imposed on goods "
    "from China this spring. "
    "American soybean shipments to China dropped 40% in the first three months of the year, "
    "Agriculture Department figures show. "
    "Retailers warned of empty shelves before the holidays."
)
THIRD = (
    "Canada's steel producers said tariffs on their exports had cost 3,000 jobs. "
    "The union representing the workers called for talks in Ottawa."
)
# The same measure with another value: a conflict, not a match.
FOURTH = (
    "The United States now charges tariffs of up to 130% on Chinese goods, a trade lawyer said. "
    "Shipping rates across the Pacific have doubled."
)


def _claim(article: Article, needle: str) -> Claim:
    claim = article.claims.filter(claim_text__contains=needle).first()
    assert claim is not None, [c.claim_text for c in article.claims.all()]
    return claim


def _matched(*bodies: str) -> list[Article]:
    articles = []
    for body in bodies:
        article = make_article(body, source_url="")
        article_match(article_id=article.pk)
        articles.append(article)
    return articles


def _pair(a: Claim, b: Claim) -> ClaimMatch | None:
    low, high = sorted((a.pk, b.pk))
    return ClaimMatch.objects.filter(claim_low_id=low, claim_high_id=high).first()


@pytest.mark.django_db
def test_a_repeated_claim_is_matched_and_a_topic_word_is_not() -> None:
    first, second, third = _matched(FIRST, SECOND, THIRD)
    soy_1, soy_2 = _claim(first, "Soybean"), _claim(second, "soybean")
    tariff_1, tariff_2 = _claim(first, "145%"), _claim(second, "145%")

    assert _pair(soy_1, soy_2) is not None
    assert _pair(tariff_1, tariff_2) is not None
    steel = _claim(third, "steel")
    for claim in (tariff_1, tariff_2, soy_1):
        assert _pair(claim, steel) is None
    # Matches stay between articles: nothing in one article is matched with itself.
    assert not ClaimMatch.objects.filter(claim_low__article=first, claim_high__article=first)

    shown = claim_matches(claim=soy_2)
    assert [m.other.pk for m in shown][:1] == [soy_1.pk]
    assert shown[0].other.article.pk == first.pk


@pytest.mark.django_db
def test_matching_again_is_idempotent_and_a_rejected_pair_is_never_suggested_again(
    rita: User,
) -> None:
    first, second = _matched(FIRST, SECOND)
    soy_1, soy_2 = _claim(first, "Soybean"), _claim(second, "soybean")
    pairs = ClaimMatch.objects.count()

    Article.objects.update(matched_version="")
    article_match(article_id=second.pk)
    assert ClaimMatch.objects.count() == pairs

    claim_match_reject(claim=soy_2, other_id=soy_1.pk, actor=rita)
    Article.objects.update(matched_version="")
    article_match(article_id=second.pk)
    article_match(article_id=first.pk)
    match = _pair(soy_1, soy_2)
    assert match is not None and match.tier == "rejected" and match.decided_by == rita
    assert soy_1.pk not in [m.other.pk for m in claim_matches(claim=soy_2)]
    notes = HistoryEvent.objects.filter(action="match_rejected").values_list("claim_id", flat=True)
    assert set(notes) == {soy_1.pk, soy_2.pk}


@pytest.mark.django_db
def test_checked_before_shows_the_published_verdict_and_reuse_starts_a_linked_draft(
    rita: User, rob: User, eddie: User
) -> None:
    first, second = _matched(FIRST, SECOND)
    soy_1, soy_2 = _claim(first, "Soybean"), _claim(second, "soybean")
    published = verdict_approve(verdict=submitted_verdict(soy_1, rita), editor=eddie)

    summary = match_summaries([soy_2.pk])[soy_2.pk]
    assert summary.checked is not None and summary.checked.pk == published.pk

    page = client_for(rob).get(f"/claims/{soy_2.pk}/matches/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert published.rating is not None
    assert "Checked before:" in html and published.rating.label in html
    assert f"claim #{soy_1.pk}" in html

    # Reuse needs a confirmed match: a suggestion is not enough.
    match = _pair(soy_1, soy_2)
    assert match is not None
    if match.tier != "confirmed":
        with pytest.raises(Exception, match="Confirm"):
            verdict_reuse(claim=soy_2, source=published, author=rob)
    claim_match_confirm(claim=soy_2, other_id=soy_1.pk, actor=rob)
    draft = verdict_reuse(claim=soy_2, source=published, author=rob)
    assert draft.status == Verdict.Status.DRAFT and draft.reused_from_id == published.pk
    assert draft.rating_id == published.rating_id and draft.summary == published.summary
    assert draft.rationale == published.rationale
    assert sorted(draft.citations.values_list("url", flat=True)) == sorted(
        published.citations.values_list("url", flat=True)
    )
    assert HistoryEvent.objects.filter(claim=soy_2, action="verdict_reused").exists()
    form = client_for(rob).get(f"/claims/{soy_2.pk}/verdict/").content.decode()
    assert "this draft started from the verdict published on" in form
    assert f'href="/claims/{soy_1.pk}/#verdict"' in form


@pytest.mark.django_db
def test_conflicting_figures_form_one_group_that_can_be_dismissed(rita: User) -> None:
    first, second, _third, fourth = _matched(FIRST, SECOND, THIRD, FOURTH)
    tariff_1, lawyer = _claim(first, "145%"), _claim(fourth, "130%")
    # A different figure for the same thing is a conflict, never a match.
    assert _pair(tariff_1, lawyer) is None
    group = ConflictGroup.objects.get(members__claim=lawyer)
    values = set(group.members.values_list("value", flat=True))
    assert {145.0, 130.0} <= values and group.distinct_values >= 2
    assert not group.members.filter(claim__article=_third).exists()
    assert match_summaries([lawyer.pk])[lawyer.pk].conflicts == 1

    listing = client_for(rita).get("/conflicts/").content.decode()
    assert group.label in listing and "145%" in listing and "130" in listing

    conflict_group_dismiss(group=group, actor=rita, note="The 130% is an older proposal.")
    assert match_summaries([lawyer.pk])[lawyer.pk].conflicts == 0
    assert group.label not in client_for(rita).get("/conflicts/").content.decode()


@pytest.mark.django_db
def test_api_matches_confirm_reject_and_conflicts(rita: User) -> None:
    first, second, _third, _fourth = _matched(FIRST, SECOND, THIRD, FOURTH)
    soy_1, soy_2 = _claim(first, "Soybean"), _claim(second, "soybean")
    api = api_for(rita)

    listed = api.get(f"/api/claims/{soy_2.pk}/matches/").json()
    assert listed[0]["claim"]["id"] == soy_1.pk
    assert listed[0]["article"]["id"] == first.pk and listed[0]["verdict"] is None
    assert listed[0]["tier"] in {"suggested", "confirmed"} and 0 < listed[0]["score"] <= 1

    claim_json = api.get(f"/api/claims/{soy_2.pk}/").json()
    assert claim_json["matches_count"] >= 1 and claim_json["conflicts_count"] == 0
    page = api.get(f"/api/claims/?article={second.pk}").json()["results"]
    assert {c["id"]: c["matches_count"] for c in page}[soy_2.pk] >= 1

    confirmed = api.post(f"/api/claims/{soy_2.pk}/matches/{soy_1.pk}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["tier"] == "confirmed"
    rejected = api.post(f"/api/claims/{soy_2.pk}/matches/{soy_1.pk}/reject/")
    assert rejected.status_code == 204
    assert soy_1.pk not in [
        m["claim"]["id"] for m in api.get(f"/api/claims/{soy_2.pk}/matches/").json()
    ]
    steel = _claim(_third, "steel")
    unmatched = api.post(f"/api/claims/{soy_2.pk}/matches/{steel.pk}/confirm/")
    assert unmatched.status_code == 404

    conflicts = api.get("/api/conflicts/").json()["results"]
    assert conflicts and {"id", "measure", "claims"} <= set(conflicts[0])
    assert {"id", "article", "value", "unit", "text"} <= set(conflicts[0]["claims"][0])


@pytest.mark.django_db
@pytest.mark.parametrize("extra_articles", [0, 4])
def test_badges_and_panels_cost_the_same_queries_as_matches_grow(
    extra_articles: int, rita: User, django_assert_max_num_queries: object
) -> None:
    first, second = _matched(FIRST, SECOND)
    towns = ["Des Moines", "Omaha", "Fargo", "Topeka"]
    for town in towns[:extra_articles]:
        # Another paper's story each time (not a near-copy), repeating the soybean figure.
        _matched(
            f"Farmers near {town} met on Tuesday to discuss storage costs and rail freight. "
            "American soybean shipments to China dropped 40% in the first three months of the "
            f"year. The {town} co-operative expects a smaller harvest than last year."
        )
    soy_2 = _claim(second, "soybean")
    client = client_for(rita)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/queue/?min_score=0").status_code == 200
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        panel = client.get(f"/claims/{soy_2.pk}/matches/", HTTP_HX_REQUEST="true")
    assert "Similar claims in" in panel.content.decode()
    # The claim page itself fetches the panel when it opens: matching adds no query to it.
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        page = client.get(f"/claims/{soy_2.pk}/")
    assert f'hx-get="/claims/{soy_2.pk}/matches/"' in page.content.decode()
    # The article page's badges: pairs, the matched claims' published verdicts, conflicts.
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(f"/articles/{second.pk}/").status_code == 200


@pytest.mark.worker
@pytest.mark.sqlite_too
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_matches_after_each_split(
    celery_worker: WorkerProcess, workbench_defaults: None
) -> None:
    api = api_for(make_user("rita", "Reviewer"))
    ids = []
    for body in (FIRST, SECOND):
        response = api.post("/api/articles/", {"body": body}, format="json")
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])

    def matched() -> bool:
        return Article.objects.filter(pk__in=ids, matched_version__gt="").count() == 2

    assert wait_for(matched, timeout=90), celery_worker.output()[-3000:]
    soy_2 = Claim.objects.get(article_id=ids[1], claim_text__contains="soybean")
    listed = api.get(f"/api/claims/{soy_2.pk}/matches/").json()
    assert listed and listed[0]["article"]["id"] == ids[0]
    assert "oybean" in listed[0]["claim"]["text"]
