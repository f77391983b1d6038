from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from reporting.activities.models import POPULATION_FIELDS
from reporting.figures.choices import Accumulation, ConsolidationModel
from reporting.locations.models import Location


class CountryFigureSettings(models.Model):
    """What a country's coordinators declared for its consolidated figures."""

    country = models.OneToOneField(
        Location, on_delete=models.PROTECT, related_name="figure_settings"
    )
    consolidation_model = models.CharField(
        max_length=20, choices=ConsolidationModel.choices, default=ConsolidationModel.MAX_SECTOR
    )
    accumulation = models.CharField(
        max_length=20,
        choices=Accumulation.choices,
        default=Accumulation.MONTHLY,
        help_text="The order of the two steps of people reached: monthly (the regional "
        "consolidation) or cumulative.",
    )
    rmrp_only = models.BooleanField(
        default=True, help_text="People reached counts only RMRP activities."
    )
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["country__pcode"]
        verbose_name_plural = "country figure settings"

    def __str__(self) -> str:
        return f"{self.country_id}: {self.consolidation_model}"


POPULATION_TYPES = [("", "All population types")] + [
    (key, key.replace("_", " ")) for key, _ in POPULATION_FIELDS
]


class PlanTarget(models.Model):
    """A plan year's target and people in need for one sector in one admin1 (optionally for
    one population type), as the response plan sets them: what progress is measured against."""

    plan_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2018), MaxValueValidator(2100)]
    )
    admin1 = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("indicators.Sector", on_delete=models.PROTECT, related_name="+")
    population_type = models.CharField(
        max_length=20, choices=POPULATION_TYPES, blank=True, default="",
        help_text="Empty: all population types together.",
    )  # fmt: skip
    target = models.PositiveIntegerField(help_text="People the plan aims to reach.")
    people_in_need = models.PositiveIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["plan_year", "admin1__pcode", "sector__code", "population_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "admin1", "sector", "population_type"],
                name="plantarget_unique_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_year} {self.admin1_id} {self.sector_id}: {self.target}"
