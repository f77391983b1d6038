from django.conf import settings
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.api.exceptions import Conflict, RequestTooLarge, RowsInvalid, UnprocessableEntity
from config.api.exports import (
    CSVFileRenderer,
    ExportListMixin,
    OctetStreamRenderer,
    XLSXFileRenderer,
    assert_fits_xlsx,
    export_response,
    rows_in_one_transaction,
    table_options,
)
from config.api.fields import number
from config.api.filters import FilterBackend
from config.api.idempotency import IDEMPOTENCY_PARAMETER, IdempotentCreateMixin, idempotent_response
from config.api.pagination import KeysetPagination, PageNumberPagination
from config.api.serializers import BatchResultSerializer, upload_options
from config.api.spreadsheets import SheetError, write_csv, write_xlsx
from config.api.versioning import VersionedResourceMixin, versioned_resource_schema
from config.db.batches import batch_result_data
from partners.permissions import PartnerRecordPermission
from reporting.activities import activityinfo
from reporting.activities.api.serializers import (
    ActivityReportHistoryEntrySerializer,
    ActivityReportSerializer,
    BatchOptionsSerializer,
    ImportQuerySerializer,
    ImportSerializer,
    ImportSummarySerializer,
    ImportUploadSerializer,
)
from reporting.activities.batches import activity_reports_batch
from reporting.activities.filtersets import ActivityReportFilterSet
from reporting.activities.history import complete_history
from reporting.activities.imports import in_reader_language
from reporting.activities.jobs import import_cancel, import_submit
from reporting.activities.models import ActivityReport, Import
from reporting.activities.selectors import activity_reports_visible_to, imports_visible_to
from reporting.activities.services import (
    activity_report_create,
    activity_report_delete,
    activity_report_update,
)
from reporting.activities.spreadsheets import error_report, template_xlsx
from reporting.common.references import ReferenceIndex, references_in


@versioned_resource_schema
class ActivityReportViewSet(
    ExportListMixin, VersionedResourceMixin, IdempotentCreateMixin, viewsets.ModelViewSet
):
    """Monthly 5W activity reports.

    Reporters write their own organisation's reports; viewers read them; both also read
    reports their organisation implements. Analysts read all; coordinators read and write all.
    Reports of locked months answer 409 `period_locked`. Responses carry an `ETag`.
    """

    lookup_value_regex = "[0-9]+"  # anything else is a 404, not a failed int()
    serializer_class = ActivityReportSerializer
    filterset_class = ActivityReportFilterSet
    filter_backends = [FilterBackend]
    permission_classes = [PartnerRecordPermission]
    pagination_class = KeysetPagination
    keyset_orderings = {
        "id": "id",
        "month": "month",
        "updated_at": "updated_at",
        "partner": "partner__code",
        "indicator": "indicator__code",
    }
    keyset_default_ordering = "id"
    detail_url_name = "activityreport-detail"
    problem_statuses = {
        "create": ["409", "422"],
        "update": ["409", "412"],
        "partial_update": ["409", "412"],
        "destroy": ["409", "412"],
        "bulk": ["409", "413", "422"],
    }

    action_parameters = {"list": ("layout",)}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ActivityReport.objects.none()
        return activity_reports_visible_to(user=self.request.user).annotate(
            created_by_username=F("created_by__username")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "layout",
                str,
                enum=[activityinfo.LAYOUT],
                description="With format=csv or xlsx: the region's 5W as ActivityInfo exports "
                "it (its 30 headers, every reference by name), which imports back unchanged.",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        layout = request.query_params.get("layout")
        if layout is None:
            return super().list(request, *args, **kwargs)
        fmt = getattr(request.accepted_renderer, "format", "json")
        if layout != activityinfo.LAYOUT or fmt not in ("csv", "xlsx"):
            message = _("layout=activityinfo is a file layout: ask for it with format=csv or xlsx.")
            raise ValidationError({"layout": [ErrorDetail(message, "invalid")]})
        queryset = self.export_queryset(request).select_related(*activityinfo.RELATED)
        assert_fits_xlsx(fmt, queryset)
        rows = activityinfo.activityinfo_rows(rows_in_one_transaction(queryset))
        name = f"{self.export_name()}-activityinfo"
        return export_response(fmt, activityinfo.COLUMNS, rows, name, table_options(request))

    def perform_create(self, serializer):
        serializer.instance = activity_report_create(
            data=serializer.validated_data,
            user=self.request.user,
            references=references_in(serializer.context),
        )

    def perform_update(self, serializer):
        report = serializer.instance
        serializer.instance = activity_report_update(
            report=report,
            data=serializer.validated_data,
            user=self.request.user,
            expected_version=self.expected_version(report),
            references=references_in(serializer.context),
        )

    def perform_destroy(self, instance):
        activity_report_delete(
            report=instance,
            user=self.request.user,
            expected_version=self.expected_version(instance),
        )

    @extend_schema(
        operation_id="activity_reports_bulk",
        request=ActivityReportSerializer(many=True),
        responses={200: BatchResultSerializer},
        parameters=[BatchOptionsSerializer, IDEMPOTENCY_PARAMETER],
        filters=False,
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        """Write up to API_MAX_BATCH_ROWS (5,000) reports at once, all or nothing.

        Each row is a report as for a single POST. A row with an `external_id` updates that
        report; a row without one updates the report with the same natural key (partner,
        implementing partner, month, admin1, admin2, indicator, activity name, rmrp, cva,
        delivery mechanism); otherwise it creates one. If any row is invalid nothing is
        written and the 422 lists every error as `{row, field, code, message}`.
        """
        options = BatchOptionsSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        if not isinstance(request.data, list):
            raise ValidationError(
                {
                    "non_field_errors": [
                        ErrorDetail(_("Send a JSON list of reports."), code="not_a_list")
                    ]
                }
            )

        def run():
            result = activity_reports_batch(
                user=request.user,
                rows=request.data,
                dry_run=options.validated_data["dry_run"],
                replace_months=options.validated_data.get("replace") == "months",
            )
            return Response(batch_result_data(result))

        return idempotent_response(request, run)

    @extend_schema(responses=ActivityReportHistoryEntrySerializer(many=True), filters=False)
    @action(
        detail=True,
        methods=["get"],
        serializer_class=ActivityReportHistoryEntrySerializer,
        pagination_class=PageNumberPagination,
        filter_backends=[],
        filterset_class=None,
    )
    def history(self, request, pk=None):
        """Every create, change and delete of the report: who, when, how, before and after.
        Stays readable after the report is deleted."""
        visible = activity_reports_visible_to(user=request.user, include_deleted=True)
        report = get_object_or_404(visible, pk=pk)
        entries = report.history.select_related("changed_by").order_by("id")
        page = complete_history(report, list(self.paginate_queryset(entries)), ReferenceIndex())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A workbook; also offered as application/octet-stream for clients that only know bytes.
XLSX_DOWNLOAD = {
    (200, XLSX): OpenApiTypes.BINARY,
    (200, "application/octet-stream"): OpenApiTypes.BINARY,
}


# CSV; bytes first, which generated clients read as a file (they read text/csv as text).
CSV_DOWNLOAD = {
    (200, "application/octet-stream"): OpenApiTypes.BINARY,
    (200, "text/csv"): OpenApiTypes.BINARY,
}


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


class ImportViewSet(
    ExportListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """5W spreadsheet uploads. Each import is all or nothing, like a JSON batch; a rejected
    one keeps its errors, and its error report lists the uploaded rows with their problems."""

    lookup_value_regex = "[0-9]+"  # anything else is a 404, not a failed int()
    serializer_class = ImportSerializer
    permission_classes = [PartnerRecordPermission]
    filter_backends = []
    parser_classes = [MultiPartParser, FormParser]
    problem_statuses = {
        "create": ["409", "413", "422"],
        "destroy": ["409"],
        "error_report_xlsx": ["422"],
        "error_report_csv": ["422"],
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Import.objects.none()
        imports = imports_visible_to(user=self.request.user).select_related(
            "uploaded_by", "partner"
        )
        if self.action in ("list", "export"):
            return imports.defer("content", "errors")  # counted in lists, listed in one
        return imports.defer("content")

    def get_serializer_class(self):
        if self.action in ("list", "export"):
            return ImportSummarySerializer
        return ImportSerializer

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[ImportQuerySerializer],
        responses={201: ImportSerializer, 202: ImportSerializer},
    )
    def create(self, request):
        """Upload a 5W file (CSV or XLSX). 201 when every row is valid (and written, unless
        `dry_run`); 422 with every error, nothing written, when any row is invalid. A file
        over IMPORT_ASYNC_BYTES (or `?async=true`) runs as a job: 202 with the import's URL,
        where its status and progress show; `DELETE` on it cancels."""
        options = upload_options(request, ImportQuerySerializer)
        upload = ImportUploadSerializer(data={"file": request.data.get("file")})
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        history = options["history"]
        if history and not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators import history with its flaws."))
        if file.size > settings.IMPORT_MAX_BYTES:
            raise RequestTooLarge(
                _("Files up to %(max)s bytes; this one has %(size)s.")
                % {"max": number(settings.IMPORT_MAX_BYTES), "size": number(file.size)},
                code="file_too_large",
            )
        try:
            record = import_submit(
                user=request.user,
                file_name=file.name or "upload",
                content=file.read(),
                dry_run=options["dry_run"],
                replace_months=options.get("replace") == "months",
                force_job=options["async"],
                history=history,
            )
        except SheetError as error:
            raise ValidationError({"file": [ErrorDetail(error.message, code=error.code)]}) from None
        location = {"Location": reverse("import-detail", kwargs={"pk": record.pk})}
        if record.run_as_job:
            return Response(ImportSerializer(record).data, status=202, headers=location)
        data = ImportSerializer(record).data
        if record.status == Import.Status.REJECTED:
            raise RowsInvalid.stored(
                data["errors"], record.errors_total, record.errors_omitted,
                detail=_(
                    "%(count)s problem(s) in the file; nothing was written. Download "
                    "%(report)s to fix them."
                )
                % {"count": number(record.errors_total), "report": data["error_report_xlsx"]},
                extra={"import_id": record.pk, "error_report_xlsx": data["error_report_xlsx"],
                       "error_report_csv": data["error_report_csv"]},
            )  # fmt: skip
        return Response(data, status=201, headers=location)

    @extend_schema(responses={200: ImportSerializer, 202: ImportSerializer})
    def destroy(self, request, pk=None):
        """Cancel an import: a queued one at once (200, `cancelled`), a running one at its
        next check (202; it rolls back, nothing written). A finished import answers 409."""
        record = self.get_object()
        if record.status not in Import.Status.running():
            raise Conflict(
                _("This import has finished (%(status)s); there is nothing to cancel.")
                % {"status": record.status},
                code="import_finished",
            )
        status = import_cancel(record)
        record.refresh_from_db()
        return Response(ImportSerializer(record).data, status=200 if status == "cancelled" else 202)

    def _report(self, pk, file_format: str) -> HttpResponse:
        record = get_object_or_404(self.get_queryset().defer(None), pk=pk)
        name = f"import-{record.pk}-errors.{file_format}"
        try:
            rows, marks = error_report(
                bytes(record.content), record.file_format, in_reader_language(record.errors)
            )
            if file_format == "csv":
                content = write_csv(rows, table_options(self.request))
                return _download(content, "text/csv; charset=utf-8", name)
            return _download(write_xlsx(rows, "Errors", marks), XLSX, name)
        except SheetError as error:  # a file stored before today's reading limits
            raise UnprocessableEntity(error.message, code=error.code) from None

    @extend_schema(operation_id="imports_error_report_xlsx", responses=XLSX_DOWNLOAD)
    @action(
        detail=True, methods=["get"], url_path="error-report.xlsx",
        renderer_classes=[XLSXFileRenderer, OctetStreamRenderer],
    )  # fmt: skip
    def error_report_xlsx(self, request, pk=None):
        """The uploaded rows with one error column per problem, as XLSX."""
        return self._report(pk, "xlsx")

    @extend_schema(operation_id="imports_error_report_csv", responses=CSV_DOWNLOAD)
    @action(
        detail=True, methods=["get"], url_path="error-report.csv",
        renderer_classes=[CSVFileRenderer, OctetStreamRenderer],
    )  # fmt: skip
    def error_report_csv(self, request, pk=None):
        """The uploaded rows with one error column per problem, as CSV."""
        return self._report(pk, "csv")

    @extend_schema(responses=XLSX_DOWNLOAD)
    @action(
        detail=False, methods=["get"], permission_classes=[IsAuthenticated],
        renderer_classes=[XLSXFileRenderer, OctetStreamRenderer],
    )  # fmt: skip
    def template(self, request):
        """A blank 5W workbook: the columns, an HXL row, and drop-down lists of partners,
        indicators, locations and delivery mechanisms."""
        references = ReferenceIndex()
        content = template_xlsx(**references.template_choices())
        return _download(content, XLSX, "5w-template.xlsx")
