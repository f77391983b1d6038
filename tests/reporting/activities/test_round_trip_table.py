"""Every file the service gives uploads back unchanged: one table of round trips. Each
export (every format, separator, header choice and language), the template filled in, and
each error report (XLSX and CSV, from the template, with its HXL row, its row numbers and
error columns, once fixed) stores exactly what it holds: `0 updated`, and text starting
with "=", "+", "-" or "@" the same both ways."""

import csv
import io

import openpyxl
import pytest

from reporting.activities.models import ActivityReport
from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows
from tests.reporting.activities.test_imports import upload

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/activity-reports/"
RISKY = ["=Espacios amigables", "+51 talleres", "-Charla", "@orientación; =SUM(A1)"]
ES = {"HTTP_ACCEPT_LANGUAGE": "es-PE"}


@pytest.fixture
def stored(reporter):
    batch = rows(4)
    for row, name in zip(batch, RISKY, strict=True):
        row["activity_name"] = name
        row["activity_description"] = f"{name} (descripción)"
    assert reporter.post(BULK_URL, batch).status_code == 200
    return dict(ActivityReport.objects.values_list("id", "activity_name"))


EXPORTS = [
    {"format": fmt, "sep": sep, "headers": headers, "language": language}
    for fmt in ("csv", "hxl", "xlsx")
    for sep in (("comma", "semicolon", "tab") if fmt != "xlsx" else (None,))
    for headers in ("names", "labels")
    for language in ("en", "es")
]


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: "-".join(str(v) for v in e.values() if v))
def test_an_export_uploads_back_unchanged(stored, reporter, export):
    query = {"partner": "ACNUR", "format": export["format"], "headers": export["headers"]}
    if export["sep"]:
        query["sep"] = export["sep"]
    extra = ES if export["language"] == "es" else {}
    response = reporter.client.get(REPORTS, query, **extra)
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content)
    name = "export.xlsx" if export["format"] == "xlsx" else "export.csv"
    back = upload(reporter, content, name=name)
    assert back.status_code == 201, back.content
    body = back.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 4), body
    assert dict(ActivityReport.objects.values_list("id", "activity_name")) == stored
    assert set(ActivityReport.objects.values_list("version", flat=True)) == {1}


def _template_rows(reporter) -> bytes:
    """The template as downloaded, two rows filled in below its header and HXL row, one of
    them with a mistake (admin2 outside its admin1)."""
    template = reporter.client.get("/api/v1/imports/template/", **ES)
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert str(sheet.cell(row=2, column=1).value).startswith("#")  # its HXL row
    values = {
        "País": "Perú", "Admin1": "PE24 Tumbes", "Admin2": "PE2401", "Organización principal":
        "ACNUR", "Mes": "abr-21", "Indicador": "PRT-01", "Nombre de la actividad":
        "=Espacios amigables", "Actividad RMRP (sí/no)": "sí", "CVA (sí/no)": "no",
        "Beneficiarios totales": 30, "Nuevos beneficiarios": 20,
        "En destino": 20, "Mujeres (>=18)": 20,
    }  # fmt: skip
    for n in range(2):
        for column, value in values.items():
            cell = sheet.cell(row=3 + n, column=1 + header.index(column))
            cell.value = value if column != "Nombre de la actividad" else f"{value} {n}"
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    sheet.cell(row=4, column=1 + header.index("Admin2"), value="PE1501")  # a mistake
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("report_format", ["xlsx", "csv"])
def test_the_error_report_of_a_template_fixed_uploads_back(reporter, report_format):
    filled = _template_rows(reporter)
    rejected = upload(reporter, filled, name="plantilla.xlsx", **{})
    assert rejected.status_code == 422, rejected.content
    assert [(e["row"], e["field"]) for e in rejected.json()["errors"]] == [(4, "admin2")]
    report = reporter.client.get(
        f"/api/v1/imports/{rejected.json()['import_id']}/error-report.{report_format}/", **ES
    )
    if report_format == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(report.content))
        sheet = workbook.active
        header = [c.value for c in sheet[1]]
        assert sheet.cell(row=2, column=1).value.startswith("#")  # still the HXL row
        sheet.cell(row=4, column=1 + header.index("Admin2"), value="PE2401")
        out = io.BytesIO()
        workbook.save(out)
        fixed, name = out.getvalue(), "errores.xlsx"
    else:
        text = report.content.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert table[1][0].startswith("#")
        table[3][table[0].index("Admin2")] = "PE2401"
        out = io.StringIO()
        csv.writer(out, delimiter=";").writerows(table)
        fixed, name = out.getvalue().encode("utf-8-sig"), "errores.csv"
    accepted = upload(reporter, fixed, name=name)
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["created"] == 2
    assert sorted(ActivityReport.objects.values_list("activity_name", flat=True)) == [
        "=Espacios amigables 0", "=Espacios amigables 1"
    ]  # fmt: skip
    assert (
        set(ActivityReport.objects.values_list("month", flat=True))
        == {ActivityReport.objects.first().month}
        and ActivityReport.objects.first().month.isoformat() == "2021-04-01"
    )
