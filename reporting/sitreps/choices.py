from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """Where a key figure stands in the situation report."""

    SITUATION = "situation", _("Situation")
    RESPONSE = "response", _("Response")
