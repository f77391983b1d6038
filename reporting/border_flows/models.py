from django.db import models
from django.db.models import F, Q

from config.api.fields import count_validators
from config.db.models import HistoryEntry, VersionedModel
from reporting.border_flows.choices import BorderPointKind, CountType, Direction, ObservationMethod
from reporting.common.references import ReferenceIndex
from reporting.locations.models import Location


class BorderPoint(models.Model):
    """A place where people cross the border, official or informal."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    admin1 = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    admin2 = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    neighbour_country = models.CharField(max_length=3, help_text="ISO3 of the other side.")
    kind = models.CharField(max_length=10, choices=BorderPointKind.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BorderCrossing(VersionedModel):
    """People counted crossing at a border point on a day or over a period."""

    border_point = models.ForeignKey(BorderPoint, on_delete=models.PROTECT, related_name="+")
    date_from = models.DateField()
    date_to = models.DateField()
    direction = models.CharField(max_length=5, choices=Direction.choices)
    nationality = models.CharField(max_length=3, default="VEN", help_text="ISO3.")
    people = models.PositiveIntegerField(validators=count_validators)
    girls = models.PositiveIntegerField(null=True, blank=True, validators=count_validators)
    boys = models.PositiveIntegerField(null=True, blank=True, validators=count_validators)
    women = models.PositiveIntegerField(null=True, blank=True, validators=count_validators)
    men = models.PositiveIntegerField(null=True, blank=True, validators=count_validators)
    on_foot_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    motor_vehicle_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    other_mode_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    count_type = models.CharField(
        max_length=12,
        choices=CountType.choices,
        default=CountType.CROSSINGS,
        help_text="What `people` counts: crossings, or the respondents of a survey (their "
        "travel modes, say), who are not a flow and stay out of the series.",
    )
    method = models.CharField(max_length=20, choices=ObservationMethod.choices)
    source = models.CharField(max_length=200, help_text='e.g. "DTM Round 3, 2021-03-30".')
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    notes = models.TextField(blank=True, max_length=5000)

    # What makes two observations the same (409 on create; batches upsert on it).
    KEY = ("border_point_id", "date_from", "date_to", "direction", "nationality", "source")

    class Meta(VersionedModel.Meta):
        ordering = ["id"]
        indexes = [
            models.Index(fields=["date_from", "border_point"]),
            models.Index(fields=["partner", "date_from"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "border_point",
                    "date_from",
                    "date_to",
                    "direction",
                    "nationality",
                    "source",
                ],
                condition=Q(deleted_at__isnull=True),
                name="bordercrossing_unique_observation",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")), name="bordercrossing_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.border_point_id} {self.date_from} {self.direction} {self.people}"

    @property
    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.KEY)


class BorderCrossingHistoryEntry(HistoryEntry):
    """One create, change or delete of a border-crossing observation."""

    crossing = models.ForeignKey(BorderCrossing, on_delete=models.PROTECT, related_name="history")

    class Meta:
        ordering = ["crossing_id", "id"]
        verbose_name_plural = "border crossing history entries"

    def __str__(self) -> str:
        return f"crossing {self.crossing_id} v{self.version} {self.action}"


ReferenceIndex.register("border_point", lambda: (BorderPoint.objects.select_related(), "code"))
