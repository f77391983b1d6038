"""The whole service against the region's script, for real: the region's Proportions.xlsx
uploaded as it is, reports stored in the service, and the consolidation the API gives
equal, value by value, to what fct_aggregate_data.R gives for the same 5W."""

import csv
import io
import random
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicators.models import Indicator
from reporting.activities.models import ActivityReport
from reporting.figures.models import AgeSexProportions
from reporting.locations.models import Location
from reporting.region.consolidation import OUTPUT
from reporting.region.selectors import five_w_rows
from reporting.region.workbook import read_proportions_workbook
from tests.factories import PartnerFactory, UserFactory
from tests.reporting.region.rscript import FILES, needs_r, run_consolidation
from tests.reporting.region.test_consolidation_vs_r import split

pytestmark = pytest.mark.django_db
WORKBOOK = "/api/v1/region/proportions-workbook/"


def upload_workbook(api, content: bytes, name="Proportions.xlsx", **fields):
    file = SimpleUploadedFile(name, content)
    return api.client.post(WORKBOOK, {"file": file, **fields}, format="multipart")


@pytest.fixture
def workbook_loaded(coordinator):
    response = upload_workbook(coordinator, (FILES / "Proportions.xlsx").read_bytes())
    assert response.status_code == 200, response.content
    return response.json()


def store_reports(seed: int, count: int = 300, flawed: bool = False) -> None:
    """Reports of Peru, January to April 2024; `flawed`: some as history holds them, with
    only totals or population types without age/sex (the region counts them)."""
    rng = random.Random(seed)
    areas = list(Location.objects.filter(parent__pcode="PER", level="admin1"))
    indicators = list(Indicator.objects.select_related("sector"))
    user = UserFactory(partner=PartnerFactory(code="ACNUR"))
    now = timezone.now()
    reports = []
    for n in range(count):
        total = rng.choice([rng.randint(0, 400), rng.choice([50, 150, 250, 1, 3])])
        new = rng.randint(0, total)
        pops, ages = split(rng, new, 5), split(rng, new, 6)
        if flawed and rng.random() < 0.1:
            ages = [0] * 6
            if rng.random() < 0.5:
                pops = [0] * 5
        cva = rng.random() < 0.2
        reports.append(ActivityReport(
            partner=user.partner, admin1=rng.choice(areas), indicator=rng.choice(indicators),
            month=date(2024, rng.randint(1, 4), 1), activity_name=f"Activity {n}",
            rmrp=rng.random() < 0.7, cva=cva, cva_value_usd=100 if cva else None,
            delivery_mechanism="cash_in_hand" if cva else None,
            total_beneficiaries=total, new_beneficiaries=new,
            pop_in_destination=pops[0], pop_in_transit=pops[1], pop_host_community=pops[2],
            pop_pendular=pops[3], pop_returnees=pops[4], girls=ages[0], boys=ages[1],
            women=ages[2], men=ages[3], other_under_18=ages[4], other_over_18=ages[5],
            created_at=now, updated_at=now, created_by=user, updated_by=user,
        ))  # fmt: skip
    ActivityReport.objects.bulk_create(reports)


def same(theirs: str, ours: str) -> bool:
    """R writes 12 where we write 12 (or 12.0), and NA as empty."""
    try:
        return float(theirs or 0) == float(ours or 0)
    except ValueError:
        return theirs == ours


def lookup() -> list[dict]:
    return [
        {"Subsector": i.sector.region_name, "Indicator": i.name,
         "IndicatorType": i.get_indicator_type_display(), "CODE": i.code,
         "sectindic": f"{i.sector.region_name} {i.name}"}
        for i in Indicator.objects.select_related("sector")
    ]  # fmt: skip


@needs_r
@pytest.mark.parametrize("model", ["sum", "maxsector", "southernconemodel"])
def test_the_api_gives_the_scripts_consolidation_to_the_person(
    workbook_loaded, analyst, tmp_path, model
):
    store_reports(seed=7)
    peru = [Location.objects.get(pcode="PER")]
    five_w = five_w_rows(countries=peru, month_from=date(2024, 1, 1), month_to=date(2024, 4, 1))
    expected = run_consolidation(tmp_path, five_w, lookup(), proportions="pin", model=model)
    response = analyst.get(
        "/api/v1/region/consolidation/export/",
        # every country: the script's output holds the whole template of those months
        {"month_from": "2024-01", "month_to": "2024-04", "model": model},
    )
    assert response.status_code == 200, response.content
    ours = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(ours[0]) == list(OUTPUT)  # the script's own columns, in its order
    key = ("Country", "Admin1", "Month", "Subsector")
    by_key = {tuple(r[k] for k in key): r for r in ours}
    assert len(by_key) == len(expected)
    differences = [
        (tuple(row[k] for k in key), column, row[column], mine[column])
        for row in expected
        for mine in [by_key[tuple(row[k] for k in key)]]
        for column in OUTPUT
        if not same(row[column], mine[column])
    ]
    assert differences == []
    lima = by_key[("Peru", "Lima", "2024-04", "Intersector")]
    assert float(lima["Consolidated Total"]) > 0


def test_the_workbook_loads_as_it_is_and_says_what_it_found(workbook_loaded):
    pin, target = (
        workbook_loaded["sheets"]["pinproportions"],
        workbook_loaded["sheets"]["targetproportions"],
    )
    assert (pin["rows"], target["rows"]) == (2959, 2491)
    assert len(pin["countries"]) == 17
    # population types the region left empty (NA), in rows the script reads (not Intersector)
    sheet = read_proportions_workbook((FILES / "Proportions.xlsx").read_bytes())["pin"]
    empty = sum(
        shares[f"{population}_Boys"] is None
        for (_country, _admin1, subsector), shares in sheet.shares.items()
        if subsector != "Intersector"
        for population in ("Dest", "Transit", "HC", "Pendular", "Returnees")
    )
    assert pin["no_shares"] == empty == 1245
    assert pin["intersector_skipped"] == sum(k[2] == "Intersector" for k in sheet.shares)
    assert target["beyond_rounding"] == 1 and target["largest_difference"] == 0.25  # the 0.75
    assert pin["not_adding_to_1"] > 900  # 0.99, 1.01, 1.02: kept as they are
    assert workbook_loaded["created"] == AgeSexProportions.objects.count()
    tumbes = AgeSexProportions.objects.get(
        admin1__pcode="PE24", sector__code="SHE", variant="pin", population_type="in_destination"
    )
    assert tumbes.girls + tumbes.boys + tumbes.women + tumbes.men > 0


def test_a_second_upload_replaces_what_the_first_had(coordinator, workbook_loaded):
    import openpyxl

    book = openpyxl.load_workbook(FILES / "Proportions.xlsx")
    sheet = book["pinproportions"]
    # drop Peru's Tumbes rows from the pin sheet
    for row in range(sheet.max_row, 1, -1):
        if sheet.cell(row, 1).value == "Peru" and sheet.cell(row, 2).value == "Tumbes":
            sheet.delete_rows(row)
    out = io.BytesIO()
    book.save(out)
    again = upload_workbook(coordinator, out.getvalue())
    assert again.status_code == 200, again.content
    assert again.json()["deleted"] > 0 and again.json()["created"] == 0
    assert not AgeSexProportions.objects.filter(admin1__pcode="PE24", variant="pin").exists()
    assert AgeSexProportions.objects.filter(admin1__pcode="PE24", variant="target").exists()


def test_a_workbook_without_the_sheets_is_a_400_naming_them(coordinator):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    out = io.BytesIO()
    book.save(out)
    response = upload_workbook(coordinator, out.getvalue())
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("file", "missing_sheets")
    assert "pinproportions or targetproportions" in error["message"]


def test_unknown_names_are_refused_with_the_closest_and_nothing_is_loaded(coordinator):
    import openpyxl

    book = openpyxl.load_workbook(FILES / "Proportions.xlsx")
    sheet = book["pinproportions"]
    sheet.cell(2, 2).value = "Acri"  # Brazil, Acre
    sheet.cell(3, 1).value = "Brasill"
    sheet.cell(4, 3).value = "Educaton"
    out = io.BytesIO()
    book.save(out)
    response = upload_workbook(coordinator, out.getvalue())
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "closest: Acre" in errors["pinproportions.Admin1"]
    assert "closest: Brazil" in errors["pinproportions.Country"]
    assert "closest: Education" in errors["pinproportions.Subsector"]
    assert not AgeSexProportions.objects.exists()


def test_only_coordinators_load_the_workbook(reporter, analyst):
    for api in (reporter, analyst):
        response = upload_workbook(api, (FILES / "Proportions.xlsx").read_bytes())
        assert response.status_code == 403
