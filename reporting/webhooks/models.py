import secrets
import uuid

from django.conf import settings
from django.db import models

from config.db.models import OutboxEvent

EVENT_TYPES = [
    ("activity_report.created", "A report of the organisation was created"),
    ("activity_report.updated", "A report of the organisation was changed"),
    ("activity_report.deleted", "A report of the organisation was deleted"),
    (
        "activity_reports.batch",
        "A batch or an import wrote reports of the organisation: how many were created, "
        "updated and deleted, their months, and the query that lists them",
    ),
    ("import.finished", "An import of the organisation finished (completed or validated)"),
    ("import.failed", "An import of the organisation failed (rejected, failed, cancelled)"),
    ("period.locked", "A reporting month was locked"),
    ("period.unlocked", "A reporting month was unlocked"),
    ("month.submitted", "The organisation submitted a month of a country for approval"),
    ("month.approved", "A coordinator approved a month the organisation submitted"),
    ("month.returned", "A coordinator returned a submitted month, with a reason"),
    ("month.reopened", "A coordinator reopened an approved month, with a reason"),
    (
        "figures.final",
        "A month's figures are final: every month submitted in a country is "
        "approved, or the month is locked with none awaiting approval",
    ),
]


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookSubscription(models.Model):
    """Where an organisation's system wants to hear of events, signed with its secret."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    events = models.JSONField(help_text="Event types to send.")
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True, default="")
    failing_since = models.DateTimeField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.partner_id} -> {self.url}"


class WebhookDelivery(models.Model):
    """One event for one subscription: sent in event order, retried with backoff."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending: not delivered yet (retried)"
        DELIVERED = "delivered", "Delivered (the receiver answered 2xx)"
        FAILED = "failed", "Failed: given up (the subscription was disabled)"

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["subscription_id", "event_id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["subscription", "status", "event"])]

    def __str__(self) -> str:
        return f"{self.subscription_id}: event {self.event_id} {self.status}"
