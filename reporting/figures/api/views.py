from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.response import Response

from config.api.exports import ExportListMixin
from config.api.permissions import IsCoordinatorOrReadOnly
from config.db.generations import cached
from reporting.common.references import ReferenceIndex
from reporting.figures.api.serializers import (
    CashFiguresSerializer,
    CountryFigureSettingsSerializer,
    FigureQuerySerializer,
    IndicatorFiguresSerializer,
    MonthlyBeneficiariesSerializer,
    PeopleReachedSerializer,
)
from reporting.figures.models import CountryFigureSettings
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
    provisional,
    query_key,
)
from reporting.locations.choices import LocationLevel
from reporting.locations.models import Location

FIGURES_MAX_ROWS = 20_000


def _bounded(rows: list) -> list:
    if len(rows) > FIGURES_MAX_ROWS:
        raise ValidationError(
            {
                "group_by": [
                    ErrorDetail(
                        f"This figure has {len(rows):,} rows, more than the {FIGURES_MAX_ROWS:,} "
                        "one answer holds; group by fewer dimensions or ask for fewer months.",
                        "too_many_rows",
                    )
                ]
            }
        )
    return rows


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
    def _respond(
        name: str, query: FigureQuery, results: Callable[[], list], head: dict | None = None
    ) -> Response:
        """The figure's answer, cached under its query and `head` and the data generations
        of the months it covers (config.db.generations)."""
        head = head or {}
        return Response(
            cached(
                name,
                [query_key(query), head],
                covered_months(query),
                lambda: {
                    **head,
                    "months": {
                        "from": f"{query.month_from:%Y-%m}",
                        "to": f"{query.month_to:%Y-%m}",
                    },
                    "provisional": provisional(query.month_from, query.month_to),
                    "group_by": query.group_by,
                    "results": _bounded(results()),
                },
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
        once); a country is the sum of its admin1s. Defaults: the country's settings, else
        max_sector and monthly. The answer says which it used and where that came from."""
        query, references = self._query(request)
        country = query.validated_data.get("country")
        settings = people_reached_settings(
            country.pcode if country else None,
            model=query.validated_data.get("model"),
            accumulation=query.validated_data.get("accumulation"),
        )
        figure_query = query.figure_query(
            cumulative=True, rmrp_default=True if settings.rmrp_only else None
        )
        head = {
            "model": settings.model,
            "model_source": settings.model_source,
            "accumulation": settings.accumulation,
            "accumulation_source": settings.accumulation_source,
            "rmrp_only": figure_query.rmrp is True,
        }
        return self._respond(
            "people_reached",
            figure_query,
            lambda: people_reached(
                query=figure_query,
                model=settings.model,
                accumulation=settings.accumulation,
                references=references,
            ),
            head=head,
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
            raise NotFound("No such country.")
        setting = CountryFigureSettings.objects.filter(country=country).first()
        return setting or CountryFigureSettings(country=country)

    def perform_update(self, serializer):
        serializer.save(changed_by=self.request.user)
