"""The admin edits settings and reference data; the record itself changes only through the
services, which check the workflow, keep versions and write the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from claims.errors import WorkflowError
from claims.ingest import IngestError
from claims.models import (
    Article,
    Citation,
    Claim,
    Comment,
    EditorialChecklist,
    HistoryEvent,
    Rating,
    SiteSettings,
    Tag,
    Verdict,
    VerdictRevision,
)
from claims.services.articles import article_retry_split


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted: the history is evidence."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SingletonAdmin(admin.ModelAdmin):
    """A one-row settings model: added once, edited, never deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.model._default_manager.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FailedSplitFilter(admin.SimpleListFilter):
    """The dead letters: articles whose split failed, waiting for someone to look."""

    title = "split"
    parameter_name = "split"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("failed", "Failed splits")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "failed":
            return queryset.filter(status=Article.Status.FAILED)
        return queryset


# Articles, claims and comments change in the workbench, where every change is versioned and
# lands in the history; an edit here would be neither, and would slip past open forms.
@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "publisher", "published_at", "created_at"]
    # Shown instead when only failed splits are listed: what went wrong, how often, and when.
    failed_list_display = ["title", "failure_reason", "split_attempts", "failed_at"]
    list_filter = [FailedSplitFilter, "status"]
    search_fields = ["title", "publisher", "source_url"]
    actions = ["split_again"]
    # The body is never edited: every claim offset points into it.
    readonly_fields = [
        "body",
        "content_hash",
        "split_started_at",
        "split_attempts",
        "extractor_version",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # When it failed: the failure's history event (the update that failed it leaves
        # updated_at as it was).
        last_failure = HistoryEvent.objects.filter(
            article=OuterRef("pk"), action="split_failed"
        ).order_by("-created_at")
        return (
            super()
            .get_queryset(request)
            .annotate(failed_at=Subquery(last_failure.values("created_at")[:1]))
        )

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        if request.GET.get("split") == "failed" or request.GET.get("status__exact") == "failed":
            return list(self.failed_list_display)
        return list(super().get_list_display(request))

    @admin.display(description="failed at", ordering="failed_at")
    def failed_at(self, article: Any) -> Any:
        return article.failed_at

    @admin.action(description="Split again")
    def split_again(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        # Only failed ones: the service would refuse the others, after resetting their count.
        failed = list(queryset.filter(status=Article.Status.FAILED))
        done = 0
        for article in failed:
            try:
                article_retry_split(article=article, actor=request.user)  # type: ignore[arg-type]
            except (WorkflowError, IngestError) as exc:
                self.message_user(request, f"{article}: {exc}", messages.ERROR)
                continue
            done += 1
        if done:
            self.message_user(request, f"{done} article(s) queued to split again.")
        skipped = queryset.count() - len(failed)
        if skipped:
            self.message_user(
                request,
                f"{skipped} article(s) left alone: only a failed split can be run again.",
                messages.WARNING,
            )

    # An article's deletion would cascade through its claims, verdicts and history; a newsroom
    # retracts a verdict instead. Stated here as well as in ReadOnlyAdmin, so it stays so.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["claim_text", "article", "kind", "score", "status", "assignee"]
    list_filter = ["status", "kind", "checkworthy"]
    search_fields = ["claim_text", "text"]
    raw_id_fields = ["article", "assignee"]

    # Like an article's: a claim's verdicts and history would go with it.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "order", "value", "colour"]
    list_editable = ["order", "value", "colour"]


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    """Verdicts are written, submitted, approved and corrected in the workbench, never here.

    Even a draft's wording is its author's: an edit here would leave no event in the history and
    surprise the author's open form. A published verdict changes only by a correction.
    """

    list_display = ["claim", "rating", "status", "author", "approver", "updated_at"]
    list_filter = ["status", "rating"]
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin):
    list_display = ["url", "title", "stance", "verdict"]


@admin.register(HistoryEvent)
class HistoryEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "from_state", "to_state", "actor", "article"]
    list_filter = ["action"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdmin):
    """The newsroom's own details."""

    list_display = ["publisher_name", "publisher_url"]


@admin.register(EditorialChecklist)
class EditorialChecklistAdmin(SingletonAdmin):
    """What a verdict must show before it is submitted and approved."""

    list_display = ["__str__", "min_rationale_words", "require_primary_source"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["claim", "author", "created_at"]
    raw_id_fields = ["claim", "author"]


@admin.register(VerdictRevision)
class VerdictRevisionAdmin(ReadOnlyAdmin):
    list_display = ["verdict", "version", "submitted_by", "created_at"]
