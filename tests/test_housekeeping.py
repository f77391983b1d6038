"""Housekeeping, the scheduled job: what it clears, and that it queues its next run."""

from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config.db.models import IdempotencyRecord, OutboxEvent
from partners.models import Partner
from reporting.housekeeping import TASK_PATH, housekeeping
from reporting.reminders import send_reminders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_housekeeping_clears_what_expired_and_queues_its_next_run(reporter, settings):
    old = timezone.now() - timedelta(days=settings.LOG_RETENTION_DAYS + 1)
    record = IdempotencyRecord.objects.create(user=reporter.user, key="k", fingerprint="f",
                                              response_status=201)  # fmt: skip
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=old)
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=old)
    OutboxEvent.objects.create(type="period.locked", occurred_at=old, data={}, dispatched=True)
    fresh = OutboxEvent.objects.create(type="period.locked", occurred_at=timezone.now(),
                                       data={}, dispatched=True)  # fmt: skip
    done = housekeeping.call()
    assert (done["idempotency_keys_deleted"], done["sessions_deleted"]) == (1, 1)
    assert done["events_pruned"] == 1 and list(OutboxEvent.objects.all()) == [fresh]
    (next_run,) = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    assert next_run.run_after > timezone.now()
    housekeeping.call()  # a second run does not queue a second next run
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1


def test_partners_without_a_report_are_reminded_once_before_the_month_locks(settings):
    settings.REPORTING_LOCK_DAY, settings.REMINDER_DAYS_BEFORE_LOCK = 10, 3
    acnur = Partner.objects.get(code="ACNUR")
    UserFactory(username="ana", partner=acnur, role="reporter", email="ana@acnur.example")
    today = date(2021, 4, 7)  # March locks on 10 April
    assert send_reminders(today) >= 1
    (message,) = [m for m in mail.outbox if "ana@acnur.example" in m.to]
    assert "2021-03" in message.subject and "2021-04-10" in message.body
    assert send_reminders(today) == 0  # once per partner and month
    assert send_reminders(date(2021, 4, 6)) == 0  # not the day
