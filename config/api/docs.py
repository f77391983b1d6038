"""The interactive API docs (Swagger UI at /api/docs/, Redoc at /api/redoc/) from the
service's own static files, and fetching nothing from elsewhere: their pages carry a
Content-Security-Policy that allows this origin only. Redoc's sidebar always asks
cdn.redoc.ly for its logo; under this policy the browser never sends that request (Redoc
then shows no logo)."""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

# Inline script and style: both pages start their bundle with a short inline script.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'"
)


class _ThisOriginOnly:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response


class SwaggerView(_ThisOriginOnly, SpectacularSwaggerView):
    pass


class RedocView(_ThisOriginOnly, SpectacularRedocView):
    pass
