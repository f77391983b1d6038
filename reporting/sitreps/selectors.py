"""The monthly situation report, assembled from the API's own figures (read through the API
for the signed-in user: config.api.internal), the coordinators' key-figure entries and
narratives. Every number says which query gave it (`query`), so it can be checked and
downloaded."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.api.fields import month_str
from config.api.internal import api_get
from indicators.models import Sector, name_for_reader
from reporting.activities.selectors import activity_reports_visible_to
from reporting.border_flows import charts as border_charts
from reporting.border_flows.models import BorderPoint
from reporting.figures import charts as figure_charts
from reporting.sitreps.models import KeyFigure, Narrative

REGION = "REGION"


def _query(url_name: str, params: dict) -> str:
    """The API query that gives a number: the same path and parameters."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


def _figure(request, url_name: str, params: dict) -> tuple[dict | list | None, str]:
    status, data = api_get(request, url_name, params)
    return (data if status == 200 else None), _query(url_name, params)


def situation_report(*, request, month: date, country) -> dict[str, Any]:
    scope = {"country": country.pcode} if country is not None else {}
    month_q = {**scope, "month": month_str(month)}
    spanish = (get_language() or "").startswith("es")
    report: dict[str, Any] = {
        "month": month_str(month),
        "scope": country.pcode if country is not None else REGION,
        "scope_name": name_for_reader(country) if country is not None else _("Region"),
        "language": "es" if spanish else "en",
    }
    report["key_figures"] = _key_figures(request, month, country, month_q)
    by_sector, query = _figure(request, "figures-people-reached", {**month_q, "group_by": "sector"})
    report["people_by_sector"] = {
        "rows": [
            {"sector": r["sector"], "sector_name": r["sector_name"], "people": r["people_reached"]}
            for r in (by_sector or {}).get("results", [])
        ],
        "query": query,
    }
    # Figures of a month still open may change: said on every page of every document.
    report["provisional"] = bool((by_sector or {}).get("provisional", True))
    report["sections"] = _sections(request, month, country, month_q)
    report["border"], series = _border(request, month)
    report["charts"] = _charts(request, month, country, by_sector, series)
    report["entries"] = [
        _entry(f, spanish) for f in KeyFigure.objects.filter(month=month, country=country)
    ]
    texts = Narrative.objects.filter(
        month=month, scope=report["scope"], language=report["language"]
    )
    report["narratives"] = {n.section: n.text for n in texts}
    return report


def key_figures(*, request, month: date, country) -> list[dict]:
    """The report's headline figures alone (the console's dashboard strip)."""
    scope = {"country": country.pcode} if country is not None else {}
    return _key_figures(request, month, country, {**scope, "month": month_str(month)})


def _key_figures(request, month, country, month_q) -> list[dict]:
    figures = []
    people, query = _figure(request, "figures-people-reached", month_q)
    if people and people["results"]:
        figures.append({"key": "people_reached", "label": _("People reached, January to %(month)s")
                        % {"month": month_str(month)}, "value": people["results"][0][
                            "people_reached"], "unit": "people", "query": query})  # fmt: skip
    progress, query = _figure(request, "figures-progress", month_q)
    if progress and progress["results"]:
        reached = sum(r["people_reached"] or 0 for r in progress["results"])
        target = sum(r["target"] or 0 for r in progress["results"])
        figures.append({
            "key": "reached_of_target", "label": _("Reached against the plan's target"),
            "value": round(100 * reached / target, 1) if target else None, "unit": "%",
            "reached": reached, "target": target, "query": query,
        })  # fmt: skip
    cash, query = _figure(request, "figures-cash", month_q)
    if cash and cash["results"]:
        total = cash["results"][0]
        figures.append(
            {
                "key": "cash_usd",
                "label": _("Cash and vouchers delivered"),
                "value": total["cva_value_usd"],
                "unit": "USD",
                "query": query,
            }
        )
        figures.append(
            {
                "key": "cash_people",
                "label": _("People assisted with cash and vouchers"),
                "value": total["people"],
                "unit": "people",
                "query": query,
            }
        )
    # What the reader may read: a partner's report counts its own organisation only.
    visible = activity_reports_visible_to(user=request.user)
    reports = visible.filter(month__gte=date(month.year, 1, 1), month__lte=month)
    if country is not None:
        reports = reports.filter(admin1__parent=country)
    this_year = reports.aggregate(n=Count("partner", distinct=True))["n"]
    this_month = reports.filter(month=month).aggregate(n=Count("partner", distinct=True))["n"]
    figures.append({
        "key": "organisations_reporting",
        "label": _("Organisations reporting (of those reporting this year)"),
        "value": this_month, "of": this_year, "unit": "organisations",
        "query": _query("activityreport-list", month_q),
    })  # fmt: skip
    return figures


def _sections(request, month, country, month_q) -> list[dict]:
    """A section per sector: its indicators' figures and its top activities."""
    data, query = _figure(request, "figures-indicators", month_q)
    if not data:
        return []
    sectors = {s.code: s for s in Sector.objects.select_related("parent")}
    by_sector: dict[str, list] = {}
    for row in data["results"]:
        root = sectors[row["sector"]].root_code
        by_sector.setdefault(root, []).append({
            "indicator": row["indicator"], "name": row["indicator_name"],
            "people": row["total_beneficiaries"], "quantity": row["quantity"],
            "unit": row["unit"],
            "query": _query("figures-indicators", {**month_q, "sector": row["sector"]}),
        })  # fmt: skip
    # Top activities are rows' text: a partner sees its own organisation's only.
    reports = activity_reports_visible_to(user=request.user).filter(month=month)
    if country is not None:
        reports = reports.filter(admin1__parent=country)
    top = (
        reports.values(
            "indicator__sector__code", "indicator__sector__parent__code", "activity_name"
        )
        .annotate(people=Sum("total_beneficiaries"))
        .order_by("-people", "activity_name")
    )
    activities: dict[str, list] = {}
    for row in top:
        root = row["indicator__sector__parent__code"] or row["indicator__sector__code"]
        if len(activities.setdefault(root, [])) < 3 and row["people"]:
            activities[root].append({"activity": row["activity_name"], "people": row["people"]})
    return [
        {"sector": code, "sector_name": name_for_reader(sectors[code]),
         "indicators": sorted(rows, key=lambda r: r["indicator"]),
         "top_activities": activities.get(code, []),
         "cash": _cash(request, {**month_q, "sector": code}),
         "query": _query("figures-indicators", {**month_q, "sector": code})}
        for code, rows in sorted(by_sector.items())
    ]  # fmt: skip


def _cash(request, params: dict) -> dict | None:
    """A sector's cash and vouchers: USD and the people they reached (None without any)."""
    data, query = _figure(request, "figures-cash", params)
    if not data or not data["results"] or not data["results"][0]["reports"]:
        return None
    row = data["results"][0]
    return {"usd": row["cva_value_usd"], "people": row["people"], "query": query}


def _border(request, month: date) -> dict:
    """Crossings per point over the month and the change from the month before; its busiest
    day at any point; travel modes of the year so far."""
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)
    before = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    days = {"interval": "day", "start": month.isoformat(), "end": end.isoformat()}
    series, query = _figure(request, "bordercrossing-series", days)
    last_day = (month - timedelta(days=1)).isoformat()
    previous, _q = _figure(
        request, "bordercrossing-series",
        {"interval": "month", "start": before.isoformat(), "end": last_day},
    )  # fmt: skip
    earlier = {
        (s["border_point"], s["direction"]): sum(p["people"] or 0 for p in s["points"])
        for s in previous or []
    }
    points, busiest = [], None
    names = dict(BorderPoint.objects.values_list("code", "name"))
    for s in series or []:
        total = sum(p["people"] or 0 for p in s["points"])
        last = earlier.get((s["border_point"], s["direction"]))
        points.append({
            "border_point": s["border_point"], "direction": s["direction"], "people": total,
            "border_point_name": names.get(s["border_point"], s["border_point"]),
            "previous_month": last,
            "change": round(100 * (total - last) / last, 1) if last else None,
        })  # fmt: skip
        for p in s["points"]:
            if p["people"] and (busiest is None or p["people"] > busiest["people"]):
                busiest = {"border_point": s["border_point"], "direction": s["direction"],
                           "border_point_name": names.get(s["border_point"], s["border_point"]),
                           "day": p["period"], "people": p["people"]}  # fmt: skip
    modes, modes_query = _figure(request, "bordercrossing-travel-modes", {
        "date_from": f"{month.year}-01-01", "date_to": end.isoformat()
    })  # fmt: skip
    border = {"points": points, "busiest_day": busiest, "query": query,
              "travel_modes": modes or [], "travel_modes_query": modes_query}  # fmt: skip
    return border, series or []


def _charts(request, month: date, country, by_sector: dict | None, series: list) -> dict:
    """The report's charts as Vega-Lite specs (config.api.vega): the figures' own charts,
    as the console draws them and `?format=vega` gives them; the documents draw these."""
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)
    charts: dict[str, dict] = {}
    if by_sector and by_sector["results"]:
        charts["people_by_sector"] = figure_charts.people_reached(
            by_sector, _("People reached by sector")
        )
    if any(p["people"] for s in series for p in s["points"]):
        charts["border_crossings"] = border_charts.crossings(
            series, start=month, end=end, interval="day",
            title=_("Border crossings per day and point"),
        )  # fmt: skip
    if country is not None:
        by_admin1, _query = _figure(request, "figures-people-reached", {
            "country": country.pcode, "month": month_str(month), "group_by": "admin1"})  # fmt: skip
        names = {a.pcode: name_for_reader(a) for a in country.children.filter(level="admin1")}
        drawn = by_admin1 and figure_charts.admin1_map(
            by_admin1, country=country.pcode, names=names,
            title=_("People reached by admin1"),
        )  # fmt: skip
        if drawn:
            charts["map"] = drawn
    return charts


def _entry(figure: KeyFigure, spanish: bool) -> dict:
    return {
        "id": figure.pk, "label": figure.label_es if spanish and figure.label_es else figure.label,
        "value": float(figure.value), "unit": figure.unit, "as_of": figure.as_of.isoformat(),
        "source": figure.source, "link": figure.link, "section": figure.section,
        "query": reverse("keyfigure-detail", kwargs={"pk": figure.pk}),
    }  # fmt: skip
