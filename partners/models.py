import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.choices import PartnerType, Role

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_.\-]{0,39}$",
    _("Codes are uppercase letters, digits, '-', '_' and '.', at most 40 characters."),
    code="invalid_code",
)


class Partner(models.Model):
    """An organisation of the platform: appealing organisations and implementing partners."""

    code = models.CharField(max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=PartnerType.choices)
    appealing = models.BooleanField(
        default=True, help_text="Appealing organisation of the response plan (RMRP)."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class User(AbstractUser):
    """A person or machine client; belongs to one organisation with one role."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    language = models.CharField(
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text="The language the service speaks to this user (messages, templates, "
        "exports); empty: the request's Accept-Language.",
    )
    must_change_password = models.BooleanField(
        default=False,
        help_text="The password was given by someone else (a coordinator, the demo): the "
        "next sign-in must choose a new one before anything else.",
    )

    # Roles whose accounts a coordinator manages from the console (passwords, tokens):
    # never coordinators', analysts', staff or superusers' (partners.services).
    MANAGED_ROLES = ("reporter", "viewer")

    class Meta:
        ordering = ["username"]

    @property
    def managed_by_coordinators(self) -> bool:
        return self.role in self.MANAGED_ROLES and not (self.is_staff or self.is_superuser)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR or self.is_superuser

    @property
    def reads_everything(self) -> bool:
        return self.is_coordinator or self.role == Role.ANALYST


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A named bearer token. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "r4v_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(
        max_length=12, editable=False, help_text="First characters, to recognise a token."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def issue(
        cls, *, user: User, name: str, expires_in: timedelta | None = None
    ) -> tuple["ApiToken", str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            key_prefix=raw[:12],
            expires_at=timezone.now() + expires_in if expires_in else None,
        )
        return token, raw

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class RateLimitCounter(models.Model):
    """A fixed-window request counter (partners.ratelimit), used when the cache is the
    database: one row per client, incremented by one atomic statement."""

    key = models.CharField(max_length=200, primary_key=True)
    window_ends = models.DateTimeField()
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.window_ends:%H:%M:%S}"
