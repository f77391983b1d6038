"""Exports as operations of their own (`…/export/`), which a generated client can call: the
same rows, filters and visibility as the read they export, only the file."""

import io

import openpyxl
import pytest
import yaml
from django.core.management import call_command

from partners.models import Partner
from tests.config.test_exports import read_csv
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/activity-reports/export/"


@pytest.fixture
def reports(db):
    acnur, oim = Partner.objects.get(code="ACNUR"), Partner.objects.get(code="OIM")
    mine = [ActivityReportFactory(partner=acnur, month="2021-03-01") for _ in range(60)]
    mine += [ActivityReportFactory(partner=acnur, month="2021-04-01") for _ in range(3)]
    ActivityReportFactory(partner=oim, activity_name="Not yours", month="2021-03-01")
    return mine


def test_csv_by_default_every_visible_row_filtered(reporter, reports):
    response = reporter.client.get(f"{URL}?month=2021-03")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    table = read_csv(response)
    header, rows = table[0], table[1:]
    assert len(rows) == 60  # more than a page; April's and the other partner's left out
    assert "Not yours" not in {r[header.index("activity_name")] for r in rows}
    assert {r[header.index("month")] for r in rows} == {"2021-03"}


def test_the_same_table_as_format_csv_on_the_list(reporter, reports):
    exported = read_csv(reporter.client.get(f"{URL}?month=2021-03"))
    listed = read_csv(reporter.client.get("/api/v1/activity-reports/?month=2021-03&format=csv"))
    assert exported == listed


def test_xlsx_and_hxl_by_format(reporter, reports):
    response = reporter.client.get(f"{URL}?format=xlsx&month=2021-04")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 1 + 3
    tags = read_csv(reporter.client.get(f"{URL}?format=hxl&month=2021-04"))[1]
    assert "#org" in tags


def test_accept_is_not_consulted_and_json_is_not_a_file(reporter, reports):
    response = reporter.client.get(URL, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    response = reporter.client.get(URL, HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    refused = reporter.client.get(f"{URL}?format=json")
    assert refused.status_code == 406
    assert refused["Content-Type"] == "application/problem+json"
    assert "csv, hxl, xlsx" in refused.json()["detail"]


def test_wrong_parameters_are_400_naming_them(reporter, reports):
    response = reporter.client.get(f"{URL}?sep=pipe")
    assert response.status_code == 400 and "sep" in response.content.decode()
    response = reporter.client.get(f"{URL}?colour=red")
    assert response.status_code == 400 and "colour" in response.content.decode()


def test_figures_export_their_rows(analyst, reports):
    query = "month=2021-03&group_by=admin1"
    listed = read_csv(analyst.client.get(f"/api/v1/figures/people-reached/?{query}&format=csv"))
    exported = analyst.client.get(f"/api/v1/figures/people-reached/export/?{query}")
    assert exported.status_code == 200
    assert read_csv(exported) == listed and len(listed) > 1


def test_export_is_not_taken_for_a_code_by_detail_routes(viewer):
    for path in ("partners", "sectors", "indicators", "locations", "border-points"):
        response = viewer.client.get(f"/api/v1/{path}/export/")
        assert response.status_code == 200, (path, response.content[:200])
        assert response["Content-Type"].startswith("text/csv")


def test_no_rows_of_others_in_figures_for_a_reporter(reporter, reports):
    """A reporter's figures are their organisation's: the export too."""
    query = "month=2021-03&group_by=partner"
    table = read_csv(reporter.client.get(f"/api/v1/figures/monthly-beneficiaries/export/?{query}"))
    partners = {r[table[0].index("partner")] for r in table[1:]}
    listed = reporter.client.get(f"/api/v1/figures/monthly-beneficiaries/?{query}").json()
    assert partners == {row["partner"] for row in listed["results"]}


def test_every_csv_read_of_a_collection_has_a_file_operation(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate")
    paths = yaml.safe_load(out.read_text())["paths"]
    exports = {p for p in paths if p.endswith("/export/")}
    for path, operations in paths.items():
        get = operations.get("get")
        content = (get or {}).get("responses", {}).get("200", {}).get("content", {})
        single = "{" in path or path in ("/api/v1/", "/api/v1/me/")  # one object, not rows
        if single or "text/csv" not in content or path in exports:
            continue
        assert f"{path}export/" in exports, path
    for path in exports:
        operation = paths[path]["get"]
        first = next(iter(operation["responses"]["200"]["content"]))
        assert first == "application/octet-stream", path  # what generators read as bytes
        names = [p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in operation["parameters"]]
        assert "ExportFileFormat" in names and "cursor" not in names and "page" not in names
        assert operation["operationId"].endswith("_export")
