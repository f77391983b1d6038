"""Monthly beneficiaries, indicator totals and cash: sums of reports, grouped as asked."""

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from indicators.choices import IndicatorType
from reporting.common.references import ReferenceIndex
from reporting.figures.selectors.common import (
    FigureQuery,
    _reports,
    report_count,
    with_names,
)


# --- Monthly beneficiaries and indicator totals ------------------------------------------------
def _dimension_values(group_by, row, codes, indicators) -> dict[str, Any]:
    out = {}
    for g in group_by:
        if g == "month":
            out[g] = f"{row['month']:%Y-%m}"
        elif g == "admin1":
            out[g] = codes["location"][row["admin1_id"]][0]
        elif g == "country":
            out[g] = codes["location"][row["admin1_id"]][1]
        elif g == "partner":
            out[g] = codes["partner"][row["partner_id"]][0]
        elif g == "sector":
            out[g] = indicators[row["indicator_id"]]["root_sector"]
        elif g == "subsector":
            out[g] = indicators[row["indicator_id"]]["sector"]
        elif g == "delivery_mechanism":
            out[g] = row["delivery_mechanism"]
    return out


_COLUMN = {
    "month": "month",
    "admin1": "admin1_id",
    "country": "admin1_id",
    "partner": "partner_id",
    "sector": "indicator_id",
    "subsector": "indicator_id",
    "delivery_mechanism": "delivery_mechanism",
}


def monthly_beneficiaries(
    *, query: FigureQuery, references: ReferenceIndex, direct_only: bool = True
) -> list[dict]:
    """Total monthly beneficiaries (people assisted each month, counted every month), with
    the RMRP / non-RMRP split, grouped as asked: of Direct Assistance rows (the region's
    script), or of every row."""
    codes, indicators = references.codes(), references.indicator_facts()
    columns = sorted({_COLUMN[g] for g in query.group_by})
    direct = (
        {i for i, facts in indicators.items() if facts["type"] == IndicatorType.DIRECT_ASSISTANCE}
        if direct_only
        else None
    )
    source = _reports(query, indicator_ids=direct, cells="partner" not in query.group_by)
    rows = (
        source.values(*columns)
        .annotate(
            rmrp_total=Sum("total_beneficiaries", filter=Q(rmrp=True)),
            other_total=Sum("total_beneficiaries", filter=Q(rmrp=False)),
            reports_n=report_count(source),
        )
        .order_by()
    )
    out: dict[tuple, dict] = {}
    for row in rows:
        if not row["reports_n"]:
            continue  # changes that cancelled out: no report there
        dims = _dimension_values(query.group_by, row, codes, indicators)
        key = tuple(dims.values())
        entry = out.setdefault(
            key, {**with_names(dims, references), "rmrp": 0, "no_rmrp": 0, "total": 0}
        )
        entry["rmrp"] += row["rmrp_total"] or 0
        entry["no_rmrp"] += row["other_total"] or 0
        entry["total"] = entry["rmrp"] + entry["no_rmrp"]
    return [out[k] for k in sorted(out, key=lambda k: [str(v) for v in k])]


def indicator_totals(*, query: FigureQuery, references: ReferenceIndex) -> list[dict]:
    """Per indicator: quantity, total and new beneficiaries, and how many partners report."""
    codes, indicators = references.codes(), references.indicator_facts()
    # The indicator fixes its sector and subsector.
    group_by = [g for g in query.group_by if g not in ("sector", "subsector")]
    columns = sorted({"indicator_id", "partner_id", *(_COLUMN[g] for g in group_by)})
    rows = (
        _reports(query)
        .values(*columns)
        .annotate(
            quantity=Sum("quantity"), total=Sum("total_beneficiaries"), new=Sum("new_beneficiaries")
        )
        .order_by()
    )
    out: dict[tuple, dict] = {}
    partners: dict[tuple, set[int]] = defaultdict(set)
    for row in rows:
        facts = indicators[row["indicator_id"]]
        dims = _dimension_values(group_by, row, codes, indicators)
        key = (facts["code"], *dims.values())
        entry = out.setdefault(
            key,
            {
                "indicator": facts["code"],
                "indicator_name": facts["name"],
                "unit": facts["unit"],
                "sector": facts["sector"],
                "sector_name": references.names()["sector"].get(facts["sector"]),
                "indicator_type": facts["type"],
                **with_names(dims, references),
                "quantity": 0,
                "total_beneficiaries": 0,
                "new_beneficiaries": 0,
                "partners": 0,
            },
        )
        entry["quantity"] += row["quantity"] or 0
        entry["total_beneficiaries"] += row["total"] or 0
        entry["new_beneficiaries"] += row["new"] or 0
        partners[key].add(row["partner_id"])
    for key, entry in out.items():
        entry["partners"] = len(partners[key])
    return [out[k] for k in sorted(out, key=lambda k: [str(v) for v in k])]


def cash_figures(*, query: FigureQuery, references: ReferenceIndex) -> list[dict]:
    """Cash and voucher assistance: the value in USD and the people it reached (total and
    new beneficiaries of CVA rows), grouped as asked (e.g. by sector, admin1, delivery
    mechanism, month)."""
    codes, indicators = references.codes(), references.indicator_facts()
    columns = sorted({_COLUMN[g] for g in query.group_by})
    rows = (
        _reports(replace(query, cva=True))
        .values(*columns)
        .annotate(
            value=Sum("cva_value_usd"),
            people=Sum("total_beneficiaries"),
            new=Sum("new_beneficiaries"),
            reports=Count("*"),  # not Count("id"): the figures index holds no id
        )
        .order_by()
    )
    out: dict[tuple, dict] = {}
    for row in rows:
        dims = _dimension_values(query.group_by, row, codes, indicators)
        entry = out.setdefault(
            tuple(dims.values()),
            {**with_names(dims, references), "cva_value_usd": Decimal(0), "people": 0,
             "new_people": 0, "reports": 0},
        )  # fmt: skip
        entry["cva_value_usd"] += row["value"] or 0
        entry["people"] += row["people"] or 0
        entry["new_people"] += row["new"] or 0
        entry["reports"] += row["reports"]
    return [out[k] for k in sorted(out, key=lambda k: [str(v) for v in k])]
