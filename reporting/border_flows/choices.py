from django.db import models


class BorderPointKind(models.TextChoices):
    OFFICIAL = "official", "Official crossing"
    INFORMAL = "informal", "Informal crossing"


class Direction(models.TextChoices):
    ENTRY = "entry", "Entry into the country"
    EXIT = "exit", "Exit from the country"


class CountType(models.TextChoices):
    """What an observation's `people` counts."""

    CROSSINGS = "crossings", "People counted crossing"
    RESPONDENTS = "respondents", "People asked in a survey (e.g. about travel modes): not a flow"


class ObservationMethod(models.TextChoices):
    FLOW_MONITORING = "flow_monitoring", "Flow monitoring"
    KEY_INFORMANT = "key_informant", "Key informant"
    OFFICIAL_RECORDS = "official_records", "Official records"
    OTHER = "other", "Other"
