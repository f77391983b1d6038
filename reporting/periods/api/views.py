from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from config.api.exports import ExportListMixin
from config.api.fields import parse_month
from config.api.filters import FilterBackend
from config.api.permissions import IsCoordinator
from reporting.periods.api.serializers import (
    PeriodStatusChangeResultSerializer,
    PeriodStatusChangeSerializer,
    ReportingPeriodSerializer,
)
from reporting.periods.choices import PeriodStatus
from reporting.periods.filtersets import ReportingPeriodFilterSet
from reporting.periods.models import ReportingPeriod
from reporting.periods.services import periods_set_status


class ReportingPeriodViewSet(ExportListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reporting months, open or locked. Coordinators lock and unlock them, with a reason."""

    queryset = ReportingPeriod.objects.select_related("changed_by")
    serializer_class = ReportingPeriodSerializer
    filterset_class = ReportingPeriodFilterSet
    filter_backends = [FilterBackend]
    lookup_field = "month"
    lookup_value_regex = r"[0-9]{4}-[0-9]{2}"

    @extend_schema(
        parameters=[OpenApiParameter("month", str, OpenApiParameter.PATH, description="YYYY-MM")]
    )
    def retrieve(self, request, month=None):
        """One month; a month nobody reported or locked yet is shown as open."""
        parsed = parse_month(month)
        if parsed is None:
            raise NotFound(_("Months are written YYYY-MM, e.g. 2021-03."))
        period = self.get_queryset().filter(month=parsed).first() or ReportingPeriod(month=parsed)
        return Response(self.get_serializer(period).data)

    def _change(self, request, new_status: str) -> Response:
        change = PeriodStatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        changed = periods_set_status(
            month=change.validated_data["month"],
            status=new_status,
            reason=change.validated_data["reason"],
            user=request.user,
            include_earlier=change.validated_data["include_earlier"],
        )
        return Response(PeriodStatusChangeResultSerializer({"changed": changed}).data)

    @extend_schema(
        request=PeriodStatusChangeSerializer, responses=PeriodStatusChangeResultSerializer
    )
    @action(detail=False, methods=["post"], permission_classes=[IsCoordinator])
    def lock(self, request):
        """Lock a month (or every month up to it): its reports can no longer change."""
        return self._change(request, PeriodStatus.LOCKED)

    @extend_schema(
        request=PeriodStatusChangeSerializer, responses=PeriodStatusChangeResultSerializer
    )
    @action(detail=False, methods=["post"], permission_classes=[IsCoordinator])
    def unlock(self, request):
        """Reopen a month (or every month up to it) for changes."""
        return self._change(request, PeriodStatus.OPEN)
