from django.contrib.auth import views as auth_views
from django.urls import path

from reporting.console import accounts, dashboard, months, quality, report, reports, views

urlpatterns = [
    path("", dashboard.dashboard, name="console-dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="console/login.html"),
        name="console-login",
    ),
    path(
        "logout/", auth_views.LogoutView.as_view(next_page="console-login"), name="console-logout"
    ),
    path("imports/", views.imports, name="console-imports"),
    path("imports/<int:pk>/", views.import_detail, name="console-import"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="console-import-confirm"),
    path("completeness/", views.completeness, name="console-completeness"),
    path("quality/", quality.quality, name="console-quality"),
    path("months/", months.months, name="console-months"),
    path("reports/", reports.reports, name="console-reports"),
    path("situation-report/", report.report, name="console-situation-report"),
    path("language/", accounts.language, name="console-language"),
    path("organisations/<str:code>/", accounts.organisation, name="console-organisation"),
    path(
        "password/",
        views.login_required(accounts.PasswordChangeView.as_view()),
        name="console-password",
    ),
]
