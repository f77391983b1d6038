from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class IsCoordinatorOrReadOnly(permissions.BasePermission):
    """Reference data: everyone signed in reads it; only coordinators change it."""

    message = _("Only coordinators change reference data.")

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or request.user.is_coordinator


class IsCoordinator(permissions.BasePermission):
    message = _("Only coordinators may do this.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_coordinator)
