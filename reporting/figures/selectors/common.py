"""What every figure shares: the query and its months, the report filter, the
people-reached settings, names next to codes."""

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import Count, QuerySet, Sum

from config.api.fields import months_between
from config.db.generations import cached_by_month
from config.db.routing import read_alias
from reporting.activities.breakdowns import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.activities.figure_cells import rollup_enabled
from reporting.activities.models import ActivityReport
from reporting.common.references import ReferenceIndex
from reporting.figures.models import CountryFigureSettings, FigureCellView
from reporting.periods.choices import PeriodStatus
from reporting.periods.models import ReportingPeriod

GROUP_DIMENSIONS = ("month", "country", "admin1", "sector", "subsector", "partner")
CASH_DIMENSIONS = (*GROUP_DIMENSIONS, "delivery_mechanism")
# A dimension's codes and the names printed next to them (`admin1` and `admin1_name`).
NAMED_DIMENSIONS = {
    "country": "location", "admin1": "location", "sector": "sector", "subsector": "sector",
    "partner": "partner",
}  # fmt: skip


def with_names(dims: dict[str, Any], references: ReferenceIndex) -> dict[str, Any]:
    """The dimensions of a figure row, each code followed by its name, so an analyst's CSV
    reads without a lookup table."""
    names = references.names()
    out: dict[str, Any] = {}
    for dimension, value in dims.items():
        out[dimension] = value
        kind = NAMED_DIMENSIONS.get(dimension)
        if kind is not None:
            out[f"{dimension}_name"] = names[kind].get(value) if value else None
    return out


POP = [f for _, f in POPULATION_FIELDS]


AGE = [f for _, f in AGE_SEX_FIELDS]


VECTOR = [*POP, *AGE, "new", "cva_new"]


SOUTHERN_CONE_MAX = ("SHE", "FS", "HT", "WASH")


SOUTHERN_CONE_ADD = ("INT", "MPC", "HEA", "EDU")


SOUTHERN_CONE_PROTECTION = "PRT"


@dataclass
class FigureQuery:
    """What the caller asked for, with codes already resolved to ids."""

    month_from: date
    month_to: date
    group_by: list[str] = field(default_factory=list)
    admin1_ids: set[int] | None = None  # from country/admin1 filters
    indicator_ids: set[int] | None = None  # from the sector filter
    partner_id: int | None = None
    rmrp: bool | None = None
    cva: bool | None = None


def query_key(query: FigureQuery) -> dict:
    """The query as a cache key part: sets sorted, so equal queries give equal keys."""
    return {
        name: sorted(value) if isinstance(value, set) else value
        for name, value in asdict(query).items()
    }


def covered_months(query: FigureQuery) -> list[date]:
    return months_between(query.month_from, query.month_to)


def provisional(start: date, end: date) -> bool:
    """A figure is provisional while any month it covers is still open."""
    locked = (
        ReportingPeriod.objects.using(read_alias())
        .filter(month__gte=start, month__lte=end, status=PeriodStatus.LOCKED)
        .count()
    )
    return locked < len(months_between(start, end))


def flagged_rows(query: FigureQuery) -> int:
    """The rows of history the figure counts that break some of the region's checks
    (quality_flags): counted as the region's script counts them, and said so. Counted per
    month and cached under each month's generation, so a write re-reads its month alone."""
    parts = {k: v for k, v in query_key(query).items() if k not in ("month_from", "month_to")}

    def load(months: list[date]) -> dict[date, int]:
        flagged = _reports(query, months=months).filter(quality_flags__gt=0)
        counts = dict(flagged.values("month").annotate(n=Count("id")).values_list("month", "n"))
        return {month: counts.get(month, 0) for month in months}

    return sum(cached_by_month("flagged-rows", parts, covered_months(query), load).values())


def _reports(
    query: FigureQuery,
    *,
    indicator_ids: set[int] | None = None,
    months: list[date] | None = None,
    cells: bool = False,
) -> QuerySet:
    """The live reports the query selects; with `cells`, where the caller needs no partner
    and only the summed columns, the monthly cells instead (PostgreSQL: the same sums from
    thousands of rows instead of millions; reporting.activities.figure_cells)."""
    alias = read_alias()
    if cells and query.partner_id is None and rollup_enabled(alias):
        qs = FigureCellView.objects.using(alias)
    else:
        qs = ActivityReport.objects.using(alias)
    if months is not None:  # some months of the range only
        qs = qs.filter(month__any=months)
    else:
        qs = qs.filter(month__gte=query.month_from, month__lte=query.month_to)
    if query.admin1_ids is not None:
        qs = qs.filter(admin1_id__in=query.admin1_ids)
    ids = query.indicator_ids
    if indicator_ids is not None:
        ids = indicator_ids if ids is None else ids & indicator_ids
    if ids is not None:
        qs = qs.filter(indicator_id__in=ids)
    if query.partner_id is not None:
        qs = qs.filter(partner_id=query.partner_id)
    if query.rmrp is not None:
        qs = qs.filter(rmrp=query.rmrp)
    if query.cva is not None:
        qs = qs.filter(cva=query.cva)
    return qs


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """A `values().annotate()` queryset's rows as the database gives them: tuples in its
    select order (the value fields, then the annotations), without Django's per-value
    converters (dates stay text on SQLite)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def report_count(queryset: QuerySet):
    """The aggregate counting the live reports behind each group of `_reports()`: cells and
    their pending changes can add up to a group with none left, which the reports would not
    show at all."""
    return Sum("reports") if queryset.model is FigureCellView else Count("id")


@dataclass(frozen=True)
class PeopleReachedSettings:
    """How people reached is consolidated, and where each choice came from: `query`,
    `country_setting` or `platform_default`."""

    model: str
    model_source: str
    accumulation: str
    accumulation_source: str
    proportions: str
    proportions_source: str
    rmrp_only: bool


def settings_of(
    setting: CountryFigureSettings | None,
    *,
    model: str | None = None,
    accumulation: str | None = None,
    proportions: str | None = None,
) -> PeopleReachedSettings:
    """The request's choices, else this declaration (None: the platform's default)."""
    declared = "country_setting" if setting is not None else "platform_default"
    setting = setting or CountryFigureSettings()
    return PeopleReachedSettings(
        model=model or setting.consolidation_model,
        model_source="query" if model else declared,
        accumulation=accumulation or setting.accumulation,
        accumulation_source="query" if accumulation else declared,
        proportions=proportions or setting.proportions,
        proportions_source="query" if proportions else declared,
        rmrp_only=setting.rmrp_only,
    )
