"""The figures: people reached, monthly beneficiaries, indicators, cash and progress, as
JSON, files and charts."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from config.api.exports import serializer_columns
from config.api.fields import number
from config.api.vega import VegaRenderer
from config.db.generations import cached
from reporting.approvals.selectors import approval_of
from reporting.common.references import ReferenceIndex
from reporting.figures import charts
from reporting.figures.api.serializers import (
    CashFiguresSerializer,
    FigureQuerySerializer,
    GroupColumnsSerializer,
    IndicatorFiguresSerializer,
    MonthlyBeneficiariesQuerySerializer,
    MonthlyBeneficiariesSerializer,
    PeopleReachedQuerySerializer,
    PeopleReachedSerializer,
    ProgressSerializer,
)
from reporting.figures.choices import (
    IndicatorTypes,
)
from reporting.figures.selectors import (
    CASH_DIMENSIONS,
    GROUP_DIMENSIONS,
    FigureQuery,
    cash_figures,
    covered_months,
    flagged_rows,
    indicator_totals,
    monthly_beneficiaries,
    progress,
    provisional,
    query_key,
)
from reporting.figures.selectors.countries import (
    country_parts,
    country_settings,
    covered_countries,
    follows_region_script,
    settings_used,
)
from reporting.figures.selectors.people_reached import Method, people_reached_parts

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


def _figure_body(
    query: FigureQuery, rows: list, references: ReferenceIndex, countries: list | None = None
) -> dict:
    """What every figure answers besides its own head: the months, whether they are all
    locked, the countries it covers (a regional figure is their sum), the grouping and the
    rows."""
    names = references.names()["location"]
    if countries is None:
        countries = [
            {"country": c, "country_name": names.get(c)}
            for c in covered_countries(query, references)
        ]
    return {
        "months": {"from": f"{query.month_from:%Y-%m}", "to": f"{query.month_to:%Y-%m}"},
        "provisional": provisional(query.month_from, query.month_to),
        "approval": approval_of(
            month_from=query.month_from,
            month_to=query.month_to,
            countries=[c["country"] for c in countries],
        ),
        "flagged_rows": flagged_rows(query),
        "countries": countries,
        "group_by": query.group_by,
        "results": _bounded(rows),
    }


class FiguresViewSet(viewsets.GenericViewSet):
    """Platform-wide figures: anyone signed in reads them (they are aggregates)."""

    pagination_class = None
    filter_backends = []
    serializer_class = FigureQuerySerializer
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, VegaRenderer]
    ANSWERS = {
        "people_reached": PeopleReachedSerializer,
        "monthly_beneficiaries": MonthlyBeneficiariesSerializer,
        "indicators": IndicatorFiguresSerializer,
        "cash": CashFiguresSerializer,
        "progress": ProgressSerializer,
    }

    def vega_spec(self, data: dict) -> dict:
        """`?format=vega`: the figure's chart as the console draws it (reporting.figures.
        charts), a Vega-Lite spec with its data inline."""
        return charts.CHARTS[self.action](data)

    def export_columns(self, data: dict) -> list[str]:
        """The columns of a figure with no rows (its file still has its header): the
        group_by columns asked for and the figure's own."""
        answer = self.ANSWERS.get(self.action)
        if answer is None:
            return []
        group_columns = set(GroupColumnsSerializer().fields)
        grouped = set(data.get("group_by") or [])
        return [
            c for c in serializer_columns(answer().fields["results"].child)
            if c not in group_columns or c.removesuffix("_name") in grouped
        ]  # fmt: skip

    def _query(
        self, request, dimensions=GROUP_DIMENSIONS, asks=FigureQuerySerializer
    ) -> tuple[FigureQuerySerializer, ReferenceIndex]:
        """The figure's query read by `asks` (the parameters every figure takes, or those
        and its own): a parameter another figure takes is unknown here, a 400."""
        references = ReferenceIndex()
        context = {"references": references, "dimensions": dimensions}
        query = asks(data=request.query_params, context=context)
        query.is_valid(raise_exception=True)
        return query, references

    @staticmethod
    def _respond(
        name: str, query: FigureQuery, references: ReferenceIndex, results: Callable[[], list]
    ) -> Response:
        """The figure's answer, cached under its query and the data generations of the
        months it covers (config.db.generations)."""
        return Response(
            cached(
                name,
                [query_key(query)],
                covered_months(query),
                lambda: _figure_body(query, results(), references),
            )
        )

    @extend_schema(parameters=[PeopleReachedQuerySerializer], responses=PeopleReachedSerializer)
    @action(detail=False, methods=["get"], url_path="people-reached")
    def people_reached(self, request):
        """Consolidated people reached, by default exactly as the region's script
        (fct_aggregate_data.R) computes it: every Direct Assistance row (RMRP or not, rows
        with only totals too), new beneficiaries from the start of the plan year up to the
        month asked, each month's subsectors combined per admin1 by `model` (sum, max_sector
        or southern_cone) and the months added (`accumulation=monthly`; `cumulative` adds
        each sector's months, then combines once); a country is the sum of its admin1s.
        Under the max models the `proportions` table (pin or target) first splits each
        subsector's population types into girls, boys, women and men, each product rounded
        as R rounds (`rounding=half_even`), and the highest subsector is taken per cell; a
        share the table lacks makes that cell unknown, which counts 0
        (`missing_shares=zero`). Defaults: the country's settings, else max_sector, monthly,
        pin, every row. The answer says which it used, where that came from, and whether
        it is the script's method (`region_script`)."""
        query, references = self._query(request, asks=PeopleReachedQuerySerializer)
        data = query.validated_data
        asked = {name: data.get(name) for name in ("model", "accumulation", "proportions")}
        method_asked = {name: data.get(name) for name in ("rounding", "missing_shares")}
        method = Method(**{k: v for k, v in method_asked.items() if v})
        base = query.figure_query(cumulative=True)

        def compute() -> dict:
            # The countries' settings are read here, not before the cache: a cached answer
            # costs no query for them (a change to them changes every figure's key).
            names = references.names()["location"]
            settings = country_settings(covered_countries(base, references), asked)
            parts = country_parts(base, references, settings, rmrp_asked="rmrp" in data)
            uncovered: set[str] = set()
            rows = people_reached_parts(
                parts=[
                    (p.query, p.settings.model, p.settings.accumulation, p.settings.proportions)
                    for p in parts
                ],
                group_by=base.group_by,
                references=references,
                uncovered=uncovered,
                method=method,
            )
            countries, head = settings_used(settings, parts, names, asked)
            return {
                **head,
                "proportions_uncovered": sorted(uncovered),
                **{name: getattr(method, name) for name in method_asked},
                **{
                    f"{name}_source": "query" if value else "platform_default"
                    for name, value in method_asked.items()
                },
                "region_script": follows_region_script(countries, method, data),
                **_figure_body(base, rows, references, countries),
            }

        return Response(
            cached(
                "people_reached",
                [query_key(base), asked, method_asked],
                covered_months(base),
                compute,
            )
        )

    @extend_schema(
        parameters=[MonthlyBeneficiariesQuerySerializer], responses=MonthlyBeneficiariesSerializer
    )
    @action(detail=False, methods=["get"], url_path="monthly-beneficiaries")
    def monthly_beneficiaries(self, request):
        """Total monthly beneficiaries (the same person counts each month), with the RMRP /
        non-RMRP split; `group_by=sector` gives the situation report's table."""
        query, references = self._query(request, asks=MonthlyBeneficiariesQuerySerializer)
        figure_query = query.figure_query(cumulative=False)
        asked = query.validated_data.get("indicator_type")
        kind = asked or IndicatorTypes.DIRECT_ASSISTANCE

        def compute() -> dict:
            rows = monthly_beneficiaries(
                query=figure_query,
                references=references,
                direct_only=kind == IndicatorTypes.DIRECT_ASSISTANCE,
            )
            return {
                "indicator_type": kind,
                "indicator_type_source": "query" if asked else "platform_default",
                **_figure_body(figure_query, rows, references),
            }

        return Response(
            cached(
                "monthly_beneficiaries",
                [query_key(figure_query), asked],
                covered_months(figure_query),
                compute,
            )
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
            references,
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
            "cash",
            figure_query,
            references,
            lambda: cash_figures(query=figure_query, references=references),
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
        base = query.figure_query(cumulative=True)

        def compute() -> dict:
            countries = covered_countries(base, references)
            parts = country_parts(
                base, references, country_settings(countries, {}), rmrp_asked="rmrp" in data
            )
            geo = [g for g in base.group_by if g in ("country", "admin1")] or ["admin1"]
            rows = sorted(
                (row for p in parts for row in progress(query=p.query, references=references)),
                key=lambda row: [row[g] for g in (*geo, "sector")],
            )  # parts cover disjoint countries: their rows never share a key
            rmrp = {p.query.rmrp is True for p in parts}
            return {
                "rmrp_only": rmrp == {True},
                **_figure_body(base, rows, references),
            }

        return Response(cached("progress", [query_key(base)], covered_months(base), compute))
