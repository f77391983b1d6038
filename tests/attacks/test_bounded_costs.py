"""What one request may cost is bounded by the service, not by whoever sends it."""

import io
import socket
import threading
import time
import zipfile

import openpyxl
import pytest
from django.core.cache import cache

from partners.choices import Role
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from tests.conftest import Api
from tests.factories import PartnerFactory, UserFactory, token_for
from tests.holds import held_at, postgresql_only
from tests.reporting.activities.test_bulk import URL as BULK
from tests.reporting.activities.test_bulk import rows
from tests.reporting.activities.test_imports import HEADER, line, upload, xlsx_bytes
from tests.servers import api_server


# --- Figures ---------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("figure", ["people-reached", "monthly-beneficiaries", "indicators"])
@pytest.mark.parametrize("group_by", ["", "&group_by=month"])
def test_a_figure_spans_at_most_ten_years(analyst, figure, group_by):
    response = analyst.get(
        f"/api/v1/figures/{figure}/?month_from=1900-01&month_to=2100-12{group_by}"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0] == {
        "field": "month_from",
        "code": "range_too_long",
        "message": "A figure covers at most 120 months (10 years); ask for a shorter range.",
    }
    assert analyst.get(f"/api/v1/figures/{figure}/?month_from=2012-04&month_to=2022-03")
    assert (
        analyst.get(f"/api/v1/figures/{figure}/?month_from=2012-03&month_to=2022-03").status_code
        == 400
    )


@pytest.mark.django_db
def test_a_refused_range_writes_nothing_to_the_cache(analyst):
    before = len(cache._cache)  # the test cache is process memory (locmem)
    analyst.get("/api/v1/figures/people-reached/?month_from=1900-01&month_to=2100-12")
    assert len(cache._cache) == before


# --- Spreadsheets ----------------------------------------------------------------------------
def _rezip(content: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist() + [n for n in replace if n not in source.namelist()]
        for name in names:
            target.writestr(name, replace.get(name) or source.read(name))
    return out.getvalue()


def _with_shared_strings(content: bytes, strings: list[str]) -> bytes:
    """The workbook with a shared-strings part (openpyxl writes inline strings only)."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        types = source.read("[Content_Types].xml").decode()
        rels = source.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    return _rezip(
        content,
        {
            "[Content_Types].xml": types.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "xl/sharedStrings.xml": sst.encode(),
        },
    )


@pytest.mark.django_db
def test_an_xlsx_full_of_shared_text_is_refused_before_it_is_read(reporter):
    bomb = _with_shared_strings(xlsx_bytes([line(0)]), ["x" * (33 * 2**20)])
    assert len(bomb) < 200_000  # small on the wire, 33 MiB unpacked
    response = upload(reporter, bomb, name="5w.xlsx")
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("file", "invalid_file")
    assert "32 MiB of text" in error["message"]


def _declaring(content: bytes, dimension: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    start = sheet.index("<dimension ref=")
    end = sheet.index("/>", start) + 2
    sheet = sheet[:start] + f'<dimension ref="{dimension}"/>' + sheet[end:]
    return _rezip(content, {"xl/worksheets/sheet1.xml": sheet.encode()})


@pytest.mark.django_db
def test_an_xlsx_claiming_the_whole_sheet_is_read_as_the_cells_it_holds(reporter):
    claiming = _declaring(xlsx_bytes([line(0, Month="March")]), "A1:XFD500")
    response = upload(reporter, claiming, name="5w.xlsx")
    assert response.status_code == 422, response.content
    report_url = response.json()["error_report_xlsx"]
    started = time.monotonic()
    report = reporter.get(report_url)
    assert time.monotonic() - started < 5  # 27 s when the declared size was believed
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert (sheet.max_row, sheet.max_column) == (2, len(HEADER) + 2)  # Row, cells, Error 1
    assert sheet.cell(1, len(HEADER) + 2).value == "Error 1"
    assert "month" in sheet.cell(2, len(HEADER) + 2).value


@pytest.mark.django_db
def test_an_xlsx_with_a_row_a_million_lines_down_is_refused(reporter, settings):
    settings.IMPORT_MAX_ROWS = 100
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for column, value in enumerate(line(0), start=1):
        sheet.cell(1_000_000, column, value)
    out = io.BytesIO()
    workbook.save(out)
    response = upload(reporter, out.getvalue(), name="5w.xlsx")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["code"] == "too_many_rows"


# --- Request bodies --------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_body_over_the_limit_is_413_before_it_is_read(reporter, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.IMPORT_MAX_BYTES = 1000
    response = reporter.client.post(
        "/api/v1/imports/",
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 2**20),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "request_too_large"
    assert "314,572,800 bytes" in response.json()["detail"]


def test_a_300_mb_upload_is_refused_without_receiving_it(reload_reference_data, transactional_db):
    """Against gunicorn: the client announces 300 MB, sends 64 KB and waits; the answer
    must come at once, not after the server has read (or waited for) the rest."""
    user = UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="ACNUR"))
    with api_server() as (port, _), socket.create_connection(("127.0.0.1", port), 10) as sock:
        sock.sendall(
                b"POST /api/v1/imports/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"Authorization: Bearer {token_for(user)}\r\n".encode()
                + b"Content-Type: multipart/form-data; boundary=x\r\n"
                + f"Content-Length: {300 * 2**20}\r\n\r\n".encode()
                + b"--x\r\n" + b"a" * 65_536
            )  # fmt: skip
        answer = sock.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "application/problem+json" in answer


# --- Time --------------------------------------------------------------------------------------
@postgresql_only
def test_a_request_past_its_time_is_ended_and_leaves_nothing(
    reload_reference_data, transactional_db, settings
):
    """A batch kept waiting (by a lock it cannot get) past REQUEST_TIMEOUT_SECONDS answers
    503 request_timeout at its next statement, and nothing of it is written."""
    settings.REQUEST_TIMEOUT_SECONDS = 1
    api = Api(UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="ACNUR")))
    outcome = {}

    def send():
        from django.db import connection

        try:
            outcome["response"] = api.post(BULK, rows(5))
        finally:
            connection.close()

    with held_at(ActivityReportHistoryEntry._meta.db_table) as hold:
        thread = threading.Thread(target=send)
        thread.start()
        hold()
        time.sleep(1.2)
    thread.join(30)
    response = outcome["response"]
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "request_timeout" and response["Retry-After"]
    assert not ActivityReport.all_objects.exists()


@postgresql_only
def test_the_statement_timeout_ends_a_stuck_statement_under_gunicorn(
    reload_reference_data, transactional_db
):
    import json
    from http.client import HTTPConnection

    user = UserFactory(role=Role.REPORTER, partner=PartnerFactory(code="ACNUR"))
    held = held_at(ActivityReportHistoryEntry._meta.db_table)
    with api_server(DB_STATEMENT_TIMEOUT_MS="500") as (port, _), held:
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
                "POST", BULK, body=json.dumps(rows(3)),
                headers={"Authorization": f"Bearer {token_for(user)}",
                         "Content-Type": "application/json"},
            )  # fmt: skip
        response = conn.getresponse()
        body = json.loads(response.read())
    assert response.status == 503 and body["code"] == "query_timeout", body
    assert not ActivityReport.all_objects.exists()


def test_a_body_over_the_limit_is_413_under_the_development_server_too(
    live_server, settings, reload_reference_data, transactional_db
):
    """make run serves with Django's development server, which refuses a hop-by-hop header
    from the application (it answered 500 text/plain): the 413 is problem+json there too."""
    import http.client
    from urllib.parse import urlparse

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    address = urlparse(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    body = b"x" * 2_000_000
    connection.request("POST", "/api/v1/activity-reports/bulk/", body=body,
                       headers={"Content-Type": "application/json"})  # fmt: skip
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/problem+json"
    assert b'"request_too_large"' in response.read()
    connection.close()
