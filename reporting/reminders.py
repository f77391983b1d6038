"""Reminders to partners that have not reported an open month N days before it locks."""

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.utils import timezone

from partners.choices import Role
from partners.models import Partner, User
from reporting.activities.models import ActivityReport
from reporting.periods.choices import PeriodStatus
from reporting.periods.models import ReportingPeriod


def lock_day(month: date) -> date:
    """The day a month is due to lock: REPORTING_LOCK_DAY of the next month."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=settings.REPORTING_LOCK_DAY)


def send_reminders(today: date | None = None) -> int:
    """Email each reporter of a partner without a report for last month, when it locks in
    REMINDER_DAYS_BEFORE_LOCK days (on REPORTING_LOCK_DAY); once per partner and month."""
    today = today or timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month
    if lock_day(month) - today != timedelta(days=settings.REMINDER_DAYS_BEFORE_LOCK):
        return 0
    period = ReportingPeriod.objects.filter(month=month).first()
    if period is not None and period.status == PeriodStatus.LOCKED:
        return 0
    reported = set(ActivityReport.objects.filter(month=month).values_list("partner_id", flat=True))
    messages = []
    reporters = User.objects.filter(role=Role.REPORTER, is_active=True).exclude(email="")
    for partner in Partner.objects.exclude(pk__in=reported):
        recipients = [u.email for u in reporters if u.partner_id == partner.pk]
        # Housekeeping runs every minute: each partner is reminded once per month.
        if recipients and cache.add(f"reminder:{month:%Y-%m}:{partner.pk}", 1, 7 * 86400):
            messages.append(
                (
                    f"5W {month:%Y-%m}: {partner.code} has not reported yet",
                    f"The reporting month {month:%Y-%m} locks on {lock_day(month):%Y-%m-%d}. "
                    f"{partner.name} has no 5W report for it yet: upload it at /api/v1/imports/ "
                    "(or send it through the API) before then.",
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
            )
    return send_mass_mail(messages, fail_silently=False) if messages else 0
