"""The border flows' charts, declared once in Vega-Lite (config.api.vega): crossings per
named point and direction as lines over time, travel-mode shares stacked per month."""

from django.utils.translation import gettext as _

from config.api import vega
from config.l10n import month_name, months_between, number
from reporting.border_flows.choices import Direction
from reporting.border_flows.models import BorderPoint

TIME_UNITS = {"day": "utcyearmonthdate", "week": "utcyearmonthdate", "month": "utcyearmonth"}


def crossings(series: list[dict], *, start, end, interval: str, title: str | None = None):
    """A line per named point and direction that counted anyone; a period without an
    observation is a gap in its line, not a zero."""
    names = dict(BorderPoint.objects.values_list("code", "name"))
    directions = dict(Direction.choices)
    points = [
        {"series": f"{names.get(s['border_point'], s['border_point'])} · "
                   f"{directions.get(s['direction'], s['direction'])}",
         "date": p["period"], "value": p["people"]}
        for s in series if any(p["people"] for p in s["points"])
        for p in s["points"]
    ]  # fmt: skip
    return vega.lines(
        title or _("Border crossings per point"), months_between(start, end), points,
        number=number, time_unit=TIME_UNITS.get(interval, "utcyearmonthdate"),
    )  # fmt: skip


def travel_modes(months: list[dict], *, start, end, title: str | None = None) -> dict:
    """Each month's people by travel mode, as shares stacked to 100 %."""
    return vega.bars(
        title or _("Travel modes (share of people)"), months_between(start, end),
        [(month_name(m["month"]), [(_("On foot"), m["on_foot"]),
                                  (_("Motor vehicle"), m["motor_vehicle"]),
                                  (_("Other"), m["other"])])
         for m in months],
        number=lambda v: f"{number(round(v))} %", share=True,
    )  # fmt: skip
