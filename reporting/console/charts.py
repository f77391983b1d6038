"""A chart on a console page: its Vega-Lite spec (config.api.vega), the one API clients
get with `?format=vega`, drawn to SVG on the server, beside the table of its numbers and
its downloads. The page needs no JavaScript and fetches nothing from elsewhere."""

from config.api.vega import svg
from config.l10n import month_name


def chart_figure(spec: dict, *, downloads: dict | None = None, data=None) -> dict:
    """{"title", "period", "svg", "table": {"columns", "rows": [(label, [values])]},
    "downloads", "data"} for console/_chart.html."""
    return {
        "title": spec["title"]["text"],
        "period": spec["title"]["subtitle"],
        # Nothing to draw: the page says so rather than show empty axes.
        "svg": svg(spec) if spec["data"]["values"] else None,
        "table": table_of(spec),
        "downloads": downloads or {},
        "data": data,
    }


def table_of(spec: dict) -> dict:
    """The chart's numbers as a table: a row per bar (its parts as columns), per line (its
    dates as columns) or per tile."""
    values = spec["data"]["values"]
    if not values:
        return {"columns": [], "rows": []}
    if "label" in values[0]:
        return _pivot(values, "label", "part")
    if "series" in values[0]:
        dated = [{**v, "when": month_name(v["date"][:7]) if v["date"][8:] == "01"
                  else v["date"]} for v in values]  # fmt: skip
        return _pivot(dated, "series", "when")
    return {"columns": [spec["layer"][0]["encoding"]["color"]["title"]],
            "rows": [(v["name"], [v["value"]]) for v in values]}  # fmt: skip


def _pivot(values: list[dict], row: str, column: str) -> dict:
    columns = list(dict.fromkeys(v[column] for v in values))
    cells: dict[str, dict] = {}
    for v in values:
        cells.setdefault(v[row], {})[v[column]] = v["value"]
    rows = [(label, [by.get(c) for c in columns]) for label, by in cells.items()]
    return {"columns": columns, "rows": rows}
