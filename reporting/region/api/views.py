from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.api.export_routes import ExportNegotiation
from config.api.exports import (
    CSVFileRenderer,
    HXLFileRenderer,
    OctetStreamRenderer,
    XLSXFileRenderer,
)
from config.api.pagination import PageNumberPagination
from config.api.permissions import IsCoordinator
from config.api.renderers import BrowsableAPIRenderer, JSONRenderer
from config.api.serializers import DryRunSerializer, upload_options
from config.api.spreadsheets import SheetError, write_csv, write_xlsx
from reporting.locations.models import Location
from reporting.region.api.serializers import (
    ConsolidationQuerySerializer,
    ConsolidationRowSerializer,
    ConsolidationSerializer,
    ProportionsWorkbookSerializer,
    snake,
)
from reporting.region.consolidation import OUTPUT
from reporting.region.selectors import region_consolidation
from reporting.region.services import proportions_workbook_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUERY = ("country", "month_from", "month_to", "model", "proportions")
PAGE_AND_FILE = {"page", "page_size", "format", "sep", "headers"}  # read by others


HXL_TAGS = (
    "#region +platform", "#country +name", "#adm1 +name", "#date +month", "#sector +name",
    "#reached +monthly", "#reached +monthly +cva", "#reached +total", "#reached +destination",
    "#reached +transit", "#reached +host", "#reached +pendular", "#reached +returnees",
    "#reached +f +children", "#reached +m +children", "#reached +f +adults",
    "#reached +m +adults", "#reached +other +children", "#reached +other +adults",
    "#reached +cva", "#meta +check +poptype", "#meta +check +agd", "#meta +check +cva",
)  # fmt: skip


class RegionViewSet(viewsets.GenericViewSet):
    """The region's own methods and files: its consolidation (fct_aggregate_data.R, step by
    step) and its proportions workbook, as they are."""

    permission_classes = [IsAuthenticated]
    serializer_class = ConsolidationRowSerializer
    pagination_class = PageNumberPagination
    filter_backends = []
    action_parameters = {"consolidation": QUERY}
    problem_statuses = {"proportions_workbook": ["400", "409", "422"]}

    def _consolidate(self, request) -> tuple[list[dict], dict]:
        asked = {k: v for k, v in request.query_params.items() if k not in PAGE_AND_FILE}
        query = ConsolidationQuerySerializer(data=asked)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if data["month_from"] > data["month_to"]:
            raise ValidationError(
                {"month_from": [ErrorDetail(_("After month_to."), code="invalid_range")]}
            )
        countries = list(Location.objects.filter(level="country").order_by("pcode"))
        if data.get("country"):
            wanted = [c.strip().upper() for c in data["country"].split(",") if c.strip()]
            unknown = sorted(set(wanted) - {c.pcode for c in countries})
            if unknown:
                message = _("Unknown country %(codes)s; the region's: %(known)s.") % {
                    "codes": ", ".join(unknown), "known": ", ".join(c.pcode for c in countries)
                }  # fmt: skip
                raise ValidationError({"country": [ErrorDetail(message, code="does_not_exist")]})
            countries = [c for c in countries if c.pcode in wanted]
        rows = region_consolidation(
            countries=countries, month_from=data["month_from"], month_to=data["month_to"],
            model=data["model"], variant=data["proportions"],
        )  # fmt: skip
        method = {
            "name": "fct_aggregate_data.R", "model": data["model"],
            "proportions": data["proportions"], "countries": [c.pcode for c in countries],
            "rows_counted": "Direct Assistance, RMRP or not; rows with only totals in totals",
            "rounding": "half to even (R's round)",
            "missing_share": "NA: the group counts 0 in the intersector figure",
            "cumulative_from": data["month_from"].strftime("%Y-%m"),
        }  # fmt: skip
        return rows, method

    @extend_schema(parameters=[ConsolidationQuerySerializer], responses=ConsolidationSerializer)
    @action(detail=False, methods=["get"], renderer_classes=[JSONRenderer, BrowsableAPIRenderer])
    def consolidation(self, request):
        """The region's consolidation of the service's reports, row for row as
        fct_aggregate_data.R gives it for the same 5W: people reached per country x admin1
        x month x subsector and `Intersector`, monthly and cumulated from `month_from`, by
        the script's model and proportions. `method` says what it followed."""
        rows, method = self._consolidate(request)
        page = self.paginate_queryset(rows)
        data = [{snake(c): row[c] for c in OUTPUT} for row in page]
        response = self.get_paginated_response(ConsolidationRowSerializer(data, many=True).data)
        response.data = {"method": method, **response.data}
        return response

    @extend_schema(parameters=[ConsolidationQuerySerializer])  # documented as an export
    @action(
        detail=False, methods=["get"], url_path="consolidation/export",
        renderer_classes=[OctetStreamRenderer, CSVFileRenderer, HXLFileRenderer,
                          XLSXFileRenderer],
        content_negotiation_class=ExportNegotiation,
    )  # fmt: skip
    def consolidation_export(self, request):
        """The same rows as a file in the script's own layout and column names (`Platform`,
        `Country`, ... `Check CVA higher Total`), for the dashboards that read its output:
        CSV unless `format=xlsx` (or `hxl`: CSV with a row of HXL hashtags)."""
        rows, _method = self._consolidate(request)
        table = [[_cell(row[c]) for c in OUTPUT] for row in rows]
        fmt = request.query_params.get("format") or "csv"
        head = [list(OUTPUT)] + ([list(HXL_TAGS)] if fmt == "hxl" else [])
        if fmt == "xlsx":
            content, kind, name = write_xlsx([*head, *table], "Consolidated"), XLSX, "xlsx"
        else:
            kind = "application/vnd.hxl+csv" if fmt == "hxl" else "text/csv"
            content, name = write_csv([*head, *table]), "csv"
        response = Response(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="consolidation.{name}"'
        return response

    @extend_schema(
        request={"multipart/form-data": ProportionsWorkbookSerializer},
        parameters=[DryRunSerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(
        detail=False, methods=["post"], url_path="proportions-workbook",
        parser_classes=[MultiPartParser, FormParser], permission_classes=[IsCoordinator],
    )  # fmt: skip
    def proportions_workbook(self, request):
        """Coordinators: load the region's Proportions.xlsx as it is. Each row of
        `pinproportions` and `targetproportions` gives the age/sex shares of its population
        types; the table of each variant and country it covers is replaced (rows it no
        longer has are deleted). 400 naming the sheets it expects for another workbook;
        422 with every unknown country, admin1 or subsector and the closest names. The
        answer counts, per sheet, the rows, the shares not adding up to 1 (kept as the
        region has them) and the largest difference."""
        options = upload_options(request, DryRunSerializer)
        upload = ProportionsWorkbookSerializer(data={"file": request.data.get("file")})
        upload.is_valid(raise_exception=True)
        try:
            result = proportions_workbook_upload(
                user=request.user, content=upload.validated_data["file"].read(),
                dry_run=options["dry_run"],
            )  # fmt: skip
        except SheetError as error:
            raise ValidationError({"file": [ErrorDetail(error.message, code=error.code)]}) from None
        return Response(result)


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value
