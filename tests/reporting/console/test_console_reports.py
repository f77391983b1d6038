"""The console's "my reports": the API's list for the signed-in user, with its exports."""

import pytest

from tests.reporting.activities.test_bulk import URL as BULK_URL
from tests.reporting.activities.test_bulk import rows
from tests.reporting.console.test_console import browser

pytestmark = pytest.mark.django_db


def test_a_partner_lists_filters_and_exports_its_own_reports(reporter, other_reporter):
    assert reporter.post(BULK_URL, rows(3)).status_code == 200
    assert other_reporter.post(BULK_URL, rows(2)).status_code == 200
    page = browser(reporter).get("/console/reports/").content.decode()
    assert page.count("<tr><td>") == 3  # its own three, not the other organisation's
    assert 'name="partner"' not in page  # nothing to choose: its own
    assert "/api/v1/imports/template/" in page
    for link in ("/api/v1/activity-reports/export/?format=csv",
                 "/api/v1/activity-reports/export/?format=xlsx",
                 "/api/v1/activity-reports/?layout=activityinfo&amp;format=csv"):  # fmt: skip
        assert link in page, link
    narrowed = browser(reporter).get("/console/reports/", {"q": "zzz-nothing"}).content.decode()
    assert "No reports match." in narrowed
    bad = browser(reporter).get("/console/reports/", {"month": "March"}).content.decode()
    assert 'role="alert"' in bad
    csv_export = reporter.client.get("/api/v1/activity-reports/export/", {"format": "csv"})
    assert len(b"".join(csv_export.streaming_content).decode("utf-8-sig").splitlines()) == 4
