from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorType(models.TextChoices):
    DIRECT_ASSISTANCE = "direct_assistance", _("Direct Assistance")
    CAPACITY_BUILDING = "capacity_building", _("Capacity Building")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    MECHANISM_ADVOCACY = "mechanism_advocacy", _("Mechanism/Advocacy")
    CAMPAIGN = "campaign", _("Campaign")
    OTHER = "other", _("Other")

    @classmethod
    def counting_new_beneficiaries(cls) -> set[str]:
        """Types whose rows may report new beneficiaries and their breakdowns."""
        return {cls.DIRECT_ASSISTANCE, cls.CAPACITY_BUILDING}
