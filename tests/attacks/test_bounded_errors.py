"""A file full of mistakes costs what a file with a thousand mistakes costs: the first
problems listed, the rest counted per code, in the answer, the stored import, its list and
its error report; a database size limit is a 413, never a 503."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection

from config.api.exceptions import problem_exception_handler
from reporting.activities.models import ActivityReport, Import
from tests.holds import postgresql_only
from tests.reporting.activities.test_imports import HEADER, csv_bytes, line, upload

IMPORTS = "/api/v1/imports/"


def one_cell_rows(count: int) -> bytes:
    """What the review sent: the 5W header, then a row of one meaningless cell per line."""
    return (";".join(HEADER) + "\n" + "x\n" * count).encode()


@pytest.mark.django_db
def test_a_file_of_bad_rows_lists_the_first_problems_and_counts_the_rest(reporter, settings):
    settings.MAX_ROW_ERRORS = 1000
    response = upload(reporter, one_cell_rows(2_000))
    assert response.status_code == 422, response.content
    body = response.json()
    assert len(body["errors"]) == 1000
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
    assert body["errors"][0]["row"] == 2  # the first bad line, under the header
    assert body["errors_total"] == 1000 + sum(body["errors_omitted"].values())
    assert body["errors_total"] > 2_000  # every row has several problems, all counted
    assert body["errors_omitted"]["required"] > 1_000
    assert f"{body['errors_total']:,} problem(s)" in body["detail"]
    record = Import.objects.get(pk=body["import_id"])
    assert (len(record.errors), record.errors_total) == (1000, body["errors_total"])
    assert record.errors_omitted == body["errors_omitted"]
    assert not ActivityReport.objects.exists()


@pytest.mark.django_db
def test_lists_of_imports_count_problems_and_one_import_lists_them(reporter, settings):
    settings.MAX_ROW_ERRORS = 10
    bad = upload(reporter, one_cell_rows(50)).json()
    good = upload(reporter, csv_bytes([line(1)]))
    assert good.status_code == 201, good.content
    listed = reporter.get(IMPORTS).json()["results"]
    assert [r["id"] for r in listed] == [good.json()["id"], bad["import_id"]]
    assert all("errors" not in r for r in listed)
    assert [r["errors_total"] for r in listed] == [0, bad["errors_total"]]
    one = reporter.get(f"{IMPORTS}{bad['import_id']}/").json()
    assert len(one["errors"]) == 10
    assert one["errors_omitted"] == bad["errors_omitted"]
    exported = b"".join(reporter.get(f"{IMPORTS}export/").streaming_content).decode()
    assert "errors_total" in exported.splitlines()[0]
    assert "Unknown" not in exported  # no problem message in the export of the list


@pytest.mark.django_db
def test_the_error_report_of_a_bounded_import_is_the_file_with_its_listed_problems(
    reporter, settings
):
    settings.MAX_ROW_ERRORS = 5
    bad = upload(reporter, one_cell_rows(40)).json()
    report = reporter.get(bad["error_report_csv"])
    assert report.status_code == 200
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert len(lines) == 41  # the header and every uploaded row, to fix in place
    assert lines[0][-5:] == [f"Error {n}" for n in range(1, 6)]
    problems = [cell for row in lines[1:] for cell in row[1 + len(HEADER) :] if cell]
    assert len(problems) == 5


@pytest.mark.django_db
def test_a_json_batch_of_bad_rows_is_bounded_too(reporter, settings):
    settings.MAX_ROW_ERRORS = 20
    response = reporter.post("/api/v1/activity-reports/bulk/", [{}] * 100)
    assert response.status_code == 422, response.content
    body = response.json()
    assert len(body["errors"]) == 20
    assert body["errors_total"] == 20 + sum(body["errors_omitted"].values()) > 100


@pytest.mark.django_db
def test_a_reference_file_of_too_many_rows_is_refused_before_it_is_checked(coordinator, settings):
    settings.REFERENCE_MAX_ROWS = 100
    content = "plan_year,admin1,sector,target\n" + "2021,PE15,PRT,1\n" * 101
    file = SimpleUploadedFile("targets.csv", content.encode())
    response = coordinator.client.post(
        "/api/v1/targets/upload/", {"file": file}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["code"] == "too_many_rows"
    assert response.json()["errors"][0]["field"] == "file"


@pytest.mark.django_db
def test_a_reference_file_of_bad_rows_lists_the_first_problems(coordinator, settings):
    settings.MAX_ROW_ERRORS = 10
    content = "plan_year,admin1,sector,target\n" + "1800,XX,YY,-1\n" * 200
    file = SimpleUploadedFile("targets.csv", content.encode())
    response = coordinator.client.post(
        "/api/v1/targets/upload/", {"file": file}, format="multipart"
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert len(body["errors"]) == 10
    assert body["errors_total"] >= 200


@postgresql_only
@pytest.mark.django_db
def test_a_database_size_limit_is_a_413_not_a_503():
    """PostgreSQL's program_limit_exceeded (a jsonb over 256 MB, a value over 1 GB), here
    raised for real by a cheap statement of the same class."""
    with pytest.raises(DatabaseError) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT repeat('x', 2000000000)")
    response = problem_exception_handler(raised.value, {"view": None, "request": None})
    assert response.status_code == 413
    assert response.data["code"] == "data_limit_exceeded"
