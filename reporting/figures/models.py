from django.conf import settings
from django.db import models

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
