from datetime import date

from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.api.export_routes import ExportNegotiation
from config.api.exports import (
    EXPORT_FORMATS,
    CSVFileRenderer,
    OctetStreamRenderer,
    XLSXFileRenderer,
    rows_in_one_transaction,
    table_options,
)
from config.api.pagination import PageNumberPagination
from config.api.renderers import BrowsableAPIRenderer, JSONRenderer
from config.api.spreadsheets import write_csv, write_xlsx
from config.api.xlsx import XLSX_MAX_ROWS
from reporting.activities.activityinfo import COLUMNS, activityinfo_row
from reporting.activities.api.serializers import ActivityReportSerializer
from reporting.activities.validation import current_month
from reporting.common.references import ReferenceIndex
from reporting.locations.choices import LocationLevel
from reporting.quality.api.serializers import (
    QualityCheckSerializer,
    QualityReportQuerySerializer,
    QualityReportSerializer,
)
from reporting.quality.checks import BY_NAME, FLAGGABLE, REGION_CHECKS, check_entry, flag_names
from reporting.quality.selectors import (
    CHECK_COLUMNS,
    QualityScope,
    flagged_reports,
    group_rows,
    quality_report,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_PARAMETERS = {"format", "sep", "headers", "page", "page_size"}  # read by others


class QualityCheckViewSet(viewsets.GenericViewSet):
    """The region's 19 data-quality checks, in English and Spanish, each with the service's
    problems that name it (every 5W problem carries its `region_check`). A check is found by
    its number or its variable name (`/quality-checks/zeroCVA/`)."""

    permission_classes = [IsAuthenticated]
    serializer_class = QualityCheckSerializer
    pagination_class = PageNumberPagination
    filter_backends = []
    lookup_value_regex = "[A-Za-z0-9_]+"

    def list(self, request):
        checks = [check_entry(check) for check in REGION_CHECKS.values()]
        page = self.paginate_queryset(checks)
        return self.get_paginated_response(QualityCheckSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        check = REGION_CHECKS.get(int(pk)) if pk.isdigit() else BY_NAME.get(pk)
        if check is None:
            raise NotFound()
        return Response(QualityCheckSerializer(check_entry(check)).data)


def _invalid(field: str, code: str, message: str) -> ValidationError:
    return ValidationError({field: [ErrorDetail(message, code=code)]})


class QualityReportViewSet(viewsets.GenericViewSet):
    """The region's checks over any scope: rows per check, organisation, country and month,
    and the rows themselves as the region's error report. Each organisation's users see
    its own rows only; analysts and coordinators see every organisation's."""

    permission_classes = [IsAuthenticated]
    serializer_class = QualityReportSerializer
    pagination_class = None  # the report pages its groups itself (list)
    single_object_list = True  # list answers one report, not a list of them
    filter_backends = []
    problem_statuses = {"list": ["400"], "rows": ["400"], "rows_export": ["400", "413"]}
    action_parameters = dict.fromkeys(
        ("list", "rows"), ("month_from", "month_to", "partner", "country")
    )

    def _scope(self, request) -> QualityScope:
        asked = {k: v for k, v in request.query_params.items() if k not in FILE_PARAMETERS}
        query = QualityReportQuerySerializer(data=asked, context={"request": request})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        month_to = data.get("month_to") or current_month()
        month_from = data.get("month_from") or date(month_to.year, 1, 1)
        if month_from > month_to:
            raise _invalid("month_from", "invalid_range", _("After month_to."))
        country = data.get("country")
        if country is not None and country.level != LocationLevel.COUNTRY:
            raise _invalid(
                "country", "wrong_level", _("%(code)s is not a country.") % {"code": country.pcode}
            )
        partner = data.get("partner")
        partner_id = partner.pk if partner is not None else None
        user = request.user
        if not user.reads_everything:  # an organisation sees its own rows, whatever it asks
            partner_id = user.partner_id if partner_id in (None, user.partner_id) else 0
            partner_id = partner_id if partner_id is not None else 0
        return QualityScope(
            month_from=month_from,
            month_to=month_to,
            partner_id=partner_id,
            country_id=country.pk if country is not None else None,
        )

    @extend_schema(
        parameters=[
            QualityReportQuerySerializer,
            OpenApiParameter("page", int, description="Page of the groups, from 1."),
            OpenApiParameter("page_size", int, description="Groups per page."),
        ],
        responses=QualityReportSerializer,
    )
    def list(self, request):
        """Rows per check, organisation, country and month (January of `month_to`'s year to
        `month_to`, the current month by default), with the totals the region's tool
        charts: by check, organisation and country. The groups come a page at a time
        (`results`; `quality-report/export/` gives them all as a file)."""
        references = ReferenceIndex()
        report = quality_report(scope=self._scope(request), references=references)
        body = {k: v for k, v in report.items() if k != "groups"}
        if getattr(request.accepted_renderer, "format", "json") in EXPORT_FORMATS:
            return Response({**body, "results": group_rows(report["groups"], references)})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(report["groups"], request, view=self)
        response = paginator.get_paginated_response(group_rows(page, references))
        response.data = {**body, **response.data}
        return response

    @extend_schema(
        parameters=[QualityReportQuerySerializer],
        responses=ActivityReportSerializer(many=True),
    )
    @action(
        detail=False, methods=["get"], pagination_class=PageNumberPagination,
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],  # its file: rows/export/
    )  # fmt: skip
    def rows(self, request):
        """The rows to review (the scope's reports breaking some check), as the API writes
        reports, each with its `quality_flags`; `rows/export/` gives them as the region's
        error report."""
        reports = flagged_reports(self._scope(request)).annotate(
            created_by_username=F("created_by__username")
        )
        page = self.paginate_queryset(reports)
        context = {"request": request, "references": ReferenceIndex()}
        return self.get_paginated_response(
            ActivityReportSerializer(page, many=True, context=context).data
        )

    @extend_schema(parameters=[QualityReportQuerySerializer])  # documented as an export
    @action(
        detail=False, methods=["get"], url_path="rows/export",
        renderer_classes=[OctetStreamRenderer, CSVFileRenderer, XLSXFileRenderer],
        content_negotiation_class=ExportNegotiation,
    )  # fmt: skip
    def rows_export(self, request):
        """The rows to review as the region's error report lays them out: the 5W's 30
        ActivityInfo columns, one column per check (1 where the row breaks it), `QA` (how
        many) and the review note, in the reader's language. CSV, or `format=xlsx` with the
        cells each check is about highlighted."""
        reports = flagged_reports(self._scope(request))
        fmt = request.query_params.get("format") or "csv"
        if fmt == "xlsx" and reports.count() > XLSX_MAX_ROWS:
            raise _invalid("format", "too_many_rows_for_xlsx", _("Too many rows for Excel."))
        checks = list(REGION_CHECKS.values())
        head = [*COLUMNS, *(c.name for c in checks), "QA", _("Review")]
        table, marks = [head], {}
        for report in rows_in_one_transaction(reports):
            row = activityinfo_row(report)
            broken = set(flag_names(report.quality_flags))
            for c in checks:
                if c.name in broken and c.id in FLAGGABLE:
                    for column in CHECK_COLUMNS.get(c.id, ()):
                        marks[(len(table), COLUMNS.index(column))] = c.name
            table.append([
                *(_cell(row[c]) for c in COLUMNS), *(1 if c.name in broken else "" for c in checks),
                len(broken), _("Please review activity"),
            ])  # fmt: skip
        if fmt == "xlsx":
            content, kind, suffix = write_xlsx(table, _("Errors"), marks), XLSX, "xlsx"
        else:
            content, kind, suffix = write_csv(table, table_options(request)), "text/csv", "csv"
        response = Response(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="quality-report.{suffix}"'
        return response


def _cell(value):
    return "" if value is None else value
