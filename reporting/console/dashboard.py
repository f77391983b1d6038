"""The console's dashboard: the API's figures for the signed-in user (config.api.internal),
each drawn from the chart the figure declares (reporting.figures.charts, the spec
`?format=vega` gives) beside its table and downloads, under a strip of headline figures."""

from datetime import date, timedelta

from django.shortcuts import render
from django.utils.translation import gettext as _

from config.api.fields import month_str, parse_month
from config.api.internal import api_get, download_url
from indicators.models import name_for_reader
from reporting.border_flows import charts as border_charts
from reporting.console.charts import chart_figure
from reporting.console.views import FILTERS, _choices, _latest_month, login_required
from reporting.figures import charts
from reporting.figures.choices import Accumulation, ConsolidationModel
from reporting.locations.models import Location
from reporting.sitreps.selectors import key_figures

FORMATS = ("csv", "xlsx", "hxl", "vega")


def _figure(request, url_name: str, params: dict, chart) -> dict:
    """One figure: the API's answer drawn by its chart (`chart(data)` gives the spec), its
    downloads (the files and the spec), or the API's error."""
    status, data = api_get(request, url_name, params)
    if status != 200:
        detail = data.get("detail") if isinstance(data, dict) else None
        return {"title": "", "error": detail or _("This figure is not available.")}
    spec = chart(data)
    if spec is None:
        return {}
    formats = FORMATS if isinstance(data, dict) and "months" in data else FORMATS[:3]
    downloads = {f: download_url(url_name, params, f) for f in formats}
    return chart_figure(spec, downloads=downloads, data=data)


def _border_figures(request, month: date) -> list[dict]:
    """Crossings per point over the month and the two before it, month by month; travel-mode
    shares per month of the year."""
    start = date(month.year - (month.month <= 2), (month.month - 3) % 12 + 1, 1)
    end = date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(days=1)
    params = {"interval": "month", "start": start.isoformat(), "end": end.isoformat()}
    series = _figure(
        request, "bordercrossing-series", params,
        lambda data: border_charts.crossings(
            data, start=start, end=end, interval="month",
            title=_("Border crossings per month and point"),
        ),
    )  # fmt: skip
    first = date(month.year, 1, 1)
    modes = _figure(
        request, "bordercrossing-travel-modes",
        {"date_from": first.isoformat(), "date_to": end.isoformat()},
        lambda data: border_charts.travel_modes(data, start=first, end=end),
    )  # fmt: skip
    return [series, modes]


def _maps(request, base: dict, by_admin1: dict) -> list[dict]:
    """A tile-grid map of people reached per admin1 for each country the figure covers
    that has a layout."""
    data = by_admin1.get("data")
    if not isinstance(data, dict):
        return []
    out = []
    for country in data.get("countries") or []:
        params = {**base, "country": country["country"], "group_by": "admin1"}
        areas = Location.objects.filter(parent__pcode=country["country"], level="admin1")
        names = {area.pcode: name_for_reader(area) for area in areas}
        title = _("People reached in %(country)s, by admin1") % {
            "country": country.get("country_name") or country["country"]
        }
        figure = _figure(
            request, "figures-people-reached", params,
            lambda d, c=country["country"], t=title, n=names: charts.admin1_map(
                d, country=c, names=n, title=t
            ),
        )  # fmt: skip
        if figure:
            out.append(figure)
    return out


def _month_figures(request, chosen: dict, month) -> list[dict]:
    """The month's figures for the filters chosen, each with its chart."""
    base = {k: v for k, v in chosen.items() if v}
    year = {**base, "month_from": f"{month.year}-01", "month_to": month_str(month)}
    year.pop("month")
    people = "figures-people-reached"
    by_sector = _figure(
        request,
        people,
        {**base, "group_by": "sector"},
        lambda d: charts.people_reached(d, _("People reached by sector")),
    )
    by_admin1 = _figure(
        request,
        people,
        {**base, "group_by": "admin1"},
        lambda d: charts.people_reached(d, _("People reached by admin1")),
    )
    trend = _figure(
        request,
        people,
        {**year, "group_by": "month"},
        lambda d: charts.people_reached(d, _("People reached, cumulative by month")),
    )
    rmrp = _figure(
        request,
        "figures-monthly-beneficiaries",
        {**year, "group_by": "month"},
        charts.monthly_beneficiaries,
    )
    progress = _figure(request, "figures-progress", base, charts.progress)
    cash = _figure(
        request,
        "figures-cash",
        {**base, "group_by": "sector"},
        lambda d: charts.cash(d, _("Cash and vouchers by sector (USD)")),
    )
    figures = [
        by_sector,
        *_maps(request, base, by_admin1),
        by_admin1,
        trend,
        rmrp,
        progress,
        cash,
        *_border_figures(request, month),
    ]
    for figure in figures:  # how people reached was counted, in words, not codes
        data = figure.get("data")
        if isinstance(data, dict) and data.get("model") in ConsolidationModel.values:
            accumulation = data.get("accumulation")
            figure["how"] = (
                ConsolidationModel(data["model"]).label,
                Accumulation(accumulation).label if accumulation in Accumulation.values else "",
            )
    return [f for f in figures if f]  # fmt: skip


@login_required
def dashboard(request):
    chosen = {name: request.GET.get(name, "").strip() for name in FILTERS}
    if not chosen["month"]:
        latest = _latest_month()
        chosen["month"] = month_str(latest) if latest else ""
    month = parse_month(chosen["month"]) if chosen["month"] else None
    figures, headline = [], None
    if month:
        figures = _month_figures(request, chosen, month)
        country = Location.objects.filter(pcode=chosen["country"], level="country").first()
        headline = key_figures(request=request, month=month, country=country)
    labels = {"country": _("Country"), "admin1": _("Admin1"), "sector": _("Sector"),
              "partner": _("Partner")}  # fmt: skip
    filters = [(name, labels[name], options, chosen[name]) for name, options in _choices().items()]
    context = {"chosen": chosen, "figures": figures, "month": month, "filters": filters,
               "headline": headline}  # fmt: skip
    return render(request, "console/dashboard.html", context)
