from django.db import models
from django.utils.translation import gettext_lazy as _


class BorderPointKind(models.TextChoices):
    OFFICIAL = "official", _("Official crossing")
    INFORMAL = "informal", _("Informal crossing")


class Direction(models.TextChoices):
    ENTRY = "entry", _("Entry into the country")
    EXIT = "exit", _("Exit from the country")


class CountType(models.TextChoices):
    """What an observation's `people` counts."""

    CROSSINGS = "crossings", _("People counted crossing")
    RESPONDENTS = "respondents", _("People asked in a survey (e.g. about travel modes): not a flow")


class ObservationMethod(models.TextChoices):
    FLOW_MONITORING = "flow_monitoring", _("Flow monitoring")
    KEY_INFORMANT = "key_informant", _("Key informant")
    OFFICIAL_RECORDS = "official_records", _("Official records")
    OTHER = "other", _("Other")
