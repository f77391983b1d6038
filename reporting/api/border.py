"""Border points and border-crossing observations."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response

from config.exceptions import RequestTooLarge, flatten_errors
from config.filters import StrictBooleanField
from config.permissions import IsCoordinatorOrReadOnly
from partners.models import Partner
from reporting.api.exports import ExportListMixin
from reporting.api.fields import assert_within_dates
from reporting.api.idempotency import (
    IDEMPOTENCY_PARAMETER,
    IdempotentCreateMixin,
    idempotent_response,
)
from reporting.api.serializers import BatchRowSerializer, StrictFieldsMixin
from reporting.api.versioned import VersionedResourceMixin, versioned_resource_schema
from reporting.choices import ObservationMethod
from reporting.crossings import (
    AGE_SEX,
    MODES,
    border_crossing_create,
    border_crossing_delete,
    border_crossing_update,
    border_crossing_violations,
    border_crossings_batch,
    crossing_values,
    crossings_series,
    crossings_travel_modes,
)
from reporting.filtersets import BorderCrossingFilterSet, BorderPointFilterSet
from reporting.models import (
    MAX_COUNT,
    BorderCrossing,
    BorderCrossingHistoryEntry,
    BorderPoint,
    Location,
)
from reporting.permissions import PartnerRecordPermission, can_write_for_partner
from reporting.snapshots import iso_datetime

# --- Serializers --------------------------------------------------------------------------


class CachedSlugRelatedField(serializers.SlugRelatedField):
    """Slug look-ups from one read of the (small) table per request: a batch of thousands of
    rows costs one query, not one per row."""

    def to_internal_value(self, data):
        cache = self.context.setdefault("slug_cache", {})
        key = (self.queryset.model, self.slug_field)
        if key not in cache:
            cache[key] = {getattr(o, self.slug_field): o for o in self.get_queryset()}
        if not isinstance(data, str):
            self.fail("invalid")
        obj = cache[key].get(data)
        if obj is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return obj


class BorderPointSerializer(serializers.ModelSerializer):
    admin1 = serializers.SlugRelatedField(slug_field="pcode", queryset=Location.objects.all())
    admin2 = serializers.SlugRelatedField(
        slug_field="pcode",
        queryset=Location.objects.all(),
        allow_null=True,
        required=False,
    )
    neighbour_country = serializers.RegexField(
        r"^[A-Z]{3}$", help_text="ISO3 of the country on the other side, e.g. ECU."
    )

    class Meta:
        model = BorderPoint
        fields = [
            "code",
            "name",
            "admin1",
            "admin2",
            "neighbour_country",
            "kind",
            "latitude",
            "longitude",
        ]
        extra_kwargs = {
            "latitude": {"coerce_to_string": False},
            "longitude": {"coerce_to_string": False},
        }


class CrossingAgeSexSerializer(StrictFieldsMixin, serializers.Serializer):
    """Optional; its groups may not add up to more than `people`."""

    girls = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )
    boys = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )
    women = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )
    men = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, allow_null=True, required=False
    )


def _share() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )


class TravelModesSerializer(StrictFieldsMixin, serializers.Serializer):
    """Percentages of the people counted, 0 to 100, adding up to at most 100."""

    on_foot = _share()
    motor_vehicle = _share()
    other = _share()


class BorderCrossingSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """People counted crossing a border point on a day (`date`) or over a period
    (`date_from`, `date_to`), in one direction, of one nationality, from one source."""

    border_point = CachedSlugRelatedField(slug_field="code", queryset=BorderPoint.objects.all())
    date = serializers.DateField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="One day: sets date_from and date_to.",
    )
    date_from = serializers.DateField(required=False, help_text="First day observed.")
    date_to = serializers.DateField(required=False, help_text="Last day observed (>= date_from).")
    nationality = serializers.RegexField(
        r"^[A-Za-z]{3}$", default="VEN", help_text="ISO3; default VEN."
    )
    people = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, help_text="People counted.")
    age_sex = CrossingAgeSexSerializer(required=False, allow_null=True)
    travel_modes = TravelModesSerializer(required=False, allow_null=True)
    method = serializers.ChoiceField(choices=ObservationMethod.choices)
    source = serializers.CharField(max_length=200, help_text='e.g. "DTM Round 3, 2021-03-30".')
    partner = CachedSlugRelatedField(
        slug_field="code",
        queryset=Partner.objects.all(),
        required=False,
        help_text="Reporting organisation; reporters may omit it (their own).",
    )
    notes = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = BorderCrossing
        fields = [
            "id",
            "border_point",
            "date",
            "date_from",
            "date_to",
            "direction",
            "nationality",
            "people",
            "age_sex",
            "travel_modes",
            "method",
            "source",
            "partner",
            "notes",
            "created_at",
            "updated_at",
            "created_by",
            "version",
        ]
        read_only_fields = ["id", "created_at", "updated_at", "version"]
        validators = []  # uniqueness answers 409 in the service, not 400 here

    def to_representation(self, instance):
        return {
            "id": instance.pk,
            **crossing_values(instance),
            "created_at": iso_datetime(instance.created_at),
            "updated_at": iso_datetime(instance.updated_at),
            "created_by": instance.created_by.username,
            "version": instance.version,
        }

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        day = attrs.pop("date", None)
        if day is not None:
            attrs["date_from"] = attrs["date_to"] = day
        if "nationality" in attrs:
            attrs["nationality"] = attrs["nationality"].upper()
        if "age_sex" in attrs:
            groups = attrs.pop("age_sex") or {}
            attrs.update({f: groups.get(f) for f in AGE_SEX})
        if "travel_modes" in attrs:
            shares = attrs.pop("travel_modes") or {}
            attrs.update({field: shares.get(key) for key, field in MODES})
        return attrs

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is None:
            if "partner" not in attrs:
                if user.partner_id is None or user.is_coordinator:
                    raise ValidationError(
                        {"partner": [ErrorDetail("This field is required.", "required")]}
                    )
                attrs["partner"] = user.partner
            missing = [f for f in ("date_from", "date_to") if f not in attrs]
            if missing:
                raise ValidationError(
                    {
                        f: [ErrorDetail("Give `date`, or `date_from` and `date_to`.", "required")]
                        for f in missing
                    }
                )
        partner = attrs.get("partner") or self.instance.partner
        if not can_write_for_partner(user, partner.pk):
            raise exceptions.PermissionDenied(
                f"You may only record observations for your own organisation, not {partner.code}.",
                code="partner_not_allowed",
            )
        candidate = (
            BorderCrossing(
                **{
                    f.attname: getattr(self.instance, f.attname)
                    for f in BorderCrossing._meta.concrete_fields
                }
            )
            if self.instance
            else BorderCrossing()
        )
        for field, value in attrs.items():
            setattr(candidate, field, value)
        errors: dict[str, list] = {}
        for v in border_crossing_violations(candidate):
            errors.setdefault(v.field or "non_field_errors", []).append(
                ErrorDetail(v.message, v.code)
            )
        if errors:
            raise ValidationError(errors)
        return attrs


class BorderCrossingHistoryEntrySerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True
    )
    before = serializers.JSONField(read_only=True)
    after = serializers.JSONField(read_only=True)

    class Meta:
        model = BorderCrossingHistoryEntry
        fields = [
            "id",
            "action",
            "channel",
            "batch_id",
            "version",
            "changed_at",
            "changed_by",
            "before",
            "after",
        ]
        read_only_fields = fields


class SeriesPointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="First day of the day, ISO week (Monday) or month.")
    people = serializers.IntegerField(allow_null=True, help_text="null: no observation (a gap).")


class SeriesSerializer(serializers.Serializer):
    border_point = serializers.CharField()
    direction = serializers.CharField()
    points = SeriesPointSerializer(many=True)


class SeriesQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    interval = serializers.ChoiceField(choices=["day", "week", "month"], default="day")
    start = serializers.DateField(help_text="First day of the range.")
    end = serializers.DateField(help_text="Last day of the range (at most 3 years after start).")

    def to_internal_value(self, data):
        # The filter parameters travel in the same query string.
        own = {k: v for k, v in data.items() if k in self.fields}
        return super().to_internal_value(own)

    def validate(self, attrs):
        assert_within_dates(start=attrs["start"], end=attrs["end"])
        if attrs["end"] < attrs["start"]:
            raise ValidationError({"end": [ErrorDetail("end is before start.", "period_reversed")]})
        if (attrs["end"] - attrs["start"]).days > 3 * 366:
            raise ValidationError(
                {"end": [ErrorDetail("At most three years at once.", "range_too_long")]}
            )
        return attrs


class TravelModesMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    people = serializers.IntegerField(help_text="People counted by observations with shares.")
    observations = serializers.IntegerField()
    on_foot = serializers.FloatField(allow_null=True, help_text="Weighted share, %.")
    motor_vehicle = serializers.FloatField(allow_null=True)
    other = serializers.FloatField(allow_null=True)


class CrossingBatchResultSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField()
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rows = BatchRowSerializer(many=True)


# --- Views --------------------------------------------------------------------------------


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
        responses={200: CrossingBatchResultSerializer},
        parameters=[
            OpenApiParameter("dry_run", bool, description="Validate only; write nothing."),
            IDEMPOTENCY_PARAMETER,
        ],
        filters=False,
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        """Up to 5,000 observations at once, all or nothing; upserts on (border point,
        period, direction, nationality, source). 422 lists every `{row, field, code, message}`."""
        if not isinstance(request.data, list):
            raise ValidationError(
                {"non_field_errors": [ErrorDetail("Send a JSON list.", "not_a_list")]}
            )
        if len(request.data) > settings.API_MAX_BATCH_ROWS:
            raise RequestTooLarge(
                f"At most {settings.API_MAX_BATCH_ROWS:,} rows.", code="batch_too_large"
            )
        try:
            dry_run = bool(
                StrictBooleanField(required=False).clean(request.query_params.get("dry_run"))
            )
        except Exception:
            raise ValidationError(
                {"dry_run": [ErrorDetail("Enter true or false.", "invalid")]}
            ) from None

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
            return Response(CrossingBatchResultSerializer(result).data)

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
