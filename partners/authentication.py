import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from partners.models import ApiToken, hash_token
from partners.throttling import count_failed_sign_in, refuse_if_failing_too_often

logger = logging.getLogger("partners.auth")


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` against hashed, expiring, revocable API tokens."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        refuse_if_failing_too_often(request)
        try:
            return self._authenticate(request, header)
        except exceptions.AuthenticationFailed:
            count_failed_sign_in(request)
            raise

    def _authenticate(self, request, header: list[bytes]):
        if len(header) != 2:
            logger.info("bearer auth failed: malformed header from %s", _client(request))
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header: expected 'Bearer <token>'.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = (
            ApiToken.objects.select_related("user", "user__partner")
            .filter(key_hash=hash_token(raw))
            .first()
        )
        if token is None or not token.is_usable or not token.user.is_active:
            # Never log the token itself; the prefix is not enough to use it.
            reason = "unknown" if token is None else "expired, revoked or inactive user"
            logger.info(
                "bearer auth failed (%s) prefix=%s from %s", reason, raw[:8], _client(request)
            )
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        self._touch(token)
        speak_to(request, token.user)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'

    @staticmethod
    def _touch(token: ApiToken) -> None:
        """Record last use, at most once a minute so reads do not each cost a write."""
        now = timezone.now()
        resolution = timedelta(seconds=settings.API_TOKEN_LAST_USED_RESOLUTION_SECONDS)
        if token.last_used_at is None or now - token.last_used_at > resolution:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now


class SessionAuthentication(authentication.SessionAuthentication):
    """Django's session (the browsable API, the admin), speaking the user's language."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            speak_to(request, found[0])
        return found


def speak_to(request, user) -> None:
    """Answer in the user's language when they chose one; else LocaleMiddleware's choice
    from Accept-Language stands."""
    language = getattr(user, "language", "")
    if language:
        translation.activate(language)
        getattr(request, "_request", request).LANGUAGE_CODE = language


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "?")
