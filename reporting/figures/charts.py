"""Each figure's chart, declared once in Vega-Lite (config.api.vega) from the figure's own
answer: what the console draws, what the situation report prints, and what `?format=vega`
gives API clients. Rows are named (sector, admin1, partner names, never codes), the period
is stated under the title, time runs as a line, parts stack with a legend."""

from django.utils.translation import gettext as _

from config.api import vega
from config.l10n import month_name, months_between, number
from reporting.activities.choices import DeliveryMechanism, mechanism_label

DIMENSIONS = ("sector", "subsector", "admin1", "country", "partner", "month", "delivery_mechanism")


def period(data: dict) -> str:
    """The months a figure covers, in words: "March 2021", "January – March 2021"."""
    months = data.get("months") if isinstance(data, dict) else None
    if not months:
        return ""
    return months_between(months["from"], months["to"])


def row_label(row: dict, dimensions: list[str]) -> str:
    """A row's groups by name (its code where it has none), "Lima · Protection"."""
    return " · ".join(_name(row, d) for d in dimensions if d in row)


def _name(row: dict, dimension: str) -> str:
    value = row.get(dimension)
    if dimension == "month":
        return month_name(value)
    if dimension == "delivery_mechanism" and value in DeliveryMechanism.values:
        return mechanism_label(value)
    return str(row.get(f"{dimension}_name") or value or "—")


def _dimensions(data: dict) -> list[str]:
    return [d for d in data.get("group_by") or [] if d in DIMENSIONS]


def _over_time(title: str, data: dict, value) -> dict:
    """Grouped by month: a line per other group (or one line), over the months."""
    others = [d for d in _dimensions(data) if d != "month"]
    points = [
        {"series": row_label(r, others) or title, "date": f"{r['month']}-01", "value": value(r)}
        for r in data["results"]
    ]
    return vega.lines(title, period(data), points, number=number, time_unit="utcyearmonth")


def _bars(title: str, data: dict, parts, rows=None) -> dict:
    dimensions = _dimensions(data)
    found = data["results"] if rows is None else rows
    return vega.bars(
        title, period(data), [(row_label(r, dimensions), parts(r)) for r in found], number=number
    )


def people_reached(data: dict, title: str | None = None) -> dict:
    title = title or _("People reached")
    if "month" in _dimensions(data):
        return _over_time(title, data, lambda r: r["people_reached"])
    return _bars(title, data, lambda r: [(_("People reached"), r["people_reached"])])


def monthly_beneficiaries(data: dict, title: str | None = None) -> dict:
    return _bars(
        title or _("Monthly beneficiaries: RMRP and non-RMRP"), data,
        lambda r: [(_("RMRP"), r["rmrp"]), (_("Non-RMRP"), r["no_rmrp"])],
    )  # fmt: skip


def progress(data: dict, title: str | None = None) -> dict:
    """Reached and still to reach of the target, stacked: the bar is the target."""
    title = title or _("Reached against target")
    rows = [r for r in data["results"] if r.get("target")]
    geo = [d for d in ("admin1", "country") if any(d in r for r in rows)][:1]
    return vega.bars(
        title, period(data),
        [(row_label(r, [*geo, "sector"]),
          [(_("Reached"), r["people_reached"]),
           (_("Still to reach"), max(r["target"] - r["people_reached"], 0))])
         for r in rows],
        number=number,
    )  # fmt: skip


def cash(data: dict, title: str | None = None) -> dict:
    return _bars(
        title or _("Cash and vouchers (USD)"), data,
        lambda r: [(_("USD"), round(r["cva_value_usd"] or 0))],
    )  # fmt: skip


def indicators(data: dict, title: str | None = None) -> dict:
    """New beneficiaries of the indicators that count people, else their output."""
    return vega.bars(
        title or _("Indicators"), period(data),
        [(r.get("indicator_name") or r["indicator"],
          [(_("New beneficiaries"), r["new_beneficiaries"])] if r.get("new_beneficiaries")
          else [(r.get("unit") or _("Quantity"), r.get("quantity"))])
         for r in data["results"]],
        number=number,
    )  # fmt: skip


CHARTS = {
    "people_reached": people_reached,
    "monthly_beneficiaries": monthly_beneficiaries,
    "progress": progress,
    "cash": cash,
    "indicators": indicators,
}


def admin1_map(data: dict, *, country: str, names: dict[str, str], title: str | None = None):
    """People reached per admin1 of one country as a tile-grid map (reporting.locations.
    tiles): every admin1 of the layout, 0 where nobody was reached; None without a layout."""
    from reporting.locations.tiles import tile_layout

    layout = tile_layout(country)
    if not layout:
        return None
    reached = {r["admin1"]: r["people_reached"] for r in data["results"] if r.get("admin1")}
    top = max(reached.values(), default=0) or 1
    cells = [
        {"pcode": pcode, "name": names.get(pcode, pcode),
         "short": short_name(names.get(pcode, pcode)), "row": row, "col": col,
         "value": reached.get(pcode, 0), "dark": reached.get(pcode, 0) > 0.55 * top}
        for pcode, (row, col) in layout.items()
    ]  # fmt: skip
    return vega.tiles(
        title or _("People reached by admin1"), period(data), cells, number=number,
        legend=_("People reached"),
    )  # fmt: skip


def short_name(name: str) -> str:
    """Three letters a tile can hold: "Lima" LIM, "La Libertad" LLI, "Madre de Dios" MDD."""
    words = [
        w for w in name.replace("-", " ").split() if w.lower() not in ("de", "del", "los", "las")
    ]
    if len(words) == 1:
        return words[0][:3].upper()
    if len(words) == 2:
        return (words[0][0] + words[1][:2]).upper()
    return "".join(w[0] for w in words[:3]).upper()
