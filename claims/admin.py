"""The admin edits settings and reference data; the record itself changes only through the
services, which check the workflow, keep versions and write the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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


# Articles, claims and comments change in the workbench, where every change is versioned and
# lands in the history; an edit here would be neither, and would slip past open forms.
@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "publisher", "published_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "publisher", "source_url"]
    # The body is never edited: every claim offset points into it.
    readonly_fields = [
        "body",
        "content_hash",
        "split_started_at",
        "split_attempts",
        "extractor_version",
    ]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["claim_text", "article", "kind", "score", "status", "assignee"]
    list_filter = ["status", "kind", "checkworthy"]
    search_fields = ["claim_text", "text"]
    raw_id_fields = ["article", "assignee"]


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
