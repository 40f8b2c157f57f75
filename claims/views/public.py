"""The public record: published reviews, their earlier versions, the feed, sitemap and robots.txt.

Nothing here needs a login, and nothing here shows what is not published: drafts, submitted and
sent-back verdicts answer 404 as if they did not exist. Every absolute address is built from
SITE_URL, never from the request, so a page fetched through a proxy or by a crawler names the
address readers use.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from claims.models import Rating, SiteSettings, Verdict
from claims.reports.claimreview import claim_review, rating_bounds, review_url, site_url
from claims.selectors import ReviewLineage, published_reviews, review_lineage

if TYPE_CHECKING:  # the sites framework is not installed: its model must not be imported
    from django.contrib.sites.models import Site
    from django.contrib.sites.requests import RequestSite

REVIEWS_PER_PAGE = 20
# Feed readers poll often; the newest entries are what they need, not the whole archive.
FEED_ENTRIES = 50
# What a link preview shows before it cuts the text itself.
DESCRIPTION_MAX = 200


def json_for_script(data: object) -> SafeString:
    """JSON safe inside <script>: no "</script>" or HTML comment can come from a reviewer."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return mark_safe(text)  # noqa: S308 - every markup character is escaped above


def render_public(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """Render a public page with the newsroom's name and the feed's address it links to."""
    context = {
        "site": SiteSettings.load(),
        "feed_url": site_url(reverse("public_review_feed")),
        **context,
    }
    return render(request, template, context, status=status)


def describe(verdict: Verdict) -> str:
    """One plain sentence for link previews: who said what, and the rating."""
    claim = verdict.record
    said = f"{claim.claimant} said: " if claim.claimant else ""
    rating = verdict.rating.label if verdict.rating else ""
    text = f"{rating}. {said}“{claim.claim_text}”" if rating else f"{said}“{claim.claim_text}”"
    return Truncator(text).chars(DESCRIPTION_MAX)


class ReviewFilterForm(forms.Form):
    rating = forms.ModelChoiceField(
        queryset=Rating.objects.all(), required=False, empty_label="All ratings"
    )


@login_not_required
def review_index(request: HttpRequest) -> HttpResponse:
    """Every published review, newest first, 20 a page, optionally of one rating."""
    form = ReviewFilterForm(request.GET)
    # A stale or mistyped rating shows every review rather than an error page.
    chosen = form.cleaned_data["rating"] if form.is_valid() else None
    reviews = published_reviews(rating_id=chosen.pk if chosen else None)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render_public(
        request,
        "claims/public_review_index.html",
        {"form": form, "rating": chosen, "page": page},
    )


def _lineage_or_404(pk: int) -> ReviewLineage:
    lineage = review_lineage(pk)
    if lineage is None:
        raise Http404("No published review has this address.")
    return lineage


@login_not_required
def public_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The permalink of a published review (ClaimReview's url), showing its current verdict.

    Any version's id reaches it; all but the first are sent to the first's address for good, so
    links and search engines keep one address per review.
    """
    lineage = _lineage_or_404(pk)
    if pk != lineage.public_id:
        return HttpResponsePermanentRedirect(reverse("public_review", args=[lineage.public_id]))
    verdict = lineage.current
    document = claim_review(verdict)
    return render_public(
        request,
        "claims/public_review.html",
        {
            "lineage": lineage,
            "verdict": verdict,
            "claim": verdict.record,
            "article": verdict.record.article,
            "document": document,
            "json_ld": json_for_script(document),
            "description": describe(verdict),
        },
    )


@login_not_required
def review_version(request: HttpRequest, pk: int, verdict_id: int) -> HttpResponse:
    """An earlier, replaced version of a review, kept readable as the corrections policy says."""
    lineage = _lineage_or_404(pk)
    if pk != lineage.public_id:
        return HttpResponsePermanentRedirect(
            reverse("public_review_version", args=[lineage.public_id, verdict_id])
        )
    version = next((v for v in lineage.earlier if v.pk == verdict_id), None)
    if version is None:
        raise Http404("This review has no earlier version with this number.")
    return render_public(
        request,
        "claims/public_review_version.html",
        {
            "lineage": lineage,
            "verdict": version,
            "claim": version.record,
            "article": version.record.article,
            "current_url": reverse("public_review", args=[lineage.public_id]),
        },
    )


@login_not_required
def rating_scale(request: HttpRequest) -> HttpResponse:
    """How each rating maps to ClaimReview's numbers."""
    worst, best = rating_bounds()
    return render_public(
        request,
        "claims/rating_scale.html",
        {"ratings": Rating.objects.all(), "worst": worst, "best": best},
    )


class ReviewFeed(Feed):
    """An Atom feed of published reviews, newest approval first; a correction is a new entry
    date under the same id, titled as updated, so readers see that the review changed."""

    feed_type = Atom1Feed
    description_template = "claims/public_feed_entry.html"

    def title(self) -> str:
        return f"{SiteSettings.load().publisher_name}: fact checks"

    def subtitle(self) -> str:
        return "Published fact checks and their corrections."

    def link(self) -> str:
        return site_url(reverse("public_review_index"))

    def feed_url(self) -> str:
        return site_url(reverse("public_review_feed"))

    def author_name(self) -> str:
        return SiteSettings.load().publisher_name

    def items(self) -> list[Verdict]:
        return list(
            Verdict.objects.published()
            .select_related("claim__article", "rating", "original")
            .order_by("-approved_at", "-id")[:FEED_ENTRIES]
        )

    def item_title(self, item: Verdict) -> str:
        # Atom titles are plain text: the XML writer escapes them, so no HTML escaping here.
        rating = item.rating.label if item.rating else ""
        title = f"{item.summary} ({rating})" if rating else item.summary
        return f"Updated: {title}" if item.is_correction else title

    def item_link(self, item: Verdict) -> str:
        return review_url(item)

    def item_pubdate(self, item: Verdict) -> datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: Verdict) -> datetime | None:
        return item.approved_at

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        verdict = kwargs["item"]
        return {"verdict": verdict, "claim": verdict.record}


review_feed = login_not_required(ReviewFeed())


class PublicSitemap(Sitemap):
    """Addresses from SITE_URL whatever host the request came to: a sitemap must name the
    address readers use, not the one a proxy or a test client happened to call."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site: Site | RequestSite | None = None) -> str:
        parts = urlsplit(settings.SITE_URL.rstrip("/"))
        return parts.netloc + parts.path  # a SITE_URL under a path keeps its prefix

    def location(self, item: Any) -> str:
        return reverse(item)


class PagesSitemap(PublicSitemap):
    def items(self) -> list[str]:
        return ["public_review_index", "rating_scale"]


class ReviewSitemap(PublicSitemap):
    def items(self) -> list[Verdict]:
        return list(Verdict.objects.published().order_by("id"))

    def location(self, item: Verdict) -> str:
        return reverse("public_review", args=[item.public_id])

    def lastmod(self, item: Verdict) -> datetime | None:
        return item.approved_at


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "pages": PagesSitemap,
    "reviews": ReviewSitemap,
}


@login_not_required
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS)


@login_not_required
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the public record and nothing else; the workbench is behind a login."""
    lines = [
        "User-agent: *",
        # Allow lines come first: some crawlers take the first rule that matches.
        f"Allow: {reverse('public_review_index')}",
        f"Allow: {reverse('rating_scale')}",
        f"Allow: {reverse('sitemap')}",
        "Disallow: /",
        "",
        f"Sitemap: {site_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
