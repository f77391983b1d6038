from django.db import models
from django.db.models import Q

from reporting.locations.choices import LocationLevel


class Platform(models.Model):
    """A sub-regional platform of the region (Southern Cone, Caribbean, Peru...): the
    countries whose response it coordinates."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    name_es = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Location(models.Model):
    """Country (ISO3, e.g. PER), admin1 (a P-code such as PE24 where the platform has one,
    else ISO 3166-2: AR-C, CL-AN) or admin2 (PE2401)."""

    pcode = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=10, choices=LocationLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name_es = models.CharField(max_length=200, blank=True, default="", help_text="In Spanish.")
    region_name = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="The name the region's own files use (its 5W exports, its consolidation "
        "template): 'Ancash', 'Bogotá D.C.'.",
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="countries",
        help_text="Countries: the sub-regional platform.",
    )  # fmt: skip

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
