from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from claims.api import matching, views

urlpatterns = [
    path("articles/", views.ArticleListCreate.as_view(), name="api_article_list"),
    path("articles/upload/", views.ArticleUpload.as_view(), name="api_article_upload"),
    path("articles/<int:pk>/", views.ArticleDetail.as_view(), name="api_article_detail"),
    path("claims/", views.ClaimListCreate.as_view(), name="api_claim_list"),
    path("claims/<int:pk>/", views.ClaimDetail.as_view(), name="api_claim_detail"),
    path("claims/<int:pk>/split/", views.ClaimSplit.as_view(), name="api_claim_split"),
    path("claims/<int:pk>/merge/", views.ClaimMerge.as_view(), name="api_claim_merge"),
    path("claims/<int:pk>/history/", views.ClaimHistory.as_view(), name="api_claim_history"),
    path("claims/<int:pk>/comments/", views.ClaimComments.as_view(), name="api_claim_comments"),
    path("claims/<int:pk>/verdicts/", views.ClaimVerdicts.as_view(), name="api_claim_verdicts"),
    path("claims/<int:pk>/matches/", matching.ClaimMatches.as_view(), name="api_claim_matches"),
    path(
        "claims/<int:pk>/matches/<int:other_id>/confirm/",
        matching.ClaimMatchConfirm.as_view(),
        name="api_claim_match_confirm",
    ),
    path(
        "claims/<int:pk>/matches/<int:other_id>/reject/",
        matching.ClaimMatchReject.as_view(),
        name="api_claim_match_reject",
    ),
    path(
        "claims/<int:pk>/verdicts/reuse/",
        matching.ClaimVerdictReuse.as_view(),
        name="api_claim_verdict_reuse",
    ),
    path("conflicts/", matching.ConflictList.as_view(), name="api_conflicts"),
    path(
        "conflicts/<int:pk>/dismiss/",
        matching.ConflictDismiss.as_view(),
        name="api_conflict_dismiss",
    ),
    path("verdicts/<int:pk>/", views.VerdictDetail.as_view(), name="api_verdict_detail"),
    path("verdicts/<int:pk>/submit/", views.VerdictSubmit.as_view(), name="api_verdict_submit"),
    path("verdicts/<int:pk>/approve/", views.VerdictApprove.as_view(), name="api_verdict_approve"),
    path(
        "verdicts/<int:pk>/correction/",
        views.VerdictCorrection.as_view(),
        name="api_verdict_correction",
    ),
    path(
        "verdicts/<int:pk>/withdraw/", views.VerdictWithdraw.as_view(), name="api_verdict_withdraw"
    ),
    path(
        "verdicts/<int:pk>/request-changes/",
        views.VerdictRequestChanges.as_view(),
        name="api_verdict_request_changes",
    ),
    path("ratings/", views.RatingList.as_view(), name="api_rating_list"),
    path("articles/<int:pk>/report/", views.ArticleReport.as_view(), name="api_article_report"),
    path("reports/", views.SelectionReport.as_view(), name="api_reports"),
    path("reports/exports/", views.ReportExportCreate.as_view(), name="api_report_export_create"),
    path(
        "reports/exports/<int:pk>/",
        views.ReportExportDetail.as_view(),
        name="api_report_export",
    ),
    path(
        "reports/exports/<int:pk>/download/",
        views.ReportExportDownload.as_view(),
        name="api_report_export_download",
    ),
    path("me/", views.Me.as_view(), name="api_me"),
    path("me/tokens/", views.MyTokens.as_view(), name="api_my_tokens"),
    path("me/tokens/<str:token_id>/", views.MyToken.as_view(), name="api_my_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema",
            # The split view serves its init script as a file and our template nonces the one
            # <style> block: Swagger UI runs under the same Content-Security-Policy as the rest.
            template_name="claims/api/swagger_ui.html",
        ),
        name="api_docs",
    ),
]
