from django.conf import settings
from django.db import models

from reporting.periods.choices import PeriodStatus


class ReportingPeriod(models.Model):
    """A reporting month. A month with no row here is open."""

    month = models.DateField(unique=True, help_text="First day of the month.")
    status = models.CharField(
        max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.status})"
