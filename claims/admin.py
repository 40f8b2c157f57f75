from django.contrib import admin

from claims.models import Article, Citation, Claim, HistoryEvent, Rating, Verdict


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "publisher", "published_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "publisher", "source_url"]
    readonly_fields = ["content_hash", "split_started_at", "split_attempts", "extractor_version"]


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
