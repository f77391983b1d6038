"""The 5W activity report resource: shape, validation, scoping, locks, trace, concurrency."""

import copy
import io

import pytest

from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry

pytestmark = pytest.mark.django_db
URL = "/api/v1/activity-reports/"

VALID = {
    "external_id": "crm-8841",
    "month": "2021-03",
    "partner": "ACNUR",
    "implementing_partner": "HIAS",
    "admin1": "PE24",
    "admin2": "PE2401",
    "indicator": "PRT-01",
    "activity_name": "Orientation on the CPP pre-registration",
    "activity_description": "Group sessions at the CEBAF",
    "rmrp": True,
    "covid19": False,
    "cva": False,
    "cva_value_usd": None,
    "delivery_mechanism": None,
    "quantity": None,
    "total_beneficiaries": 350,
    "new_beneficiaries": 300,
    "population": {
        "in_destination": 200,
        "in_transit": 60,
        "host_community": 40,
        "pendular": 0,
        "returnees": 0,
    },
    "age_sex": {
        "girls": 40,
        "boys": 35,
        "women": 120,
        "men": 105,
        "other_under_18": 0,
        "other_over_18": 0,
    },
}


def payload(**changes):
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


def create(api, **changes):
    response = api.post(URL, payload(**changes))
    assert response.status_code == 201, response.content
    return response


def test_create_returns_the_documented_shape(reporter):
    response = create(reporter)
    body = response.json()
    expected = VALID | {"country": "PER", "sector": "PRT"}
    assert {k: body[k] for k in expected} == expected
    assert body["created_by"] == reporter.user.username
    assert body["version"] == 1
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"{URL}{body['id']}/"
    report = ActivityReport.objects.get(pk=body["id"])
    assert (report.partner.code, report.pop_in_transit, report.women) == ("ACNUR", 60, 120)


def test_reporter_may_omit_partner_and_gets_its_own(reporter):
    data = payload()
    del data["partner"]
    response = reporter.post(URL, data)
    assert response.status_code == 201
    assert response.json()["partner"] == "ACNUR"


def test_codes_are_accepted_in_any_case(reporter):
    body = create(
        reporter, partner="acnur", indicator="prt-01", admin1="pe24", admin2="pe2401"
    ).json()
    assert (body["partner"], body["indicator"], body["admin1"]) == ("ACNUR", "PRT-01", "PE24")


def test_read_only_fields_are_ignored(reporter):
    body = create(
        reporter, created_by="someone", version=99, id=12345, country="PER", sector="PRT"
    ).json()
    assert body["created_by"] == reporter.user.username
    assert body["version"] == 1
    assert body["id"] != 12345


def test_derived_fields_sent_back_must_agree(reporter):
    response = reporter.post(URL, payload(country="COL", sector="EDU", implementation_setup="no"))
    assert response.status_code == 400
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {
        ("country", "country_mismatch"),
        ("sector", "sector_mismatch"),
        ("implementing_partner", "implementing_partner_forbidden"),
    }


def test_unknown_fields_are_refused(reporter):
    response = reporter.post(URL, payload(total_beneficiary=3))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "total_beneficiary",
            "code": "unknown_field",
            "message": "Unknown field.",
            "region_check": None,
        }
    ]


# Each case: changes to a valid row -> the (field, code) pairs the API must report.
RULE_CASES = {
    "future month": ({"month": "2099-01"}, {("month", "month_in_future")}),
    "month format": ({"month": "2021-3"}, {("month", "invalid")}),
    "month 13": ({"month": "2021-13"}, {("month", "invalid")}),
    "missing month": ({"month": None}, {("month", "null")}),
    "unknown indicator": ({"indicator": "NOPE-1"}, {("indicator", "does_not_exist")}),
    "inactive indicator": ({"indicator": "FS-99"}, {("indicator", "indicator_inactive")}),
    "admin2 outside admin1": ({"admin2": "PE1501"}, {("admin2", "admin2_not_in_admin1")}),
    "admin1 not admin1": ({"admin1": "PE2401", "admin2": None}, {("admin1", "wrong_level")}),
    "blank activity": ({"activity_name": "   "}, {("activity_name", "blank")}),
    "rmrp missing": ({"rmrp": None}, {("rmrp", "null")}),
    "cva without value": (
        {"cva": True},
        {
            ("cva_value_usd", "cva_value_required"),
            ("delivery_mechanism", "delivery_mechanism_required"),
        },
    ),
    "value without cva": (
        {"cva_value_usd": 10, "delivery_mechanism": "voucher"},
        {
            ("cva_value_usd", "cva_value_forbidden"),
            ("delivery_mechanism", "delivery_mechanism_forbidden"),
        },
    ),
    "negative cva value": (
        {"cva": True, "cva_value_usd": -5, "delivery_mechanism": "voucher"},
        {("cva_value_usd", "cva_value_required")},
    ),
    "mpc needs cva": (
        {"indicator": "MPC-01"},
        {("cva", "cva_required_for_mpc")},
    ),
    "new above total": (
        {"total_beneficiaries": 100},
        {("new_beneficiaries", "new_exceeds_total")},
    ),
    "no total": ({"total_beneficiaries": 0}, {("total_beneficiaries", "total_required")}),
    "no new": (
        {"new_beneficiaries": None, "population": None, "age_sex": None},
        {("new_beneficiaries", "new_required")},
    ),
    "population mismatch": (
        {"population": {"in_destination": 1}},
        {("population", "population_sum_mismatch")},
    ),
    "age sex mismatch": (
        {"age_sex": {"girls": 300, "boys": 1}},
        {("age_sex", "age_sex_sum_mismatch")},
    ),
    "negative count": ({"total_beneficiaries": -1}, {("total_beneficiaries", "min_value")}),
    "huge count": ({"quantity": 10_000_001}, {("quantity", "max_value")}),
    "fractional count": ({"total_beneficiaries": 3.5}, {("total_beneficiaries", "invalid")}),
    "count as text": ({"age_sex": {"girls": "many"}}, {("age_sex.girls", "invalid")}),
    "infrastructure needs quantity, no new": (
        {"indicator": "CP-02"},
        {
            ("quantity", "quantity_required"),
            ("new_beneficiaries", "new_not_allowed"),
            ("population", "breakdown_not_allowed"),
            ("age_sex", "breakdown_not_allowed"),
        },
    ),
    "unknown delivery mechanism": (
        {"cva": True, "cva_value_usd": 5, "delivery_mechanism": "carrier pigeon"},
        {("delivery_mechanism", "invalid_choice")},
    ),
    "NUL byte": ({"activity_name": "a\x00b"}, {("activity_name", "null_characters_not_allowed")}),
    "too long": ({"activity_name": "x" * 10_000}, {("activity_name", "max_length")}),
    "wrong type": ({"partner": 5}, {("partner", "invalid")}),
    "bad breakdown type": ({"population": [1, 2]}, {("population", "invalid")}),
    # An unknown field does not hide the row's other problems (the groups no longer add up).
    "unknown breakdown key": (
        {"population": {"aliens": 3}},
        {("population.aliens", "unknown_field"), ("population", "population_sum_mismatch")},
    ),
}


@pytest.mark.parametrize("case", RULE_CASES, ids=list(RULE_CASES))
def test_every_rule_is_reported_with_field_and_code(reporter, case):
    changes, expected = RULE_CASES[case]
    response = reporter.post(URL, payload(**changes))
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    got = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert got == expected
    assert not ActivityReport.all_objects.exists()


def test_all_violations_of_a_row_come_at_once(reporter):
    response = reporter.post(
        URL, payload(month="2099-01", admin2="PE1501", total_beneficiaries=10, cva_value_usd=3)
    )
    codes = {e["code"] for e in response.json()["errors"]}
    assert {
        "month_in_future",
        "admin2_not_in_admin1",
        "new_exceeds_total",
        "cva_value_forbidden",
    } <= codes


@pytest.mark.parametrize(
    ("indicator", "changes"),
    [
        ("INT-02", {"new_beneficiaries": None, "population": None, "age_sex": None}),
        (
            "CP-02",
            {
                "quantity": 12,
                "total_beneficiaries": None,
                "new_beneficiaries": None,
                "population": None,
                "age_sex": None,
            },
        ),
        ("MPC-01", {"cva": True, "cva_value_usd": 12000.5, "delivery_mechanism": "prepaid_card"}),
    ],
)
def test_rules_follow_the_indicator_type(reporter, indicator, changes):
    response = reporter.post(URL, payload(indicator=indicator, **changes))
    assert response.status_code == 201, response.content


def test_admin_gives_the_same_verdict(reporter):
    report = ActivityReport.objects.get(pk=create(reporter).json()["id"])
    report.new_beneficiaries = 10_000
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        report.full_clean()
    codes = {e.code for errors in caught.value.error_dict.values() for e in errors}
    assert {"new_exceeds_total", "population_sum_mismatch", "age_sex_sum_mismatch"} <= codes


def test_duplicate_external_id_is_409_pointing_at_the_existing_report(reporter):
    first = create(reporter).json()
    response = reporter.post(URL, payload(activity_name="another"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_external_id"
    assert body["existing_id"] == first["id"]
    assert ActivityReport.objects.count() == 1


def test_same_external_id_is_fine_for_another_partner(reporter, other_reporter):
    create(reporter)
    create(other_reporter, partner="OIM")


# --- Who may do what -----------------------------------------------------------------------


def test_reporter_cannot_write_for_another_partner(reporter):
    response = reporter.post(URL, payload(partner="OIM"))
    assert response.status_code == 403
    assert response.json()["code"] == "partner_not_allowed"
    assert not ActivityReport.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_readers_cannot_write(request, role):
    response = request.getfixturevalue(role).post(URL, payload())
    assert response.status_code == 403
    assert not ActivityReport.objects.exists()


def test_foreign_reports_are_invisible_on_every_method(reporter, other_reporter):
    foreign = create(other_reporter, partner="OIM", implementing_partner=None).json()["id"]
    detail = f"{URL}{foreign}/"
    assert reporter.get(detail).status_code == 404
    assert reporter.put(detail, payload()).status_code == 404
    assert reporter.patch(detail, {"activity_name": "mine now"}).status_code == 404
    assert reporter.delete(detail).status_code == 404
    assert reporter.get(f"{detail}history/").status_code == 404
    assert reporter.get(URL).json()["results"] == []
    assert reporter.get(f"{URL}?partner=OIM").json()["results"] == []
    assert ActivityReport.objects.get(pk=foreign).activity_name == VALID["activity_name"]


def test_implementing_partner_reads_but_never_changes(make_api, reporter):
    hias = make_api("reporter", "HIAS")
    report_id = create(reporter).json()["id"]  # ACNUR, implemented by HIAS
    assert [r["id"] for r in hias.get(URL).json()["results"]] == [report_id]
    assert hias.get(f"{URL}{report_id}/").status_code == 200
    response = hias.patch(f"{URL}{report_id}/", {"activity_name": "x"})
    assert response.status_code == 403
    assert hias.delete(f"{URL}{report_id}/").status_code == 403


def test_viewer_reads_own_organisation(reporter, viewer, other_reporter):
    mine = create(reporter).json()["id"]
    create(other_reporter, partner="OIM", implementing_partner=None)
    assert [r["id"] for r in viewer.get(URL).json()["results"]] == [mine]


def test_analyst_reads_all_coordinator_writes_all(reporter, other_reporter, analyst, coordinator):
    create(reporter)
    foreign = create(other_reporter, partner="OIM").json()["id"]
    assert len(analyst.get(URL).json()["results"]) == 2
    response = coordinator.patch(f"{URL}{foreign}/", {"activity_name": "Fixed by GTRM"})
    assert response.status_code == 200
    response = coordinator.post(URL, payload(partner="WFP", external_id=None))
    assert response.status_code == 201


def test_coordinator_must_name_the_partner(coordinator):
    data = payload()
    del data["partner"]
    response = coordinator.post(URL, data)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "partner"


def test_reporter_cannot_move_a_report_to_another_partner(reporter):
    report_id = create(reporter).json()["id"]
    response = reporter.patch(f"{URL}{report_id}/", {"partner": "OIM"})
    assert response.status_code == 403
    assert ActivityReport.objects.get(pk=report_id).partner.code == "ACNUR"


# --- Updates, ETags, history, soft delete -----------------------------------------------------


def test_put_and_patch_update_and_bump_version(reporter):
    report_id = create(reporter).json()["id"]
    put = reporter.put(f"{URL}{report_id}/", payload(activity_name="Renamed"))
    assert put.status_code == 200
    assert (put.json()["activity_name"], put.json()["version"], put["ETag"]) == (
        "Renamed",
        2,
        '"2"',
    )
    patch = reporter.patch(f"{URL}{report_id}/", {"age_sex": {"girls": 30, "boys": 45}})
    assert patch.status_code == 200
    assert patch.json()["age_sex"]["girls"] == 30 and patch.json()["age_sex"]["women"] == 120
    assert patch.json()["version"] == 3


def test_patch_is_validated_against_the_whole_row(reporter):
    report_id = create(reporter).json()["id"]
    response = reporter.patch(f"{URL}{report_id}/", {"new_beneficiaries": 301})
    assert response.status_code == 400
    codes = {e["code"] for e in response.json()["errors"]}
    assert codes == {"population_sum_mismatch", "age_sex_sum_mismatch"}
    assert ActivityReport.objects.get(pk=report_id).new_beneficiaries == 300


def test_unchanged_put_keeps_the_version(reporter):
    report_id = create(reporter).json()["id"]
    response = reporter.put(f"{URL}{report_id}/", payload())
    assert response.json()["version"] == 1
    assert ActivityReportHistoryEntry.objects.filter(report_id=report_id).count() == 1


def test_stale_if_match_is_412_and_changes_nothing(reporter):
    report_id = create(reporter).json()["id"]
    etag = reporter.get(f"{URL}{report_id}/")["ETag"]
    assert (
        reporter.patch(
            f"{URL}{report_id}/", {"activity_name": "first"}, HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    stale = reporter.patch(f"{URL}{report_id}/", {"activity_name": "second"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert reporter.delete(f"{URL}{report_id}/", HTTP_IF_MATCH=etag).status_code == 412
    assert ActivityReport.objects.get(pk=report_id).activity_name == "first"


def test_history_records_who_when_how_before_and_after(reporter):
    report_id = create(reporter).json()["id"]
    reporter.patch(f"{URL}{report_id}/", {"activity_name": "Renamed", "total_beneficiaries": 400})
    assert reporter.delete(f"{URL}{report_id}/").status_code == 204
    history = reporter.get(f"{URL}{report_id}/history/").json()["results"]
    assert [h["action"] for h in history] == ["create", "update", "delete"]
    assert [h["version"] for h in history] == [1, 2, 3]
    assert {h["changed_by"] for h in history} == {reporter.user.username}
    assert {h["channel"] for h in history} == {"api"}
    create_entry, update, delete = history
    assert (
        create_entry["before"] is None
        and create_entry["after"]["activity_name"] == VALID["activity_name"]
    )
    assert update["changed_fields"] == ["activity_name", "total_beneficiaries"]
    assert (update["before"]["total_beneficiaries"], update["after"]["total_beneficiaries"]) == (
        350,
        400,
    )
    assert delete["after"] is None and delete["before"]["activity_name"] == "Renamed"


def test_deleted_reports_leave_lists_but_keep_history(reporter):
    report_id = create(reporter).json()["id"]
    reporter.delete(f"{URL}{report_id}/")
    assert reporter.get(URL).json()["results"] == []
    assert reporter.get(f"{URL}{report_id}/").status_code == 404
    assert ActivityReport.all_objects.filter(pk=report_id, deleted_at__isnull=False).exists()
    assert reporter.get(f"{URL}{report_id}/history/").status_code == 200
    # The external id is free again once the report is deleted.
    create(reporter)


# --- Reporting months -------------------------------------------------------------------------


def lock(api, month, **extra):
    return api.post(
        "/api/v1/reporting-periods/lock/",
        {"month": month, "reason": "Closed for the sitrep", **extra},
    )


def test_locked_month_refuses_create_change_delete(reporter, coordinator):
    report_id = create(reporter).json()["id"]
    assert lock(coordinator, "2021-03").status_code == 200
    for response in (
        reporter.post(URL, payload(external_id="new")),
        reporter.patch(f"{URL}{report_id}/", {"activity_name": "late fix"}),
        reporter.put(f"{URL}{report_id}/", payload(month="2021-02")),
        reporter.delete(f"{URL}{report_id}/"),
        coordinator.patch(f"{URL}{report_id}/", {"activity_name": "even coordinators"}),
    ):
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "period_locked"
    assert ActivityReport.objects.get(pk=report_id).activity_name == VALID["activity_name"]
    # Moving a report *into* a locked month is refused too.
    other = create(reporter, month="2021-02", external_id="feb").json()["id"]
    assert reporter.patch(f"{URL}{other}/", {"month": "2021-03"}).json()["code"] == "period_locked"


def test_unlock_reopens_the_month(reporter, coordinator):
    report_id = create(reporter).json()["id"]
    lock(coordinator, "2021-03")
    response = coordinator.post(
        "/api/v1/reporting-periods/unlock/", {"month": "2021-03", "reason": "Late HIAS data"}
    )
    assert response.json()["changed"][0]["status"] == "open"
    assert reporter.patch(f"{URL}{report_id}/", {"activity_name": "late fix"}).status_code == 200


def test_lock_every_month_up_to_a_given_one(reporter, coordinator):
    for month in ("2021-01", "2021-02", "2021-03"):
        create(reporter, month=month, external_id=month)
    response = lock(coordinator, "2021-02", include_earlier=True)
    assert [p["month"] for p in response.json()["changed"]] == ["2021-01", "2021-02"]
    periods = coordinator.get("/api/v1/reporting-periods/").json()["results"]
    assert {p["month"]: p["status"] for p in periods} == {
        "2021-03": "open",
        "2021-02": "locked",
        "2021-01": "locked",
    }
    feb = coordinator.get("/api/v1/reporting-periods/2021-02/").json()
    assert (
        feb["changed_by"] == coordinator.user.username and feb["reason"] == "Closed for the sitrep"
    )
    assert coordinator.get("/api/v1/reporting-periods/?status=locked").json()["count"] == 2


def test_only_coordinators_lock_and_a_reason_is_required(reporter, analyst, coordinator):
    assert lock(reporter, "2021-03").status_code == 403
    assert lock(analyst, "2021-03").status_code == 403
    response = coordinator.post("/api/v1/reporting-periods/lock/", {"month": "2021-03"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reason"


def test_unknown_month_reads_as_open(viewer):
    assert viewer.get("/api/v1/reporting-periods/2020-01/").json()["status"] == "open"


# --- Idempotency ------------------------------------------------------------------------------


def test_idempotent_retry_returns_first_response_and_creates_nothing(reporter):
    first = reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="k-1")
    retry = reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert ActivityReport.objects.count() == 1


def test_idempotency_key_with_another_body_is_422(reporter):
    reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="k-2")
    response = reporter.post(URL, payload(activity_name="other"), HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert ActivityReport.objects.count() == 1


def test_idempotency_keys_belong_to_one_user(reporter, make_api):
    colleague = make_api("reporter", "ACNUR")
    reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="shared")
    response = colleague.post(URL, payload(external_id="other"), HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert ActivityReport.objects.count() == 2


def test_failed_request_does_not_burn_the_key(reporter):
    assert reporter.post(URL, payload(month="bad"), HTTP_IDEMPOTENCY_KEY="k-3").status_code == 400
    assert reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="k-3").status_code == 201


def _age_keys(*keys: str, hours: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from config.db.models import IdempotencyRecord

    IdempotencyRecord.objects.filter(key__in=keys).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_expired_idempotency_keys_count_as_new(reporter, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 48
    first = reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="old")
    _age_keys("old", hours=47)
    assert reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="old").json() == first.json()
    _age_keys("old", hours=49)
    # No replay any more: the same body is a new create (a duplicate: 409), another body
    # is accepted instead of answering idempotency_key_reused.
    assert reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="old").status_code == 409
    again = reporter.post(URL, payload(external_id="x-2"), HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    retry = reporter.post(URL, payload(external_id="x-2"), HTTP_IDEMPOTENCY_KEY="old")
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == again.json()


def test_expired_keys_are_deleted_without_a_scheduled_purge(reporter, make_api):
    from config.db.models import IdempotencyRecord

    colleague = make_api("reporter", "ACNUR")
    reporter.post(URL, payload(external_id="a"), HTTP_IDEMPOTENCY_KEY="a")
    reporter.post(URL, payload(external_id="b"), HTTP_IDEMPOTENCY_KEY="b")
    colleague.post(URL, payload(external_id="c"), HTTP_IDEMPOTENCY_KEY="c")
    _age_keys("a", "c", hours=49)
    reporter.post(URL, payload(external_id="d"), HTTP_IDEMPOTENCY_KEY="d")
    # The reporter's expired key went when it stored a new one; the colleague's stays until
    # the colleague writes again or the purge command runs.
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["b", "c", "d"]


def test_purge_command_deletes_every_expired_key(reporter):
    from django.core.management import call_command

    from config.db.models import IdempotencyRecord

    reporter.post(URL, payload(), HTTP_IDEMPOTENCY_KEY="old")
    reporter.post(URL, payload(external_id="new"), HTTP_IDEMPOTENCY_KEY="new")
    _age_keys("old", hours=49)
    call_command("purge_idempotency_keys", stdout=io.StringIO())
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
