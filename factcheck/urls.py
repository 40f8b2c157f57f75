from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from factcheck import accounts, health

urlpatterns = [
    path("health/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by email; the names are the ones Django's views reverse.
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # ADMIN_URL (default admin/): read when this module is imported, i.e. at start-up.
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("claims.api.urls")),
    path("", include("claims.urls")),
]

handler404 = "claims.api.errors.not_found"
handler500 = "claims.api.errors.server_error"
