from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from rest_framework.exceptions import Throttled

from partners.throttling import refuse_if_failing_too_often


class SignInLimitedModelBackend(ModelBackend):
    """Passwords are not even checked from an address over AUTH_FAILURE_RATE_LIMIT failed
    sign-ins, whichever form asked (the middleware answers the known ones with 429 first;
    this holds for any other, present or future). The refusal counts as a failure."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            try:
                refuse_if_failing_too_often(request)
            except Throttled:
                raise PermissionDenied from None
        return super().authenticate(request, username=username, password=password, **kwargs)
