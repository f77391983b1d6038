from django.db import models


class LocationLevel(models.TextChoices):
    COUNTRY = "country", "Country"
    ADMIN1 = "admin1", "Admin level 1"
    ADMIN2 = "admin2", "Admin level 2"
