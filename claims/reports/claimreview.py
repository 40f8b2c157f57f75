"""schema.org ClaimReview for approved verdicts, and a validator written from Google's rules.

Google's fact-check markup requires `claimReviewed`, `reviewRating` (with `alternateName`) and
`url`; it recommends `author`, `datePublished` and `itemReviewed` (a `Claim` with `author`,
`datePublished` and `appearance`). A corrected review adds `dateModified` and keeps its first
`datePublished` and its `url`. `claimReviewed` shows in results cut at 75 characters and must
not carry the rating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimantType, PublishedClaim, Rating, SiteSettings, Verdict
from claims.validators import is_web_url

CLAIM_REVIEWED_MAX = 75
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def review_url(verdict: Verdict) -> str:
    """The permalink: every correction of a review is published at its first verdict's address."""
    return site_url(reverse("public_review", args=[verdict.public_id]))


def rating_bounds() -> tuple[int, int]:
    """Return (worst, best) over the ratings that carry a number (value 0 means unrated)."""
    values = [v for v in Rating.objects.values_list("value", flat=True) if v > 0]
    return (min(values), max(values)) if values else (1, 5)


def claimant(claim: PublishedClaim) -> dict[str, Any] | None:
    """Who made the claim, as a schema.org Person or Organization; None when nobody is named."""
    name = claim.claimant.strip()
    if not name:
        return None
    person: dict[str, Any] = {"@type": claim.claimant_type or ClaimantType.PERSON, "name": name}
    if is_web_url(claim.claimant_url):
        person["url"] = claim.claimant_url
    return person


def item_reviewed(claim: PublishedClaim) -> dict[str, Any]:
    """The Claim: who said it, when, and the article's public address where it appeared.

    The article's publisher is not the claimant (a newspaper quoting a minister did not make the
    claim), and the workbench's own article page is behind a login, so neither is published.
    """
    item: dict[str, Any] = {"@type": "Claim"}
    author = claimant(claim)
    if author:
        item["author"] = author
    if claim.said_on:
        item["datePublished"] = claim.said_on.isoformat()
    source_url = claim.article.source_url
    if is_web_url(source_url):
        item["appearance"] = [{"@type": "CreativeWork", "url": source_url}]
    return item


def claim_review(
    verdict: Verdict, *, site: SiteSettings | None = None, bounds: tuple[int, int] | None = None
) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD of an approved verdict (or one about to be approved)."""
    site = site or SiteSettings.load()
    worst, best = bounds or rating_bounds()
    rating = verdict.rating
    assert rating is not None, "an approved verdict always has a rating"
    organisation: dict[str, Any] = {"@type": "Organization", "name": site.publisher_name}
    if site.publisher_url:
        organisation["url"] = site.publisher_url
    review_rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": rating.label,
        "name": rating.label,
    }
    if rating.value > 0:
        review_rating.update(ratingValue=rating.value, bestRating=best, worstRating=worst)
    # Before approval (the editor's checklist) the review would be published today.
    approved = verdict.approved_at or timezone.now()
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(verdict),
        "claimReviewed": verdict.summary.strip(),
        "author": organisation,
        "datePublished": (verdict.first_published_at or approved).date().isoformat(),
        "reviewRating": review_rating,
        "itemReviewed": item_reviewed(verdict.record),
    }
    if verdict.is_correction:
        document["dateModified"] = approved.date().isoformat()
    return document


@dataclass
class Validation:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _names_rating(reviewed: str, rating: str) -> bool:
    text, label = reviewed.strip().lower(), rating.strip().lower()
    return text == label or any(text.startswith(label + sep) for sep in (":", " -", " –", " —"))


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and bool(_ISO_DATE.match(value))


def validate(doc: dict[str, Any]) -> Validation:
    """Check a ClaimReview against Google's required and recommended fields and schema.org types."""
    result = Validation()
    err, warn = result.errors.append, result.warnings.append
    if doc.get("@context") not in {"https://schema.org", "http://schema.org"}:
        err("@context must be https://schema.org")
    if doc.get("@type") != "ClaimReview":
        err("@type must be ClaimReview")
    reviewed = doc.get("claimReviewed")
    if not isinstance(reviewed, str) or not reviewed.strip():
        err("claimReviewed is required")
    elif len(reviewed) > CLAIM_REVIEWED_MAX:
        err(f"claimReviewed is {len(reviewed)} characters; Google shows {CLAIM_REVIEWED_MAX}")
    if not is_web_url(doc.get("url")):
        err("url is required: the absolute address of the page with the review")
    rating = doc.get("reviewRating")
    if not isinstance(rating, dict) or rating.get("@type") != "Rating":
        err("reviewRating is required and must be a Rating")
    else:
        name = rating.get("alternateName")
        if not isinstance(name, str) or not name.strip():
            err("reviewRating.alternateName is required")
        elif isinstance(reviewed, str) and _names_rating(reviewed, name):
            err("claimReviewed must state the claim, not the rating")
        if not rating.get("name"):
            warn("reviewRating.name is recommended")
        numbers = [rating.get(k) for k in ("ratingValue", "bestRating", "worstRating")]
        if any(n is not None for n in numbers):
            if not all(isinstance(n, int | float) for n in numbers):
                err("ratingValue, bestRating and worstRating go together, as numbers")
            elif not numbers[2] <= numbers[0] <= numbers[1]:  # type: ignore[operator]
                err("ratingValue must lie between worstRating and bestRating")
        else:
            warn("ratingValue, bestRating and worstRating are recommended")
    author = doc.get("author")
    if not isinstance(author, dict) or author.get("@type") not in {"Organization", "Person"}:
        warn("author (an Organization) is recommended")
    elif not author.get("name"):
        err("author.name is required when author is given")
    elif "url" in author and not is_web_url(author["url"]):
        err("author.url must be an absolute http(s) address")
    if "datePublished" not in doc:
        warn("datePublished is recommended")
    elif not _is_date(doc["datePublished"]):
        err("datePublished must be an ISO 8601 date")
    if "dateModified" in doc:
        modified = doc["dateModified"]
        if not _is_date(modified):
            err("dateModified must be an ISO 8601 date")
        elif _is_date(doc.get("datePublished")) and modified[:10] < doc["datePublished"][:10]:
            err("dateModified cannot be before datePublished")
    item = doc.get("itemReviewed")
    if item is None:
        warn("itemReviewed (a Claim) is recommended")
    elif not isinstance(item, dict) or item.get("@type") != "Claim":
        err("itemReviewed must be a Claim")
    else:
        appearances = item.get("appearance")
        if appearances is None:
            warn("itemReviewed.appearance is recommended")
        else:
            for work in appearances if isinstance(appearances, list) else [appearances]:
                if not isinstance(work, dict) or work.get("@type") != "CreativeWork":
                    err("itemReviewed.appearance must be CreativeWork items")
                elif not is_web_url(work.get("url")):
                    err("itemReviewed.appearance.url must be an absolute address")
        claimant = item.get("author")
        if claimant is None:
            warn("itemReviewed.author (who made the claim) is recommended")
        elif not isinstance(claimant, dict) or not claimant.get("name"):
            err("itemReviewed.author must have a name")
        elif claimant.get("@type") not in {"Person", "Organization"}:
            err("itemReviewed.author must be a Person or an Organization")
        elif "url" in claimant and not is_web_url(claimant["url"]):
            err("itemReviewed.author.url must be an absolute http(s) address")
        if "datePublished" not in item:
            warn("itemReviewed.datePublished is recommended")
        elif not _is_date(item["datePublished"]):
            err("itemReviewed.datePublished must be an ISO 8601 date")
    return result
