"""The newsroom's records: articles, the claims split from them, verdicts, citations, history."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, ProtectedError, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from claims.extraction.types import KINDS

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # noqa: F401
    from django.db.models.deletion import Collector


def content_hash(body: str) -> str:
    """Return the fingerprint that makes re-ingesting the same text find the existing article."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class ArticleStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SPLITTING = "splitting", "Splitting"
    SPLIT = "split", "Split"
    FAILED = "failed", "Failed"


class ClaimStatus(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class VerdictStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    # An approved verdict a later correction replaced: still readable on the public page.
    SUPERSEDED = "superseded", "Superseded by a correction"
    # A correction its author or an editor took back before it was published; kept, not deleted.
    WITHDRAWN = "withdrawn", "Withdrawn correction"


# A claim may have at most one verdict in these states at a time.
OPEN_VERDICT_STATES = ["draft", "submitted", "changes_requested"]
# A verdict in these states has been public: the current one, or one a correction replaced.
PUBLIC_VERDICT_STATES = ["approved", "superseded"]


class ClaimantType(models.TextChoices):
    PERSON = "Person", "Person"
    ORGANIZATION = "Organization", "Organisation"


def protect_published(
    collector: Collector, field: models.Field, sub_objs: QuerySet[Verdict], using: str
) -> None:
    """Delete a claim's drafts with it, but never a verdict the public has read.

    A published review's permalink, ClaimReview and history must survive an article or claim
    being deleted (in the admin, say): the newsroom withdraws a review, it does not erase it.
    """
    published = [v for v in sub_objs if v.status in PUBLIC_VERDICT_STATES]
    if published:
        raise ProtectedError(
            f"{len(published)} published verdict(s) would be deleted with this; a published "
            "review is corrected or withdrawn, never deleted.",
            set(published),
        )
    models.CASCADE(collector, field, sub_objs, using)


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Context"


# Splits of one article that may start before it is failed (a worker killed each time, or a
# database that kept failing); a person splits it again from its page.
MAX_SPLIT_ATTEMPTS = 3


class ArticleQuerySet(models.QuerySet["Article"]):
    def with_claim_counts(self) -> ArticleQuerySet:
        """Newest first, each with its number of claims and of check-worthy claims.

        Counted per row by a subquery on the (article, start) index, not by a join and GROUP
        BY: PostgreSQL counts only the rows a page returns (it evaluates the subqueries
        after the sort and limit), where the aggregate counted the whole claims table
        (0.78 s at 100,000 claims).
        """
        return self.order_by("-created_at", "-id").annotate(
            claim_count=_claims_counted(),
            checkworthy_count=_claims_counted(checkworthy=True),
        )

    def claimable(self, *, now: datetime) -> ArticleQuerySet:
        """Return articles a worker may start splitting: queued, or whose worker's lease lapsed."""
        return self.filter(Q(status=Article.Status.QUEUED) | Q(self._lapsed(now)))

    def abandoned(self, *, now: datetime) -> ArticleQuerySet:
        """Return articles being split whose worker stopped renewing the lease: it died."""
        return self.filter(self._lapsed(now))

    def exhausted(self, *, now: datetime) -> ArticleQuerySet:
        """Return articles waiting for another split after their last allowed attempt."""
        return self.filter(split_attempts__gte=MAX_SPLIT_ATTEMPTS).filter(
            Q(status=Article.Status.QUEUED) | self._lapsed(now)
        )

    @staticmethod
    def _lapsed(now: datetime) -> Q:
        lease = timedelta(seconds=settings.ARTICLE_SPLIT_LEASE_SECONDS)
        return Q(status=Article.Status.SPLITTING, split_heartbeat_at__lt=now - lease)


def _claims_counted(**where: Any) -> Coalesce:
    claims = (
        Claim.objects.filter(article=OuterRef("pk"), **where)
        .order_by()
        .values("article")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(claims, output_field=models.IntegerField()), 0)


class ClaimQuerySet(models.QuerySet["Claim"]):
    def untouched(self) -> ClaimQuerySet:
        """Return extractor candidates nobody has acted on: safe to replace on a re-split."""
        return self.filter(
            origin="extractor",
            status=ClaimStatus.CANDIDATE,
            version=1,
            assignee__isnull=True,
            verdicts__isnull=True,
            comments__isnull=True,
            tags__isnull=True,
        )


@dataclass(frozen=True)
class PublishedArticle:
    title: str
    source_url: str
    publisher: str
    published_at: date | None


@dataclass(frozen=True)
class PublishedClaim:
    """What a review published about the claim: kept as it was, whatever is edited later."""

    claim_text: str
    claimant: str
    claimant_type: str
    claimant_url: str
    said_on: date | None
    article: PublishedArticle

    def get_claimant_type_display(self) -> str:
        return str(dict(ClaimantType.choices).get(self.claimant_type, ""))

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["said_on"] = self.said_on.isoformat() if self.said_on else None
        published = self.article.published_at
        data["article"]["published_at"] = published.isoformat() if published else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublishedClaim:
        article = dict(data["article"])
        when = article.pop("published_at")
        return cls(
            claim_text=data["claim_text"],
            claimant=data["claimant"],
            claimant_type=data["claimant_type"],
            claimant_url=data["claimant_url"],
            said_on=_day(data["said_on"]),
            article=PublishedArticle(**article, published_at=_day(when)),
        )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class VerdictQuerySet(models.QuerySet["Verdict"]):
    def open(self) -> VerdictQuerySet:
        """Return verdicts still being written or reviewed (a correction in progress included)."""
        return self.filter(status__in=OPEN_VERDICT_STATES)

    def published(self) -> VerdictQuerySet:
        """Return the verdicts the public sees now: approved, not replaced by a correction."""
        return self.filter(status=VerdictStatus.APPROVED)


class Article(models.Model):
    Status = ArticleStatus

    title = models.CharField(max_length=300)
    # Exactly as ingested: claim offsets point into this text, so it is never rewritten.
    body = models.TextField()
    source_url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=12, choices=Status, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    extractor_version = models.CharField(max_length=40, blank=True)
    # Spans reviewers replaced by splitting or merging: a re-split must not bring them back.
    retired_spans = models.JSONField(default=list, blank=True)
    split_started_at = models.DateTimeField(null=True, blank=True)
    # Renewed while a split runs (claims.services.leases): a stale heartbeat means a dead worker.
    split_heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the broker last took a split message for this article; null if the send failed.
    split_sent_at = models.DateTimeField(null=True, blank=True)
    split_attempts = models.PositiveIntegerField(default=0)
    # len(body), kept so the database's span check on every inserted claim is O(1).
    body_length = models.PositiveIntegerField(default=0, editable=False)
    # The body's MinHash signature (claims.matching.neardup, 1 KB): a near-copy is compared with
    # the articles it shares a band with (ArticleBand) without reading their whole texts. Null
    # until computed; nullable also lets SQLite add the column without rebuilding the table.
    minhash = models.BinaryField(null=True, editable=False)
    # Where the text seems to hold several articles pasted together, each one's start and
    # title ([{"start", "title"}, …], from `extraction.article_starts` at each split), so the
    # file can be offered for splitting; null for one article. Nullable: SQLite adds the
    # column without rebuilding the table.
    parts = models.JSONField(null=True, blank=True, editable=False)
    # "Checked before?" matching runs after each split (claims.services.matching): the lease
    # a worker holds while it matches, and the matcher version that last finished.
    match_started_at = models.DateTimeField(null=True, blank=True)
    match_sent_at = models.DateTimeField(null=True, blank=True)
    matched_version = models.CharField(max_length=60, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_added",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "split_heartbeat_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(condition=Q(body_length__gt=0), name="article_length_set"),
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="article_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.content_hash = content_hash(self.body)
        self.body_length = len(self.body)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("article_detail", args=[self.pk])

    @property
    def is_in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.SPLITTING}


class Claim(models.Model):
    Status = ClaimStatus

    class Kind(models.TextChoices):
        QUANTITY = "quantity", "Quantity"
        PREDICTION = "prediction", "Prediction"
        PERSONAL = "personal", "Personal"
        CORRELATION_CAUSATION = "correlation_causation", "Correlation or causation"
        RULES_POLICY = "rules_policy", "Rules or policy"
        ATTRIBUTION_QUOTE = "attribution_quote", "Attribution or quote"
        EVENT = "event", "Event"
        OPINION = "opinion", "Opinion"
        OTHER = "other", "Other"
        NOT_A_CLAIM = "not_a_claim", "Not a claim"

    class Origin(models.TextChoices):
        EXTRACTOR = "extractor", "Extractor"
        REVIEWER = "reviewer", "Reviewer"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    # Character offsets into article.body; `text` is body[start:end], the quote as published.
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    # The standalone claim a reviewer checks; editable, while `text` keeps the original quote.
    claim_text = models.TextField()
    score = models.FloatField(default=0.0)
    # 0..1 from the extractor: how likely the claim is the writer's own opinion or
    # speculation. Null for claims a person added or split before it was measured.
    opinion = models.FloatField(null=True, blank=True)
    # [[start, end], …] inside [start, end) when the claim is stated in pieces: a
    # "respectively" item and its figure. The article page highlights these; null: all of it.
    parts = models.JSONField(null=True, blank=True)
    checkworthy = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=24, choices=Kind, default=Kind.OTHER)
    quantities = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.CANDIDATE)
    origin = models.CharField(max_length=12, choices=Origin, default=Origin.EXTRACTOR)
    extractor_version = models.CharField(max_length=40, blank=True)
    # Who made the claim and when: ClaimReview's itemReviewed.author and datePublished.
    claimant = models.CharField(max_length=200, blank=True)
    claimant_type = models.CharField(
        max_length=12, choices=ClaimantType, default=ClaimantType.PERSON, blank=True
    )
    claimant_url = models.URLField(max_length=2000, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    tags: models.ManyToManyField[Tag, Any] = models.ManyToManyField(
        "Tag", blank=True, related_name="claims"
    )
    # Optimistic locking: a save must name the version it read.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "start", "end"]
        indexes = [
            models.Index(fields=["status", "-score"]),
            models.Index(fields=["article", "start"]),
        ]
        constraints = [
            # The span must also lie inside the article body: a trigger enforces that part,
            # since a check constraint cannot read another table (see migration 0002).
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="claim_span_nonempty"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0.0) & Q(score__lte=1.0), name="claim_score_0_1"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=list(KINDS)), name="claim_kind_valid"),
            models.UniqueConstraint(fields=["article", "start", "end"], name="claim_span_unique"),
        ]

    def __str__(self) -> str:
        return self.claim_text[:80]

    def get_absolute_url(self) -> str:
        return reverse("claim_detail", args=[self.pk])

    @property
    def said_on(self) -> date | None:
        """When the claim was made: its own date, else the day its article was published."""
        return self.claim_date or self.article.published_at

    def public_record(self) -> PublishedClaim:
        """What a review approved now would publish about this claim and its article."""
        article = self.article
        return PublishedClaim(
            claim_text=self.claim_text,
            claimant=self.claimant,
            claimant_type=self.claimant_type,
            claimant_url=self.claimant_url,
            said_on=self.said_on,
            article=PublishedArticle(
                title=article.title,
                source_url=article.source_url,
                publisher=article.publisher,
                published_at=article.published_at,
            ),
        )


class Rating(models.Model):
    """One step of the rating scale, editable by admins."""

    label = models.CharField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#6b7280")
    order = models.PositiveIntegerField(default=0)
    # The number used for ClaimReview's ratingValue (higher is truer).
    value = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Verdict(models.Model):
    Status = VerdictStatus

    claim = models.ForeignKey(Claim, on_delete=protect_published, related_name="verdicts")
    rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.PROTECT)
    # Becomes ClaimReview's claimReviewed, which Google cuts at 75 characters.
    summary = models.CharField(max_length=75, blank=True)
    rationale = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_written"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verdicts_approved",
    )
    # The editor's last request for changes, shown to the author until they resubmit.
    review_note = models.TextField(blank=True)
    # A correction is a new verdict on the same claim that replaces an approved one once an
    # editor approves it. `original` is the first published verdict: its permalink stays the
    # public address of every later correction.
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A draft started from a confirmed match's earlier verdict ("reuse"): still reviewed as usual.
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reused_by"
    )
    correction_note = models.TextField(
        blank=True, help_text="What changed and why: published with the correction."
    )
    # The claim and article as approved (PublishedClaim.as_json): the public page and the
    # ClaimReview show this, so a later edit of the claim changes nothing published until a
    # correction is approved, and each earlier version shows what it said.
    published_claim = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VerdictQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status="approved"),
                name="one_approved_verdict_per_claim",
            ),
            # Two reviewers starting a verdict on one claim at once must not make two drafts.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status__in=OPEN_VERDICT_STATES),
                name="one_open_verdict_per_claim",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | Q(original__isnull=False),
                name="correction_has_original",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VerdictStatus.values), name="verdict_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approver__isnull=False),
                name="approved_verdict_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.summary or self.claim}"

    @property
    def public_id(self) -> int:
        """The id in the permalink: a correction is published at its original's address."""
        return self.original_id or self.pk

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def first_published_at(self) -> datetime | None:
        """When the review was first published: a correction keeps its original's date."""
        return self.original.approved_at if self.original else self.approved_at

    def is_editable(self) -> bool:
        return self.status in {VerdictStatus.DRAFT, VerdictStatus.CHANGES_REQUESTED}

    @property
    def was_published(self) -> bool:
        return self.status in PUBLIC_VERDICT_STATES

    @property
    def record(self) -> PublishedClaim:
        """The claim as this verdict published it; as it is now for one not yet approved."""
        if self.published_claim:
            return PublishedClaim.from_json(self.published_claim)
        return self.claim.public_record()


class Citation(models.Model):
    Stance = Stance

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="citations")
    # Blank only in a draft: the checklist asks for it before the verdict can be submitted.
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True)
    archived_url = models.URLField(max_length=2000, blank=True)
    accessed_at = models.DateField(null=True, blank=True)
    stance = models.CharField(max_length=10, choices=Stance, default=Stance.CONTEXT)
    # A primary source: the data, document or person the claim is about, not coverage of it.
    is_primary = models.BooleanField("primary source", default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="citation_stance_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class HistoryEvent(models.Model):
    """One state change or edit: who, when, what, from, to, and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="history")
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    # Null for the system (the worker splitting an article).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty")]

    def __str__(self) -> str:
        return self.body[:60]


class VerdictRevision(models.Model):
    """What a verdict said when it was submitted, so the editor sees what changed since."""

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.verdict_id} v{self.version}"


class SiteSettings(models.Model):
    """The newsroom's own details, used in reports and ClaimReview; one row, edited by admins."""

    publisher_name = models.CharField(max_length=200, default="Factcheck Workbench newsroom")
    publisher_url = models.URLField(blank=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="site_settings_singleton")]

    def __str__(self) -> str:
        return self.publisher_name

    @classmethod
    def load(cls) -> SiteSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class EditorialChecklist(models.Model):
    """What a verdict must show before it is submitted and approved; one row, edited by admins."""

    min_rationale_words = models.PositiveIntegerField(
        default=30, help_text="The rationale must have at least this many words."
    )
    require_citation_details = models.BooleanField(
        "every citation has a title and a publisher", default=True
    )
    require_primary_source = models.BooleanField("at least one primary source", default=True)
    require_archived_url = models.BooleanField(
        "every web source has an archived copy", default=True
    )
    require_claimant = models.BooleanField("the claimant is recorded", default=True)
    warn_stance_contradiction = models.BooleanField(
        "warn when the rating contradicts the citations' stances", default=True
    )

    class Meta:
        verbose_name = "editorial checklist"
        verbose_name_plural = "editorial checklist"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="editorial_checklist_singleton")
        ]

    def __str__(self) -> str:
        return "Editorial checklist"

    @classmethod
    def load(cls) -> EditorialChecklist:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ReportExport(models.Model):
    """A large report built by the worker, with progress a person can watch."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    format = models.CharField(max_length=12)
    filters = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # As for articles: renewed while the worker builds the file, and when the broker took it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.format} export {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class ArticleVersion(models.Model):
    """A near-copy of an article ingested again: kept as a version instead of a second article.

    The claims stay on the original (their spans point into its body); the version keeps the
    text as it arrived, with how much of it was the same, so nothing sent in is lost.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(max_length=300)
    body = models.TextField()
    source_url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Estimated Jaccard similarity of the two texts' word shingles (MinHash).
    similarity = models.FloatField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.title} (version of article {self.article_id})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.content_hash = content_hash(self.body)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ArticleBand(models.Model):
    """One locality-sensitive band of an article's MinHash signature.

    Two texts that share any band are candidates for being the same article; an index on
    `key` makes finding them one lookup per band instead of a scan of every article.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="article_band_once")]

    def __str__(self) -> str:
        return f"band {self.key} of article {self.article_id}"


class ClaimVector(models.Model):
    """A claim's sentence embedding (claims.matching), stale once its text changes."""

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    model_version = models.CharField(max_length=60)
    # SHA-256 of the text that was embedded: an edited claim is embedded again.
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    # The claim's figures as claims.matching.measures read them, with the scope its article
    # implies: a claim in another article is compared without reading that article again.
    measures = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"vector of claim {self.claim_id} ({self.model_version})"


class MatchTier(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class ClaimMatchQuerySet(models.QuerySet["ClaimMatch"]):
    def involving(self, claim_id: int) -> ClaimMatchQuerySet:
        return self.filter(Q(claim_low_id=claim_id) | Q(claim_high_id=claim_id))

    def shown(self) -> ClaimMatchQuerySet:
        """Return the matches a reviewer is shown: everything not rejected."""
        return self.exclude(tier=MatchTier.REJECTED)


class ClaimMatch(models.Model):
    """Two claims that say the same thing, once per unordered pair (lower id first).

    The matcher writes `suggested` (a person should look) or `confirmed` (high similarity
    and the same figures). A reviewer's decision sets `decided_by`; from then on the
    matcher never changes the row, so a rejected pair is never suggested again.
    """

    Tier = MatchTier

    claim_low = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    claim_high = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    cosine = models.FloatField(default=0.0)
    tier = models.CharField(max_length=10, choices=MatchTier, default=MatchTier.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimMatchQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "claim_low_id", "claim_high_id"]
        indexes = [
            models.Index(fields=["claim_high", "tier"]),
            models.Index(fields=["claim_low", "tier"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["claim_low", "claim_high"], name="claim_match_once"),
            models.CheckConstraint(
                condition=Q(claim_low__lt=models.F("claim_high")), name="claim_match_ordered"
            ),
            models.CheckConstraint(
                condition=Q(tier__in=MatchTier.values), name="claim_match_tier_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"claims {self.claim_low_id} and {self.claim_high_id}: {self.tier}"

    def other_id(self, claim_id: int) -> int:
        return self.claim_high_id if claim_id == self.claim_low_id else self.claim_low_id


class ConflictGroup(models.Model):
    """Claims that give different values for one measure (claims.matching.measures)."""

    # The measure's identity: noun, unit and scope, serialised by the matching service.
    key = models.CharField(max_length=300, unique=True)
    label = models.CharField(max_length=300)
    # A reviewer's "not a conflict" (different time, different scope), with why.
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_note = models.TextField(blank=True)
    # How many different values the members give, kept by the matcher: 2 or more is a conflict.
    distinct_values = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_dismissed(self) -> bool:
        return self.dismissed_at is not None


class ConflictMember(models.Model):
    """One figure of one claim in a conflict group."""

    group = models.ForeignKey(ConflictGroup, on_delete=models.CASCADE, related_name="members")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="conflict_memberships")
    value = models.FloatField()
    value_text = models.CharField(max_length=100)
    unit = models.CharField(max_length=40)
    qualifier = models.CharField(max_length=40, blank=True)
    # The whole measure (range end, rounding step, scope), to compare members faithfully.
    measure = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["group_id", "value", "claim_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "claim", "value_text"], name="conflict_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value_text} in claim {self.claim_id}"
