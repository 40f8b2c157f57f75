"""schema.org ClaimReview for approved verdicts, and a validator written from Google's rules.

Google's fact-check markup requires `claimReviewed`, `reviewRating` (with `alternateName`) and
`url`; it recommends `author`, `datePublished` and `itemReviewed` (a `Claim` with `author`,
`datePublished` and `appearance`). `claimReviewed` shows in results cut at 75 characters and must
not carry the rating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from claims.models import Rating, SiteSettings, Verdict

CLAIM_REVIEWED_MAX = 75
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def review_url(verdict: Verdict) -> str:
    return site_url(reverse("public_review", args=[verdict.pk]))


def rating_bounds() -> tuple[int, int]:
    """Return (worst, best) over the ratings that carry a number (value 0 means unrated)."""
    values = [v for v in Rating.objects.values_list("value", flat=True) if v > 0]
    return (min(values), max(values)) if values else (1, 5)


def claim_review(
    verdict: Verdict, *, site: SiteSettings | None = None, bounds: tuple[int, int] | None = None
) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD of an approved verdict."""
    site = site or SiteSettings.load()
    worst, best = bounds or rating_bounds()
    claim = verdict.claim
    article = claim.article
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
    item: dict[str, Any] = {"@type": "Claim"}
    if article.publisher:
        item["author"] = {"@type": "Organization", "name": article.publisher}
    if article.published_at:
        item["datePublished"] = article.published_at.isoformat()
    appearance_url = article.source_url or site_url(reverse("article_detail", args=[article.pk]))
    item["appearance"] = [{"@type": "CreativeWork", "url": appearance_url}]
    # Before approval (the editor's checklist) the review would be published today.
    published = (verdict.approved_at or timezone.now()).date()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(verdict),
        "claimReviewed": verdict.summary.strip(),
        "author": organisation,
        "datePublished": published.isoformat(),
        "reviewRating": review_rating,
        "itemReviewed": item,
    }


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


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parsed = urlparse(value)
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc)


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
    if not _is_url(doc.get("url")):
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
    elif "url" in author and not _is_url(author["url"]):
        err("author.url must be an absolute http(s) address")
    if "datePublished" not in doc:
        warn("datePublished is recommended")
    elif not _is_date(doc["datePublished"]):
        err("datePublished must be an ISO 8601 date")
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
                elif not _is_url(work.get("url")):
                    err("itemReviewed.appearance.url must be an absolute address")
        if "author" not in item:
            warn("itemReviewed.author is recommended")
        elif not isinstance(item["author"], dict) or not item["author"].get("name"):
            err("itemReviewed.author must have a name")
        if "datePublished" not in item:
            warn("itemReviewed.datePublished is recommended")
        elif not _is_date(item["datePublished"]):
            err("itemReviewed.datePublished must be an ISO 8601 date")
    return result
