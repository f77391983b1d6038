"""Who reads which 5W reports and uploads: the one scoping rule each, used by lists, single
objects, history, exports and error reports."""

from django.db.models import Q, QuerySet

from reporting.activities.models import ActivityReport, Import


def activity_reports_visible_to(*, user, include_deleted: bool = False) -> QuerySet:
    """Reports a user may read: everything for analysts and coordinators; otherwise those of
    the user's organisation, as appealing organisation or as implementing partner."""
    manager = ActivityReport.all_objects if include_deleted else ActivityReport.objects
    queryset = manager.all()
    if user.reads_everything:
        return queryset
    if user.partner_id is None:
        return queryset.none()
    return queryset.filter(
        Q(partner_id=user.partner_id) | Q(implementing_partner_id=user.partner_id)
    )


def imports_visible_to(*, user) -> QuerySet:
    """Uploads a user may read: everything for analysts and coordinators; otherwise those of
    the user's organisation (an upload's rows are all its own)."""
    queryset = Import.objects.all()
    if user.reads_everything:
        return queryset
    if user.partner_id is None:
        return queryset.none()
    return queryset.filter(partner_id=user.partner_id)
