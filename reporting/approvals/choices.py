from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    """Where an organisation's month in a country stands (docs: Submission and approval)."""

    DRAFT = "draft", _("Reported, not submitted")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned to the organisation")
    APPROVED = "approved", _("Approved")
    REOPENED = "reopened", _("Reopened after approval")

    @classmethod
    def pending(cls) -> tuple[str, ...]:
        """Submitted at least once and not approved: the month's figures are not final."""
        return (cls.SUBMITTED, cls.RETURNED, cls.REOPENED)


class SubmissionAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REOPENED = "reopened", _("Reopened")
