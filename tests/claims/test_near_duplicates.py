"""The same article twice: an edited or re-wrapped copy of an article points to it, and a changed
text is kept as a version of it, from every door (paste, upload, the API)."""

from __future__ import annotations

import importlib
import os
import random
import subprocess
import sys
import threading
import time
from typing import Any

import httpx
import numpy as np
import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from openapi_core import OpenAPI
from rest_framework.test import APIClient

import claims.matching.neardup as nd
from claims.models import Article, ArticleBand, ArticleVersion, Claim, HistoryEvent
from claims.services import article_ingest, article_split
from tests.claims.api.test_generated_client import schema_checker
from tests.claims.factories import api_for, client_for, make_user, token_for
from tests.conftest import ROOT

# A local news story, and the same story as another paper wrote it (shared facts and one shared
# quote, different sentences): the second must never be taken for a copy of the first. One
# paragraph a line, as pasted from a news site (hence the long lines).
STORY = """Council approves 9% water rate rise after the driest summer on record

Water bills in Port Halden will rise by 9% from January after the city council voted 7–2 on Tuesday night to approve the increase, the largest in more than a decade.

The average household currently pays £412 a year for water and sewerage. Under the new tariff that figure will climb to about £449, according to figures presented to councillors by the city’s finance department.

Officials said the rise was needed to pay for repairs to the Ashby reservoir dam and to replace roughly 60 kilometres of Victorian-era mains, which they said lose an estimated 18% of treated water to leaks before it reaches a tap.

“Nobody on this council wanted to vote for higher bills,” said the mayor, Diane Okafor, after the meeting. “But we cannot keep patching pipes that were laid when Queen Victoria was on the throne. Every summer we lose more water than the whole of the Eastgate district uses in a year.”

The vote followed the driest June-to-August period since local records began in 1884. Rainfall over the three months was 41 millimetres, less than a third of the long-term average, and a hosepipe ban was in force for seven weeks.

Opposition councillors argued that the increase would fall hardest on pensioners and families already struggling with energy costs. Councillor Mark Reyes, who voted against, said the utility had “sat on a maintenance backlog for twenty years” and was now asking residents to pay for that neglect all at once.

He proposed phasing the rise over three years, at 3% a year, but the amendment was defeated.

The council said that households receiving pension credit or universal credit would be eligible for a 50% discount under an expanded social tariff, which it expects about 6,000 homes to claim. Last year 3,800 households received the existing, smaller discount.

Consumer groups gave the package a cautious welcome. A spokesperson for the regional branch of the Consumer Council for Water said the social tariff was “a step in the right direction”, but warned that many eligible households never apply for such schemes.

The utility’s chief executive, Paul Lindqvist, told councillors that leakage would fall to 12% by 2028 if the replacement programme stayed on schedule. He said work on the first 15 kilometres of mains, under the high street and around the hospital, would begin in March.

Residents will receive letters explaining the new charges in December. The council said it would publish a quarterly report on the progress of the repairs, including the amount of water lost to leaks.
"""  # noqa: E501

SAME_STORY_ELSEWHERE = """Port Halden residents face steep water bill increase as council backs repair plan

Port Halden households will pay more for their water next year after councillors backed a rise that officials say is needed to fix a leaking network.

The increase, approved by seven votes to two at a packed meeting in the town hall, will add roughly £37 to a typical annual bill of £412 from the start of January.

The city’s finance department told the meeting that the money would go towards strengthening the dam at Ashby reservoir and replacing old cast-iron mains. About 18% of the water the utility treats is lost through leaks, it said.

The mayor, Diane Okafor, defended the decision. “Nobody on this council wanted to vote for higher bills,” she said. “But the pipes under our streets are older than anyone in this room.”

This summer was the driest in the area since 1884, with only 41 millimetres of rain falling between June and August. A hosepipe ban lasted almost two months.

Critics said the timing was poor. Mark Reyes, one of the two councillors who opposed the plan, said families were still recovering from last winter’s energy bills and that the rise should have been spread over several years. His proposal to do so was rejected.

Under the plan, low-income households and pensioners on benefits can apply for half-price bills. The council estimates that around 6,000 homes will qualify, up from about 3,800 under the current scheme.

Paul Lindqvist, who runs the utility, said the first phase of pipe replacement would start in the spring in the town centre. He predicted that leakage would drop to 12% within four years.

Campaigners said they would watch closely to make sure the money was spent on repairs. “People will accept paying more if they can see the leaks being fixed,” said Helen Marsh of the Port Halden Residents’ Association. “If they can’t, there will be anger.”

Letters explaining the new charges will be sent to all households in December.
"""  # noqa: E501

# A different story altogether, for the articles that fill the workbench in the query counts.
OTHER_STORY = """Ferry operator cuts winter crossings to the islands

The Halden Ferry Company will run four crossings a day to Mull Point this winter instead of six, it said on Monday, blaming a shortage of qualified engineers and the rising price of marine diesel.
"""  # noqa: E501

PARAGRAPHS = STORY.split("\n\n")
HEADER = (
    "Port Halden Gazette | News | Local | Tuesday 14 October\n"
    "Sign up to our morning newsletter for the stories that matter in Port Halden.\n\n"
)
FOOTER = (
    "\n\nThis article was amended on 15 October to correct the date of the council meeting.\n\n"
    "Comments are closed on this story. Read our community guidelines. © Port Halden Gazette "
    "Ltd. All rights reserved. Reproduction without permission is prohibited."
)
OTHER_HEADER = (
    "HOME > NEWS > POLITICS\nShare this article: Facebook Twitter WhatsApp Email\nAdvertisement\n\n"
)
OTHER_FOOTER = (
    "\n\nMore from Politics\nCouncil tax freeze ruled out for next year\nBus routes to be cut "
    "in spring timetable review\n\nWe use cookies to improve your experience. By continuing to "
    "browse you agree to our use of cookies."
)


def corrected(text: str) -> str:
    """The story after the sub-editors: a vote count, a figure and a name corrected."""
    return (
        text.replace("7–2", "8–1")
        .replace("£449", "£450")
        .replace("Paul Lindqvist", "Paul Lindquist")
        .replace("Tuesday night", "Monday night")
        .replace("roughly 60", "about 60")
        .replace("cautious welcome", "guarded welcome")
    )


def plain_punctuation(text: str) -> str:
    return text.replace("’", "'").replace("“", '"').replace("”", '"').replace("–", "-")


NEAR_COPIES = {
    "six words corrected": corrected(STORY),
    "a new headline": "Water bills to rise 9% in Port Halden as council backs pipe repairs"
    + STORY[STORY.index("\n") :],
    "a paragraph added at the end": STORY
    + "\nUpdate: the council has since said the first letters will go out in late November.\n",
    "a paragraph cut": "\n\n".join(PARAGRAPHS[:5] + PARAGRAPHS[6:]),
    "paragraphs reordered": "\n\n".join(
        PARAGRAPHS[:2] + [PARAGRAPHS[4], PARAGRAPHS[3], PARAGRAPHS[2]] + PARAGRAPHS[5:]
    ),
    "the site's header and footer": HEADER + STORY + FOOTER,
}


# --- The pure functions ----------------------------------------------------------------------


def test_trailing_space_quotes_dashes_and_case_are_not_differences() -> None:
    for copy in [
        STORY + "  \n",
        plain_punctuation(STORY),
        STORY.upper(),
        STORY.replace(" ", "\u00a0", 20),
    ]:
        assert nd.normalise(copy) == nd.normalise(STORY)
        assert nd.similarity(nd.signature(copy), nd.signature(STORY)) == 1.0


@pytest.mark.parametrize("change", NEAR_COPIES)
def test_an_edited_copy_is_above_the_threshold_and_shares_a_band(change: str) -> None:
    original, copy = nd.signature(STORY), nd.signature(NEAR_COPIES[change])
    assert settings.NEAR_DUPLICATE_THRESHOLD <= nd.similarity(original, copy) < 1.0
    assert set(nd.band_keys(original)) & set(nd.band_keys(copy))


def test_two_sites_boilerplate_around_the_same_story_is_still_a_copy() -> None:
    # The hardest case measured: each copy has text the other lacks, at both ends.
    first = nd.signature(HEADER + STORY + FOOTER)
    second = nd.signature(OTHER_HEADER + STORY + OTHER_FOOTER)
    assert nd.similarity(first, second) >= settings.NEAR_DUPLICATE_THRESHOLD


def test_another_papers_article_on_the_same_story_is_not_a_copy() -> None:
    ours, theirs = nd.signature(STORY), nd.signature(SAME_STORY_ELSEWHERE)
    assert nd.similarity(ours, theirs) < 0.1
    assert not set(nd.band_keys(ours)) & set(nd.band_keys(theirs))


def _exact_jaccard(a: str, b: str) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = nd.words(text)
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second)


@pytest.mark.parametrize("change", NEAR_COPIES)
def test_the_estimate_is_close_to_the_exact_jaccard_similarity(change: str) -> None:
    copy = NEAR_COPIES[change]
    estimate = nd.similarity(nd.signature(STORY), nd.signature(copy))
    # Two and a half standard deviations of a 256-function estimate near 0.9.
    assert abs(estimate - _exact_jaccard(STORY, copy)) < 0.05


def test_a_short_text_still_has_a_signature_and_short_texts_differ() -> None:
    assert len(nd.shingle_hashes("Exports fell 21%.")) == 1
    assert len(nd.shingle_hashes("Exports fell 21% in May, the office said.")) == 4
    assert nd.similarity(nd.signature("Exports fell 21%."), nd.signature("Imports rose 3%.")) == 0
    assert len(nd.shingle_hashes("🙂 🙃")) == 1


def test_band_keys_are_signed_64_bit_and_the_same_in_every_process() -> None:
    keys = nd.band_keys(nd.signature(STORY))
    assert 1 < len(keys) <= nd.BANDS and keys == sorted(set(keys))
    assert all(-(2**63) <= key < 2**63 for key in keys)
    # Stored keys are compared with keys computed later, by another process: no per-process
    # hash seed may enter them.
    script = (
        "import sys; import claims.matching.neardup as nd; "
        "print(nd.band_keys(nd.signature(sys.stdin.read())))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        input=STORY,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        check=True,
    )
    assert run.stdout.strip() == str(keys)


def test_a_signature_survives_storage_and_a_wrong_size_is_refused() -> None:
    signature = nd.signature(STORY)
    stored = nd.from_bytes(nd.to_bytes(signature))
    assert stored is not None and np.array_equal(stored, signature)
    assert nd.from_bytes(b"") is None
    assert nd.from_bytes(b"\x00" * 16) is None


def test_importing_neardup_loads_no_django_model() -> None:
    script = (
        "import sys, claims.matching.neardup; "
        "print(sorted(m for m in sys.modules if m.startswith(('django', 'claims.models'))))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert run.stdout.strip() == "[]"


# --- The service -----------------------------------------------------------------------------


@pytest.fixture
def story(db: None, reviewer: User) -> Article:
    """The story, ingested and split: its claims are what every copy must point to."""
    article = article_ingest(
        body=STORY, title="Water bills up 9% <after> drought & repairs", added_by=reviewer
    ).article
    article_split(article_id=article.pk)
    article.refresh_from_db()
    assert article.claims.exists()
    return article


def test_a_new_article_stores_its_signature_and_bands(story: Article) -> None:
    signature = nd.signature(STORY)
    assert story.minhash is not None and bytes(story.minhash) == nd.to_bytes(signature)
    assert sorted(story.bands.values_list("key", flat=True)) == nd.band_keys(signature)


def test_a_near_copy_becomes_a_version_of_the_article_not_a_second_article(
    story: Article, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    claims_before = set(Claim.objects.values_list("id", "start", "end"))
    with django_capture_on_commit_callbacks() as callbacks:
        result = article_ingest(
            body=corrected(STORY), title="Water rates", publisher="Gazette", added_by=editor
        )
    assert not callbacks  # no split queued: no second set of claims
    assert not result.created and result.article == story and result.duplicate_of == story
    assert result.version is not None and result.version_created and result.version_number == 2
    assert result.similarity == pytest.approx(
        nd.similarity(nd.signature(STORY), nd.signature(corrected(STORY)))
    )
    version = ArticleVersion.objects.get()
    assert (version.article, version.body, version.title) == (
        story,
        corrected(STORY),
        "Water rates",
    )
    assert (version.publisher, version.added_by, version.similarity) == (
        "Gazette",
        editor,
        result.similarity,
    )
    assert Article.objects.count() == 1
    assert set(Claim.objects.values_list("id", "start", "end")) == claims_before
    event = HistoryEvent.objects.get(action="new_version")
    assert (event.article, event.actor) == (story, editor)
    assert f"{result.similarity:.3f}" in event.note and "version 2" in event.note


def test_the_same_near_copy_again_is_the_version_already_kept(story: Article) -> None:
    first = article_ingest(body=corrected(STORY))
    again = article_ingest(body=corrected(STORY))
    assert again.version == first.version and not again.version_created
    assert again.version_number == 2 and again.article == story
    assert ArticleVersion.objects.count() == 1
    assert HistoryEvent.objects.filter(action="new_version").count() == 1


def test_versions_are_numbered_in_turn(story: Article) -> None:
    second = article_ingest(body=corrected(STORY))
    third = article_ingest(body=HEADER + STORY + FOOTER)
    assert (second.version_number, third.version_number) == (2, 3)
    assert story.versions.count() == 2


@pytest.mark.parametrize(
    "copy",
    [STORY + " ", STORY.rstrip("\n"), plain_punctuation(STORY), STORY.replace("\n", "\r\n")],
    ids=["trailing space", "no final newline", "straight quotes", "Windows line ends"],
)
def test_a_copy_equal_once_normalised_is_the_article_itself(story: Article, copy: str) -> None:
    result = article_ingest(body=copy)
    assert not result.created and result.article == story
    assert result.similarity == 1.0 and result.version is None
    assert not ArticleVersion.objects.exists() and Article.objects.count() == 1


def test_another_papers_story_and_a_different_story_are_new_articles(story: Article) -> None:
    assert article_ingest(body=SAME_STORY_ELSEWHERE).created
    assert article_ingest(body=OTHER_STORY).created
    assert Article.objects.count() == 3 and not ArticleVersion.objects.exists()


def test_the_threshold_is_a_setting(story: Article, settings: Any) -> None:
    settings.NEAR_DUPLICATE_THRESHOLD = 0.99
    assert article_ingest(body=corrected(STORY)).created


def _unrelated_text(seed: int) -> str:
    """A text of the stories' words in a random order: shares no five-word run with anything."""
    words = (STORY + SAME_STORY_ELSEWHERE).split()
    random.Random(seed).shuffle(words)
    return " ".join(words[:150])


def test_the_query_count_of_an_ingest_does_not_grow_with_the_articles(db: None) -> None:
    def counted(body: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            article_ingest(body=body)
        return len(queries)

    article_ingest(body=STORY)
    few = (counted(_unrelated_text(0)), counted(corrected(STORY)))
    ArticleVersion.objects.all().delete()
    for n in range(1, 41):
        assert article_ingest(body=_unrelated_text(n)).created
    many = (counted(_unrelated_text(99)), counted(corrected(STORY)))
    assert many == few
    new_article, new_version = few
    # A new article: hash, version hash, candidates, the article, its bands, its history. A new
    # version: hash, version hash, candidates, the article locked, the version, its number, the
    # history. PostgreSQL adds the band locks, and a test's transaction a savepoint and release.
    assert new_article <= 9 and new_version <= 10


def test_backfill_gives_existing_articles_bands_so_their_copies_are_found(story: Article) -> None:
    other = article_ingest(body=SAME_STORY_ELSEWHERE).article
    # As the articles were before migration 0013.
    ArticleBand.objects.all().delete()
    Article.objects.update(minhash=None)
    migration = importlib.import_module("claims.migrations.0013_article_minhash")
    migration.add_signatures_and_bands(django_apps, None)
    stored = Article.objects.get(pk=other.pk).minhash
    assert stored is not None and bytes(stored) == nd.to_bytes(nd.signature(SAME_STORY_ELSEWHERE))
    assert ArticleBand.objects.filter(article=story).count() == len(
        nd.band_keys(nd.signature(STORY))
    )
    migration.add_signatures_and_bands(django_apps, None)  # a second run changes nothing
    assert article_ingest(body=corrected(STORY)).article == story


def test_an_article_without_a_signature_is_never_matched(story: Article) -> None:
    Article.objects.update(minhash=None)
    assert article_ingest(body=corrected(STORY)).created


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_near_copies_at_the_same_moment_make_one_article(monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the band locks are PostgreSQL's")
    from claims.services import articles

    real = articles._ingest_known_text

    def slow(**kwargs: Any) -> Any:
        # Both ingests look for candidates before either commits, unless the band locks wait.
        time.sleep(0.5)
        return real(**kwargs)

    monkeypatch.setattr(articles, "_ingest_known_text", slow)
    start = threading.Barrier(2)
    results: list[Any] = []

    def ingest(body: str) -> None:
        try:
            start.wait()
            results.append(article_ingest(body=body))
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest, args=(b,)) for b in (STORY, corrected(STORY))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert Article.objects.count() == 1 and ArticleVersion.objects.count() == 1
    assert sorted(r.created for r in results) == [False, True]
    assert {ArticleVersion.objects.get().body, Article.objects.get().body} == {
        STORY,
        corrected(STORY),
    }


# --- The web forms: paste and upload --------------------------------------------------------


def _ingested_on(article: Article) -> str:
    return date_format(timezone.localtime(article.created_at), "j M")


def _page_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_pasting_a_near_copy_opens_the_article_and_says_which_version_it_kept(
    story: Article, editor: User
) -> None:
    claim_count = Claim.objects.count()
    response = client_for(editor).post(
        "/articles/new/", {"body": corrected(STORY), "title": "Water rates"}, follow=True
    )
    assert response.redirect_chain[-1][0] == story.get_absolute_url()
    version = ArticleVersion.objects.get()
    percent = round(version.similarity * 100)
    assert 80 <= percent < 100
    assert _page_messages(response) == [
        f"This text is {percent} % the same as “{story.title}”, ingested on "
        f"{_ingested_on(story)}: it was kept as version 2 of that article; its claims are below."
    ]
    page = response.content.decode()
    # The title is the user's: escaped in the message and in the versions list.
    assert "&lt;after&gt; drought &amp; repairs" in page and "<after>" not in page
    assert f'href="/articles/{story.pk}/versions/{version.pk}/"' in page
    assert "Version 2" in page and f"{percent} %" in page and editor.username in page
    assert Article.objects.count() == 1 and Claim.objects.count() == claim_count


def test_pasting_the_text_with_straight_quotes_says_it_is_already_there(
    story: Article, editor: User
) -> None:
    response = client_for(editor).post(
        "/articles/new/", {"body": plain_punctuation(STORY) + "\r\n \r\n"}, follow=True
    )
    assert response.redirect_chain[-1][0] == story.get_absolute_url()
    assert _page_messages(response) == [
        f"This text was already ingested: it is the same as “{story.title}”, already in the "
        f"workbench since {_ingested_on(story)}; its claims are below."
    ]
    assert Article.objects.count() == 1 and not ArticleVersion.objects.exists()


def test_uploading_a_near_copy_keeps_it_as_a_version(story: Article, editor: User) -> None:
    upload = SimpleUploadedFile(
        "water-rates.txt", (HEADER + STORY + FOOTER).encode(), content_type="text/plain"
    )
    response = client_for(editor).post("/articles/new/", {"upload": upload}, follow=True)
    assert response.redirect_chain[-1][0] == story.get_absolute_url()
    version = ArticleVersion.objects.get()
    assert version.body == HEADER + STORY + FOOTER
    assert "it was kept as version 2 of that article" in _page_messages(response)[0]
    assert Article.objects.count() == 1


def test_uploading_the_story_as_a_web_page_points_to_the_article(
    story: Article, editor: User
) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[1:])
    html = (
        f"<html><head><title>{PARAGRAPHS[0]}</title></head><body><nav>Home · News · Sport</nav>"
        f"<article><h1>{PARAGRAPHS[0]}</h1>{paragraphs}</article>"
        "<footer>© Port Halden Gazette. All rights reserved.</footer></body></html>"
    )
    upload = SimpleUploadedFile("water.html", html.encode(), content_type="text/html")
    response = client_for(editor).post("/articles/new/", {"upload": upload}, follow=True)
    assert response.redirect_chain[-1][0] == story.get_absolute_url()
    assert f"“{story.title}”" in _page_messages(response)[0]
    assert Article.objects.count() == 1


def test_bad_input_still_gets_the_clear_errors(story: Article, editor: User) -> None:
    browser = client_for(editor)
    empty = browser.post("/articles/new/", {"body": "  "})
    assert "The article is empty: paste or upload some text." in empty.content.decode()
    binary = SimpleUploadedFile("story.txt", b"\x00\x01" * 50, content_type="text/plain")
    refused = browser.post("/articles/new/", {"upload": binary})
    assert "This looks like a binary file, not text." in refused.content.decode()
    assert Article.objects.count() == 1 and not ArticleVersion.objects.exists()


def test_a_versions_text_has_its_own_read_only_page(story: Article, editor: User) -> None:
    copy = corrected(STORY) + "\n<script>alert('x')</script>"
    version = article_ingest(body=copy, title="<i>Water</i>", added_by=editor).version
    assert version is not None
    url = f"/articles/{story.pk}/versions/{version.pk}/"
    page = client_for(make_user("rob", "Reviewer")).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text and "<script>alert" not in text
    )
    assert "&lt;i&gt;Water&lt;/i&gt;" in text and "Version 2" in text and "8–1" in text
    assert Client().get(url).status_code == 302  # to the login page, like the article's
    other = article_ingest(body=OTHER_STORY).article
    assert client_for(editor).get(f"/articles/{other.pk}/versions/{version.pk}/").status_code == 404


# --- The API ---------------------------------------------------------------------------------


def test_api_answers_200_with_the_existing_article_and_the_version_it_kept(
    db: None, reviewer: User
) -> None:
    api = api_for(reviewer)
    created = api.post("/api/articles/", {"body": STORY, "title": "Water rates"}, format="json")
    assert created.status_code == 201
    first = created.json()
    assert (first["duplicate"], first["similarity"], first["version_id"]) == (False, None, None)
    article_split(article_id=first["id"])
    claim_count = Claim.objects.count()

    again = api.post("/api/articles/", {"body": corrected(STORY)}, format="json")
    assert again.status_code == 200
    data = again.json()
    version = ArticleVersion.objects.get()
    assert data["id"] == first["id"] and data["title"] == "Water rates"
    assert data["duplicate"] is True and data["similarity"] == pytest.approx(version.similarity)
    assert (data["version_id"], data["version_number"]) == (version.pk, 2)
    assert data["claim_count"] == claim_count > 0
    assert again["Location"].endswith(f"/api/articles/{first['id']}/")

    same = api.post("/api/articles/", {"body": STORY + "\n\n"}, format="json").json()
    assert (same["duplicate"], same["similarity"], same["version_id"]) == (True, 1.0, None)
    assert Article.objects.count() == 1 and Claim.objects.count() == claim_count


def test_api_upload_of_a_near_copy_is_a_200_too(story: Article, reviewer: User) -> None:
    upload = SimpleUploadedFile("story.txt", (OTHER_HEADER + STORY + OTHER_FOOTER).encode())
    response = api_for(reviewer).post("/api/articles/upload/", {"file": upload}, format="multipart")
    assert response.status_code == 200
    assert response.json()["id"] == story.pk and response.json()["version_number"] == 2


def test_api_bad_input_still_gets_the_clear_errors(story: Article, reviewer: User) -> None:
    api = api_for(reviewer)
    assert api.post("/api/articles/", {"body": " \n "}, format="json").status_code == 400
    assert api.post("/api/articles/", {}, format="json").json() == {
        "body": ["This field is required."]
    }
    assert not ArticleVersion.objects.exists()


def test_the_schema_describes_the_duplicate_fields(db: None, reviewer: User) -> None:
    schema = APIClient().get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/articles/"]["post"]["responses"]
    for code in ("200", "201"):
        ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
        properties = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
        assert properties["duplicate"]["type"] == "boolean"
        assert {"similarity", "version_id", "version_number"} <= set(properties)


@pytest.mark.django_db(transaction=True)
def test_over_real_http_a_near_copy_answers_200_as_the_schema_says(
    live_server: Any, workbench_defaults: None
) -> None:
    key = token_for(make_user("rita", "Reviewer"))
    schema = httpx.get(f"{live_server.url}/api/schema/?format=json").json()
    seen: list[str] = []
    with httpx.Client(
        base_url=live_server.url,
        headers={"Authorization": f"Token {key}"},
        event_hooks={
            # A multipart request is a stream: read it, so the checker can see what was sent.
            "response": [
                lambda response: response.request.read(),
                schema_checker(OpenAPI.from_dict(schema), seen),
            ]
        },
    ) as client:
        created = client.post("/api/articles/", json={"body": STORY})
        copy = client.post("/api/articles/", json={"body": corrected(STORY)})
        upload = client.post(
            "/api/articles/upload/",
            files={"file": ("story.md", (HEADER + STORY + FOOTER).encode(), "text/markdown")},
        )
    assert (created.status_code, copy.status_code, upload.status_code) == (201, 200, 200)
    assert copy.json()["id"] == upload.json()["id"] == created.json()["id"]
    assert (copy.json()["version_number"], upload.json()["version_number"]) == (2, 3)
    assert len(seen) == 3  # every response was checked against the schema
    assert Article.objects.count() == 1 and ArticleVersion.objects.count() == 2


@pytest.mark.django_db
def test_the_ingest_command_says_a_near_copy_was_kept_as_a_version(tmp_path: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    original = tmp_path / "story.txt"
    original.write_text(STORY, encoding="utf-8")
    copy = tmp_path / "story-syndicated.txt"
    copy.write_text(
        STORY + "\nThis story first appeared in the Valley Gazette.\n", encoding="utf-8"
    )
    out = StringIO()
    call_command("ingest", str(original), str(copy), stdout=out)
    lines = out.getvalue().splitlines()
    article = Article.objects.get()
    assert lines[0].endswith(f"added as article {article.pk} ({article.title})")
    assert "the same as an article already there, kept as version 2 of article" in lines[1]
    assert ArticleVersion.objects.filter(article=article).count() == 1
