"""The whole region as reference data: 17 countries in 8 sub-regional platforms, every
admin1 under the name the region's files use, with a stable code (P-codes kept for Peru and
Ecuador, ISO 3166-2 from pycountry elsewhere), in English and Spanish."""

import csv
import gettext
import importlib.util
from pathlib import Path

import pycountry
import pytest

from reporting.locations.models import Location, Platform

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
REGION = ROOT / "data" / "reference" / "region"


def region_admin1() -> list[dict]:
    with open(REGION / "admin1.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_seventeen_countries_in_eight_platforms(anonymous, analyst):
    countries = Location.objects.filter(level="country").select_related("platform")
    assert {c.pcode for c in countries} == {
        "ARG", "ABW", "BOL", "BRA", "CHL", "COL", "CRI", "CUW", "DOM", "ECU", "GUY", "MEX",
        "PAN", "PRY", "PER", "TTO", "URY",
    }  # fmt: skip
    platforms = {c.pcode: c.platform.name for c in countries}
    assert platforms["ARG"] == platforms["URY"] == platforms["BOL"] == "Southern Cone"
    assert platforms["MEX"] == platforms["PAN"] == platforms["CRI"] == "Central America and Mexico"
    assert platforms["ABW"] == platforms["TTO"] == platforms["GUY"] == "Caribbean"
    assert platforms["PER"] == "Peru" and Platform.objects.count() == 8
    listed = analyst.get("/api/v1/locations/?level=country&page_size=100").json()["results"]
    assert {row["pcode"]: row["platform"] for row in listed}["DOM"] == "CAR"


def test_every_admin1_of_the_region_is_there_under_the_regions_name():
    rows = [r for r in region_admin1() if r["admin1"] != "Country level"]
    assert len(rows) == 195  # 27 + 24 + 9 + 16 + 33 + 24 + 18 + 25 + 19
    found = {
        (a.parent.name, a.region_name): a
        for a in Location.objects.filter(level="admin1").select_related("parent")
    }
    missing = [
        (r["country"], r["admin1"]) for r in rows if (r["country"], r["admin1"]) not in found
    ]
    assert missing == []
    # worked examples, by hand
    assert found[("Peru", "Ancash")].pcode == "PE02"  # the P-code kept, the region's spelling
    assert found[("Peru", "Ancash")].name == "Áncash"
    assert found[("Ecuador", "Santo Domingo De Los Tsachilas")].pcode == "EC23"
    assert found[("Colombia", "Bogotá D.C.")].pcode == "CO-DC"
    assert found[("Chile", "Metropolitana de Santiago")].pcode == "CL-RM"
    assert found[("Chile", "Libertador General Bernardo O’Higgins")].pcode == "CL-LI"
    assert found[("Argentina", "Ciudad Autonoma de Buenos Aires")].pcode == "AR-C"
    assert found[("Brazil", "São Paulo")].pcode == "BR-SP"


def test_codes_are_iso_3166_2_where_the_platform_has_no_p_codes():
    admin1 = Location.objects.filter(level="admin1").select_related("parent")
    for area in admin1:
        if area.parent.pcode in ("PER", "ECU"):
            assert area.pcode[:2] in ("PE", "EC") and area.pcode[2:].isdigit(), area
            continue
        if area.pcode.endswith("-OTH"):  # the proportions workbook's "Other" of a country
            assert (area.pcode, area.region_name) == (f"{area.parent.pcode}-OTH", "Other")
            continue
        subdivision = pycountry.subdivisions.get(code=area.pcode)
        assert subdivision is not None, area.pcode
        country = pycountry.countries.get(alpha_3=area.parent.pcode)
        # Aruba and Curaçao are their own admin1: ISO lists them under the Netherlands
        assert subdivision.country_code == (
            "NL" if area.parent.pcode in ("ABW", "CUW") else country.alpha_2
        )


def test_countries_reported_as_a_whole_have_iso_admin1_to_report_in():
    assert Location.objects.get(pcode="NL-AW").parent.pcode == "ABW"
    assert Location.objects.filter(parent__pcode="MEX", level="admin1").count() == 32
    assert Location.objects.get(pcode="PA-8").name == "Panamá"
    assert Location.objects.filter(parent__pcode="DOM", level="admin1").count() == 32


def test_spanish_names_of_countries_and_platforms():
    names = dict(Location.objects.filter(level="country").values_list("pcode", "name_es"))
    assert names["PER"] == "Perú" and names["BRA"] == "Brasil"
    assert names["DOM"] == "República Dominicana" and names["BOL"] == "Bolivia"
    assert names["CUW"] == "Curazao" and names["TTO"] == "Trinidad y Tobago"
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    assert names["MEX"] == spanish.gettext("Mexico")
    assert Platform.objects.get(code="SC").name_es == "Cono Sur"


def test_locations_are_found_by_either_name(analyst):
    def find(q: str) -> list[str]:
        response = analyst.get("/api/v1/locations/", {"q": q})
        return [row["pcode"] for row in response.json()["results"]]

    assert find("Bogotá D.C.") == ["CO-DC"]
    assert "BRA" in find("Brasil") and "PE02" in find("Ancash")


def test_the_committed_files_are_what_the_build_script_makes():
    """data/reference/region/build.py, run again in memory on the region's list and
    pycountry, writes exactly the committed locations of every country."""
    spec = importlib.util.spec_from_file_location("region_build", REGION / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    for country, entry in build.read_region().items():
        iso3 = build.ISO3[country]
        path = ROOT / "data" / "reference" / "countries" / iso3 / "locations.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            committed = list(csv.DictReader(handle))
        if iso3 in build.KEPT_PCODES:
            made = build.keep_pcodes(path, country, entry, spanish)
        else:
            made = build.country_rows(country, entry, spanish)
        assert committed == made, iso3
