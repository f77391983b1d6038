"""Accounts that coordinators manage for an organisation (the console's organisation page):
reporters and viewers only. A coordinator never sets the password of, or issues a token
for, another coordinator, an analyst, a staff member or a superuser: that would be taking
the account over."""

import secrets

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from partners.models import ApiToken, Partner, User


def managed_users(*, partner: Partner) -> QuerySet[User]:
    return User.objects.filter(
        partner=partner, role__in=User.MANAGED_ROLES, is_staff=False, is_superuser=False
    )


def managed_user(*, partner: Partner, pk) -> User | None:
    """The organisation's managed account `pk`, or None (another organisation's, a
    coordinator's, staff, unknown, not a number)."""
    if not str(pk or "").isdigit():
        return None
    return managed_users(partner=partner).filter(pk=int(pk)).first()


def user_create(*, partner: Partner, username: str, role: str, email: str = "") -> User:
    """A reporter or viewer of `partner`, without a password. ValidationError names what
    is wrong with the user name (Django's own validators: length, characters) or role."""
    if role not in User.MANAGED_ROLES:
        raise ValidationError("role", code="invalid_role")
    field = User._meta.get_field("username")
    username = field.clean(username.strip(), None)
    if User.objects.filter(username=username).exists():
        raise ValidationError("taken", code="unique")
    return User.objects.create_user(username=username, partner=partner, role=role, email=email)


def one_time_password_set(*, user: User) -> str:
    """A random password for `user`, returned once; their next sign-in must replace it."""
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


def managed_token_revoke(*, partner: Partner, pk) -> bool:
    if not str(pk or "").isdigit():
        return False
    tokens = ApiToken.objects.filter(
        pk=int(pk), revoked_at=None, user__in=managed_users(partner=partner)
    )
    return bool(tokens.update(revoked_at=timezone.now()))
