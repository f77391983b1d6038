"""Exports: every list and figure as CSV, HXL-tagged CSV and XLSX."""

import csv
import io

import openpyxl
import pytest

from partners.models import Partner
from reporting.activities.models import ActivityReport
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/activity-reports/"


def read_csv(response) -> list[list[str]]:
    """The table of a CSV answer, past the lines of facts a figure writes before it."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig")
    while text.startswith("# "):
        text = text.split("\r\n", 1)[1]
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def reports(db):
    acnur, oim = Partner.objects.get(code="ACNUR"), Partner.objects.get(code="OIM")
    mine = [ActivityReportFactory(partner=acnur) for _ in range(120)]
    ActivityReportFactory(partner=oim, activity_name="Not yours")
    return mine


def test_csv_export_streams_every_visible_row_not_a_page(reporter, reports):
    response = reporter.client.get(f"{URL}?format=csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    table = read_csv(response)
    header, rows = table[0], table[1:]
    assert "population.in_destination" in header and "age_sex.girls" in header
    assert len(rows) == 120  # more than a page, and not the other partner's row
    assert "Not yours" not in {r[header.index("activity_name")] for r in rows}
    assert sorted(int(r[0]) for r in rows) == sorted(r.pk for r in reports)


def test_export_applies_filters_and_ordering(analyst, reports):
    table = read_csv(analyst.client.get(f"{URL}?format=csv&partner=OIM"))
    assert [r[table[0].index("activity_name")] for r in table[1:]] == ["Not yours"]
    ids = [int(r[0]) for r in read_csv(analyst.client.get(f"{URL}?format=csv&ordering=-id"))[1:]]
    assert ids == sorted(ids, reverse=True)


def test_hxl_export_has_a_hashtag_row(reporter, reports):
    header, tags = read_csv(reporter.client.get(f"{URL}?format=hxl"))[:2]
    tag = dict(zip(header, tags, strict=True))
    assert tag["partner"] == "#org"
    assert tag["implementing_partner"] == "#org +impl"
    assert tag["sector"] == "#sector"
    assert tag["admin1"] == "#adm1 +code"
    assert tag["month"] == "#date +month"
    assert tag["age_sex.girls"] == "#reached +f +children"


def test_xlsx_export(reporter, reports):
    response = reporter.client.get(f"{URL}?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 121


@pytest.mark.parametrize(
    ("accept", "first_cell_check"),
    [
        ("text/csv", lambda t: t[1][0].isdigit()),
        ("application/vnd.hxl+csv", lambda t: t[1][0].startswith("#")),
    ],
)
def test_accept_header_chooses_the_format(reporter, reports, accept, first_cell_check):
    response = reporter.client.get(URL, HTTP_ACCEPT=accept)
    assert response["Content-Type"].startswith("text/csv")
    assert first_cell_check(read_csv(response))


@pytest.mark.parametrize("danger", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_no_cell_runs_as_a_formula(reporter, danger):
    ActivityReportFactory(partner=Partner.objects.get(code="ACNUR"), activity_name=danger)
    table = read_csv(reporter.client.get(f"{URL}?format=csv"))
    cell = table[1][table[0].index("activity_name")]
    assert cell == "'" + danger
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(reporter.client.get(f"{URL}?format=xlsx").streaming_content))
    ).active
    # XLSX: the text exactly, in a text cell (Excel shows it, never evaluates it).
    cells = {c.value: c.data_type for c in sheet[2]}
    assert cells[danger] == "s" and "f" not in cells.values()


def test_empty_export_still_has_its_header(reporter):
    table = read_csv(reporter.client.get(f"{URL}?format=csv"))
    assert table[0][:3] == ["id", "external_id", "month"] and len(table) == 1


def test_reference_lists_export_too(viewer):
    table = read_csv(viewer.client.get("/api/v1/partners/?format=csv&type=donor"))
    assert table[0] == ["code", "name", "type", "appealing"]
    assert {r[0] for r in table[1:]} >= {"ECHO", "EMB-CAN"}


def test_figures_export_with_their_meta(analyst, reports):
    """What a figure says about itself comes once, before its table ("# name", value
    lines a CSV reader skips as comments; a second sheet in XLSX), not on every row."""
    response = analyst.client.get(
        "/api/v1/figures/people-reached/?month=2021-03&group_by=admin1&format=csv"
    )
    text = b"".join(response.streaming_content) if response.streaming else response.content
    lines = text.decode("utf-8-sig").splitlines()
    block = [line for line in lines if line.startswith("# ")]
    facts = dict(next(csv.reader([line])) for line in block)
    assert facts["# model"] == "max_sector" and facts["# months.from"] == "2021-01"
    answer = analyst.get("/api/v1/figures/people-reached/?month=2021-03&group_by=admin1").json()
    assert facts["# countries"] == "; ".join(c["country"] for c in answer["countries"])  # codes
    assert lines[: len(block)] == block  # the facts first, then the table
    table = list(csv.reader(lines[len(block) :]))
    header, row = table[0], dict(zip(table[0], table[1], strict=True))
    assert {"admin1", "people_reached"} <= set(header) and "model" not in header
    assert row["admin1"] == "PE24" and row["people_reached"].isdigit()
    hxl = read_csv(
        analyst.client.get(
            "/api/v1/figures/people-reached/?month=2021-03&group_by=admin1&format=hxl"
        )
    )
    hxl = [r for r in hxl if not r[0].startswith("# ")]
    assert dict(zip(hxl[0], hxl[1], strict=True))["people_reached"] == "#reached +total"
    xlsx = analyst.client.get(
        "/api/v1/figures/monthly-beneficiaries/?month=2021-03&group_by=sector&format=xlsx"
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["data", "About"]
    assert "months.from" not in [cell.value for cell in book["data"][1]]
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["months.from"] == "2021-03"  # monthly beneficiaries: the month alone


def test_a_figure_with_no_rows_still_has_its_header(analyst):
    response = analyst.client.get(
        "/api/v1/figures/people-reached/?month=2019-03&group_by=admin1,sector&format=csv"
    )
    assert response.status_code == 200, response.content
    lines = [line for line in response.content.decode("utf-8-sig").splitlines()
             if not line.startswith("# ")]  # fmt: skip
    header = next(csv.reader(lines))
    assert lines[1:] == []
    assert {"admin1", "admin1_name", "sector", "people_reached", "population.in_transit"} <= set(
        header
    )
    assert "partner" not in header and "month" not in header


def test_errors_stay_problem_json_whatever_the_format(analyst):
    response = analyst.client.get("/api/v1/figures/people-reached/?format=csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "month"


def test_xlsx_counts_and_months_are_formatted_for_excels_locale(reporter, reports):
    """A count is a number Excel shows with its reader's thousands separator (48.395 in a
    Spanish Excel); a month is a date shown as a month ("abr 2021"); ids and text stay as
    they are."""
    response = reporter.client.get(f"{URL}?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    total = row["total_beneficiaries"]
    assert isinstance(total.value, int) and total.number_format == "#,##0"
    assert row["age_sex.women"].number_format == "#,##0"
    month = row["month"]
    assert month.is_date and month.number_format == "mmm yyyy"
    stored = ActivityReport.objects.get(pk=row["id"].value).month
    assert (month.value.year, month.value.month, month.value.day) == (stored.year, stored.month, 1)
    assert row["id"].number_format == "General" and row["activity_name"].data_type == "s"
