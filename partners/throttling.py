from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import throttling
from rest_framework.exceptions import Throttled

from partners import ratelimit

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "1200/min" -> (1200, 60)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind the TLS proxy the address it saw
    (X-Forwarded-For is trusted only then: NUM_PROXIES)."""
    return throttling.BaseThrottle().get_ident(request)


class TokenRateThrottle(throttling.BaseThrottle):
    """API_RATE_LIMIT (e.g. "1200/min") per API token (per user for sessions, per address
    for anonymous requests). Counts live where the cache is (partners.ratelimit), atomically,
    so every worker on every machine sees the same numbers. Over the limit: 429 with
    Retry-After."""

    def allow_request(self, request, view):
        if not settings.API_RATE_LIMIT:
            return True
        limit, seconds = parse_rate(settings.API_RATE_LIMIT)
        count, self.seconds_left = ratelimit.hit(f"token:{self._ident(request)}", seconds)
        return count <= limit

    def wait(self):
        return self.seconds_left

    def _ident(self, request) -> str:
        if not request.user or not request.user.is_authenticated:
            return f"ip:{client_address(request)}"
        if getattr(request.auth, "pk", None) is not None:
            return f"token:{request.auth.pk}"
        return f"user:{request.user.pk}"


def _failures_key(request) -> str:
    return f"auth-failures:{client_address(request)}"


def refuse_if_failing_too_often(request) -> None:
    """429 for an address with AUTH_FAILURE_RATE_LIMIT failed sign-ins (bad tokens, admin
    passwords) in the current window: guessing costs the guesser, not the service."""
    if not settings.AUTH_FAILURE_RATE_LIMIT:
        return
    limit, _ = parse_rate(settings.AUTH_FAILURE_RATE_LIMIT)
    count, seconds_left = ratelimit.peek(_failures_key(request))
    if count >= limit:
        raise _too_many_failures(seconds_left)


def count_failed_sign_in(request) -> None:
    """Count a failed sign-in of the request's address; 429 if it went over the limit (so
    requests failing at the same moment cannot all slip under it)."""
    if not settings.AUTH_FAILURE_RATE_LIMIT or request is None:
        return
    limit, seconds = parse_rate(settings.AUTH_FAILURE_RATE_LIMIT)
    count, seconds_left = ratelimit.hit(_failures_key(request), seconds)
    if count > limit:
        raise _too_many_failures(seconds_left)


def _too_many_failures(seconds_left: float) -> Throttled:
    return Throttled(
        wait=seconds_left,
        detail=_("Too many failed sign-ins from this address; wait before trying again."),
    )
