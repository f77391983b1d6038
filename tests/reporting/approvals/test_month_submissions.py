"""A month from submission to approval: /api/v1/month-submissions/."""

import threading

import pytest
from django.db import connection

from config.db.models import OutboxEvent
from partners.choices import Role
from reporting.activities.models import ActivityReport
from reporting.approvals.models import MonthSubmission, MonthSubmissionEvent
from tests.conftest import Api
from tests.factories import PartnerFactory, UserFactory
from tests.holds import held_at, postgresql_only
from tests.reporting.activities.test_activity_reports import payload
from tests.reporting.activities.test_imports import csv_bytes, line, upload

pytestmark = pytest.mark.django_db
URL = "/api/v1/month-submissions/"
REPORTS = "/api/v1/activity-reports/"
MARCH = {"country": "PER", "month": "2021-03"}


def report(api, **changes):
    response = api.post(REPORTS, payload(**changes))
    assert response.status_code == 201, response.content
    return response.json()


def submit(api, **body):
    return api.post(f"{URL}submit/", {**MARCH, **body})


def the_month(api) -> dict:
    [found] = api.get(URL, {"partner": "ACNUR", **MARCH}).json()["results"]
    return found


def step(api, submission: dict, action: str, reason: str = ""):
    return api.post(f"{URL}{submission['id']}/{action}/", {"reason": reason})


def events(kind: str) -> list[dict]:
    return [e.data for e in OutboxEvent.objects.filter(type=kind).order_by("id")]


def test_a_month_walks_from_draft_to_approval_and_back(reporter, coordinator):
    first = report(reporter)
    month = the_month(reporter)
    assert (month["status"], month["partner"], month["reports"]) == ("draft", "ACNUR", None)

    submitted = submit(reporter)
    assert submitted.status_code == 200, submitted.content
    assert (submitted.json()["status"], submitted.json()["reports"]) == ("submitted", 1)
    # Changes stay possible while it awaits review: the coordinator approves what is stored.
    report(reporter, external_id="second", activity_name="Second")

    approved = step(coordinator, month, "approve")
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["reports"]) == ("approved", 2)
    assert approved.json()["changed_by"] == coordinator.user.username

    # Approved: no path changes the organisation's reports of that month.
    changed = reporter.patch(f"{REPORTS}{first['id']}/", {"activity_description": "later"})
    assert (changed.status_code, changed.json()["code"]) == (409, "month_approved")
    deleted = reporter.delete(f"{REPORTS}{first['id']}/")
    assert (deleted.status_code, deleted.json()["code"]) == (409, "month_approved")
    added = reporter.post(REPORTS, payload(external_id="third", activity_name="Third"))
    assert (added.status_code, added.json()["code"]) == (409, "month_approved")
    batch = reporter.post(f"{REPORTS}bulk/", [payload(external_id="fourth", activity_name="4")])
    assert batch.status_code == 422
    assert [(e["row"], e["code"]) for e in batch.json()["errors"]] == [(0, "month_approved")]
    uploaded = upload(reporter, csv_bytes([line(0)]))
    assert uploaded.status_code == 422
    assert {e["code"] for e in uploaded.json()["errors"]} == {"month_approved"}
    # Another month, or another country, of the same organisation stays open.
    report(reporter, external_id="april", month="2021-04")
    assert ActivityReport.objects.filter(month__month=3).count() == 2

    no_reason = step(coordinator, month, "reopen")
    assert (no_reason.status_code, no_reason.json()["errors"][0]["field"]) == (400, "reason")
    reopened = step(coordinator, month, "reopen", "Lima's figures were entered twice")
    assert reopened.json()["status"] == "reopened"
    assert reporter.delete(f"{REPORTS}{first['id']}/").status_code == 204

    assert submit(reporter).json()["status"] == "submitted"
    returned = step(coordinator, month, "return", "Admin2 missing in two rows")
    assert (returned.json()["status"], returned.json()["reason"]) == (
        "returned",
        "Admin2 missing in two rows",
    )

    history = reporter.get(f"{URL}{month['id']}/history/").json()["results"]
    assert [(h["action"], h["by"], h["reports"]) for h in history] == [
        ("submitted", reporter.user.username, 1),
        ("approved", coordinator.user.username, 2),
        ("reopened", coordinator.user.username, 2),
        ("submitted", reporter.user.username, 1),
        ("returned", coordinator.user.username, 1),
    ]
    assert history[2]["reason"] == "Lima's figures were entered twice"


def test_each_step_is_told_to_the_organisation_and_final_figures_wait_for_every_approval(
    reporter, other_reporter, coordinator
):
    report(reporter)
    report(other_reporter, partner="OIM", implementing_partner=None)
    mine, theirs = submit(reporter).json(), submit(other_reporter).json()
    step(coordinator, mine, "approve")
    assert [(e["partner"], e["status"]) for e in events("month.submitted")] == [
        ("ACNUR", "submitted"), ("OIM", "submitted"),
    ]  # fmt: skip
    assert OutboxEvent.objects.get(type="month.approved").partner.code == "ACNUR"
    assert events("figures.final") == []  # OIM's month still awaits approval

    step(coordinator, theirs, "return", "Totals look off")
    assert events("figures.final") == []
    assert submit(other_reporter).json()["status"] == "submitted"
    step(coordinator, theirs, "approve")
    assert events("figures.final") == [{"month": "2021-03", "country": "PER"}]


def test_locking_a_month_makes_figures_final_only_with_nothing_awaiting_approval(
    reporter, coordinator
):
    report(reporter)
    submit(reporter)
    lock = coordinator.post("/api/v1/reporting-periods/lock/", {"month": "2021-03", "reason": "x"})
    assert lock.status_code == 200
    assert events("figures.final") == []
    step(coordinator, the_month(coordinator), "approve")
    assert events("figures.final") == [{"month": "2021-03", "country": "PER"}]


def test_who_may_take_which_step(reporter, other_reporter, viewer, analyst, coordinator):
    report(reporter)
    refused = submit(viewer)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert submit(analyst).status_code == 403
    assert submit(other_reporter, partner="ACNUR").status_code == 404  # not theirs
    needs_partner = submit(coordinator)
    assert needs_partner.json()["errors"][0] == {
        "field": "partner", "code": "required", "message": "Name the organisation (its code)."
    }  # fmt: skip
    month = submit(reporter).json()
    assert step(reporter, month, "approve").status_code == 403  # its own, but not a coordinator
    assert step(other_reporter, month, "approve").status_code == 404  # not even visible
    assert other_reporter.get(URL).json()["count"] == 0
    assert analyst.get(URL).json()["count"] == 1
    assert MonthSubmission.objects.get().status == "submitted"
    on_behalf = submit(coordinator, partner="OIM")  # coordinators submit for anyone
    assert (on_behalf.status_code, on_behalf.json()["reports"]) == (200, 0)


def test_steps_out_of_order_are_conflicts_that_name_the_decision(reporter, coordinator):
    report(reporter)
    month = the_month(reporter)
    draft = step(coordinator, month, "approve")
    assert (draft.status_code, draft.json()["code"]) == (409, "not_submitted")
    submit(reporter)
    again = submit(reporter)
    assert (again.status_code, again.json()["code"]) == (409, "already_submitted")
    step(coordinator, month, "approve")
    late = step(coordinator, month, "return", "too late")
    assert (late.status_code, late.json()["code"]) == (409, "already_decided")
    assert late.json()["decision"]["status"] == "approved"
    assert late.json()["decision"]["by"] == coordinator.user.username
    assert submit(reporter).json()["code"] == "month_approved"
    assert MonthSubmissionEvent.objects.count() == 2


def test_bad_input_is_refused_by_field(reporter):
    for body, field, code in [
        ({"country": "PE15"}, "country", "wrong_level"),
        ({"country": "XXX"}, "country", "does_not_exist"),
        ({"month": "2099-01"}, "month", "month_in_future"),
        ({"month": "March"}, "month", "invalid"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ]:
        response = submit(reporter, **body)
        assert response.status_code == 400, body
        assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (
            field,
            code,
        ), body
    assert not MonthSubmission.objects.filter(status="submitted").exists()


@postgresql_only
def test_two_coordinators_deciding_at_once_leave_one_decision(
    reload_reference_data, transactional_db
):
    partner = PartnerFactory(code="ACNUR")
    reporter = Api(UserFactory(role=Role.REPORTER, partner=partner))
    coordinators = [Api(UserFactory(role=Role.COORDINATOR)) for _ in range(2)]
    report(reporter)
    month = submit(reporter).json()
    answers = {}
    start = threading.Barrier(2)

    def decide(api, action):
        start.wait()
        try:
            answers[action] = step(api, month, action, "not yet")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(api, action))
        for api, action in zip(coordinators, ("approve", "return"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers.values())
    assert statuses == [200, 409]
    [winner] = [a.json() for a in answers.values() if a.status_code == 200]
    [loser] = [a.json() for a in answers.values() if a.status_code == 409]
    assert loser["code"] == "already_decided"
    assert loser["decision"]["status"] == winner["status"]
    assert loser["decision"]["by"] == winner["changed_by"]
    assert MonthSubmission.objects.get().status == winner["status"]
    assert MonthSubmissionEvent.objects.exclude(action="submitted").count() == 1


@postgresql_only
def test_approving_a_month_being_written_answers_409_and_writes_nothing(
    reload_reference_data, transactional_db, settings
):
    from reporting.activities.models import ActivityReportHistoryEntry

    settings.APPROVAL_LOCK_WAIT_SECONDS = 0.5
    partner = PartnerFactory(code="ACNUR")
    PartnerFactory(code="HIAS")
    reporter = Api(UserFactory(role=Role.REPORTER, partner=partner))
    coordinator = Api(UserFactory(role=Role.COORDINATOR))
    report(reporter)
    month = submit(reporter).json()
    outcome = {}

    def write():
        try:
            rows = [payload(external_id="late", activity_name="Late")]
            outcome["batch"] = reporter.post(f"{REPORTS}bulk/", rows).status_code
        finally:
            connection.close()

    with held_at(ActivityReportHistoryEntry._meta.db_table) as hold:
        writer = threading.Thread(target=write)
        writer.start()
        hold()  # the batch holds the month, half-way through its transaction
        busy = step(coordinator, month, "approve")
        assert (busy.status_code, busy.json()["code"]) == (409, "month_being_written")
        assert busy["Retry-After"] == "5"
        assert MonthSubmission.objects.get().status == "submitted"
        assert not MonthSubmissionEvent.objects.filter(action="approved").exists()
        hold.release()
        writer.join()
    assert outcome["batch"] == 200
    approved = step(coordinator, month, "approve")
    assert (approved.status_code, approved.json()["reports"]) == (200, 2)


def test_every_figure_says_which_months_and_organisations_are_approved(
    reporter, other_reporter, coordinator, analyst
):
    report(reporter)
    report(other_reporter, partner="OIM", implementing_partner=None)
    query = {"country": "PER", "month_from": "2021-03", "month_to": "2021-03"}
    figures = ("people-reached", "monthly-beneficiaries", "indicators", "cash", "progress")

    def approval(figure="people-reached"):
        response = analyst.get(f"/api/v1/figures/{figure}/", query)
        assert response.status_code == 200, response.content
        return response.json()["approval"]

    assert approval() == {
        "all_approved": False,
        "months": [{"month": "2021-03", "approved": [], "submitted": [], "returned": [],
                    "draft": ["ACNUR", "OIM"]}],
    }  # fmt: skip
    step(coordinator, submit(reporter).json(), "approve")
    submit(other_reporter)
    assert approval()["months"][0] | {"month": None} == {
        "month": None, "approved": ["ACNUR"], "submitted": ["OIM"], "returned": [], "draft": []
    }  # fmt: skip
    step(coordinator, the_month_of(coordinator, "OIM"), "approve")
    for figure in figures:  # cached answers follow each step
        assert approval(figure)["all_approved"] is True, figure
    other = analyst.get("/api/v1/figures/people-reached/", {**query, "country": "COL"})
    assert other.json()["approval"] == {"all_approved": False, "months": []}


def the_month_of(api, partner: str) -> dict:
    [found] = api.get(URL, {"partner": partner, **MARCH}).json()["results"]
    return found
