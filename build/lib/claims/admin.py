from django.contrib import admin
from django.http import HttpRequest

from claims.models import (
    Article,
    Citation,
    Claim,
    Comment,
    HistoryEvent,
    Rating,
    SiteSettings,
    Tag,
    Verdict,
    VerdictRevision,
)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
class ClaimAdmin(admin.ModelAdmin):
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


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ["claim", "rating", "status", "author", "approver", "updated_at"]
    list_filter = ["status", "rating"]
    raw_id_fields = ["claim", "author", "approver"]
    inlines = [CitationInline]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["url", "title", "stance", "verdict"]
    raw_id_fields = ["verdict"]


@admin.register(HistoryEvent)
class HistoryEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "from_state", "to_state", "actor", "article"]
    list_filter = ["action"]
    raw_id_fields = ["article", "claim", "verdict", "actor"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    list_display = ["publisher_name", "publisher_url"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row only: the newsroom's own details.
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["claim", "author", "created_at"]
    raw_id_fields = ["claim", "author"]


@admin.register(VerdictRevision)
class VerdictRevisionAdmin(admin.ModelAdmin):
    list_display = ["verdict", "version", "submitted_by", "created_at"]
    raw_id_fields = ["verdict", "submitted_by"]
