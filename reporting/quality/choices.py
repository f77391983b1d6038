from django.db import models


class CheckCategory(models.TextChoices):
    """The region's three groups of data-quality checks."""

    COMPLETENESS = "completeness", "Completeness"
    CONSISTENCY = "consistency", "Consistency"
    ACCURACY = "accuracy", "Accuracy"
