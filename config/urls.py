from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView

from config.api.docs import RedocView, SwaggerView
from config.api.exceptions import not_found
from config.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("api-auth/", include("rest_framework.urls")),
    path("console/", include("reporting.console.urls")),
    # Anything else under /api/ is a problem+json 404, with DEBUG on too (Django's debug
    # page is for the rest of the site only).
    re_path(r"^api/", csrf_exempt(not_found), name="api-not-found"),
]

handler400 = "config.api.exceptions.bad_request"
handler403 = "config.api.exceptions.permission_denied"
handler404 = "config.api.exceptions.not_found"
handler500 = "config.api.exceptions.server_error"
