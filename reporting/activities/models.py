from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from config.api.fields import count_validators
from config.db.models import HistoryEntry
from reporting.activities.choices import DeliveryMechanism
from reporting.locations.models import Location


class ActivityReportQuerySet(models.QuerySet):
    def with_references(self):
        """Joins every related table: handy for one-off scripts and the admin. API paths
        use reporting.common.references.ReferenceIndex instead (no joins to plan)."""
        return self.select_related(
            "partner",
            "implementing_partner",
            "admin1__parent",
            "admin2",
            "indicator__sector__parent",
            "created_by",
        )


class LiveActivityReportManager(models.Manager.from_queryset(ActivityReportQuerySet)):
    """Soft-deleted reports leave every list and figure."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class ActivityReport(models.Model):
    """One 5W row: who did what, where, in which month, for whom."""

    # NULL, not "", means "no external id": the partial unique constraint ignores NULLs.
    external_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    month = models.DateField(help_text="First day of the reporting month.")
    # Foreign keys without their own index where a composite index below starts with them,
    # or where only the rare deletion of the referenced row would use it: every index is
    # paid for on each of the thousands of rows a batch inserts. Their references are
    # checked once per statement, not once per row (db_constraint=False; migration 0027
    # installs the checks: config.db.references).
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="activity_reports",
        db_index=False,
        db_constraint=False,
    )
    implementing_partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implemented_reports",
        db_index=False,
        db_constraint=False,
    )
    admin1 = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    admin2 = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_constraint=False,
    )  # fmt: skip
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="activity_reports",
        db_constraint=False,
    )  # fmt: skip
    activity_name = models.CharField(max_length=300)
    activity_description = models.TextField(blank=True, max_length=5000)
    rmrp = models.BooleanField()
    covid19 = models.BooleanField(default=False)
    cva = models.BooleanField()
    cva_value_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    delivery_mechanism = models.CharField(  # noqa: DJ001  (NULL = not a CVA row)
        max_length=30, choices=DeliveryMechanism.choices, null=True, blank=True
    )
    quantity = models.PositiveIntegerField(null=True, blank=True, validators=count_validators)
    total_beneficiaries = models.PositiveIntegerField(
        null=True, blank=True, validators=count_validators
    )
    new_beneficiaries = models.PositiveIntegerField(
        null=True, blank=True, validators=count_validators
    )
    pop_in_destination = models.PositiveIntegerField(default=0, validators=count_validators)
    pop_in_transit = models.PositiveIntegerField(default=0, validators=count_validators)
    pop_host_community = models.PositiveIntegerField(default=0, validators=count_validators)
    pop_pendular = models.PositiveIntegerField(default=0, validators=count_validators)
    pop_returnees = models.PositiveIntegerField(default=0, validators=count_validators)
    girls = models.PositiveIntegerField(default=0, validators=count_validators)
    boys = models.PositiveIntegerField(default=0, validators=count_validators)
    women = models.PositiveIntegerField(default=0, validators=count_validators)
    men = models.PositiveIntegerField(default=0, validators=count_validators)
    other_under_18 = models.PositiveIntegerField(default=0, validators=count_validators)
    other_over_18 = models.PositiveIntegerField(default=0, validators=count_validators)

    # The region's Consistency and Accuracy checks (reporting.quality.checks) a row of
    # history breaks: bit n set for check n. Only coordinators' history imports store such
    # rows; any other write checks every rule and leaves 0 (a fixed row loses its flags).
    quality_flags = models.PositiveIntegerField(default=0, db_default=0)  # COPY may omit it

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LiveActivityReportManager()
    all_objects = ActivityReportQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["partner", "month"]),
            models.Index(fields=["updated_at", "id"]),  # sync: ?updated_since=&ordering=updated_at
            # Figures that need the partner (indicator figures count partners; cash and any
            # figure filtered by partner) read a month's reports from this index alone (an
            # index-only scan: 450 -> 33 ms for a month of 250,000 reports at 10M).
            # SQLite ignores INCLUDE (models.W040 silenced) and uses the key columns.
            models.Index(
                fields=["month", "indicator", "partner"],
                include=[
                    "admin1",
                    "rmrp",
                    "cva",
                    "deleted_at",
                    "quantity",
                    "total_beneficiaries",
                    "new_beneficiaries",
                    "cva_value_usd",
                    "delivery_mechanism",
                ],
                name="activityreport_month_figures",
            ),  # fmt: skip
            models.Index(fields=["implementing_partner", "month"]),
            # Batches and imports find id-less rows' reports by name (natural key).
            models.Index(fields=["partner", "activity_name"]),
            # Figures count the flagged rows they include: few, found from this alone.
            models.Index(
                fields=["month", "admin1"],
                condition=Q(quality_flags__gt=0),
                name="activityreport_flagged",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id"],
                condition=Q(external_id__isnull=False, deleted_at__isnull=True),
                name="activityreport_unique_external_id_per_partner",
            ),
            # One live report per natural key among reports without an external id: what a
            # spreadsheet row or an id-less batch row updates. Reports with an external id
            # are keyed by it instead (the constraint above).
            models.UniqueConstraint(
                F("partner"),
                Coalesce("implementing_partner", Value(0)),
                F("month"),
                F("admin1"),
                Coalesce("admin2", Value(0)),
                F("indicator"),
                F("activity_name"),
                F("rmrp"),
                F("cva"),
                Coalesce("delivery_mechanism", Value("")),
                condition=Q(external_id__isnull=True, deleted_at__isnull=True),
                name="activityreport_unique_natural_key",
            ),
            models.CheckConstraint(
                condition=Q(new_beneficiaries__isnull=True)
                | Q(total_beneficiaries__isnull=True)
                | Q(new_beneficiaries__lte=F("total_beneficiaries"))
                | Q(quality_flags__gt=0),
                name="activityreport_new_not_above_total",
            ),
            models.CheckConstraint(
                condition=Q(cva=True, cva_value_usd__gt=0, delivery_mechanism__isnull=False)
                | Q(cva=False, cva_value_usd__isnull=True, delivery_mechanism__isnull=True)
                | Q(quality_flags__gt=0),
                name="activityreport_cva_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.partner_id} {self.month:%Y-%m} {self.activity_name[:40]}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # A change that moves a report to another month changes both months' figures.
        instance._loaded_month = instance.__dict__.get("month")
        return instance

    # What identifies a report when it has no external id (see the constraint above).
    NATURAL_KEY = (
        "partner_id", "implementing_partner_id", "month", "admin1_id", "admin2_id",
        "indicator_id", "activity_name", "rmrp", "cva", "delivery_mechanism",
    )  # fmt: skip

    @property
    def natural_key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.NATURAL_KEY)

    def clean(self) -> None:
        # The admin runs the same rules as the API and the bulk paths.
        from reporting.activities.validation import raise_if_invalid

        raise_if_invalid(self)


class ActivityReportHistoryEntry(HistoryEntry):
    """One create, change or delete of a report, with the values before and after."""

    # Checked once per statement, as the report's own keys (config.db.references).
    report = models.ForeignKey(
        ActivityReport, on_delete=models.PROTECT, related_name="history", db_constraint=False
    )
    version = models.PositiveIntegerField(help_text="The report's version after this change.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        db_index=False, db_constraint=False,
    )  # fmt: skip

    class Meta:
        ordering = ["report_id", "id"]
        verbose_name_plural = "activity report history entries"
        indexes = [  # ?batch_id= on the reports: what one batch or import wrote
            models.Index(
                fields=["batch_id"], name="reporthistory_batch",
                condition=models.Q(batch_id__isnull=False),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"report {self.report_id} v{self.version} {self.action}"


class Import(models.Model):
    """One uploaded 5W spreadsheet: who sent which file, when, and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued: waiting for a worker")
        VALIDATING = "validating", _("Validating: reading and checking the rows")
        WRITING = "writing", _("Writing: every row is valid; writing them")
        COMPLETED = "completed", _("Completed: every row written")
        VALIDATED = "validated", _("Validated (dry run): nothing written")
        REJECTED = "rejected", _("Rejected: some rows are invalid; nothing written")
        FAILED = "failed", _("Failed: the job stopped (see error); nothing written")
        CANCELLED = "cancelled", _("Cancelled: nothing written")

        @classmethod
        def running(cls) -> set[str]:
            return {cls.QUEUED, cls.VALIDATING, cls.WRITING}

    class FileFormat(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        related_name="imports",
        help_text="The uploader's organisation; scopes who sees the import.",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveIntegerField()
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file.")
    content = models.BinaryField(help_text="The file as uploaded, for its error report.")
    dry_run = models.BooleanField(default=False)
    replace_months = models.BooleanField(default=False)
    history = models.BooleanField(
        default=False,
        help_text="Past months imported with their flaws: rows breaking only the region's "
        "Consistency or Accuracy checks are stored, flagged (coordinators).",
    )
    flagged = models.PositiveIntegerField(default=0, help_text="Rows stored with flags.")
    status = models.CharField(max_length=10, choices=Status.choices)
    batch_id = models.UUIDField(help_text="Names the import in the history it wrote.")
    rows = models.PositiveIntegerField(default=0, help_text="Data rows read from the file.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, help_text="[{row, field, code, message}]: the first MAX_ROW_ERRORS."
    )
    errors_total = models.PositiveIntegerField(default=0, help_text="Every problem found.")
    text_repaired = models.PositiveIntegerField(
        default=0,
        help_text="Cells whose text arrived double-encoded ('naturalizaciÃ³n', UTF-8 read as "
        "Latin-1) and was repaired (ftfy) before it was read.",
    )
    errors_omitted = models.JSONField(
        default=dict, help_text="{code: count} of the problems not listed in `errors`."
    )
    # A job import (a large file, or ?async=true): its progress, as other requests see it.
    run_as_job = models.BooleanField(default=False)
    rows_expected = models.PositiveIntegerField(
        null=True, blank=True, help_text="Lines in the file, as counted before reading."
    )
    rows_validated = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True, default="", help_text="Why a job failed.")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["partner", "checksum"])]

    def __str__(self) -> str:
        return f"import {self.pk} {self.file_name} ({self.status})"
