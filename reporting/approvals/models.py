from django.conf import settings
from django.db import models

from reporting.approvals.choices import SubmissionAction, SubmissionStatus


class MonthSubmission(models.Model):
    """An organisation's reports of one month in one country, on their way to approval.

    A row appears, as a draft, with the first write into its month (approvals.holds); the
    organisation submits it, a coordinator approves it or returns it with a reason, and
    reopens an approved one with a reason. Approved months refuse changes."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(
        "reporting.Location", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    month = models.DateField(help_text="First day of the month.")
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    reports = models.PositiveIntegerField(
        null=True, blank=True, help_text="Live reports at the last step (null for a draft)."
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, default="", help_text="Why it was returned or reopened.")

    class Meta:
        ordering = ["-month", "country", "partner"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "country", "partner"], name="monthsubmission_unique_key"
            )
        ]
        indexes = [models.Index(fields=["partner", "month"])]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.country_id} {self.month:%Y-%m} ({self.status})"


class MonthSubmissionEvent(models.Model):
    """The audit trail of a submission: every step, who took it, when and why."""

    submission = models.ForeignKey(MonthSubmission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=SubmissionAction.choices)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, help_text="The status it led to."
    )
    reason = models.TextField(blank=True, default="")
    reports = models.PositiveIntegerField(help_text="Live reports of the month at this step.")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["submission", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
