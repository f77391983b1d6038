"""5W spreadsheet uploads: /api/v1/imports/."""

import csv
import io
import zipfile
from datetime import datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry, Import
from reporting.activities.spreadsheets import COLUMNS

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/"

HEADER = [
    "Country", "Admin1", "Admin2", "Appealing organisation", "Implementation set-up (yes/no)",
    "Implementing partner", "Month", "Sector / subsector", "Indicator", "Activity name",
    "Activity description", "RMRP activity (yes/no)", "COVID-19 situation (yes/no)",
    "CVA (yes/no)", "Value in USD", "Delivery mechanism", "Quantity of output",
    "Total monthly beneficiaries", "New beneficiaries of the month", "In destination",
    "In transit", "Host community", "Pendular", "Returnees", "Girls (<18)", "Boys (<18)",
    "Women", "Men", "Other (<18)", "Other (18+)",
]  # fmt: skip


def line(n: int = 0, **changes) -> list:
    values = {
        "Country": "PER", "Admin1": "PE24", "Admin2": "PE2401", "Appealing organisation": "ACNUR",
        "Implementation set-up (yes/no)": "sí", "Implementing partner": "HIAS", "Month": "2021-03",
        "Sector / subsector": "Protection", "Indicator": "PRT-01",
        "Activity name": f"Orientación {n}", "Activity description": "Charla\nen dos líneas",
        "RMRP activity (yes/no)": "Sí", "COVID-19 situation (yes/no)": "no",
        "CVA (yes/no)": "No", "Value in USD": "", "Delivery mechanism": "",
        "Quantity of output": "", "Total monthly beneficiaries": "30",
        "New beneficiaries of the month": "20", "In destination": "20", "In transit": "0",
        "Host community": "0", "Pendular": "0", "Returnees": "0", "Girls (<18)": "2",
        "Boys (<18)": "3", "Women": "8", "Men": "7", "Other (<18)": "0", "Other (18+)": "0",
    }  # fmt: skip
    values.update(changes)
    return [values[h] for h in HEADER]


def csv_bytes(lines, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(lines)
    return out.getvalue().encode(encoding)


def xlsx_bytes(lines, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in lines:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(api, content: bytes, name="5w.csv", **fields):
    file = SimpleUploadedFile(name, content)
    return api.client.post(URL, {"file": file, **fields}, format="multipart")


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252")],
    ids=["semicolon-utf8-bom", "comma-utf8", "windows-1252"],
)
def test_csv_as_excel_writes_it(reporter, delimiter, encoding):
    response = upload(
        reporter, csv_bytes([line(0), line(1)], delimiter=delimiter, encoding=encoding)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows"], body["created"]) == ("completed", 2, 2)
    assert body["file_format"] == "csv" and body["uploaded_by"] == reporter.user.username
    report = ActivityReport.objects.get(activity_name="Orientación 0")
    assert report.activity_description == "Charla\nen dos líneas"
    assert (report.rmrp, report.covid19, report.implementing_partner.code) == (True, False, "HIAS")
    assert (report.girls, report.boys, report.women, report.men) == (2, 3, 8, 7)
    entry = ActivityReportHistoryEntry.objects.get(report=report)
    assert (entry.channel, str(entry.batch_id)) == ("import", body["batch_id"])


def test_xlsx_with_real_dates_and_numbers(reporter):
    rows = [line(0, Month=datetime(2021, 3, 1), **{"Total monthly beneficiaries": 30.0})]
    response = upload(reporter, xlsx_bytes(rows), name="5W marzo.xlsx")
    assert response.status_code == 201, response.content
    assert response.json()["file_format"] == "xlsx"
    assert ActivityReport.objects.get().month.isoformat() == "2021-03-01"


def test_headers_match_loosely_and_api_names_work(reporter):
    header = [" ADMIN1 ", "indicator", "MONTH", "activity_name", "rmrp", "cva",
              "total_beneficiaries", "New Beneficiaries of the Month", "population.in_destination",
              "Mujeres", "Hombres", "Partner"]  # fmt: skip
    content = csv_bytes(
        [["PE24", "PRT-01", "2021-03", "A", "yes", "0", "5", "4", "4", "2", "2", "ACNUR"]],
        header=header,
    )
    response = upload(reporter, content)
    assert response.status_code == 201, response.content


def test_codes_may_carry_their_labels_from_the_template(reporter):
    rows = [
        line(
            0,
            Admin1="PE24 Tumbes",
            Admin2="PE2401 Tumbes",
            Indicator="PRT-01 People receiving protection orientation and information",
            **{"Appealing organisation": "ACNUR ACNUR - UN Refugee Agency"},
        )
    ]
    assert upload(reporter, csv_bytes(rows)).status_code == 201


def test_hxl_row_is_skipped(reporter):
    hxl = [c.hxl for c in COLUMNS if c.label in HEADER]
    lines = [[c.hxl for c in COLUMNS if c.label != "External ID"], line(0)]
    assert len(hxl) == len(HEADER)
    response = upload(reporter, csv_bytes(lines))
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 1


def test_invalid_rows_reject_the_file_with_spreadsheet_row_numbers(reporter):
    rows = [line(0), line(1, **{"New beneficiaries of the month": "200"}), line(2, Indicator="NOPE"),
            line(3, **{"Implementation set-up (yes/no)": "no"})]  # fmt: skip
    response = upload(reporter, csv_bytes(rows))
    assert response.status_code == 422
    body = response.json()
    got = {(e["row"], e["field"], e["code"]) for e in body["errors"]}
    assert (3, "new_beneficiaries", "new_exceeds_total") in got
    assert (4, "indicator", "does_not_exist") in got
    assert (5, "implementing_partner", "implementing_partner_forbidden") in got
    assert not any(row == 2 for row, _, _ in got)
    assert not ActivityReport.objects.exists()
    record = Import.objects.get(pk=body["import_id"])
    assert (record.status, record.rows, record.created) == ("rejected", 4, 0)
    assert reporter.get(f"{URL}{record.pk}/").json()["status"] == "rejected"


def test_error_report_lists_uploaded_rows_with_an_error_column_per_problem(reporter):
    rows = [line(0), line(1, **{"New beneficiaries of the month": "200", "Admin2": "PE1501"})]
    import_id = upload(reporter, csv_bytes(rows)).json()["import_id"]

    csv_report = reporter.client.get(f"{URL}{import_id}/error-report.csv/")
    assert csv_report.status_code == 200
    assert csv_report["Content-Disposition"].endswith('errors.csv"')
    table = list(csv.reader(io.StringIO(csv_report.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["Row", "Country"] and table[0][-1].startswith("Error")
    assert table[1][0] == "2" and table[1][-4:] == ["", "", "", ""]
    problems = [cell for cell in table[2][len(HEADER) + 1 :] if cell]
    # Each problem names the file's own column header.
    assert any(p.startswith("New beneficiaries of the month: ") for p in problems)
    assert any(p.startswith("Admin2: ") and "PE1501" in p for p in problems)
    # ... and the region's check, as the region's own error report names it.
    assert any(p.startswith("Admin2: ") and p.endswith("(admin1and2check)") for p in problems)

    xlsx_report = reporter.client.get(f"{URL}{import_id}/error-report.xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_report.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[2][0] == 3 and any("New beneficiaries" in str(v) for v in values[2][31:])


def test_dry_run_writes_nothing(reporter):
    response = upload(reporter, csv_bytes([line(0)]), dry_run="true")
    assert (response.status_code, response.json()["status"]) == (201, "validated")
    assert response.json()["created"] == 1
    assert not ActivityReport.objects.exists()


def test_same_file_twice_creates_nothing_the_second_time(reporter):
    content = csv_bytes([line(0), line(1)])
    first = upload(reporter, content).json()
    second = upload(reporter, content).json()
    assert (second["created"], second["unchanged"], second["checksum"]) == (0, 2, first["checksum"])
    assert ActivityReport.objects.count() == 2


def test_replace_months_through_an_upload(reporter):
    upload(reporter, csv_bytes([line(0), line(1), line(2)]))
    response = upload(reporter, csv_bytes([line(0)]), replace="months")
    assert response.json()["deleted"] == 2
    assert list(ActivityReport.objects.values_list("activity_name", flat=True)) == ["Orientación 0"]


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (csv_bytes([line(0)], header=[*HEADER[:-1], "Comments"]), "x.csv", "unknown_columns"),
        (csv_bytes([["PE24"]], header=["Admin1"]), "x.csv", "missing_columns"),
        (b"\x00\x01garbage", "x.csv", "invalid_file"),
        (b"not a zip", "x.xlsx", "invalid_file"),
        (b"PK\x03\x04 broken zip", "x.xlsx", "invalid_file"),
        (b"", "x.csv", "empty"),
    ],
    ids=["unknown-column", "missing-columns", "nul-bytes", "fake-xlsx", "broken-zip", "empty"],
)
def test_unreadable_files_are_400_and_write_nothing(reporter, content, name, code):
    response = upload(reporter, content, name=name)
    assert response.status_code == 400, response.content
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("file", code)]
    assert not Import.objects.exists()


def test_zip_bomb_is_refused(reporter, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1_000_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    response = upload(reporter, out.getvalue(), name="bomb.xlsx")
    assert response.status_code == 400
    assert "zip bomb" in response.json()["errors"][0]["message"]


def test_file_and_row_limits_are_413(reporter, settings):
    settings.IMPORT_MAX_BYTES = 100
    assert upload(reporter, csv_bytes([line(0)])).status_code == 413
    settings.IMPORT_MAX_BYTES = 10_000_000
    settings.IMPORT_MAX_ROWS = 2
    response = upload(reporter, csv_bytes([line(0), line(1), line(2)]))
    assert (response.status_code, response.json()["code"]) == (413, "too_many_rows")
    assert not ActivityReport.objects.exists()


def test_imports_are_scoped_to_the_organisation(reporter, other_reporter, viewer, analyst):
    import_id = upload(reporter, csv_bytes([line(0)])).json()["id"]
    assert other_reporter.get(f"{URL}{import_id}/").status_code == 404
    assert other_reporter.client.get(f"{URL}{import_id}/error-report.csv/").status_code == 404
    assert other_reporter.get(URL).json()["results"] == []
    assert [i["id"] for i in viewer.get(URL).json()["results"]] == [import_id]
    assert [i["id"] for i in analyst.get(URL).json()["results"]] == [import_id]


def test_readers_cannot_upload(viewer, analyst):
    assert upload(viewer, csv_bytes([line(0)])).status_code == 403
    assert upload(analyst, csv_bytes([line(0)])).status_code == 403


def test_rows_for_another_partner_are_row_errors(reporter):
    response = upload(reporter, csv_bytes([line(0, **{"Appealing organisation": "OIM"})]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "partner_not_allowed"


def test_template_has_the_columns_and_drop_downs_and_round_trips(reporter):
    response = reporter.client.get(f"{URL}template/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["5W"]
    assert [c.value for c in sheet[1]] == [c.label for c in COLUMNS]
    assert sheet["A2"].value.startswith("#")
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert any("Lists!" in f for f in formulas) and len(formulas) >= 6
    lists = workbook["Lists"]
    column = next(col for col in lists.iter_cols() if col[0].value == "indicator")
    indicator_choices = [c.value for c in column[1:] if c.value]
    assert any(v.startswith("PRT-01 ") for v in indicator_choices)
    assert not any(v.startswith("FS-99 ") for v in indicator_choices)  # inactive

    # Fill one row with values from the drop-downs and upload the workbook as it is.
    values = {c.label: None for c in COLUMNS} | {
        "Admin1": "PE24 Tumbes", "Indicator": indicator_choices[[v[:7] for v in indicator_choices].index("PRT-01 ")],
        "Month": "2021-03", "Activity name": "From the template", "RMRP activity (yes/no)": "yes",
        "CVA (yes/no)": "no", "Total monthly beneficiaries": 3, "New beneficiaries of the month": 2,
        "In destination": 2, "Women": 2,
    }  # fmt: skip
    sheet.append([values[c.label] for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    assert upload(reporter, out.getvalue(), name="template.xlsx").status_code == 201


@pytest.mark.parametrize("where", ["query", "form"])
def test_an_uploads_options_go_in_the_query_string_as_on_a_batch_or_beside_the_file(
    reporter, where
):
    """One convention (the query string, as documented and as `activity-reports/bulk/`
    takes them), and the form fields people also try are read the same way."""
    content = csv_bytes([line(0)])
    if where == "query":
        file = SimpleUploadedFile("5w.csv", content)
        response = reporter.client.post(f"{URL}?dry_run=true", {"file": file}, format="multipart")
    else:
        response = upload(reporter, content, dry_run="true")
    assert response.status_code == 201, response.content
    assert response.json()["dry_run"] is True and not ActivityReport.objects.exists()


def test_an_option_given_twice_with_different_values_or_unknown_is_a_400(reporter):
    file = SimpleUploadedFile("5w.csv", csv_bytes([line(0)]))
    clash = reporter.client.post(
        f"{URL}?dry_run=true", {"file": file, "dry_run": "false"}, format="multipart"
    )
    assert clash.status_code == 400
    assert [(e["field"], e["code"]) for e in clash.json()["errors"]] == [("dry_run", "conflicting")]
    unknown = upload(reporter, csv_bytes([line(0)]), dryrun="true")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "dryrun"
    assert not ActivityReport.objects.exists()
