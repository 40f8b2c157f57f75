from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims.api import views

urlpatterns = [
    path("articles/", views.ArticleListCreate.as_view(), name="api_article_list"),
    path("articles/<int:pk>/", views.ArticleDetail.as_view(), name="api_article_detail"),
    path("claims/", views.ClaimList.as_view(), name="api_claim_list"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
