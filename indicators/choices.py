from django.db import models


class IndicatorType(models.TextChoices):
    DIRECT_ASSISTANCE = "direct_assistance", "Direct Assistance"
    CAPACITY_BUILDING = "capacity_building", "Capacity Building"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    MECHANISM_ADVOCACY = "mechanism_advocacy", "Mechanism/Advocacy"
    CAMPAIGN = "campaign", "Campaign"
    OTHER = "other", "Other"

    @classmethod
    def counting_new_beneficiaries(cls) -> set[str]:
        """Types whose rows may report new beneficiaries and their breakdowns."""
        return {cls.DIRECT_ASSISTANCE, cls.CAPACITY_BUILDING}
