"""Each figure's chart, declared once in Vega-Lite: the spec API clients get with
`?format=vega`, and the same spec drawn to SVG on the server (vl-convert) for the console
and the situation report. One mark per row, named not coded, the period under the title,
numbers in the reader's locale, every name escaped."""

import re

import pytest

from config.api.vega import VEGA_MEDIA_TYPE, svg
from indicators.models import Sector
from reporting.figures import charts
from tests.reporting.figures.test_figures import URL, rows  # noqa: F401  (the worked rows)

pytestmark = pytest.mark.django_db


def marks(drawn: str, role: str = "bar") -> list[str]:
    """The aria-labels ("name · part: value") of a drawn chart's marks of one kind."""
    return re.findall(rf'aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="{role}"',
                      drawn)  # fmt: skip


def test_format_vega_is_the_figures_chart_with_its_data(analyst, rows):  # noqa: F811
    query = "people-reached/?month=2021-03&group_by=sector"
    response = analyst.client.get(f"{URL}{query}&format=vega")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(VEGA_MEDIA_TYPE)
    spec = response.json()
    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert spec["title"] == {"text": "People reached", "subtitle": "January – March 2021",
                             "anchor": "start"}  # fmt: skip
    figure = analyst.get(f"{URL}{query}").json()
    drawn = [(v["label"], v["value"]) for v in spec["data"]["values"]]
    assert drawn == [(r["sector_name"], r["people_reached"]) for r in figure["results"]]
    assert all(not re.fullmatch(r"[A-Z-]+", label) for label, _ in drawn)  # names, not codes


def test_the_svg_has_a_mark_per_row_named_and_numbers_for_the_reader(analyst, rows):  # noqa: F811
    figure = analyst.get(f"{URL}people-reached/?month=2021-03&group_by=sector").json()
    drawn = svg(charts.people_reached(figure))
    labels = marks(drawn)
    assert len(labels) == len(figure["results"])
    first = figure["results"][0]
    assert f"{first['sector_name']} · People reached: {first['people_reached']:,}" in labels
    assert "January – March 2021" in drawn
    from django.utils import translation

    with translation.override("es"):
        spanish = svg(charts.people_reached({**figure, "results": [
            {**first, "people_reached": 48395}]}))  # fmt: skip
    assert "48.395" in spanish and "Personas alcanzadas" in spanish


def test_time_runs_as_a_line_and_stacked_parts_have_a_legend(analyst, rows):  # noqa: F811
    trend = analyst.get(f"{URL}people-reached/?month_from=2021-01&month_to=2021-03"
                        "&group_by=month,sector").json()  # fmt: skip
    spec = charts.people_reached(trend)
    assert spec["mark"]["type"] == "line" and spec["encoding"]["x"]["type"] == "temporal"
    assert len(marks(svg(spec), "line mark")) == len({r["sector"] for r in trend["results"]})
    monthly = analyst.get(f"{URL}monthly-beneficiaries/?month=2021-03&group_by=sector").json()
    stacked = svg(charts.monthly_beneficiaries(monthly))
    assert "RMRP" in stacked and "Non-RMRP" in stacked  # the legend names both parts


def test_names_are_escaped_in_the_drawing(analyst, rows):  # noqa: F811
    Sector.objects.filter(code="PRT").update(name='Protection <script>alert("x")</script>')
    figure = analyst.get(f"{URL}people-reached/?month=2021-03&group_by=sector").json()
    drawn = svg(charts.people_reached(figure))
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn
