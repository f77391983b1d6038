"""The report table's foreign keys are checked once per statement (config.db.references),
not per row: they must still refuse everything a foreign key refuses, whichever way a row
is written, and keep the rows a report names from being deleted."""

from datetime import date

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from config.db.bulk import bulk_insert, bulk_insert_objects, bulk_update
from indicators.models import Indicator
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.locations.models import Location
from tests.factories import ActivityReportFactory, PartnerFactory, UserFactory
from tests.holds import _session, postgresql_only

pytestmark = pytest.mark.django_db

MISSING = 987_654_321


def _unsaved(**values) -> ActivityReport:
    user = UserFactory()
    now = timezone.now()
    fields = {
        "month": date(2021, 3, 1), "partner": PartnerFactory(),
        "admin1": Location.objects.get(pcode="PE24"),
        "indicator": Indicator.objects.get(code="PRT-01"), "activity_name": "Orientation",
        "rmrp": True, "cva": False, "created_at": now, "updated_at": now, "created_by": user,
        "updated_by": user, **values,
    }  # fmt: skip
    return ActivityReport(**fields)


def _refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.parametrize(
    "column", ["partner_id", "implementing_partner_id", "admin1_id", "admin2_id",
               "indicator_id", "created_by_id", "updated_by_id"],
)  # fmt: skip
def test_a_report_naming_a_missing_row_is_refused_on_every_write_path(column):
    before = ActivityReport.all_objects.count()
    _refused(lambda: _unsaved(**{column: MISSING}).save())
    # A batch's COPY: one row of a hundred names nothing; none is written.
    good = [_unsaved(activity_name=f"Row {n}") for n in range(99)]
    _refused(lambda: bulk_insert_objects([*good, _unsaved(**{column: MISSING})]))
    assert ActivityReport.all_objects.count() == before
    report = ActivityReportFactory()
    _refused(lambda: ActivityReport.all_objects.filter(pk=report.pk).update(**{column: MISSING}))
    setattr(report, column, MISSING)
    _refused(lambda: bulk_update([report], [column.removesuffix("_id")]))
    assert getattr(ActivityReport.all_objects.get(pk=report.pk), column) != MISSING


def test_history_of_a_missing_report_or_user_is_refused():
    report = ActivityReportFactory()
    entry = {"action": "create", "channel": "api", "version": 1, "changed_at": timezone.now()}
    for wrong in ({"report_id": MISSING}, {"report_id": report.pk, "changed_by_id": MISSING}):
        _refused(lambda wrong=wrong: bulk_insert(ActivityReportHistoryEntry, [{**entry, **wrong}]))
    bulk_insert(ActivityReportHistoryEntry, [{**entry, "report_id": report.pk}])
    assert report.history.count() == 1


@postgresql_only
@pytest.mark.parametrize(
    ("table", "column"),
    [("partners_partner", "partner_id"), ("partners_partner", "implementing_partner_id"),
     ("reporting_location", "admin2_id"), ("indicators_indicator", "indicator_id"),
     ("partners_user", "updated_by_id"), ("reporting_activityreport", None)],
)  # fmt: skip
def test_a_row_a_report_names_cannot_be_deleted_or_renumbered(table, column):
    """In SQL, past Django's PROTECT: the database itself keeps what a report names (and a
    report its history)."""
    report = ActivityReportFactory(
        implementing_partner=PartnerFactory(), admin2=Location.objects.get(pcode="PE2401")
    )
    if column is None:
        bulk_insert(ActivityReportHistoryEntry, [{
            "report_id": report.pk, "action": "create", "channel": "api", "version": 1,
            "changed_at": timezone.now()}])  # fmt: skip
        referenced = report.pk
    else:
        referenced = getattr(report, column)
    with connection.cursor() as cursor:
        for sql in (
            f"DELETE FROM {table} WHERE id = %s",
            f"UPDATE {table} SET id = -id WHERE id = %s",
        ):
            _refused(lambda sql=sql: cursor.execute(sql, [referenced]))
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE id = %s", [referenced])
        assert cursor.fetchone()[0] == 1


@postgresql_only
def test_a_row_no_report_names_is_deleted_as_before():
    ActivityReportFactory()
    spare = PartnerFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partners_partner SET name = 'Renamed' WHERE id = %s", [spare.pk])
        cursor.execute("DELETE FROM partners_partner WHERE id = %s", [spare.pk])
        assert cursor.rowcount == 1


@postgresql_only
def test_a_partner_named_by_a_batch_not_yet_committed_cannot_be_deleted_meanwhile():
    """As a foreign key does, the check locks the rows it found (FOR KEY SHARE): another
    session deleting one waits for the batch, instead of leaving it naming nothing."""
    other = _session()
    try:
        partner_id = other.execute(
            "INSERT INTO partners_partner (code, name, type, appealing) "
            "VALUES ('TMPREF', 'Temporary', 'ngo', true) RETURNING id"
        ).fetchone()[0]
        other.execute("SET lock_timeout = '500ms'")
        try:
            with transaction.atomic():
                _unsaved(partner_id=partner_id).save()  # not committed: the test's transaction
                with pytest.raises(Exception) as waited:
                    other.execute("DELETE FROM partners_partner WHERE id = %s", [partner_id])
                assert "lock timeout" in str(waited.value)
                raise OperationalError("roll the report back")
        except OperationalError:
            pass
        # The report rolled back, nothing names the partner: the delete goes through.
        assert (
            other.execute("DELETE FROM partners_partner WHERE id = %s", [partner_id]).rowcount == 1
        )
    finally:
        other.execute("DELETE FROM partners_partner WHERE code = 'TMPREF'")
        other.close()
