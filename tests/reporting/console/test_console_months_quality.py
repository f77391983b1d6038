"""The console's months (submission and approval) and data quality pages."""

import html
import re

import pytest

from reporting.approvals.models import MonthSubmission
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.console.test_console import browser
from tests.reporting.quality.test_flagged_history import csv_file, history_rows, upload

pytestmark = pytest.mark.django_db


def test_a_partner_submits_and_a_coordinator_returns_then_approves(reporter, coordinator, viewer):
    assert reporter.post("/api/v1/activity-reports/", payload()).status_code == 201
    partner = browser(reporter)
    page = partner.get("/console/months/").content.decode()
    assert "Submit for approval" in page and "Reported, not submitted" in page
    assert "Submit for approval" not in browser(viewer).get("/console/months/").content.decode()
    assert browser(viewer).post("/console/months/", {"action": "submit"}).status_code == 403

    done = partner.post(
        "/console/months/", {"action": "submit", "country": "PER", "month": "2021-03"}, follow=True
    ).content.decode()
    assert "PER 2021-03 submitted: 1 reports." in done
    submission = MonthSubmission.objects.get()
    assert (
        browser(reporter)
        .post("/console/months/", {"action": "approve", "id": submission.pk})
        .status_code
        == 403
    )

    desk = browser(coordinator)
    no_reason = desk.post("/console/months/", {"action": "return", "id": submission.pk},
                          follow=True).content.decode()  # fmt: skip
    assert "Say why: the organisation reads it." in no_reason
    desk.post("/console/months/", {"action": "return", "id": submission.pk, "reason": "Totals?"})
    seen = partner.get("/console/months/").content.decode()
    assert "Returned to the organisation" in seen and "Totals?" in seen  # the partner is told
    partner.post("/console/months/", {"action": "submit", "country": "PER", "month": "2021-03"})
    approved = desk.post("/console/months/", {"action": "approve", "id": submission.pk},
                         follow=True).content.decode()  # fmt: skip
    assert "ACNUR PER 2021-03: Approved." in approved
    again = desk.post("/console/months/", {"action": "approve", "id": submission.pk},
                      follow=True).content.decode()  # fmt: skip
    assert "already decided this month" in again  # the API's 409, said in words

    completeness = desk.get("/console/completeness/?month=2021-03&months=2").content.decode()
    row = re.search(r"<tr><th scope=\"row\">.*?ACNUR .*?</tr>", completeness, re.S).group(0)
    assert 'data-state="approved">1 <span class="state">approved</span>' in row
    totals = re.search(r'<tr class="total-approved">.*?</tr>', completeness, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', totals) == ["0", "1"]


def test_the_quality_page_charts_the_report_and_links_the_error_report(coordinator, analyst):
    rows, flaws = history_rows(count=20)
    assert upload(coordinator, csv_file(rows), history="true").status_code == 201
    page = (
        browser(analyst)
        .get(
            "/console/quality/", {"country": "PER", "month_from": "2024-01", "month_to": "2024-02"}
        )
        .content.decode()
    )
    assert f"{len(flaws)} of 20 reports to review, 2024-01 to 2024-02." in page
    assert "/api/v1/quality-report/rows/export/?" in page and "format=xlsx" in page
    marks = [html.unescape(m) for m in re.findall(
        r'aria-label="([^"]+)" role="graphics-symbol" aria-roledescription="bar"', page)]  # fmt: skip
    assert "AGDBreakdown: Age and gender do not add up · Rows: 1" in marks
    assert f"Peru · Rows: {len(flaws)}" in marks  # by country, as the region's tool charts it
    spanish = browser(analyst).get("/console/quality/", HTTP_ACCEPT_LANGUAGE="es").content
    assert "AGDBreakdown · Edad y género no suman" in spanish.decode()
    bad = browser(analyst).get("/console/quality/", {"month_from": "2024-13"}).content.decode()
    assert 'role="alert"' in bad
