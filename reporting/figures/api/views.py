from collections.abc import Callable
from dataclasses import replace

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api.exports import ExportListMixin
from config.api.fields import number
from config.api.permissions import IsCoordinatorOrReadOnly
from config.api.spreadsheets import uploaded_rows
from config.db.generations import cached
from reporting.common.references import ReferenceIndex
from reporting.figures.api.serializers import (
    CashFiguresSerializer,
    CountryFigureSettingsSerializer,
    FigureQuerySerializer,
    IndicatorFiguresSerializer,
    MonthlyBeneficiariesSerializer,
    PeopleReachedSerializer,
    PlanTargetSerializer,
    PlanTargetUploadResultSerializer,
    PlanTargetUploadSerializer,
    ProgressSerializer,
)
from reporting.figures.filtersets import PlanTargetFilterSet
from reporting.figures.models import CountryFigureSettings, PlanTarget
from reporting.figures.selectors import (
    CASH_DIMENSIONS,
    GROUP_DIMENSIONS,
    FigureQuery,
    cash_figures,
    covered_months,
    indicator_totals,
    monthly_beneficiaries,
    people_reached,
    people_reached_settings,
    progress,
    provisional,
    query_key,
)
from reporting.figures.services import plan_targets_upsert
from reporting.locations.choices import LocationLevel
from reporting.locations.models import Location

FIGURES_MAX_ROWS = 20_000


def _bounded(rows: list) -> list:
    if len(rows) > FIGURES_MAX_ROWS:
        raise ValidationError(
            {
                "group_by": [
                    ErrorDetail(
                        _(
                            "This figure has %(rows)s rows, more than the %(max)s one answer "
                            "holds; group by fewer dimensions or ask for fewer months."
                        )
                        % {"rows": number(len(rows)), "max": number(FIGURES_MAX_ROWS)},
                        "too_many_rows",
                    )
                ]
            }
        )
    return rows


def _figure_body(query: FigureQuery, rows: list) -> dict:
    """What every figure answers besides its own head: the months, whether they are all
    locked, the grouping and the rows."""
    return {
        "months": {"from": f"{query.month_from:%Y-%m}", "to": f"{query.month_to:%Y-%m}"},
        "provisional": provisional(query.month_from, query.month_to),
        "group_by": query.group_by,
        "results": _bounded(rows),
    }


def _with_rmrp_rule(query: FigureQuery, asked: dict, rmrp_only: bool) -> FigureQuery:
    """The query under the country's RMRP-only rule, unless the request said `rmrp`."""
    if "rmrp" in asked:
        return query
    return replace(query, rmrp=True if rmrp_only else None)


class FiguresViewSet(viewsets.GenericViewSet):
    """Platform-wide figures: anyone signed in reads them (they are aggregates)."""

    pagination_class = None
    filter_backends = []
    serializer_class = FigureQuerySerializer

    def _query(
        self, request, dimensions=GROUP_DIMENSIONS
    ) -> tuple[FigureQuerySerializer, ReferenceIndex]:
        references = ReferenceIndex()
        context = {"references": references, "dimensions": dimensions}
        query = FigureQuerySerializer(data=request.query_params, context=context)
        query.is_valid(raise_exception=True)
        return query, references

    @staticmethod
    def _respond(name: str, query: FigureQuery, results: Callable[[], list]) -> Response:
        """The figure's answer, cached under its query and the data generations of the
        months it covers (config.db.generations)."""
        return Response(
            cached(
                name,
                [query_key(query)],
                covered_months(query),
                lambda: _figure_body(query, results()),
            )
        )

    @extend_schema(parameters=[FigureQuerySerializer], responses=PeopleReachedSerializer)
    @action(detail=False, methods=["get"], url_path="people-reached")
    def people_reached(self, request):
        """Consolidated people reached: Direct Assistance rows only, new beneficiaries from
        the start of the plan year up to the month asked, combined across sectors per admin1
        by `model` (sum, max_sector or southern_cone) in the order `accumulation` says
        (`monthly`, the regional consolidation: each month's sectors and subsectors combined,
        then the months added; or `cumulative`: each sector's months added, then combined
        once); a country is the sum of its admin1s. Under the max models the `proportions`
        table (pin or target) first splits each sector's population types into girls, boys,
        women and men, and the highest sector is taken per cell. Defaults: the country's
        settings, else max_sector, monthly and pin. The answer says which it used and where
        that came from."""
        query, references = self._query(request)
        data = query.validated_data
        asked = {name: data.get(name) for name in ("model", "accumulation", "proportions")}
        country = data["country"].pcode if "country" in data else None
        base = query.figure_query(cumulative=True)

        def compute() -> dict:
            # The country's settings are read here, not before the cache: a cached answer
            # costs no query for them (a change to them changes every figure's key).
            settings = people_reached_settings(country, **asked)
            figure_query = _with_rmrp_rule(base, data, settings.rmrp_only)
            uncovered: set[str] = set()
            rows = people_reached(
                query=figure_query,
                model=settings.model,
                accumulation=settings.accumulation,
                proportions=settings.proportions,
                references=references,
                uncovered=uncovered,
            )
            return {
                "model": settings.model,
                "model_source": settings.model_source,
                "accumulation": settings.accumulation,
                "accumulation_source": settings.accumulation_source,
                "proportions": settings.proportions,
                "proportions_source": settings.proportions_source,
                "proportions_uncovered": sorted(uncovered),
                "rmrp_only": figure_query.rmrp is True,
                **_figure_body(figure_query, rows),
            }

        return Response(
            cached(
                "people_reached",
                [query_key(base), asked, country],
                covered_months(base),
                compute,
            )
        )

    @extend_schema(parameters=[FigureQuerySerializer], responses=MonthlyBeneficiariesSerializer)
    @action(detail=False, methods=["get"], url_path="monthly-beneficiaries")
    def monthly_beneficiaries(self, request):
        """Total monthly beneficiaries (the same person counts each month), with the RMRP /
        non-RMRP split; `group_by=sector` gives the situation report's table."""
        query, references = self._query(request)
        figure_query = query.figure_query(cumulative=False)
        return self._respond(
            "monthly_beneficiaries",
            figure_query,
            lambda: monthly_beneficiaries(query=figure_query, references=references),
        )

    @extend_schema(parameters=[FigureQuerySerializer], responses=IndicatorFiguresSerializer)
    @action(detail=False, methods=["get"])
    def indicators(self, request):
        """Per indicator: quantity of output, total and new beneficiaries, and the number of
        reporting partners: the figures a situation report's narrative quotes."""
        query, references = self._query(request)
        figure_query = query.figure_query(cumulative=False)
        return self._respond(
            "indicator_totals",
            figure_query,
            lambda: indicator_totals(query=figure_query, references=references),
        )

    @extend_schema(parameters=[FigureQuerySerializer], responses=CashFiguresSerializer)
    @action(detail=False, methods=["get"])
    def cash(self, request):
        """Cash and voucher assistance: USD transferred and the people it reached (total and
        new beneficiaries of CVA rows) in the months asked, grouped by any of the figure
        dimensions and `delivery_mechanism` ("2,000,000 USD to assist 19,570 persons through
        multipurpose cash": `?month=2021-03&sector=MPC`)."""
        query, references = self._query(request, dimensions=CASH_DIMENSIONS)
        figure_query = query.figure_query(cumulative=False)
        return self._respond(
            "cash", figure_query, lambda: cash_figures(query=figure_query, references=references)
        )

    @extend_schema(parameters=[FigureQuerySerializer], responses=ProgressSerializer)
    @action(detail=False, methods=["get"])
    def progress(self, request):
        """People reached per sector, cumulative from January to the month asked, against
        the plan year's target and people in need (counts and %), per admin1 (or, with
        `group_by=country`, per country): the table every situation report dashboard shows.
        Counts Direct Assistance rows as people reached does (RMRP only by the country's
        setting)."""
        query, references = self._query(request)
        data = query.validated_data
        country = data["country"].pcode if "country" in data else None
        base = query.figure_query(cumulative=True)

        def compute() -> dict:
            rmrp_only = people_reached_settings(country).rmrp_only
            figure_query = _with_rmrp_rule(base, data, rmrp_only)
            rows = progress(query=figure_query, references=references)
            return {"rmrp_only": figure_query.rmrp is True, **_figure_body(figure_query, rows)}

        return Response(
            cached("progress", [query_key(base), country], covered_months(base), compute)
        )


class CountryFigureSettingsViewSet(
    ExportListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Each country's declared consolidation model and RMRP-only rule; coordinators set them.
    A country without settings reads as max_sector, RMRP only."""

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


class PlanTargetViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Targets and people in need of the response plan, per plan year, admin1 and sector
    (optionally per population type). Everyone signed in reads; coordinators set them, one
    by one or as a file (`upload/`). Illustrative demo values are marked in the demo data."""

    serializer_class = PlanTargetSerializer
    filterset_class = PlanTargetFilterSet
    permission_classes = [IsCoordinatorOrReadOnly]
    ordering_fields = ["plan_year", "target"]
    problem_statuses = {"upload": ["422"]}

    def get_queryset(self):
        return PlanTarget.objects.select_related("admin1", "sector", "changed_by")

    def perform_create(self, serializer):
        data = {"population_type": "", **serializer.validated_data}
        plan_targets_upsert(rows=[(0, data)], user=self.request.user)
        key = {k: data[k] for k in ("plan_year", "admin1", "sector")}
        serializer.instance = PlanTarget.objects.get(**key, population_type=data["population_type"])

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
        422 with its spreadsheet row; each (plan year, admin1, sector, population type)
        present replaces its target."""
        upload = PlanTargetUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        context = self.get_serializer_context()
        rows, errors = uploaded_rows(
            upload.validated_data["file"],
            lambda raw: PlanTargetSerializer(data=raw, context=context),
        )
        rows = [(number, {"population_type": "", **data}) for number, data in rows]
        return Response(plan_targets_upsert(rows=rows, user=request.user, errors=errors))
