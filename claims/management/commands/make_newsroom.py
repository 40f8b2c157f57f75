"""Fill the database with a generated newsroom for load benchmarks.

    manage.py make_newsroom --articles 10000 --claims 100000 --verdicts 20000 [--seed 1] [--reset]

Rows are written with bulk_create, a transaction per chunk of articles, and look like what the
workflow leaves: split articles, extractor candidates, triaged and assigned claims, verdicts in
every state with their citations, submission snapshots and history. Nothing is queued for the
worker. Every generated article is added by the inactive user `newsroom-generator`: that is how
--reset finds what an earlier run made, and it never touches anything else.
"""

from __future__ import annotations

import importlib
import random
import re
import textwrap
import time
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from claims import extraction
from claims.ingest import check_body
from claims.models import (
    Article,
    Citation,
    Claim,
    ClaimantType,
    HistoryEvent,
    Rating,
    Verdict,
    VerdictRevision,
    content_hash,
)
from claims.permissions import Role
from claims.services import newsroom
from claims.services.verdicts import SUMMARY_MAX, CitationInput, snapshot

GENERATOR = "newsroom-generator"
REVIEWERS = tuple(f"newsroom-reviewer-{n}" for n in range(1, 7))
EDITORS = tuple(f"newsroom-editor-{n}" for n in range(1, 4))

ROWS_PER_INSERT = 2000
# Article bodies run to a few hundred KB for the long ones: fewer per INSERT.
ARTICLES_PER_INSERT = 200
# One transaction per chunk: progress is printed and kept as it goes, and memory stays flat.
CHUNK_CLAIMS = 10_000
CHUNK_ARTICLES = 500
# Benchmark sentences scored for the run: enough that the longest article (about 1,700
# sentences) repeats none, few enough that scoring stays a few seconds.
POOL_SIZE = (1500, 6000)
POOL_PER_CLAIMS = 10

# Most verdicts are published; the rest are still with their author or an editor.
VERDICT_SHARES = {
    Verdict.Status.APPROVED: 0.75,
    Verdict.Status.SUBMITTED: 0.10,
    Verdict.Status.DRAFT: 0.10,
    Verdict.Status.CHANGES_REQUESTED: 0.05,
}
# The version each state has reached through the services (save_versioned adds one a step).
VERDICT_VERSIONS = {
    Verdict.Status.DRAFT: 1,
    Verdict.Status.SUBMITTED: 2,
    Verdict.Status.APPROVED: 3,
    Verdict.Status.CHANGES_REQUESTED: 3,
}
REVIEW_NOTES = (
    "Link the primary source directly rather than the coverage of it.",
    "The rationale needs the figure you compared against, with its year.",
    "Say why the rating is not one step milder: the claim is close to right.",
)
CLAIMANTS = (
    ("Senator Maria Alvarez", ClaimantType.PERSON),
    ("Governor Tom Reyes", ClaimantType.PERSON),
    ("Finance Minister Hana Kowalski", ClaimantType.PERSON),
    ("Mayor Daniel Okafor", ClaimantType.PERSON),
    ("The Ministry of Trade", ClaimantType.ORGANIZATION),
    ("The Taxpayers' Alliance", ClaimantType.ORGANIZATION),
    ("The National Farmers Union", ClaimantType.ORGANIZATION),
)
# A claimant the extractor found reads as an organisation when it names one.
_ORGANISATION = re.compile(
    r"\b(?:office|ministry|department|agency|bureau|company|party|government|council|"
    r"commission|committee|bank|association|union|university|institute|police|court)\b",
    re.I,
)
# Where citations point: (publisher, host, kind of document). Hosts are under .example.
SOURCES = (
    ("National Statistics Office", "statistics-office.example", "Statistical bulletin"),
    ("Bureau of Labor Statistics", "labour-statistics.example", "Data table"),
    ("Congressional Budget Office", "budget-office.example", "Budget outlook"),
    ("World Bank Open Data", "worldbank-data.example", "Country indicators"),
    ("Ministry of Finance", "finance-ministry.example", "Press release"),
    ("Parliamentary Record", "parliament-record.example", "Hearing transcript"),
    ("Associated Wire Archive", "wire-archive.example", "Report"),
    ("Court Records Service", "court-records.example", "Judgment"),
)
FINDINGS: dict[str, str] = {
    Citation.Stance.SUPPORTS: "The figures we found bear the claim out as it was worded.",
    Citation.Stance.REFUTES: "The record we found contradicts the claim as it was worded.",
    Citation.Stance.CONTEXT: (
        "The record supports parts of the claim but leaves out context that changes its meaning."
    ),
}
RATIONALE_MIN_WORDS = 40  # above the editorial checklist's default 30


@dataclass
class Totals:
    articles: int = 0
    claims: int = 0
    verdicts: int = 0
    citations: int = 0
    events: int = 0

    def add(self, other: Totals) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Chunk:
    """The rows of a few hundred articles, built in memory and inserted parents first."""

    articles: list[Article] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    events: list[HistoryEvent] = field(default_factory=list)

    def event(self, article: Article, action: str, when: datetime, **values: Any) -> None:
        self.events.append(HistoryEvent(article=article, action=action, created_at=when, **values))

    def insert(self) -> Totals:
        # bulk_create returns the new ids on PostgreSQL and SQLite (3.35+), and each child's
        # foreign key is read from its parent object when the child is inserted.
        Article.objects.bulk_create(self.articles, batch_size=ARTICLES_PER_INSERT)
        Claim.objects.bulk_create(self.claims, batch_size=ROWS_PER_INSERT)
        Verdict.objects.bulk_create(self.verdicts, batch_size=ROWS_PER_INSERT)
        Citation.objects.bulk_create(self.citations, batch_size=ROWS_PER_INSERT)
        # What the editor saw when each was submitted, in verdict_submit's own snapshot form.
        sent = [v for v in self.verdicts if v.status != Verdict.Status.DRAFT]
        prefetch_related_objects(sent, "citations")
        VerdictRevision.objects.bulk_create(
            [
                VerdictRevision(
                    verdict=v, version=2, snapshot=snapshot(v), submitted_by_id=v.author_id
                )
                for v in sent
            ],
            batch_size=ROWS_PER_INSERT,
        )
        HistoryEvent.objects.bulk_create(self.events, batch_size=ROWS_PER_INSERT)
        return Totals(
            articles=len(self.articles),
            claims=len(self.claims),
            verdicts=len(self.verdicts),
            citations=len(self.citations),
            events=len(self.events),
        )


class Newsroom:
    """Turns the helper's drafts into rows: triage, assignments, verdicts, history."""

    def __init__(
        self,
        *,
        rng: random.Random,
        pool: newsroom.TextPool,
        generator: User,
        reviewers: list[User],
        editors: list[User],
        ratings: list[Rating],
    ) -> None:
        self.rng = rng
        self.pool = pool
        self.generator = generator
        self.reviewers = reviewers
        self.editors = editors
        self.ratings = ratings
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.hashes: set[str] = set()

    def chunk(self, counts: list[int], verdicts: list[int], *, serial: int) -> Chunk:
        chunk = Chunk()
        drafts = self._drafts(counts, serial=serial)
        for draft, claims, verdict_count in zip(drafts, counts, verdicts, strict=True):
            self._article(chunk, draft, claims=claims, verdicts=verdict_count)
        return chunk

    def _drafts(self, counts: list[int], *, serial: int) -> list[newsroom.ArticleDraft]:
        """Draft the chunk's articles, each with a body no article in the database has.

        content_hash is unique: a draft whose text is already stored (a second run, or the
        same seed paragraphs twice) is drafted again.
        """
        drafts = [self._draft(n, serial=serial + i) for i, n in enumerate(counts)]
        while True:
            hashes = [content_hash(d.body) for d in drafts]
            taken = set(
                Article.objects.filter(content_hash__in=hashes).values_list(
                    "content_hash", flat=True
                )
            )
            if not taken:
                return drafts
            drafts = [
                self._draft(len(d.spans), serial=serial + i) if h in taken else d
                for i, (d, h) in enumerate(zip(drafts, hashes, strict=True))
            ]

    def _draft(self, claims: int, *, serial: int) -> newsroom.ArticleDraft:
        while True:
            draft = newsroom.draft_article(
                self.rng, self.pool, claims=claims, serial=serial, today=self.today
            )
            digest = content_hash(draft.body)
            if digest not in self.hashes:
                self.hashes.add(digest)
                check_body(draft.body, max_bytes=settings.ARTICLE_MAX_BYTES)
                return draft

    def _article(
        self, chunk: Chunk, draft: newsroom.ArticleDraft, *, claims: int, verdicts: int
    ) -> None:
        rng = self.rng
        hour = clock(rng.randint(6, 21), rng.randint(0, 59), rng.randint(0, 59))
        ingested = self._past(datetime.combine(draft.published_at, hour, tzinfo=UTC))
        split = self._past(ingested + timedelta(seconds=rng.randint(2, 40)))
        article = Article(
            title=draft.title,
            body=draft.body,
            source_url=draft.source_url,
            publisher=draft.publisher,
            published_at=draft.published_at,
            # bulk_create skips Article.save(), which sets these two.
            content_hash=content_hash(draft.body),
            body_length=len(draft.body),
            # Split and current: neither the sweep nor resplit_articles picks it up.
            status=Article.Status.SPLIT,
            extractor_version=extraction.EXTRACTOR_VERSION,
            split_sent_at=ingested,
            split_started_at=split,
            split_heartbeat_at=split,
            split_attempts=1,
            added_by=self.generator,
        )
        chunk.articles.append(article)
        chunk.event(
            article, "ingested", ingested, actor=self.generator, to_state=Article.Status.QUEUED
        )
        chunk.event(
            article,
            "split",
            split,
            from_state=Article.Status.SPLITTING,
            to_state=Article.Status.SPLIT,
            note=f"{claims} candidate claims ({extraction.EXTRACTOR_VERSION})",
        )
        rows = [self._claim(article, span) for span in draft.spans]
        chunk.claims += rows
        # Reviewers write verdicts on what the extractor flagged first.
        reviewed = sorted(rows, key=lambda c: (not c.checkworthy, rng.random()))[:verdicts]
        chosen = {id(c) for c in reviewed}
        for claim in rows:
            seen = self._past(split + timedelta(minutes=rng.randint(30, 72 * 60)))
            if id(claim) in chosen:
                self._verdict(chunk, article, claim, seen)
            else:
                self._triage(chunk, article, claim, seen)

    def _claim(self, article: Article, span: newsroom.SpanDraft) -> Claim:
        sentence = span.sentence
        text = article.body[span.start : span.end]
        return Claim(
            article=article,
            start=span.start,
            end=span.end,
            text=text,
            claim_text=" ".join(text.split()),
            score=sentence.score,
            opinion=sentence.opinion,
            checkworthy=sentence.checkworthy,
            reasons=list(sentence.reasons),
            kind=sentence.kind,
            # As _article_store_claims stores them: each quantity with offsets into the body.
            quantities=[
                asdict(replace(q, start=q.start + span.start, end=q.end + span.start))
                for q in sentence.quantities
            ],
            claimant=sentence.claimant[:200],
            claimant_type="",
            extractor_version=extraction.EXTRACTOR_VERSION,
        )

    def _triage(self, chunk: Chunk, article: Article, claim: Claim, when: datetime) -> None:
        """Accept, dismiss or leave a claim, leaning the way its score points; assign a few."""
        rng = self.rng
        roll = rng.random()
        if claim.checkworthy:
            status = (
                Claim.Status.ACCEPTED
                if roll < 0.25
                else Claim.Status.DISMISSED
                if roll < 0.30
                else None
            )
        else:
            status = (
                Claim.Status.DISMISSED
                if roll < 0.25
                else Claim.Status.ACCEPTED
                if roll < 0.28
                else None
            )
        if status is not None:
            self._set_status(chunk, article, claim, status, rng.choice(self.reviewers), when)
        if status != Claim.Status.DISMISSED and rng.random() < (
            0.2 if status == Claim.Status.ACCEPTED else 0.04
        ):
            later = self._past(when + timedelta(minutes=rng.randint(5, 600)))
            self._assign(chunk, article, claim, rng.choice(self.reviewers), later)

    def _set_status(
        self,
        chunk: Chunk,
        article: Article,
        claim: Claim,
        status: str,
        actor: User,
        when: datetime,
        note: str = "",
    ) -> None:
        claim.status = status
        claim.version += 1
        chunk.event(
            article,
            "status",
            when,
            claim=claim,
            actor=actor,
            from_state=Claim.Status.CANDIDATE,
            to_state=status,
            note=note,
        )

    def _assign(
        self, chunk: Chunk, article: Article, claim: Claim, assignee: User, when: datetime
    ) -> None:
        claim.assignee = assignee
        claim.version += 1
        chunk.event(
            article,
            "assign",
            when,
            claim=claim,
            actor=self.rng.choice(self.editors),
            to_state=assignee.username,
        )

    def _verdict(self, chunk: Chunk, article: Article, claim: Claim, when: datetime) -> None:
        """Write a verdict as the workflow leaves it in its state, with its history."""
        rng = self.rng
        author = rng.choice(self.reviewers)
        status = rng.choices(list(VERDICT_SHARES), weights=list(VERDICT_SHARES.values()))[0]
        self._assign(chunk, article, claim, author, when)
        started = self._past(when + timedelta(minutes=rng.randint(10, 24 * 60)))
        self._set_status(
            chunk, article, claim, Claim.Status.ACCEPTED, author, started, "a verdict was started"
        )
        self._name_claimant(chunk, article, claim, author, started)
        rating: Rating | None = rng.choice(self.ratings)
        if status == Verdict.Status.DRAFT and rng.random() < 0.3:
            rating = None  # a draft need not be rated yet
        citations = self._citations(status, rating, started.date())
        verdict = Verdict(
            claim=claim,
            rating=rating,
            summary=_summary(claim.claim_text),
            rationale=self._rationale(citations, rating),
            status=status,
            author=author,
            version=VERDICT_VERSIONS[status],
        )
        chunk.verdicts.append(verdict)
        chunk.citations += [Citation(verdict=verdict, **asdict(c)) for c in citations]
        chunk.event(
            article,
            "verdict_created",
            started,
            claim=claim,
            verdict=verdict,
            actor=author,
            to_state=Verdict.Status.DRAFT,
        )
        if status == Verdict.Status.DRAFT:
            return
        submitted = self._past(started + timedelta(minutes=rng.randint(60, 72 * 60)))
        verdict.submitted_at = submitted
        chunk.event(
            article,
            "verdict_submitted",
            submitted,
            claim=claim,
            verdict=verdict,
            actor=author,
            from_state=Verdict.Status.DRAFT,
            to_state=Verdict.Status.SUBMITTED,
        )
        if status == Verdict.Status.SUBMITTED:
            return
        editor = rng.choice(self.editors)
        decided = self._past(submitted + timedelta(minutes=rng.randint(20, 48 * 60)))
        if status == Verdict.Status.CHANGES_REQUESTED:
            verdict.review_note = rng.choice(REVIEW_NOTES)
            chunk.event(
                article,
                "verdict_changes_requested",
                decided,
                claim=claim,
                verdict=verdict,
                actor=editor,
                from_state=Verdict.Status.SUBMITTED,
                to_state=status,
                note=verdict.review_note,
            )
            return
        verdict.approver = editor
        verdict.approved_at = decided
        # What verdict_approve publishes: the claim and article as they are at approval.
        verdict.published_claim = claim.public_record().as_json()
        chunk.event(
            article,
            "verdict_approved",
            decided,
            claim=claim,
            verdict=verdict,
            actor=editor,
            from_state=Verdict.Status.SUBMITTED,
            to_state=Verdict.Status.APPROVED,
        )

    def _name_claimant(
        self, chunk: Chunk, article: Article, claim: Claim, actor: User, when: datetime
    ) -> None:
        """Record who made the claim, as the checklist asks before a verdict is submitted."""
        before = claim.claimant
        if before:
            kind = (
                ClaimantType.ORGANIZATION if _ORGANISATION.search(before) else ClaimantType.PERSON
            )
            claim.claimant_type = kind
        else:
            claim.claimant, claim.claimant_type = self.rng.choice(CLAIMANTS)
        claim.version += 1
        chunk.event(
            article,
            "edit_claimant",
            when,
            claim=claim,
            actor=actor,
            from_state="claimant",
            to_state="claimant",
            note=f"{before or '—'} → {claim.claimant}",
        )

    def _citations(self, status: str, rating: Rating | None, accessed: date) -> list[CitationInput]:
        """1-3 complete citations for a verdict sent to the editors, 0-2 for a draft.

        A sent verdict passed the checklist: each citation has a title, a publisher and an
        archived copy, and the first is a primary source.
        """
        rng = self.rng
        draft = status == Verdict.Status.DRAFT
        count = rng.randint(0, 2) if draft else rng.randint(1, 3)
        leaning = _stance_for(rating)
        out = []
        for i in range(count):
            publisher, host, kind = rng.choice(SOURCES)
            headline = rng.choice(self.pool.titles)
            slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")[:50]
            url = f"https://www.{host}/{accessed.year}/{slug}-{rng.randint(1000, 99999)}"
            archived = f"https://web.archive.org/web/{accessed:%Y%m%d}000000/{url}"
            out.append(
                CitationInput(
                    url=url,
                    title=f"{kind} {accessed.year}: {headline}"[:300],
                    publisher=publisher,
                    quote=self.pool.pick(rng, 1)[0].text,
                    # A draft's sources may still be missing their archived copy.
                    archived_url="" if draft and rng.random() < 0.5 else archived,
                    accessed_at=accessed,
                    stance=leaning if i == 0 else rng.choice(list(Citation.Stance)),
                    is_primary=i == 0 or rng.random() < 0.3,
                )
            )
        return out

    def _rationale(self, citations: list[CitationInput], rating: Rating | None) -> str:
        first = citations[0] if citations else None
        opening = (
            f"We checked the claim against {first.publisher}'s “{first.title}”"
            + (f" and {len(citations) - 1} further source(s)." if len(citations) > 1 else ".")
            if first
            else "We are still gathering the sources for this claim."
        )
        parts = [opening]
        while len(" ".join(parts).split()) < RATIONALE_MIN_WORDS:
            parts.append(self.pool.pick(self.rng, 1)[0].text)
        parts.append(FINDINGS[_stance_for(rating)])
        if rating is not None:
            parts.append(f"We rate it {rating.label}.")
        return " ".join(parts)

    def _past(self, when: datetime) -> datetime:
        # Articles published this week have workflow steps that would fall in the future.
        return min(when, self.now)


def _summary(claim_text: str) -> str:
    """The claim cut to what ClaimReview shows, at a word."""
    summary = textwrap.shorten(claim_text, width=SUMMARY_MAX, placeholder="…")
    if len(summary) < 2:  # one word longer than the limit
        summary = claim_text[: SUMMARY_MAX - 1] + "…"
    return summary


def _stance_for(rating: Rating | None) -> str:
    value = rating.value if rating else 0
    if value >= 4:
        return Citation.Stance.SUPPORTS
    if value in (1, 2):
        return Citation.Stance.REFUTES
    return Citation.Stance.CONTEXT


def _member(username: str, role: Role) -> User:
    """Return the generated staff member `username`, created with `role` if missing.

    No password: a benchmark logs in with force_login, or sets one with changepassword.
    """
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


def _generator() -> User:
    user, created = User.objects.get_or_create(username=GENERATOR, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _ratings() -> list[Rating]:
    if not Rating.objects.exists():
        # The scale (and roles) migration 0002 creates; an emptied table gets the same back.
        defaults = importlib.import_module("claims.migrations.0002_span_trigger_groups_ratings")
        defaults.add_groups_and_ratings(django_apps, None)
    return list(Rating.objects.all())


def newsroom_reset(*, generator: User) -> int:
    """Delete every article the generator added, with all that hangs off it; return how many.

    Leaf rows go first with single DELETEs. A published verdict is protected from cascading
    deletes (protect_published), and corrections protect the verdicts they correct, so the
    verdicts are unlinked and deleted before their claims.
    """
    articles = Article.objects.filter(added_by=generator)
    verdicts = Verdict.objects.filter(claim__article__in=articles)
    with transaction.atomic():
        Citation.objects.filter(verdict__in=verdicts).delete()
        VerdictRevision.objects.filter(verdict__in=verdicts).delete()
        HistoryEvent.objects.filter(article__in=articles).delete()
        verdicts.update(corrects=None, original=None)
        verdicts.only("id").delete()
        # only("id"): the delete loads each article, and bodies are large.
        _, by_model = articles.only("id").delete()
    return by_model.get(Article._meta.label, 0)


class Command(BaseCommand):
    help = (
        "Fill the database with a generated newsroom for load benchmarks: split articles, "
        "claims, verdicts with citations and history. --reset removes an earlier run's data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=100)
        parser.add_argument("--claims", type=int, default=1000)
        parser.add_argument("--verdicts", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--reset", action="store_true", help="Delete what earlier runs made first."
        )
        parser.add_argument(
            "--benchmarks",
            type=Path,
            default=Path(settings.BASE_DIR).parent / "shared" / "benchmarks",
            help="Folder of the benchmark JSONL files whose sentences fill the articles.",
        )

    def handle(
        self,
        *args: Any,
        articles: int,
        claims: int,
        verdicts: int,
        seed: int,
        reset: bool,
        benchmarks: Path,
        **options: Any,
    ) -> None:
        if min(articles, claims, verdicts) < 0:
            raise CommandError("Counts cannot be negative.")
        if claims and not articles:
            raise CommandError("Claims need at least one article.")
        if verdicts > claims:
            raise CommandError("Each verdict needs its own claim: --verdicts <= --claims.")
        started = time.monotonic()
        generator = _generator()
        if reset:
            removed = newsroom_reset(generator=generator)
            self.stdout.write(
                f"Removed {removed} generated articles and everything on them "
                f"({time.monotonic() - started:.1f}s)."
            )
        if not benchmarks.is_dir():
            self.stderr.write(f"No benchmarks at {benchmarks}: the seeds' sentences fill in.")
        size = min(max(claims // POOL_PER_CLAIMS, POOL_SIZE[0]), POOL_SIZE[1])
        pool = newsroom.load_pool(
            seeds=Path(settings.BASE_DIR) / "seeds",
            benchmarks=benchmarks if benchmarks.is_dir() else None,
            seed=seed,
            size=size,
        )
        if not pool.sentences or not pool.titles:
            raise CommandError("No text to build articles from: the seeds folder is empty.")
        # A later run continues the numbering, with its own random stream: the same seed on
        # the same database state gives the same newsroom, and a second run adds new text.
        serial = Article.objects.filter(added_by=generator).count()
        rng = random.Random(f"{seed}:{serial}")
        room = Newsroom(
            rng=rng,
            pool=pool,
            generator=generator,
            reviewers=[_member(name, Role.REVIEWER) for name in REVIEWERS],
            editors=[_member(name, Role.EDITOR) for name in EDITORS],
            ratings=_ratings(),
        )
        counts = newsroom.claim_counts(rng, articles=articles, claims=claims)
        per_article = newsroom.spread(rng, counts, verdicts)
        self.stdout.write(f"Text pool ready ({time.monotonic() - started:.1f}s).")
        totals = Totals()
        for first, last in _chunks(counts):
            with transaction.atomic():
                chunk = room.chunk(
                    counts[first:last], per_article[first:last], serial=serial + first
                )
                totals.add(chunk.insert())
            self.stdout.write(
                f"{totals.articles}/{articles} articles, {totals.claims}/{claims} claims, "
                f"{totals.verdicts}/{verdicts} verdicts ({time.monotonic() - started:.1f}s)"
            )
        self.stdout.write(
            f"Made {totals.articles} articles, {totals.claims} claims, {totals.verdicts} "
            f"verdicts, {totals.citations} citations and {totals.events} history events "
            f"in {time.monotonic() - started:.1f}s."
        )
        # VACUUM cannot run in a transaction (a test's): there autovacuum is left to it.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does on a server within minutes of a bulk load: planner
            # statistics, and the visibility map that lets a count read the index alone
            # (the queue's count of 56,000 candidates took 360 ms before, 7 ms after).
            with connection.cursor() as cursor:
                for model in (Article, Claim, Verdict, Citation, HistoryEvent):
                    cursor.execute(
                        f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                    )
            self.stdout.write(f"Vacuumed and analysed ({time.monotonic() - started:.1f}s).")


def _chunks(counts: list[int]) -> list[tuple[int, int]]:
    """Cut the articles into runs of about CHUNK_CLAIMS claims (CHUNK_ARTICLES at most)."""
    out = []
    first = 0
    claims = 0
    for i, count in enumerate(counts):
        claims += count
        if claims >= CHUNK_CLAIMS or i + 1 - first >= CHUNK_ARTICLES:
            out.append((first, i + 1))
            first, claims = i + 1, 0
    if first < len(counts):
        out.append((first, len(counts)))
    return out
