"""/api/v1/proportions/: the age/sex proportions tables coordinators set (one by one, or a
CSV/XLSX upload) and the max models of people reached apply."""

import copy

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api.exceptions import violations_error
from config.api.exports import ExportListMixin
from config.api.permissions import IsCoordinatorOrReadOnly
from config.api.serializers import (
    BatchResultSerializer,
    DryRunSerializer,
    StrictFieldsMixin,
    upload_options,
)
from config.api.spreadsheets import uploaded_rows
from config.api.versioning import (
    HistoryEntrySerializer,
    VersionedResourceMixin,
    versioned_resource_schema,
)
from config.db.batches import batch_result_data
from reporting.common.references import ReferenceField
from reporting.figures.filtersets import AgeSexProportionsFilterSet
from reporting.figures.models import (
    SHARE_FIELDS,
    AgeSexProportions,
    AgeSexProportionsHistoryEntry,
)
from reporting.figures.proportions import (
    proportions_batch,
    proportions_create,
    proportions_delete,
    proportions_update,
    proportions_violations,
)


def _share(group: str) -> serializers.FloatField:
    return serializers.FloatField(
        min_value=0, max_value=1,
        help_text=f"Share of the population type's people who are {group}, 0 to 1, kept as "
        "given (a spreadsheet's double exactly: the region's script rounds people x share "
        "on it).",
    )  # fmt: skip


class AgeSexProportionsSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """One population type's split into girls, boys, women and men, in one sector (or
    subsector) of one admin1; the four shares add up to 1 (± 0.001)."""

    admin1 = ReferenceField("location", help_text="Admin1 P-code.")
    admin1_name = serializers.CharField(source="admin1.name", read_only=True)
    country = serializers.CharField(source="admin1.parent.pcode", read_only=True)
    sector = ReferenceField("sector", help_text="Sector or subsector code (e.g. PRT, CP, GBV).")
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    girls = _share("girls (under 18)")
    boys = _share("boys (under 18)")
    women = _share("women")
    men = _share("men")
    updated_by = serializers.CharField(source="updated_by.username", read_only=True)

    class Meta:
        model = AgeSexProportions
        fields = [
            "id", "country", "admin1", "admin1_name", "sector", "sector_name", "variant",
            "population_type", *SHARE_FIELDS, "version", "updated_at", "updated_by",
        ]  # fmt: skip
        read_only_fields = ["id", "version", "updated_at"]
        validators = []  # the key is checked under a lock by the service (409)

    def validate(self, attrs):
        candidate = copy.copy(self.instance) if self.instance else AgeSexProportions()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        violations = proportions_violations(candidate)
        if violations:
            raise violations_error(violations)
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["admin1"], data["sector"] = instance.admin1.pcode, instance.sector.code
        return data


class AgeSexProportionsHistoryEntrySerializer(HistoryEntrySerializer):
    class Meta(HistoryEntrySerializer.Meta):
        model = AgeSexProportionsHistoryEntry


class ProportionsUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV or XLSX with the columns admin1, sector, variant, population_type, "
        "girls, boys, women, men (an export of this list uploads back as is)."
    )


UPLOAD_COLUMNS = {"admin1", "sector", "variant", "population_type", *SHARE_FIELDS}


@versioned_resource_schema
class AgeSexProportionsViewSet(ExportListMixin, VersionedResourceMixin, viewsets.ModelViewSet):
    """Age/sex proportions per admin1, sector (subsector level), variant (pin or target) and
    population type: how the max models of people reached split each population type into
    girls, boys, women and men. Everyone signed in reads them; coordinators set them, one
    by one (with ETag / If-Match and a history, like reports) or as a file (`upload/`)."""

    serializer_class = AgeSexProportionsSerializer
    filterset_class = AgeSexProportionsFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    lookup_value_regex = "[0-9]+"
    ordering_fields = ["id"]
    ordering = ["id"]
    detail_url_name = "agesexproportions-detail"
    problem_statuses = {
        "create": ["409"],
        "update": ["409", "412"],
        "partial_update": ["409", "412"],
        "destroy": ["412"],
        "upload": ["409", "422"],
    }

    def get_queryset(self):
        return AgeSexProportions.objects.select_related(
            "admin1__parent", "sector", "updated_by"
        ).order_by("id")

    def perform_create(self, serializer):
        serializer.instance = proportions_create(
            data=serializer.validated_data, user=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = proportions_update(
            row=serializer.instance,
            data=serializer.validated_data,
            user=self.request.user,
            expected_version=self.expected_version(serializer.instance),
        )

    def perform_destroy(self, instance):
        proportions_delete(
            row=instance, user=self.request.user, expected_version=self.expected_version(instance)
        )

    @extend_schema(responses=AgeSexProportionsHistoryEntrySerializer(many=True), filters=False)
    @action(
        detail=True, methods=["get"], serializer_class=AgeSexProportionsHistoryEntrySerializer,
        filter_backends=[], filterset_class=None,
    )  # fmt: skip
    def history(self, request, pk=None):
        """Every change of the row; stays readable after it is deleted."""
        row = AgeSexProportions.all_objects.filter(pk=pk).first()
        if row is None:
            raise exceptions.NotFound()
        entries = row.history.select_related("changed_by").order_by("id")
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ProportionsUploadSerializer},
        responses=BatchResultSerializer,
        parameters=[DryRunSerializer],
        filters=False,
    )
    @action(
        detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser],
        filter_backends=[], pagination_class=None,
    )  # fmt: skip
    def upload(self, request):
        """Set many rows from a CSV or XLSX file, all or nothing: every bad row answers 422
        with its spreadsheet row and column; each (admin1, sector, variant, population
        type) present is created or replaced (`unchanged` when equal). Columns other than
        the eight above (an export's id, names, version...) are ignored."""
        options = upload_options(request, DryRunSerializer)
        upload = ProportionsUploadSerializer(data={"file": request.data.get("file")})
        upload.is_valid(raise_exception=True)
        context = self.get_serializer_context()
        rows, errors = uploaded_rows(
            upload.validated_data["file"],
            lambda raw: AgeSexProportionsSerializer(data=raw, context=context),
            columns=UPLOAD_COLUMNS,
        )
        result = proportions_batch(
            user=request.user, rows=rows, errors=errors,
            dry_run=options["dry_run"],
        )  # fmt: skip
        return Response(batch_result_data(result))
