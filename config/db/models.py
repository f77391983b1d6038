"""Models of the plumbing: the history entry every versioned record keeps, replies to
Idempotency-Keys, counters of data generations, the outbox of events, and the manager of
soft-deleted records."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from config.db.choices import ChangeChannel, HistoryAction


class HistoryEntry(models.Model):
    """One create, change or delete of a versioned record (config.db.versioning), with its
    values before and after; a subclass adds the foreign key to its record."""

    action = models.CharField(max_length=10, choices=HistoryAction.choices)
    channel = models.CharField(max_length=10, choices=ChangeChannel.choices)
    batch_id = models.UUIDField(null=True, blank=True)
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "reporting"  # its table came with the reporting app's migrations
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.response_status})"


class LiveManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class VersionedModel(models.Model):
    """The columns of every versioned record (config.db.versioning): its version (what
    If-Match names), when and by whom it was created and last changed, and when it was
    deleted (soft: its history keeps every version). `objects` are the live records,
    `all_objects` the deleted ones too (history, admin)."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False,
        editable=False,
    )  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False,
        editable=False,
    )  # fmt: skip
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    all_objects = models.QuerySet.as_manager()
    objects = LiveManager()

    class Meta:
        abstract = True
        default_manager_name = "objects"
        base_manager_name = "all_objects"


class DataGeneration(models.Model):
    """Counters that grow with every change figures depend on, in the same transaction as
    the change: one per month of reports ("2021-03": its reports and its reporting period)
    and one for everything else ("all": reference data, figure settings). Cached figures are
    keyed by the counters of what they cover (config.db.generations)."""

    scope = models.CharField(max_length=7, unique=True, help_text='"all" or a month, YYYY-MM.')
    value = models.BigIntegerField(default=0)

    class Meta:
        app_label = "reporting"  # its table came with the reporting app's migrations

    def __str__(self) -> str:
        return f"{self.scope}: {self.value}"


class OutboxEvent(models.Model):
    """Something a partner system may want to hear of (a report changed, an import ended, a
    month locked), written in the same transaction as the change itself: an event exists
    if and only if its change committed. Webhooks (reporting.webhooks) send them on.
    `partner`: whose data it is (only that organisation's subscriptions hear it); null for
    platform news (months locked, figures final)."""

    type = models.CharField(max_length=60)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, null=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    data = models.JSONField(encoder=DjangoJSONEncoder)
    dispatched = models.BooleanField(default=False)

    class Meta:
        app_label = "reporting"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(dispatched=False), name="outbox_pending")
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class WorkerHeartbeat(models.Model):
    """A background worker alive: each one beats every WORKER_HEARTBEAT_SECONDS, from a
    thread of its own (a long job does not stop it). /readyz is 503 `no_worker` when none
    has beaten within WORKER_STALE_SECONDS."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "reporting"
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} ({self.beat_at:%H:%M:%S})"
