from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.api.exceptions import ServiceUnavailable
from config.api.exports import FileRenderer, OctetStreamRenderer, XLSXFileRenderer
from config.api.fields import parse_month
from config.api.negotiation import ContentNegotiation
from config.api.permissions import IsCoordinatorOrReadOnly
from config.api.versioning import VersionedResourceMixin, versioned_resource_schema
from reporting.sitreps.api.serializers import (
    KeyFigureHistoryEntrySerializer,
    KeyFigureSerializer,
    NarrativeSerializer,
    SituationReportQuerySerializer,
    SituationReportSerializer,
)
from reporting.sitreps.documents import (
    DOCX_MEDIA_TYPE,
    report_docx,
    report_html,
    report_pdf,
    report_xlsx,
)
from reporting.sitreps.models import KeyFigure
from reporting.sitreps.selectors import REGION, situation_report
from reporting.sitreps.services import (
    key_figure_create,
    key_figure_delete,
    key_figure_update,
    narrative_set,
)


@versioned_resource_schema
class KeyFigureViewSet(VersionedResourceMixin, viewsets.ModelViewSet):
    """Figures the 5W does not hold (350,000 CPP pre-registrations, 105 persons granted
    refugee status), each with its value, unit, date, source and link. Everyone signed in
    reads them; coordinators write them; every version is kept (`history/`)."""

    lookup_value_regex = "[0-9]+"
    serializer_class = KeyFigureSerializer
    permission_classes = [IsCoordinatorOrReadOnly]
    filter_backends = []
    detail_url_name = "keyfigure-detail"
    problem_statuses = {"update": ["412"], "partial_update": ["412"], "destroy": ["412"]}

    def get_queryset(self):
        return KeyFigure.objects.select_related("country", "created_by").order_by("-month", "id")

    def perform_create(self, serializer):
        serializer.instance = key_figure_create(
            data=serializer.validated_data, user=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = key_figure_update(
            figure=serializer.instance, data=serializer.validated_data, user=self.request.user,
            expected_version=self.expected_version(serializer.instance),
        )  # fmt: skip

    def perform_destroy(self, instance):
        key_figure_delete(
            figure=instance, user=self.request.user,
            expected_version=self.expected_version(instance),
        )  # fmt: skip

    @extend_schema(responses=KeyFigureHistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], serializer_class=KeyFigureHistoryEntrySerializer)
    def history(self, request, pk=None):
        """Every version of the figure; readable after it is deleted."""
        figure = KeyFigure.all_objects.filter(pk=pk).first()
        if figure is None:
            raise exceptions.NotFound()
        entries = figure.history.select_related("changed_by").order_by("id")
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


MONTH = OpenApiParameter("month", str, OpenApiParameter.PATH, description="YYYY-MM")
DOCUMENTS = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "docx": DOCX_MEDIA_TYPE,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class PDFRenderer(FileRenderer):
    media_type, format = "application/pdf", "pdf"


class HTMLFileRenderer(FileRenderer):
    media_type, format = "text/html", "html"


class DOCXRenderer(FileRenderer):
    media_type, format = DOCX_MEDIA_TYPE, "docx"


class DocumentNegotiation(ContentNegotiation):
    """The file named by `?format=` (pdf when absent), whatever `Accept` says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        fmt = request.query_params.get("format") or "pdf"
        renderer = self.filter_renderers(renderers, fmt)[0]  # unknown: 406 naming them
        return renderer, renderer.media_type


class SituationReportViewSet(viewsets.GenericViewSet):
    """The monthly situation report of a country (`?country=PER`) or the region: key
    figures (people reached January to the month, reached against target, cash and the
    people it reached, organisations reporting), a section per sector with its indicators
    and top activities, border flows with their change from the month before, the
    coordinators' key-figure entries and their narratives, in the reader's language. Every
    number carries the API query that gives it."""

    permission_classes = [IsAuthenticated]
    serializer_class = SituationReportSerializer
    pagination_class = None
    filter_backends = []
    lookup_field = "month"
    lookup_value_regex = r"[0-9]{4}-[0-9]{2}"
    action_parameters = {"retrieve": ["country"], "document": ["country", "format"]}
    problem_statuses = {"narratives": ["400", "403"], "document": ["400", "406", "503"]}

    def _month(self, month: str):
        parsed = parse_month(month)
        if parsed is None:
            raise NotFound(_("Months are written YYYY-MM, e.g. 2021-03."))
        return parsed

    @extend_schema(parameters=[MONTH, SituationReportQuerySerializer])
    def retrieve(self, request, month=None):
        query = SituationReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = situation_report(
            request=request, month=self._month(month), country=query.validated_data.get("country")
        )
        return Response(report)

    @extend_schema(
        parameters=[
            MONTH, SituationReportQuerySerializer,
            OpenApiParameter("format", str, enum=list(DOCUMENTS), description="pdf (default), "
                             "html or docx (to edit), or xlsx (its figures)."),
        ],
        responses={
            (200, media_type.split(";")[0]): OpenApiTypes.BINARY
            for media_type in ("application/octet-stream", *DOCUMENTS.values())
        },
    )  # fmt: skip
    @action(
        detail=True, methods=["get"],
        renderer_classes=[OctetStreamRenderer, PDFRenderer, HTMLFileRenderer, DOCXRenderer,
                          XLSXFileRenderer],
        content_negotiation_class=DocumentNegotiation,
    )  # fmt: skip
    def document(self, request, month=None):
        """The report as one A4 page with its charts and map: PDF (fonts bundled, nothing
        fetched from elsewhere), HTML or DOCX to edit, or its figures as XLSX, in the
        reader's language; "provisional" on every page while its months are open."""
        query = SituationReportQuerySerializer(
            data={k: v for k, v in request.query_params.items() if k != "format"}
        )
        query.is_valid(raise_exception=True)
        country = query.validated_data.get("country")
        report = situation_report(request=request, month=self._month(month), country=country)
        fmt = request.query_params.get("format") or "pdf"
        if fmt == "html":
            content = report_html(report).encode("utf-8")
        elif fmt == "xlsx":
            content = report_xlsx(report)
        elif fmt == "docx":
            content = report_docx(report)
        else:
            try:
                content = report_pdf(report)
            except OSError:  # Pango missing on this machine
                raise ServiceUnavailable(
                    _(
                        "PDF needs Pango on the server (Debian: libpango-1.0-0); ask for "
                        "format=html or xlsx."
                    ),
                    code="pdf_unavailable",
                ) from None
        name = f"situation-report-{report['scope'].lower()}-{month}.{fmt}"
        response = Response(content, content_type=DOCUMENTS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @extend_schema(parameters=[MONTH], request=NarrativeSerializer, responses=NarrativeSerializer)
    @action(detail=True, methods=["put"])
    def narratives(self, request, month=None):
        """Coordinators: a section's paragraph, in English or Spanish (empty removes it)."""
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Only coordinators write the situation report."))
        body = NarrativeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        country = data.get("country")
        narrative_set(
            month=self._month(month), scope=country.pcode if country else REGION,
            section=data["section"], language=data["language"], text=data["text"],
            user=request.user,
        )  # fmt: skip
        return Response(NarrativeSerializer(data).data)
