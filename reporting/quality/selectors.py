"""The quality report: the region's checks counted per organisation, country and month,
and the rows behind them as the region's own error report lays them out.

Every stored row passed the service's rules when it was written, except rows of history a
coordinator imported with their flaws (quality_flags): those are the rows to review. So the
report is two queries: rows per organisation, country and month (an index-only scan), and
the flagged ones per check (a partial index holds them). Answers are cached under the data
generations of their months (config.db.generations): a change in a month refreshes them."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from config.api.fields import month_str, months_between
from config.db.generations import cached
from config.db.routing import read_alias
from reporting.activities.models import ActivityReport
from reporting.common.references import ReferenceIndex
from reporting.quality.checks import FLAGGABLE, REGION_CHECKS, check_json


@dataclass(frozen=True)
class QualityScope:
    month_from: date
    month_to: date
    partner_id: int | None = None  # a partner's own users: always theirs
    country_id: int | None = None


def scoped_reports(scope: QualityScope) -> QuerySet:
    reports = ActivityReport.objects.using(read_alias()).filter(
        month__gte=scope.month_from, month__lte=scope.month_to
    )
    if scope.partner_id is not None:
        reports = reports.filter(partner_id=scope.partner_id)
    if scope.country_id is not None:
        reports = reports.filter(admin1__parent_id=scope.country_id)
    return reports


def quality_report(*, scope: QualityScope, references: ReferenceIndex) -> dict[str, Any]:
    """The report's totals, and its groups (organisation x country x month) as compact
    tuples: a year of the region holds some 16,000, which the API answers a page at a
    time (group_rows), so a cached answer costs milliseconds, not the whole list."""
    key = [str(scope.month_from), str(scope.month_to), scope.partner_id, scope.country_id]
    months = months_between(scope.month_from, scope.month_to)
    return cached("quality-report", key, months, lambda: _report(scope, references))


# A group: (month, partner code, country code, rows, flagged rows, {check name: rows}).
Group = tuple[str, str, str, int, int, dict[str, int]]


def group_rows(groups: list[Group], references: ReferenceIndex) -> list[dict[str, Any]]:
    names = references.names()
    return [
        {"month": month, "partner": partner, "partner_name": names["partner"].get(partner),
         "country": country, "country_name": names["location"].get(country), "rows": rows,
         "flagged_rows": flagged, "checks": checks}
        for month, partner, country, rows, flagged, checks in groups
    ]  # fmt: skip


def _report(scope: QualityScope, references: ReferenceIndex) -> dict[str, Any]:
    reports = scoped_reports(scope).values("partner_id", "admin1__parent_id", "month")
    counted: dict[tuple, list] = {}
    for row in reports.annotate(rows=Count("id")).order_by():
        key = (row["partner_id"], row["admin1__parent_id"], row["month"])
        counted[key] = [row["rows"], 0, {}]
    checks = sorted(FLAGGABLE)
    # Per check, the sum of its bit over the flagged rows, divided by the bit: how many.
    sums = {f"c{c}": Sum(F("quality_flags").bitand(1 << c)) for c in checks}
    flagged = reports.filter(quality_flags__gt=0).annotate(n=Count("id"), **sums).order_by()
    for row in flagged:
        group = counted[(row["partner_id"], row["admin1__parent_id"], row["month"])]
        group[1] = row["n"]
        for c in checks:
            if row[f"c{c}"]:
                group[2][REGION_CHECKS[c].name] = row[f"c{c}"] >> c
    partners, locations = references.codes()["partner"], references.codes()["location"]
    groups: list[Group] = sorted(
        (month_str(month), partners[partner][0], locations[country][0], *values)
        for (partner, country, month), values in counted.items()
    )
    results = group_rows(groups, references)
    return {
        "months": {"from": month_str(scope.month_from), "to": month_str(scope.month_to)},
        "rows": sum(g[3] for g in groups),
        "flagged_rows": sum(g[4] for g in groups),
        "by_check": _by_check(results),
        "by_organisation": _by(results, "partner"),
        "by_country": _by(results, "country"),
        "groups": groups,
    }


def _by_check(results: list[dict]) -> list[dict]:
    """Every one of the region's 19 checks, with the rows breaking it (0 for the checks no
    stored row can break: Completeness is refused on every path)."""
    return [
        {"check": check_json(c.id),
         "rows": sum(r["checks"].get(c.name, 0) for r in results)}
        for c in REGION_CHECKS.values()
    ]  # fmt: skip


def _by(results: list[dict], dimension: str) -> list[dict]:
    totals: dict[str, dict[str, Any]] = {}
    for r in results:
        total = totals.setdefault(
            r[dimension],
            {dimension: r[dimension], f"{dimension}_name": r[f"{dimension}_name"], "rows": 0,
             "flagged_rows": 0},
        )  # fmt: skip
        total["rows"] += r["rows"]
        total["flagged_rows"] += r["flagged_rows"]
    return sorted(totals.values(), key=lambda t: (-t["flagged_rows"], t[dimension]))


# The ActivityInfo columns each check is about: highlighted in the error report.
CHECK_COLUMNS = {
    9: ("Subsector", "Indicator"),
    10: ("Value",),
    11: ("Delivery_mechanism",),
    12: ("Value", "Delivery_mechanism"),
    13: ("Subsector", "CVA"),
    14: ("Total_monthly", "New_beneficiaries"),
    15: ("Total_monthly", "New_beneficiaries"),
    16: ("New_beneficiaries", "IN_DESTINATION", "IN_TRANSIT", "Host_Communities", "PENDULARS",
         "Returnees"),
    17: ("New_beneficiaries", "Girls", "Boys", "Women", "Men", "Other_under", "Other_above"),
    18: ("Total_monthly",),
    19: ("Quantity_output",),
}  # fmt: skip


def flagged_reports(scope: QualityScope) -> QuerySet:
    """The rows to review, as the error report lists them."""
    from reporting.activities.activityinfo import RELATED

    return scoped_reports(scope).filter(quality_flags__gt=0).select_related(*RELATED).order_by("id")
