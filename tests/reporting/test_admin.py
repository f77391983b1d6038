"""The admin writes reports through the same rules, locks and history as the API."""

import pytest

from indicators.models import Indicator
from partners.models import Partner
from reporting.activities.models import ActivityReport
from reporting.locations.models import Location
from reporting.periods.models import ReportingPeriod
from tests.factories import ActivityReportFactory

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "month": "2021-03-01",
        "partner": Partner.objects.get(code="ACNUR").pk,
        "admin1": Location.objects.get(pcode="PE24").pk,
        "indicator": Indicator.objects.get(code="PRT-01").pk,
        "activity_name": "Orientation",
        "activity_description": "",
        "rmrp": "on",
        "total_beneficiaries": "100",
        "new_beneficiaries": "80",
        "pop_in_destination": "80",
        "pop_in_transit": "0",
        "pop_host_community": "0",
        "pop_pendular": "0",
        "pop_returnees": "0",
        "girls": "0",
        "boys": "0",
        "women": "40",
        "men": "40",
        "other_under_18": "0",
        "other_over_18": "0",
    }
    data.update(changes)
    return data


def test_admin_create_goes_through_history(admin_client):
    response = admin_client.post("/admin/reporting/activityreport/add/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ActivityReport.objects.get()
    entry = report.history.get()
    assert (entry.action, entry.channel, report.version) == ("create", "admin", 1)


def test_admin_refuses_what_the_api_refuses(admin_client):
    response = admin_client.post(
        "/admin/reporting/activityreport/add/", form_data(new_beneficiaries="200")
    )
    assert response.status_code == 200
    assert "exceed the total" in response.content.decode()
    assert not ActivityReport.objects.exists()


def test_admin_change_bumps_version_and_records_before_after(admin_client):
    report = ActivityReportFactory(partner=Partner.objects.get(code="ACNUR"))
    data = form_data(activity_name="Renamed in admin", women="50", men="30")
    response = admin_client.post(f"/admin/reporting/activityreport/{report.pk}/change/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.activity_name, report.version) == ("Renamed in admin", 2)
    entry = report.history.get()
    assert entry.before["activity_name"] != entry.after["activity_name"] == "Renamed in admin"


def test_admin_cannot_change_a_locked_month(admin_client):
    report = ActivityReportFactory()
    ReportingPeriod.objects.create(month=report.month, status="locked")
    response = admin_client.post(
        f"/admin/reporting/activityreport/{report.pk}/change/",
        form_data(partner=report.partner_id, activity_name="late"),
    )
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1


def test_the_admin_never_erases_a_report_and_withdraws_it_keeping_history(admin_client):
    report = ActivityReportFactory()
    delete_page = f"/admin/reporting/activityreport/{report.pk}/delete/"
    assert admin_client.get(delete_page).status_code == 403
    assert admin_client.post(delete_page, {"post": "yes"}).status_code == 403
    listing = admin_client.get("/admin/reporting/activityreport/").content.decode()
    assert "Withdraw selected reports" in listing and "delete_selected" not in listing
    response = admin_client.post(
        "/admin/reporting/activityreport/",
        {"action": "soft_delete", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "1 report(s) withdrawn; each keeps its history" in response.content.decode()
    assert not ActivityReport.objects.filter(pk=report.pk).exists()
    assert ActivityReport.all_objects.get(pk=report.pk).history.get().action == "delete"


def test_withdrawing_a_report_of_a_locked_month_is_refused(admin_client):
    report = ActivityReportFactory()
    ReportingPeriod.objects.update_or_create(month=report.month, defaults={"status": "locked"})
    response = admin_client.post(
        "/admin/reporting/activityreport/",
        {"action": "soft_delete", "_selected_action": [report.pk]},
        follow=True,
    )
    assert "is locked" in response.content.decode()
    assert ActivityReport.objects.filter(pk=report.pk).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/reporting/borderpoint/",
        "/admin/reporting/bordercrossing/",
        "/admin/reporting/import/",
        "/admin/reporting/countryfiguresettings/",
        "/admin/partners/apitoken/",
        "/admin/indicators/indicator/",
        "/admin/reporting/location/",
        "/admin/reporting/reportingperiod/",
        "/admin/reporting/activityreport/",
    ],
)
def test_admin_pages_open(admin_client, path):
    ActivityReportFactory()
    assert admin_client.get(path).status_code == 200


def test_border_crossings_are_read_only_in_the_admin(admin_client):
    assert admin_client.get("/admin/reporting/bordercrossing/add/").status_code == 403
