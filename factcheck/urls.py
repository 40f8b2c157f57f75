from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from factcheck import health

urlpatterns = [
    path("health/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("claims.api.urls")),
    path("", include("claims.urls")),
]

handler404 = "claims.api.errors.not_found"
handler500 = "claims.api.errors.server_error"
