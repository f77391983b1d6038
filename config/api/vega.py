"""Charts declared once, in Vega-Lite (a maintained grammar), and used three ways: drawn to
SVG on the server (vl-convert: the Vega project's own renderer, bundled, no browser, nothing
fetched) for the console and the situation report's PDF, and handed to API clients as the
spec itself (`?format=vega`, VegaRenderer), its data inline.

A chart is built from rows of (label, [(part, value), ...]): one mark per label and part,
named (never coded) and described for screen readers ("Lima · Reached: 1,200")."""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable

import orjson
from django.core.cache import cache
from django.utils.translation import get_language
from rest_framework import renderers

VEGA_MEDIA_TYPE = "application/vnd.vegalite.v5+json"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
# The situation report's bundled font (reporting/sitreps/fonts) first, in its PDF.
FONT = "R4V Sans, DejaVu Sans, sans-serif"
WIDTH = 420
Rows = Iterable[tuple[str, list[tuple[str, int | float | None]]]]


class VegaRenderer(renderers.BaseRenderer):
    """`?format=vega`: the view's chart of its answer (`view.vega_spec(data)`), a Vega-Lite
    v5 spec with the data inline; errors stay problem+json."""

    media_type = VEGA_MEDIA_TYPE
    format = "vega"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        if response is not None and response.status_code >= 400:
            return orjson.dumps(data)
        return orjson.dumps(context["view"].vega_spec(data))


def _values(rows: Rows, number) -> list[dict]:
    out = []
    for order, (label, parts) in enumerate(rows):
        for part, value in parts:
            if value is None:
                continue  # no data: no mark (the table says "—")
            out.append({"label": label, "part": part, "value": value, "order": order,
                        "description": f"{label} · {part}: {number(value)}"})  # fmt: skip
    return out


def _base(title: str, subtitle: str, values: list[dict]) -> dict:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": subtitle, "anchor": "start"},
        "data": {"values": values},
        "config": {"font": FONT, "view": {"stroke": None}, "axis": {"labelLimit": 220}},
    }


def bars(title: str, subtitle: str, rows: Rows, *, number=str, share: bool = False) -> dict:
    """Horizontal bars, one per label in the rows' order, their parts stacked with a legend
    (no legend for a single part); `share`: values are percentages."""
    rows = list(rows)
    values = _values(rows, number)
    parts = list(dict.fromkeys(v["part"] for v in values))
    spec = _base(title, subtitle, values)
    spec |= {
        "width": WIDTH,
        "height": {"step": 18},
        "mark": {"type": "bar", "tooltip": {"content": "data"}},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "title": None,
                  "sort": {"field": "order", "op": "min"}},
            "x": {"field": "value", "type": "quantitative", "title": "%" if share else None,
                  "stack": "zero", "axis": {"format": ",.0f" if share else ",d", "tickCount": 5}},
            "color": {"field": "part", "type": "nominal", "title": None,
                      "scale": {"domain": parts},
                      "legend": {"orient": "bottom"} if len(parts) > 1 else None},
            "order": {"field": "part_order", "type": "quantitative"},
            "description": {"field": "description"},
        },
        "transform": [{"calculate": f"indexof({orjson.dumps(parts).decode()}, datum.part)",
                       "as": "part_order"}],
    }  # fmt: skip
    return spec


def lines(title: str, subtitle: str, points: list[dict], *, number=str, time_unit: str) -> dict:
    """A line per series over time: points {"series", "date" (ISO), "value"}, a legend
    naming each series; a point with no data breaks its line."""
    values = [
        {**p, "description": f"{p['series']} · {p['date']}: {number(p['value'])}"}
        for p in points
        if p["value"] is not None
    ]
    spec = _base(title, subtitle, values)
    spec |= {
        "width": WIDTH,
        "height": 200,
        "mark": {"type": "line", "point": True, "tooltip": {"content": "data"}},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "timeUnit": time_unit, "title": None},
            "y": {"field": "value", "type": "quantitative", "title": None,
                  "axis": {"format": ",d"}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "legend": {"orient": "bottom", "columns": 1, "labelLimit": 320}},
            "description": {"field": "description"},
        },
    }  # fmt: skip
    return spec


def tiles(title: str, subtitle: str, cells: list[dict], *, number=str, legend: str) -> dict:
    """A tile-grid map: one square per area at its place in the grid (`row`, `col`, north
    at the top), coloured by its value, labelled with its short name."""
    values = [{**c, "description": f"{c['name']}: {number(c['value'])}"} for c in cells]
    spec = _base(title, subtitle, values)
    columns = max((c["col"] for c in cells), default=0) + 1
    spec |= {
        "width": 44 * columns,
        "height": {"step": 44},
        "encoding": {
            "x": {"field": "col", "type": "ordinal", "axis": None},
            "y": {"field": "row", "type": "ordinal", "axis": None},
        },
        "layer": [
            {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 2,
                      "tooltip": {"content": "data"}},
             "encoding": {"color": {"field": "value", "type": "quantitative", "title": legend,
                                    "scale": {"scheme": "blues"},
                                    "legend": {"format": ",d", "orient": "bottom"}},
                          "description": {"field": "description"}}},
            {"mark": {"type": "text", "fontSize": 8, "baseline": "middle"},
             "encoding": {"text": {"field": "short"},
                          "color": {"condition": {"test": "datum.dark", "value": "white"},
                                    "value": "black"}}},
        ],
    }  # fmt: skip
    return spec


def locale() -> str:
    """The number and date format of the request's language (d3's locale names)."""
    return "es-ES" if (get_language() or "").startswith("es") else "en-US"


def png(spec: dict) -> bytes:
    """The spec drawn as PNG at twice its size (for documents that take pictures: DOCX)."""
    import vl_convert

    language = locale()
    return vl_convert.vegalite_to_png(
        spec, scale=2, format_locale=language, time_format_locale=language
    )


def svg(spec: dict) -> str:
    """The spec drawn as SVG in the request's locale; kept by spec and locale (a figure's
    chart is the same until its data changes, and then its spec changes too): in this
    process first (the last DRAWN_HERE drawings), then in the shared cache, else drawn."""
    language = locale()
    key = (
        "vega-svg:"
        + hashlib.sha256(
            orjson.dumps(spec, option=orjson.OPT_SORT_KEYS) + language.encode()
        ).hexdigest()
    )
    with _lock:
        drawn = _drawn.get(key)
        if drawn is not None:
            _drawn.move_to_end(key)
            return drawn
    drawn = cache.get(key)
    if drawn is None:
        import vl_convert

        drawn = vl_convert.vegalite_to_svg(
            spec, format_locale=language, time_format_locale=language
        )
        cache.set(key, drawn, 3600)
    with _lock:
        _drawn[key] = drawn
        while len(_drawn) > DRAWN_HERE:
            _drawn.popitem(last=False)
    return drawn


DRAWN_HERE = 256  # about 10 MB
_drawn: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()
