from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsolidationModel(models.TextChoices):
    """How people reached in several sectors are combined without double counting."""

    SUM = "sum", _("Sum of the sectors")
    MAX_SECTOR = "max_sector", _("Per admin1 and population type, the highest sector")
    SOUTHERN_CONE = (
        "southern_cone",
        _(
            "Per admin1: highest of Shelter, Food Security, Humanitarian Transportation, WASH; "
            "plus Protection; plus Integration, MPC, Health and Education"
        ),
    )


class Accumulation(models.TextChoices):
    MONTHLY = "monthly", _("Combine the sectors of each month, then add the months (regional)")
    CUMULATIVE = "cumulative", _("Add each sector's months, then combine the sectors once")


class ProportionsVariant(models.TextChoices):
    """Which age/sex proportions split each population type into girls, boys, women and men
    (the regional tables come in two variants)."""

    PIN = "pin", "Proportions of the people in need"
    TARGET = "target", "Proportions of the plan's target population"


class Proportions(models.TextChoices):
    """What people reached under a max model applies: a variant of the proportions table,
    or none (each population type's highest sector as reported)."""

    PIN = "pin", "The people-in-need proportions"
    TARGET = "target", "The target proportions"
    NONE = "none", "None: the highest sector per population type"


class Rounding(models.TextChoices):
    """How the max step rounds people x share to whole people."""

    HALF_EVEN = (
        "half_even",
        "As the region's script (R's round()): the product on the double, half to even",
    )
    HALF_UP = "half_up", "The exact decimal product, half up"


class MissingShares(models.TextChoices):
    """What the max step does where the proportions table has no share for a subsector's
    population type."""

    ZERO = (
        "zero",
        "As the region's script: the group's highest is unknown (R's NA) and counts 0",
    )
    PLAIN_MAX = (
        "plain_max",
        "The admin1 takes the highest sector per population type as reported (listed in "
        "proportions_uncovered)",
    )


class IndicatorTypes(models.TextChoices):
    """Which indicators monthly beneficiaries add."""

    DIRECT_ASSISTANCE = "direct_assistance", "Direct Assistance only (the region's script)"
    ALL = "all", "Every indicator type"
