"""The console's situation report: the API's report with its downloads; coordinators write
its narratives and add key figures there."""

import pytest

from reporting.demo_data import demo_data_load
from reporting.sitreps.models import KeyFigure, Narrative
from tests.reporting.console.test_console import browser

pytestmark = pytest.mark.django_db
PAGE = "/console/situation-report/"


def test_the_report_page_and_a_coordinators_writing(coordinator, analyst):
    demo_data_load()
    page = browser(analyst).get(PAGE, {"month": "2021-03", "country": "PER"}).content.decode()
    assert "3,530" in page and "350,000" in page
    assert "/api/v1/situation-reports/2021-03/document/?country=PER&amp;format=pdf" in page
    assert "Write a narrative" not in page  # analysts read
    assert browser(analyst).post(PAGE + "?month=2021-03&country=PER", {}).status_code == 403

    desk = browser(coordinator)
    desk.post(PAGE + "?month=2021-03&country=PER", {
        "action": "narrative", "section": "situation", "language": "en",
        "text": "At the northern border in Tumbes, controls were taken over by the SNM.",
    })  # fmt: skip
    assert Narrative.objects.get().text.startswith("At the northern border")
    shown = desk.get(PAGE, {"month": "2021-03", "country": "PER"}).content.decode()
    assert "controls were taken over by the SNM" in shown
    bad = desk.post(PAGE + "?month=2021-03&country=PER",
                    {"action": "key_figure", "label": "x", "value": "many", "as_of": "2021-03-01",
                     "source": "SNM"}, follow=True).content.decode()  # fmt: skip
    assert "The key figure is not saved: value" in bad
    desk.post(PAGE + "?month=2021-03&country=PER", {
        "action": "key_figure", "label": "Asylum-seekers pre-registered", "value": "100000",
        "unit": "people", "as_of": "2021-03-26", "source": "SNM",
    })  # fmt: skip
    assert KeyFigure.objects.filter(label="Asylum-seekers pre-registered", value=100000).exists()


def test_the_dashboard_opens_with_a_headline_strip_and_says_each_charts_period(analyst):
    demo_data_load()
    page = browser(analyst).get("/console/", {"month": "2021-03"}).content.decode()
    strip = page.split('id="headline"')[1].split("</ul>")[0]
    assert "People reached, January to 2021-03" in strip and "USD" in strip
    assert "23 / 23" in strip  # organisations reporting, of those reporting this year
    # Every chart says the period it covers (people reached: January to the month).
    charts = page.count('<section class="figure"')
    assert charts >= 6 and page.count('<span class="period">') == charts
    assert '<span class="period">· January – March 2021</span>' in page
