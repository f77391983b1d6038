"""Reference data is named in the reader's language: sectors, indicators and places carry
their Spanish names as data, and figures print them next to their codes."""

import pytest

from indicators.models import Indicator, Sector
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows

pytestmark = pytest.mark.django_db
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def test_every_sector_and_indicator_has_its_spanish_name():
    assert not Sector.objects.filter(name_es="").exists()
    assert not Indicator.objects.filter(name_es="").exists()
    assert Sector.objects.get(code="SHE").name_es == "Alojamiento"


def test_figures_name_sectors_indicators_and_places_in_the_readers_language(reporter, analyst):
    assert reporter.post(BULK_URL, rows(2)).status_code == 200
    query = {"month": "2021-03", "group_by": "sector"}
    english = analyst.get("/api/v1/figures/people-reached/", query).json()["results"]
    spanish = analyst.client.get("/api/v1/figures/people-reached/", query, **ES).json()
    assert [r["sector_name"] for r in english] == ["Protection"]
    assert [r["sector_name"] for r in spanish["results"]] == ["Protección"]  # not the cache's
    indicators = analyst.client.get("/api/v1/figures/indicators/", {"month": "2021-03"}, **ES)
    assert indicators.json()["results"][0]["indicator_name"].startswith("Personas que reciben")
    places = analyst.client.get(
        "/api/v1/figures/people-reached/", {"month": "2021-03", "group_by": "country"}, **ES
    ).json()["results"]
    assert places[0]["country_name"] == "Perú"
