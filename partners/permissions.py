from rest_framework import permissions

from partners.choices import Role


def can_write_for_partner(user, partner_id: int | None) -> bool:
    """Coordinators write every report; reporters only their own organisation's."""
    if user.is_coordinator:
        return True
    return user.role == Role.REPORTER and partner_id is not None and partner_id == user.partner_id


class PartnerRecordPermission(permissions.BasePermission):
    """Reads are scoped by the queryset; writes need a reporter's or coordinator's role,
    and a reporter changes only its own organisation's reports (not those it implements)."""

    message = "Your role may not change these records."
    code = "role_not_allowed"

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return user.is_coordinator or user.role == Role.REPORTER

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if can_write_for_partner(request.user, obj.partner_id):
            return True
        self.message = "Only the organisation that owns this record changes it."
        self.code = "not_own_report"
        return False
