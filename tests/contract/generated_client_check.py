"""Drive a live server through a Python client generated from docs/openapi.yaml.

Run by `make client-check` (and CI): no hand-written HTTP here, only the generated
`r4v_client` package, so every call proves an operation works from the contract alone.

    python generated_client_check.py BASE_URL REPORTER_TOKEN ANALYST_TOKEN
"""

import csv
import datetime
import io
import sys
import uuid

from r4v_client import AuthenticatedClient
from r4v_client.api.activity_reports import (
    activity_reports_bulk,
    activity_reports_create,
    activity_reports_export,
    activity_reports_history_list,
    activity_reports_list,
    activity_reports_partial_update,
    activity_reports_retrieve,
)
from r4v_client.api.border_crossings import border_crossings_series, border_crossings_travel_modes
from r4v_client.api.figures import (
    figures_indicators_retrieve,
    figures_people_reached_export,
    figures_people_reached_retrieve,
)
from r4v_client.api.imports import (
    imports_create,
    imports_error_report_csv,
    imports_error_report_xlsx,
    imports_template_retrieve,
)
from r4v_client.api.indicators import indicators_list
from r4v_client.api.locations import locations_list
from r4v_client.api.me import me_retrieve
from r4v_client.api.partners import partners_list
from r4v_client.models import (
    ActivityReportRequest,
    AgeSexRequest,
    ConsolidationModelEnum,
    CsvSeparator,
    ExportFileFormat,
    ImportUploadRequest,
    LocationsListLevel,
    PatchedActivityReportRequest,
    PopulationRequest,
    Problem,
)
from r4v_client.types import UNSET, File


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok  {what}")


def main(base_url: str, reporter_token: str, analyst_token: str) -> None:
    reporter = AuthenticatedClient(base_url=base_url, token=reporter_token)
    analyst = AuthenticatedClient(base_url=base_url, token=analyst_token)

    me = me_retrieve.sync(client=reporter)
    check(me.organization == "ACNUR" and me.role.value == "reporter", "me: reporter at ACNUR")

    partners = partners_list.sync(client=reporter, page_size=200)
    check({"ACNUR", "OIM", "HIAS"} <= {p.code for p in partners.results}, "list partners")
    indicators = indicators_list.sync(client=reporter, sector="PRT")
    check("PRT-01" in {i.code for i in indicators.results}, "list indicators of a sector")
    admin1 = locations_list.sync(
        client=reporter, level=LocationsListLevel.ADMIN1, parent="PER", page_size=100
    )
    check(admin1.count == 25, "list Peru's 25 admin1 areas")
    regional = locations_list.sync(client=reporter, level=LocationsListLevel.ADMIN1, page_size=100)
    check(regional.count == 311, "list the region's 311 admin1 areas (17 countries)")

    body = ActivityReportRequest(
        month="2021-03",
        admin1="PE24",
        admin2="PE2401",
        indicator="PRT-01",
        activity_name="Orientation sent through the generated client",
        rmrp=True,
        cva=False,
        external_id=f"client-{uuid.uuid4()}",
        total_beneficiaries=20,
        new_beneficiaries=10,
        population=PopulationRequest(in_destination=10),
        age_sex=AgeSexRequest(women=6, men=4),
    )
    key = str(uuid.uuid4())
    created = activity_reports_create.sync_detailed(client=reporter, body=body, idempotency_key=key)
    check(created.status_code == 201 and created.parsed.partner == "ACNUR", "create a report")
    report_id = created.parsed.id
    again = activity_reports_create.sync_detailed(client=reporter, body=body, idempotency_key=key)
    check(again.parsed.id == report_id, "idempotent retry returns the same report")

    read_detailed = activity_reports_retrieve.sync_detailed(client=reporter, id=report_id)
    read = read_detailed.parsed
    check(read.population.in_destination == 10 and read.country == "PER", "read it back")
    check(read_detailed.headers["ETag"] == f'"{read.version}"', "its ETag is its version")
    patched = activity_reports_partial_update.sync(
        client=reporter, id=report_id, body=PatchedActivityReportRequest(activity_name="Renamed")
    )
    check(patched.version == 2, "patch it")

    bad = activity_reports_partial_update.sync(
        client=reporter, id=report_id, body=PatchedActivityReportRequest(new_beneficiaries=11)
    )
    check(isinstance(bad, Problem) and bad.code == "validation_error", "problem details parse")

    listed = activity_reports_list.sync(client=analyst, month="2021-03", indicator="PRT-01")
    check(report_id in {r.id for r in listed.results}, "analyst filters the list")
    seen, cursor = [], UNSET
    while True:  # pages by the cursor the answer carries: no URL parsing
        page = activity_reports_list.sync(
            client=analyst, month="2021-03", page_size=25, cursor=cursor
        )
        seen += [r.id for r in page.results]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    check(len(seen) == len(set(seen)) > 25 and report_id in seen, "page through by next_cursor")
    history = activity_reports_history_list.sync(client=reporter, id=report_id)
    check([h.action.value for h in history.results] == ["create", "update"], "read history")
    batch = activity_reports_bulk.sync(
        client=reporter,
        body=[
            ActivityReportRequest(
                month="2021-03", admin1="PE15", indicator="PRT-02", rmrp=True, cva=False,
                activity_name=f"Batch row {n} {uuid.uuid4().hex[:6]}", total_beneficiaries=5,
                new_beneficiaries=5, population=PopulationRequest(in_destination=5),
                age_sex=AgeSexRequest(women=5),
            )
            for n in range(3)
        ],
    )  # fmt: skip
    check(batch.created == 3 and len(batch.rows) == 3, "send a JSON batch")

    content = (
        "Admin1;Indicator;Month;Activity name;RMRP;CVA;Total monthly beneficiaries;"
        "New beneficiaries of the month;In destination;Women\n"
        f"PE24;PRT-01;2021-03;Upload {uuid.uuid4().hex[:6]};sí;no;4;4;4;4\n"
        "PE24;PRT-01;2021-03;Broken row;sí;no;4;9;9;9\n"
    ).encode()
    upload = imports_create.sync_detailed(
        client=reporter,
        body=ImportUploadRequest(file=File(payload=io.BytesIO(content), file_name="5w.csv")),
    )
    check(
        upload.status_code == 422 and upload.parsed.code == "invalid_rows", "upload a spreadsheet"
    )
    rows = {e.row for e in upload.parsed.errors}
    check(rows == {3}, "the upload's error names the spreadsheet row")
    report = imports_error_report_xlsx.sync_detailed(
        client=reporter, id=upload.parsed.additional_properties["import_id"]
    )
    check(report.status_code == 200 and report.content[:2] == b"PK", "download its error report")
    report_csv = imports_error_report_csv.sync(
        client=reporter, id=upload.parsed.additional_properties["import_id"]
    )
    text = report_csv.payload.read().decode("utf-8-sig")
    check("Broken row" in text, "download its error report as CSV (a file of bytes)")
    template = imports_template_retrieve.sync_detailed(client=reporter)
    check(template.status_code == 200 and template.content[:2] == b"PK", "download the template")

    series = border_crossings_series.sync(
        client=analyst, start=datetime.date(2021, 3, 1), end=datetime.date(2021, 3, 7),
        border_point="PE-PUN-DES",
    )  # fmt: skip
    check([p.people for p in series[0].points][:2] == [100, 75], "border-crossing series")
    modes = border_crossings_travel_modes.sync(client=analyst)
    check({m.month for m in modes} >= {"2021-01", "2021-03"}, "travel modes by month")
    people = figures_people_reached_retrieve.sync(
        client=analyst, month="2021-03", group_by="sector", model=ConsolidationModelEnum.SUM
    )
    check(people.model.value == "sum" and len(people.results) >= 5, "read people reached by sector")
    indicators = figures_indicators_retrieve.sync(client=analyst, month="2021-03")
    totals = {row.indicator: row.total_beneficiaries for row in indicators.results}
    check(totals.get("PRT-01", 0) >= 3530, "read indicator figures")
    people_csv = figures_people_reached_export.sync(
        client=analyst, month="2021-03", group_by="sector", model=ConsolidationModelEnum.SUM,
        sep=CsvSeparator.SEMICOLON,
    )  # fmt: skip
    lines = list(
        csv.reader(io.StringIO(people_csv.payload.read().decode("utf-8-sig")), delimiter=";")
    )
    facts = [line for line in lines if line and line[0].startswith("# ")]  # said once, first
    lines = lines[len(facts) :]
    check(
        len(lines) == 1 + len(people.results) and "sector" in lines[0] and facts,
        "export people reached as CSV, a line per figure row",
    )

    exported = activity_reports_export.sync(client=reporter, month="2021-03")
    lines = list(csv.reader(io.StringIO(exported.payload.read().decode("utf-8-sig"))))
    listed, cursor = 0, UNSET
    while True:
        page = activity_reports_list.sync(client=reporter, month="2021-03", cursor=cursor)
        listed += len(page.results)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    check(len(lines) - 1 == listed > 0, "export the 5W reports as CSV: every row of every page")
    workbook = activity_reports_export.sync(
        client=reporter, month="2021-03", format_=ExportFileFormat.XLSX
    )
    check(workbook.payload.read()[:2] == b"PK", "export the 5W reports as XLSX")
    print("generated client: all operations OK")


if __name__ == "__main__":
    main(*sys.argv[1:4])
