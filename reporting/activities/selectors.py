from django.db.models import Q, QuerySet

from reporting.activities.models import ActivityReport


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
