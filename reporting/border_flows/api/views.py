from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from config.api.exceptions import RequestTooLarge, flatten_errors
from config.api.exports import ExportListMixin
from config.api.fields import number
from config.api.idempotency import IDEMPOTENCY_PARAMETER, IdempotentCreateMixin, idempotent_response
from config.api.permissions import IsCoordinatorOrReadOnly
from config.api.serializers import BatchResultSerializer, DryRunSerializer
from config.api.versioning import VersionedResourceMixin, versioned_resource_schema
from config.db.batches import batch_result_data
from partners.permissions import PartnerRecordPermission
from reporting.border_flows.api.serializers import (
    BorderCrossingHistoryEntrySerializer,
    BorderCrossingSerializer,
    BorderPointSerializer,
    SeriesQuerySerializer,
    SeriesSerializer,
    TravelModesMonthSerializer,
)
from reporting.border_flows.filtersets import BorderCrossingFilterSet, BorderPointFilterSet
from reporting.border_flows.models import BorderCrossing, BorderPoint
from reporting.border_flows.selectors import crossings_series, crossings_travel_modes
from reporting.border_flows.services import (
    border_crossing_create,
    border_crossing_delete,
    border_crossing_update,
    border_crossings_batch,
)


class BorderPointViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Border crossing points, by code. Everyone signed in reads; coordinators change."""

    queryset = BorderPoint.objects.select_related("admin1", "admin2")
    serializer_class = BorderPointSerializer
    filterset_class = BorderPointFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["code", "name"]
    problem_statuses = {"destroy": ["409"]}


@versioned_resource_schema
class BorderCrossingViewSet(
    ExportListMixin, VersionedResourceMixin, IdempotentCreateMixin, viewsets.ModelViewSet
):
    """Border-flow observations (flow monitoring, key informants, official records).

    Everyone signed in reads them; reporters record their own organisation's; coordinators
    change all. Same history, soft delete, ETag and Idempotency-Key as 5W reports."""

    lookup_value_regex = "[0-9]+"  # anything else is a 404, not a failed int()
    serializer_class = BorderCrossingSerializer
    filterset_class = BorderCrossingFilterSet
    permission_classes = [PartnerRecordPermission]
    ordering_fields = ["date_from", "people", "id"]
    action_parameters = {"series": ["interval", "start", "end"]}
    ordering = ["-date_from", "id"]
    detail_url_name = "bordercrossing-detail"
    problem_statuses = {
        "create": ["409", "422"],
        "update": ["409", "412"],
        "partial_update": ["409", "412"],
        "destroy": ["412"],
        "bulk": ["413", "422"],
    }

    def get_queryset(self):
        return BorderCrossing.objects.select_related(
            "border_point", "partner", "created_by"
        ).order_by("-date_from", "id")

    def perform_create(self, serializer):
        serializer.instance = border_crossing_create(
            data=serializer.validated_data, user=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = border_crossing_update(
            crossing=serializer.instance,
            data=serializer.validated_data,
            user=self.request.user,
            expected_version=self.expected_version(serializer.instance),
        )

    def perform_destroy(self, instance):
        border_crossing_delete(
            crossing=instance,
            user=self.request.user,
            expected_version=self.expected_version(instance),
        )

    @extend_schema(responses=BorderCrossingHistoryEntrySerializer(many=True), filters=False)
    @action(
        detail=True,
        methods=["get"],
        serializer_class=BorderCrossingHistoryEntrySerializer,
        filter_backends=[],
        filterset_class=None,
    )
    def history(self, request, pk=None):
        """Every change of the observation; stays readable after it is deleted."""
        crossing = BorderCrossing.all_objects.filter(pk=pk).first()
        if crossing is None:
            raise exceptions.NotFound()
        entries = crossing.history.select_related("changed_by").order_by("id")
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="border_crossings_bulk",
        request=BorderCrossingSerializer(many=True),
        responses={200: BatchResultSerializer},
        parameters=[DryRunSerializer, IDEMPOTENCY_PARAMETER],
        filters=False,
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        """Up to 5,000 observations at once, all or nothing; upserts on (border point,
        period, direction, nationality, source). 422 lists every `{row, field, code, message}`."""
        if not isinstance(request.data, list):
            raise ValidationError(
                {"non_field_errors": [ErrorDetail(_("Send a JSON list."), "not_a_list")]}
            )
        if len(request.data) > settings.API_MAX_BATCH_ROWS:
            raise RequestTooLarge(
                _("At most %(max)s rows.") % {"max": number(settings.API_MAX_BATCH_ROWS)},
                code="batch_too_large",
            )
        options = DryRunSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        dry_run = options.validated_data["dry_run"]

        def run():
            rows = []
            context = self.get_serializer_context()  # shared: reference look-ups once
            for index, raw in enumerate(request.data):
                serializer = BorderCrossingSerializer(data=raw, context=context)
                try:
                    ok = serializer.is_valid()
                except exceptions.PermissionDenied as denied:
                    rows.append(
                        (
                            index,
                            None,
                            [
                                {
                                    "row": index,
                                    "field": "partner",
                                    "code": "partner_not_allowed",
                                    "message": str(denied.detail),
                                }
                            ],
                        )
                    )
                    continue
                errors = (
                    [] if ok else [{"row": index, **e} for e in flatten_errors(serializer.errors)]
                )
                rows.append((index, serializer.validated_data if ok else None, errors))
            result = border_crossings_batch(user=request.user, rows=rows, dry_run=dry_run)
            return Response(batch_result_data(result))

        return idempotent_response(request, run)

    def _filtered(self, request):
        return self.filter_queryset(BorderCrossing.objects.all())

    @extend_schema(
        operation_id="border_crossings_series",
        parameters=[SeriesQuerySerializer],
        responses=SeriesSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def series(self, request):
        """People counted per day, week or month, per border point and direction, over
        [start, end]. An observation counts in the period where it starts; a period without
        any observation has `people: null`: a gap, not a zero."""
        query = SeriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = crossings_series(queryset=self._filtered(request), **query.validated_data)
        return Response(data)

    @extend_schema(
        operation_id="border_crossings_travel_modes",
        responses=TravelModesMonthSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="travel-modes", pagination_class=None)
    def travel_modes(self, request):
        """Travel-mode shares per month, weighted by the people each observation counted
        (observations without shares are left out)."""
        return Response(crossings_travel_modes(queryset=self._filtered(request)))
