from django.utils.translation import gettext as _
from rest_framework import permissions

from config.api.exceptions import Violation
from partners.choices import Role


def can_write_reports(user) -> bool:
    """Who writes partner records at all (reports, uploads, crossings): reporters, for
    their organisation, and coordinators. The API and the console ask this one function."""
    return user.is_authenticated and (user.is_coordinator or user.role == Role.REPORTER)


def can_write_for_partner(user, partner_id: int | None) -> bool:
    """Coordinators write every report; reporters only their own organisation's."""
    if user.is_coordinator:
        return True
    return user.role == Role.REPORTER and partner_id is not None and partner_id == user.partner_id


def partner_of_write(user, given, *, existing=None, own):
    """The organisation a write is for, and what is wrong with it (a Violation) or None.

    A new record names its organisation, except that a reporter may leave it out and gets
    their own (`own()` gives it); a change keeps the record's unless it names another; and
    a reporter writes for their own organisation only. The one statement of that rule for
    5W reports and border crossings, single or in batches."""
    if given is None and existing is None:
        if user.partner_id is None or user.is_coordinator:
            return None, Violation("partner", "required", _("This field is required."))
        given = own()
    partner = given or existing
    if not can_write_for_partner(user, partner.pk):
        message = _("You may only report for your own organisation, not %(partner)s.") % {
            "partner": partner.code
        }  # fmt: skip
        return partner, Violation("partner", "partner_not_allowed", message)
    return partner, None


class PartnerRecordPermission(permissions.BasePermission):
    """Reads are scoped by the queryset; writes need a reporter's or coordinator's role,
    and a reporter changes only its own organisation's reports (not those it implements)."""

    message = _("Your role may not change these records.")
    code = "role_not_allowed"

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_write_reports(user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if can_write_for_partner(request.user, obj.partner_id):
            return True
        self.message = _("Only the organisation that owns this record changes it.")
        self.code = "not_own_report"
        return False
