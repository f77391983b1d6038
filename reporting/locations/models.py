from django.db import models
from django.db.models import Q

from reporting.locations.choices import LocationLevel


class Location(models.Model):
    """Country (ISO3, e.g. PER), admin1 (PE24) or admin2 (PE2401), identified by P-code."""

    pcode = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=LocationLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["pcode"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=LocationLevel.COUNTRY, parent__isnull=True)
                | Q(~Q(level=LocationLevel.COUNTRY), parent__isnull=False),
                name="location_parent_matches_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pcode} {self.name}"
