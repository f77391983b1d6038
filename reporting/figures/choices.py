from django.db import models


class ConsolidationModel(models.TextChoices):
    """How people reached in several sectors are combined without double counting."""

    SUM = "sum", "Sum of the sectors"
    MAX_SECTOR = "max_sector", "Per admin1 and population type, the highest sector"
    SOUTHERN_CONE = (
        "southern_cone",
        (
            "Per admin1: highest of Shelter, Food Security, Humanitarian Transportation, WASH; "
            "plus Protection; plus Integration, MPC, Health and Education"
        ),
    )


class Accumulation(models.TextChoices):
    MONTHLY = "monthly", "Combine the sectors of each month, then add the months (regional)"
    CUMULATIVE = "cumulative", "Add each sector's months, then combine the sectors once"


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
