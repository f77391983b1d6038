"""The plan's targets and people in need, and each country's figure settings."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api.exports import ExportListMixin
from config.api.permissions import IsCoordinatorOrReadOnly
from config.api.spreadsheets import uploaded_rows
from reporting.figures.api.serializers import (
    CountryFigureSettingsSerializer,
    PlanTargetSerializer,
    PlanTargetUploadResultSerializer,
    PlanTargetUploadSerializer,
)
from reporting.figures.filtersets import PlanTargetFilterSet
from reporting.figures.models import CountryFigureSettings, PlanTarget
from reporting.figures.services import plan_targets_upsert
from reporting.locations.choices import LocationLevel
from reporting.locations.models import Location


class CountryFigureSettingsViewSet(
    ExportListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Each country's declared consolidation model and RMRP-only rule; coordinators set them.
    A country without settings reads as max_sector, monthly, pin, every row (the region's
    script)."""

    serializer_class = CountryFigureSettingsSerializer
    permission_classes = [IsCoordinatorOrReadOnly]
    lookup_field = "country"
    lookup_value_regex = "[A-Za-z]{3}"
    filter_backends = []

    def get_queryset(self):
        return CountryFigureSettings.objects.select_related("country", "changed_by")

    def get_object(self):
        country = Location.objects.filter(
            pcode=self.kwargs["country"].upper(), level=LocationLevel.COUNTRY
        ).first()
        if country is None:
            raise NotFound(_("No such country."))
        setting = CountryFigureSettings.objects.filter(country=country).first()
        return setting or CountryFigureSettings(country=country)

    def perform_update(self, serializer):
        serializer.save(changed_by=self.request.user)


CELL_DEFAULTS = {"sector": None, "population_type": "", "age_sex": ""}


class PlanTargetViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Targets and people in need of the response plan, per plan year, place (admin1, or a
    country as a whole), sector or subsector (null: all sectors together), and optionally
    population type and age/sex group. Everyone signed in reads; coordinators set them one
    by one, as a file (`upload/`), or with the region's own workbook
    (`region/proportions-workbook/`, sheets `PiN 2022` and `Target`)."""

    serializer_class = PlanTargetSerializer
    filterset_class = PlanTargetFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    ordering_fields = ["plan_year", "target"]
    problem_statuses = {"upload": ["422"]}

    def get_queryset(self):
        return PlanTarget.objects.select_related("admin1", "sector", "changed_by")

    def perform_create(self, serializer):
        data = {**CELL_DEFAULTS, **serializer.validated_data}
        plan_targets_upsert(rows=[(0, data)], user=self.request.user)
        key = ("plan_year", "admin1", "sector", "population_type", "age_sex")
        serializer.instance = PlanTarget.objects.get(**{k: data[k] for k in key})

    def perform_update(self, serializer):
        serializer.save(changed_by=self.request.user)

    @extend_schema(
        request={"multipart/form-data": PlanTargetUploadSerializer},
        responses=PlanTargetUploadResultSerializer,
    )
    @action(
        detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser],
        filter_backends=[], pagination_class=None,
    )  # fmt: skip
    def upload(self, request):
        """Set many targets from a CSV or XLSX file, all or nothing: every bad row answers
        422 with its spreadsheet row; each (plan year, place, sector, population type,
        age/sex) present replaces its figures."""
        upload = PlanTargetUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        context = self.get_serializer_context()
        rows, errors = uploaded_rows(
            upload.validated_data["file"],
            lambda raw: PlanTargetSerializer(data=raw, context=context),
        )
        rows = [(number, {**CELL_DEFAULTS, **data}) for number, data in rows]
        return Response(plan_targets_upsert(rows=rows, user=request.user, errors=errors))
