"""The partner's spreadsheet loops, end to end on real files: export my month, fix it in
Excel, upload it back; upload, read the errors, fix the error report, upload it again."""

import csv
import io

import openpyxl
import pytest

from reporting.activities.models import ActivityReport
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows
from tests.reporting.activities.test_imports import HEADER, csv_bytes, line, upload, xlsx_bytes
from tests.reporting.region.rscript import FIVE_W_COLUMNS

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/activity-reports/"
IMPORTS = "/api/v1/imports/"


@pytest.fixture
def month(reporter, other_reporter):
    assert reporter.post(BULK_URL, rows(6)).status_code == 200
    assert other_reporter.post(BULK_URL, rows(2)).status_code == 200  # not in my export


def exported(api, fmt: str) -> bytes:
    response = api.client.get(f"{REPORTS}?partner=ACNUR&month=2021-03&format={fmt}")
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def edit_csv(content: bytes, edits: dict[tuple[int, str], str], hxl: bool = False) -> bytes:
    """Change cells (data row from 0, column header) as a person in Excel would."""
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, first = table[0], 2 if hxl else 1
    for (row, column), value in edits.items():
        table[first + row][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue().encode("utf-8-sig")


def edit_xlsx(content: bytes, edits: dict[tuple[int, str], str]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    for (row, column), value in edits.items():
        sheet.cell(row=2 + row, column=1 + header.index(column), value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


EDITS = {(1, "activity_name"): "Orientation, renamed in Excel", (4, "total_beneficiaries"): "44"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "hxl"])
def test_an_export_edited_in_two_cells_updates_exactly_two_reports(month, reporter, fmt):
    content = exported(reporter, fmt)
    if fmt == "xlsx":
        changed, name = edit_xlsx(content, EDITS), "month.xlsx"
    else:
        changed, name = edit_csv(content, EDITS, hxl=fmt == "hxl"), "month.csv"
    response = upload(reporter, changed, name=name)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 2, 4)
    mine = ActivityReport.objects.filter(partner__code="ACNUR").order_by("id")
    assert mine[1].activity_name == "Orientation, renamed in Excel"
    assert (mine[4].total_beneficiaries, mine[4].version) == (44, 2)
    assert ActivityReport.objects.count() == 8  # nothing created, nobody else's touched


def test_with_replace_months_the_file_is_the_month(month, reporter):
    table = list(csv.reader(io.StringIO(exported(reporter, "csv").decode("utf-8-sig"))))
    gone = table.pop(3)  # a row deleted in Excel
    out = io.StringIO()
    csv.writer(out).writerows(table)
    response = upload(reporter, out.getvalue().encode(), replace="months")
    assert response.status_code == 201, response.content
    assert (response.json()["deleted"], response.json()["unchanged"]) == (1, 5)
    assert not ActivityReport.objects.filter(pk=int(gone[0])).exists()


def test_an_id_that_is_not_mine_is_refused(month, reporter):
    theirs = ActivityReport.objects.filter(partner__code="OIM").first()
    content = edit_csv(exported(reporter, "csv"), {(0, "id"): str(theirs.pk)})
    response = upload(reporter, content)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["row"], error["field"], error["code"], error["column"]) == (
        2, "id", "does_not_exist", "id"
    )  # fmt: skip
    assert ActivityReport.objects.get(pk=theirs.pk).version == 1


# --- The error loop -------------------------------------------------------------------------
BAD = {"New beneficiaries of the month": "200", "Admin2": "PE1501"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_error_report_uploads_back_once_fixed(reporter, fmt):
    content = csv_bytes([line(0), line(1, **BAD), line(2)])
    rejected = upload(reporter, content).json()
    assert rejected["code"] == "invalid_rows"
    # Messages and columns name the file's own headers, not the API's field paths.
    # (A breakdown that no longer adds up points at its group's first column.)
    columns = {(e["row"], e["column"]) for e in rejected["errors"]}
    assert columns == {(3, "New beneficiaries of the month"), (3, "Admin2"),
                       (3, "In destination"), (3, "Girls (<18)")}  # fmt: skip
    report = reporter.client.get(f"{IMPORTS}{rejected['import_id']}/error-report.{fmt}/").content
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
        assert table[0][0] == "Row" and table[0][-1] == "Error 4"
        assert any(c.startswith("New beneficiaries of the month: ") for c in table[2])
        fixed = edit_csv(report, {(1, "New beneficiaries of the month"): "20",
                                  (1, "Admin2"): "PE2401"})  # fmt: skip
        name = "errors.csv"
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(report)).active
        header = [c.value for c in sheet[1]]
        bad = sheet.cell(row=3, column=1 + header.index("New beneficiaries of the month"))
        assert bad.fill.fgColor.rgb.endswith("FFC7CE") and "total" in bad.comment.text.lower()
        admin2 = sheet.cell(row=3, column=1 + header.index("Admin2"))
        assert admin2.comment is not None and "PE1501" in admin2.comment.text
        good = sheet.cell(row=2, column=1 + header.index("Admin2"))
        assert good.comment is None
        fixed = edit_xlsx(report, {(1, "New beneficiaries of the month"): "20",
                                   (1, "Admin2"): "PE2401"})  # fmt: skip
        name = "errors.xlsx"
    again = upload(reporter, fixed, name=name)
    assert again.status_code == 201, again.content
    assert again.json()["created"] == 3


# --- Messages that say what to write instead ---------------------------------------------
@pytest.mark.parametrize(
    ("column", "value", "code", "says"),
    [
        ("Admin1", "Lma", "does_not_exist", "did you mean PE15 Lima"),
        ("Admin1", "Tumbez", "does_not_exist", "did you mean PE24 Tumbes"),
        ("Appealing organisation", "ACNRU", "does_not_exist", "did you mean ACNUR"),
        ("Indicator", "PRT-1", "does_not_exist", "did you mean PRT-01"),
        ("Country", "Colmbia", "does_not_exist", "did you mean COL Colombia"),
        ("Country", "Brasill", "does_not_exist", "did you mean BRA Brazil"),
        ("Country", "Venezuela", "does_not_exist", "Unknown country 'Venezuela'"),
        ("Total monthly beneficiaries", "1.200", "thousands_separator", "'1.200'"),
        ("Total monthly beneficiaries", "1,200", "thousands_separator", "without one: 1200"),
        ("Total monthly beneficiaries", "12 people", "invalid", "got '12 people'"),
    ],
)
def test_bad_cells_get_a_message_saying_what_to_write(reporter, column, value, code, says):
    content = csv_bytes([line(0, **{column: value})])
    response = upload(reporter, content)
    assert response.status_code == 422, response.content
    errors = [e for e in response.json()["errors"] if e["column"] == column]
    assert errors and errors[0]["code"] == code, response.json()["errors"]
    assert says in errors[0]["message"]


def test_an_admin1_by_name_is_an_admin1_even_when_the_country_is_unknown(reporter):
    # Peru's admin1 Lima (PE15) and its admin2 Lima (PE1501) share the name: the Admin1
    # column means the first, and the row's only problem is its country.
    content = csv_bytes([line(0, Country="Peur", Admin1="Lima", Admin2="")])
    response = upload(reporter, content)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("country", "does_not_exist")]
    assert "did you mean PER Peru" in errors[0]["message"]


def test_an_unknown_breakdown_does_not_hide_the_rows_other_errors(reporter):
    body = dict(rows(1)[0], population={"aliens": 3, "in_destination": 20}, new_beneficiaries=99)
    response = reporter.post(REPORTS, body)
    assert response.status_code == 400
    got = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert ("population.aliens", "unknown_field") in got
    assert ("new_beneficiaries", "new_exceeds_total") in got


def test_xlsx_files_from_openpyxl_and_cp1252_csv_with_semicolons(reporter):
    assert upload(reporter, xlsx_bytes([line(0)]), name="5w.xlsx").status_code == 201
    legacy = csv_bytes([line(1)], delimiter=";", encoding="cp1252")
    assert upload(reporter, legacy).status_code == 201
    assert ActivityReport.objects.filter(activity_name="Orientación 1").exists()
    assert HEADER[0] == "Country"


# --- References by name, as the region's own files write them ----------------------------
def test_references_are_read_by_name_within_the_rows_country(reporter):
    row = line(0, Country="Perú", Admin1="Amazonas", Admin2="",
               **{"Appealing organisation": "United Nations High Commissioner for Refugees (UNHCR)",
                  "Indicator": "People receiving protection orientation and information",
                  "Implementing partner": "HIAS"})  # fmt: skip
    response = upload(reporter, csv_bytes([row]))
    assert response.status_code == 201, response.content
    report = ActivityReport.objects.get()
    assert (report.admin1.pcode, report.partner.code, report.indicator.code) == (
        "PE01", "ACNUR", "PRT-01"
    )  # fmt: skip


def test_a_name_that_fits_two_places_is_refused_with_both(reporter):
    row = line(0, Country="", Admin1="Amazonas", Admin2="")
    response = upload(reporter, csv_bytes([row]))
    assert response.status_code == 422, response.content
    error = next(e for e in response.json()["errors"] if e["field"] == "admin1")
    assert error["code"] == "ambiguous"
    assert "PE01 Amazonas" in error["message"] and "CO-AMA Amazonas" in error["message"]
    assert "write its code" in error["message"]


def test_a_whole_name_wins_over_the_same_words_in_parentheses(reporter):
    # The Dominican Republic has a province "Santo Domingo" (DO-32) and a "Distrito
    # Nacional (Santo Domingo)" (DO-01): the name is the province's, not ambiguous.
    row = line(0, Country="Dominican Republic", Admin1="Santo Domingo", Admin2="")
    response = upload(reporter, csv_bytes([row]))
    assert response.status_code == 201, response.content
    assert ActivityReport.objects.get().admin1.pcode == "DO-32"
    # The district by its whole name.
    row = line(1, Country="DOM", Admin1="Distrito Nacional (Santo Domingo)", Admin2="")
    assert upload(reporter, csv_bytes([row])).status_code == 201
    assert ActivityReport.objects.filter(admin1__pcode="DO-01").count() == 1


ACTIVITYINFO = FIVE_W_COLUMNS  # the region's 30 headers, as its script names them


def test_activityinfos_regional_export_imports_by_its_own_headers_and_names(reporter):
    """The region's 5W as ActivityInfo exports it: its 30 headers, every reference by name,
    text double-encoded (UTF-8 read as Latin-1 and saved again), repaired and counted."""
    row = [
        "Peru", "Tumbes", "Tumbes", "ACNUR - UN Refugee Agency (UNHCR)", "No", "", "2021-03",
        "Protection (General)", "People receiving protection orientation and information",
        "Orientación", "Charla de naturalizaciÃ³n", "Yes", "No", "", "", "", "30", "20", "20",
        "0", "0", "0", "0", "2", "3", "8", "7", "0", "0", "Peru",
    ]  # fmt: skip
    response = upload(reporter, csv_bytes([row], header=ACTIVITYINFO, delimiter=","))
    assert response.status_code == 201, response.content
    assert (response.json()["created"], response.json()["text_repaired"]) == (1, 1)
    report = ActivityReport.objects.get()
    assert report.activity_description == "Charla de naturalización"
    assert (report.admin1.pcode, report.admin2.pcode, report.partner.code) == (
        "PE24", "PE2401", "ACNUR"
    )  # fmt: skip


def activityinfo_export(api, fmt: str) -> bytes:
    response = api.client.get(f"{REPORTS}?month=2021-03&format={fmt}&layout=activityinfo")
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if fmt == "csv" else response.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_activityinfo_layout_export_uploads_back_unchanged(month, reporter, fmt):
    cash = ActivityReport.objects.filter(partner__code="ACNUR").first()
    ActivityReport.objects.filter(pk=cash.pk).update(
        cva=True, cva_value_usd=1500, delivery_mechanism="prepaid_card"
    )
    content = activityinfo_export(reporter, fmt)
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        table = [
            ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
        ]
    assert table[0] == FIVE_W_COLUMNS  # the region's 30 headers, in its order
    rows = [dict(zip(table[0], r, strict=True)) for r in table[1:]]
    assert len(rows) == 6  # mine only
    first = next(r for r in rows if r["CVA"] == "Yes")
    assert (first["Country"], first["Appealing_org"], first["Platform"]) == (
        "Peru", "ACNUR - UN Refugee Agency (UNHCR)", "Peru"
    )  # fmt: skip
    assert (first["Delivery_mechanism"], first["Month"]) == ("Prepaid card", "2021-03")
    assert first["Subsector"] == cash.indicator.sector.region_name
    response = upload(reporter, content, name=f"5W.{fmt}")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 6)
    assert ActivityReport.objects.count() == 8


def test_the_activityinfo_layout_is_a_file_layout(reporter):
    response = reporter.get(f"{REPORTS}?layout=activityinfo")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "layout"
    assert reporter.get(f"{REPORTS}?format=csv&layout=hxl").status_code == 400
    # The export operation generated clients call takes it too.
    response = reporter.client.get(f"{REPORTS}export/?layout=activityinfo")
    assert response.status_code == 200
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[:4] == ["Country", "Admin1", "Admin2", "Appealing_org"]
