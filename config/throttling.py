from django.conf import settings
from rest_framework import throttling


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """API_RATE_LIMIT (e.g. "1200/min") per API token (per user for sessions, per address
    for anonymous requests). Counts live in the shared cache, so every worker on every
    machine sees the same numbers. Over the limit: 429 with Retry-After."""

    scope = "token"

    def get_rate(self):
        return settings.API_RATE_LIMIT or None

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            ident = f"ip:{self.get_ident(request)}"
        elif getattr(request.auth, "pk", None) is not None:
            ident = f"token:{request.auth.pk}"
        else:
            ident = f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
