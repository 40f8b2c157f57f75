from django.urls import path

from claims.views import articles, public, reports, triage, verdicts

urlpatterns = [
    path("", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_new, name="article_new"),
    path("articles/<int:pk>/", articles.article_detail, name="article_detail"),
    path("articles/<int:pk>/retry/", articles.article_retry, name="article_retry"),
    path("articles/<int:pk>/status/", articles.article_status, name="article_status"),
    path("articles/<int:pk>/details/", articles.article_details_view, name="article_details"),
    path("articles/<int:pk>/claims/new/", triage.claim_create_view, name="claim_create"),
    path("queue/", triage.claim_queue_view, name="claim_queue"),
    path("queue/bulk/", triage.claim_queue_bulk, name="claim_queue_bulk"),
    path("claims/<int:pk>/", triage.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/edit/", triage.claim_edit_view, name="claim_edit"),
    path("claims/<int:pk>/quick-edit/", triage.claim_quick_edit, name="claim_quick_edit"),
    path("claims/<int:pk>/status/", triage.claim_set_status, name="claim_set_status"),
    path("claims/<int:pk>/assign/", triage.claim_assign_view, name="claim_assign"),
    path("claims/<int:pk>/split/", triage.claim_split_view, name="claim_split"),
    path("claims/<int:pk>/merge/", triage.claim_merge_view, name="claim_merge"),
    path("claims/<int:pk>/comments/", triage.comment_add_view, name="comment_add"),
    path("claims/<int:pk>/verdict/", verdicts.verdict_edit, name="verdict_edit"),
    path("editor/", verdicts.editor_queue, name="editor_queue"),
    path("verdicts/<int:pk>/", verdicts.verdict_review, name="verdict_review"),
    path("verdicts/<int:pk>/decide/", verdicts.verdict_decide, name="verdict_decide"),
    path("verdicts/<int:pk>/correct/", verdicts.verdict_correct, name="verdict_correct"),
    path("my/", verdicts.my_work, name="my_work"),
    path("articles/<int:pk>/report/", reports.article_report, name="article_report"),
    path("reports/", reports.reports_index, name="reports"),
    path("reports/exports/<int:pk>/", reports.report_export, name="report_export"),
    path(
        "reports/exports/<int:pk>/download/",
        reports.report_export_download,
        name="report_export_download",
    ),
    # The public record: no login, nothing unpublished.
    path("reviews/", public.review_index, name="public_review_index"),
    path("reviews/feed/", public.review_feed, name="public_review_feed"),
    path("reviews/<int:pk>/", public.public_review, name="public_review"),
    path(
        "reviews/<int:pk>/versions/<int:verdict_id>/",
        public.review_version,
        name="public_review_version",
    ),
    path("ratings/", public.rating_scale, name="rating_scale"),
    path("sitemap.xml", public.sitemap, name="sitemap"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
]
