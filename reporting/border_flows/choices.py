from django.db import models


class BorderPointKind(models.TextChoices):
    OFFICIAL = "official", "Official crossing"
    INFORMAL = "informal", "Informal crossing"


class Direction(models.TextChoices):
    ENTRY = "entry", "Entry into the country"
    EXIT = "exit", "Exit from the country"


class ObservationMethod(models.TextChoices):
    FLOW_MONITORING = "flow_monitoring", "Flow monitoring"
    KEY_INFORMANT = "key_informant", "Key informant"
    OFFICIAL_RECORDS = "official_records", "Official records"
    OTHER = "other", "Other"
